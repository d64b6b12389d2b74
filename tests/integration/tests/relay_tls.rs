//! `wss://` to the reference relay on loopback, with a certificate
//! authority the test makes: trusted with the CA as the profile's extra CA,
//! refused without it, refused for a certificate of another host name or
//! an expired one. A certificate Warmline cannot verify is a refused
//! sign-in (`Unauthorized`: ask the person who set it up), never a network
//! failure retried in a loop.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use warmline_backends::relay::{RelayBackend, RelayConfig};
use warmline_core::{
    BackendError, ConversationOptions, MessageId, OutgoingMessage, SupportBackend, Timestamp,
};
use warmline_integration_tests::{quick_relay_config, TestSecrets};
use warmline_netfault::{RelayServer, RelayServerConfig, ServerIdentity, TestCa};

const TOKEN: &str = "tok-tls-91d0c4-relay-secret";

async fn tls_server(identity: ServerIdentity) -> RelayServer {
    RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        tls: Some(identity),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap()
}

/// Writes the CA's certificate where a caregiver would put the file.
fn ca_file(ca: &TestCa, dir: &Path) -> PathBuf {
    let path = dir.join("company-ca.pem");
    ca.write_pem(&path).unwrap();
    path
}

fn backend(url: String, extra_ca: Option<PathBuf>) -> RelayBackend {
    RelayBackend::new(RelayConfig {
        extra_ca,
        ..quick_relay_config(url)
    })
    .with_secrets(TestSecrets::new(Some(TOKEN)) as _)
}

fn options() -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume: None,
    }
}

/// Opening must fail as a refused sign-in whose detail names `expected`.
async fn assert_untrusted(relay: &RelayBackend, expected: &str) {
    let error = relay.open_conversation(options()).await.unwrap_err();
    let BackendError::Unauthorized(detail) = &error else {
        panic!("expected a refused sign-in, got {error:?}");
    };
    assert!(!error.is_transient());
    assert!(detail.contains(expected), "{detail}");
    assert!(!detail.contains(TOKEN), "{detail}");
}

#[tokio::test]
async fn the_company_ca_makes_the_relay_trusted_and_its_absence_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue(&["localhost"])).await;
    assert!(server.url().starts_with("wss://"));

    let trusted = backend(server.url(), Some(ca_file(&ca, dir.path())));
    let session = trusted.open_conversation(options()).await.unwrap();
    trusted
        .send_message(
            &session.conversation,
            OutgoingMessage {
                id: MessageId::new(),
                text: "over TLS".into(),
                written_at: Timestamp(0),
            },
        )
        .await
        .unwrap();
    assert_eq!(server.received()[0].text, "over TLS");

    // The platform's roots alone do not know the company's CA.
    let untrusted = backend(server.url(), None);
    assert_untrusted(&untrusted, "UnknownIssuer").await;
    // Another company's CA does not help either.
    let other = TestCa::new("Someone else's CA");
    let other_dir = tempfile::tempdir().unwrap();
    let wrong_ca = backend(server.url(), Some(ca_file(&other, other_dir.path())));
    assert_untrusted(&wrong_ca, "UnknownIssuer").await;
    // TLS failed before the token was ever sent.
    assert_eq!(server.handshakes_refused(), 0);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_certificate_for_another_host_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue(&["relay.example.com"])).await;
    let relay = backend(server.url(), Some(ca_file(&ca, dir.path())));
    assert_untrusted(&relay, "NotValidForName").await;
    // An address by IP needs the IP in the certificate, too.
    let by_ip = backend(
        format!("wss://127.0.0.1:{}", server.addr().port()),
        Some(ca_file(&ca, dir.path())),
    );
    assert_untrusted(&by_ip, "NotValidForName").await;
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue_expired(&["localhost"])).await;
    let relay = backend(server.url(), Some(ca_file(&ca, dir.path())));
    assert_untrusted(&relay, "Expired").await;
}

#[tokio::test]
async fn an_extra_ca_file_that_is_missing_or_not_a_certificate_is_a_clear_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue(&["localhost"])).await;
    let missing = backend(server.url(), Some(dir.path().join("nowhere.pem")));
    assert_untrusted(&missing, "cannot be read").await;
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "this is not a certificate\n").unwrap();
    let not_pem = backend(server.url(), Some(garbage));
    assert_untrusted(&not_pem, "no readable PEM certificate").await;
    // Nothing was dialled: the configuration failed first.
    assert_eq!(server.connections_accepted(), 0);
}

#[tokio::test]
async fn the_probe_leaves_a_relay_it_cannot_verify_alone() {
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue(&["localhost"])).await;
    let relay = RelayBackend::new(RelayConfig {
        probe_interval: Duration::from_millis(20),
        ..quick_relay_config(server.url())
    });
    assert_untrusted(&relay, "UnknownIssuer").await;
    let accepted = server.connections_accepted();
    let probe = tokio::time::timeout(Duration::from_secs(1), relay.wait_until_reachable());
    assert!(
        probe.await.is_err(),
        "an untrusted relay reported reachable"
    );
    assert_eq!(server.connections_accepted(), accepted);
}

#[tokio::test]
async fn a_relay_profile_with_an_extra_ca_builds_a_trusting_adapter() {
    use warmline_backends::factory::{build_backend, AdapterContext};
    use warmline_backends::profile::{BackendSettings, RelaySettings};
    let dir = tempfile::tempdir().unwrap();
    let ca = TestCa::new("Warmline test company CA");
    let server = tls_server(ca.issue(&["localhost"])).await;
    let relay_settings = RelaySettings {
        url: server.url(),
        extra_ca: Some(ca_file(&ca, dir.path()).display().to_string()),
    };
    // What the settings area checks when the caregiver picks the file.
    assert_eq!(relay_settings.check_files(), []);
    let settings = BackendSettings::Relay(relay_settings);
    let relay = build_backend(
        &settings,
        AdapterContext {
            secrets: Arc::new(warmline_core::MemorySecrets::new().with("token", TOKEN)),
            resume: warmline_core::ResumeState::in_memory("relay"),
            demo: Default::default(),
        },
    )
    .unwrap();
    relay.open_conversation(options()).await.unwrap();
}
