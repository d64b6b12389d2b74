//! The relay's sign-in token, against the reference server requiring it:
//! the right token opens and sends, a wrong or missing one is
//! `Unauthorized` (not a network failure to retry), a locked keyring is
//! transient and dials nothing, the reachability probe leaves a relay that
//! refuses alone until the token changes, and the token shows up in no
//! error and no log line, even at `trace`.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use warmline_backends::relay::{RelayBackend, RelayConfig};
use warmline_core::{
    BackendError, ConversationId, ConversationOptions, MessageId, OutgoingMessage, SupportBackend,
    Timestamp,
};
use warmline_integration_tests::{quick_relay_config, TestSecrets};
use warmline_netfault::{RelayServer, RelayServerConfig};

const TOKEN: &str = "tok-3b7f2e9a-relay-secret";
const WRONG: &str = "tok-wrong-5c1d-not-this-one";
/// A safety net against a hang, not a measurement.
const LIMIT: Duration = Duration::from_secs(20);

async fn server_requiring_token() -> RelayServer {
    RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap()
}

fn backend(config: RelayConfig, secrets: &Arc<TestSecrets>) -> RelayBackend {
    RelayBackend::new(config).with_secrets(Arc::clone(secrets) as _)
}

fn options() -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume: None,
    }
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.into(),
        written_at: Timestamp(0),
    }
}

#[tokio::test]
async fn the_right_token_opens_and_sends_on_every_connection() {
    let server = server_requiring_token().await;
    let secrets = TestSecrets::new(Some(TOKEN));
    let relay = backend(quick_relay_config(server.url()), &secrets);
    let session = relay.open_conversation(options()).await.unwrap();
    relay
        .send_message(&session.conversation, message("on the session"))
        .await
        .unwrap();
    // A second adapter has no session: its request travels on a short-lived
    // connection of its own, which must present the token too.
    let other = backend(quick_relay_config(server.url()), &secrets);
    other
        .send_message(&session.conversation, message("on its own connection"))
        .await
        .unwrap();
    let texts: Vec<_> = server.received().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["on the session", "on its own connection"]);
    assert_eq!(server.handshakes_refused(), 0);
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_a_refused_sign_in_that_names_no_token() {
    let server = server_requiring_token().await;
    for stored in [Some(WRONG), None] {
        let relay = backend(quick_relay_config(server.url()), &TestSecrets::new(stored));
        let opened = relay.open_conversation(options()).await;
        let Err(error) = opened else {
            panic!("{stored:?} must not open a conversation");
        };
        assert!(matches!(error, BackendError::Unauthorized(_)), "{error:?}");
        assert!(error.needs_sign_in() && !error.is_transient());
        let sent = relay
            .send_message(&ConversationId("c-1".into()), message("hello"))
            .await;
        assert!(
            matches!(sent, Err(BackendError::Unauthorized(_))),
            "{sent:?}"
        );
        let shown = format!("{error} {error:?} {sent:?}");
        assert!(!shown.contains(WRONG) && !shown.contains(TOKEN), "{shown}");
    }
    assert_eq!(server.handshakes_refused(), 4);
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_locked_keyring_is_transient_and_dials_nothing() {
    let server = server_requiring_token().await;
    let secrets = TestSecrets::new(Some(TOKEN));
    secrets.lock_keyring();
    let relay = backend(quick_relay_config(server.url()), &secrets);
    let error = relay.open_conversation(options()).await.unwrap_err();
    assert!(
        matches!(error, BackendError::CredentialsUnavailable(_)),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert_eq!(server.connections_accepted(), 0);
    // The probe waits for the keyring, not for the network.
    let probe = tokio::time::timeout(Duration::from_millis(500), relay.wait_until_reachable());
    assert!(
        probe.await.is_err(),
        "reachable although the keyring is locked"
    );
    assert_eq!(server.connections_accepted(), 0);
    secrets.set_token(Some(TOKEN));
    tokio::time::timeout(LIMIT, relay.wait_until_reachable())
        .await
        .expect("reachable once the keyring opens");
    relay.open_conversation(options()).await.unwrap();
}

#[tokio::test]
async fn the_probe_leaves_a_refusing_relay_alone_until_the_token_changes() {
    let server = server_requiring_token().await;
    let secrets = TestSecrets::new(Some(WRONG));
    let config = RelayConfig {
        probe_interval: Duration::from_millis(20),
        refused_recheck: Duration::from_secs(600),
        ..quick_relay_config(server.url())
    };
    let relay = backend(config.clone(), &secrets);
    let error = relay.open_conversation(options()).await.unwrap_err();
    assert!(matches!(error, BackendError::Unauthorized(_)), "{error:?}");
    assert_eq!(server.handshakes_refused(), 1);
    // About fifty probe rounds: none presents the refused token again.
    let probe = tokio::time::timeout(Duration::from_secs(1), relay.wait_until_reachable());
    assert!(probe.await.is_err(), "a refusing relay reported reachable");
    assert_eq!(server.handshakes_refused(), 1);

    // What the hold-off spares the relay: without it the same second of
    // probing is refused over and over (and the probe still never says
    // "reachable").
    let eager = backend(
        RelayConfig {
            refused_recheck: Duration::ZERO,
            ..config
        },
        &secrets,
    );
    let probe = tokio::time::timeout(Duration::from_secs(1), eager.wait_until_reachable());
    assert!(probe.await.is_err(), "a refusing relay reported reachable");
    let eager_refusals = server.handshakes_refused() - 1;
    assert!(eager_refusals >= 5, "{eager_refusals} refusals");

    // The caregiver enters the right token: the probe tries it at once.
    secrets.set_token(Some(TOKEN));
    tokio::time::timeout(LIMIT, relay.wait_until_reachable())
        .await
        .expect("reachable with the new token");
    relay.open_conversation(options()).await.unwrap();
}

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs a right-token and a wrong-token conversation (and a probe) with
/// every log line captured under `filter`, as the app logs, `log` records
/// of dependencies included.
fn logs_of_a_session(filter: tracing_subscriber::EnvFilter) -> String {
    // The app's subscriber forwards `log` records too (tungstenite uses
    // `log`); once per process, records go to this thread's subscriber.
    let _ = tracing_log::LogTracer::init();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // One thread, so every task logs to the subscriber set above.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = server_requiring_token().await;
        let right = backend(
            quick_relay_config(server.url()),
            &TestSecrets::new(Some(TOKEN)),
        );
        let session = right.open_conversation(options()).await.unwrap();
        right
            .send_message(&session.conversation, message("logged?"))
            .await
            .unwrap();
        let wrong = backend(
            quick_relay_config(server.url()),
            &TestSecrets::new(Some(WRONG)),
        );
        let error = wrong.open_conversation(options()).await.unwrap_err();
        tracing::debug!(%error, ?error, "test: the refusal as an app would log it");
        let _ =
            tokio::time::timeout(Duration::from_millis(200), wrong.wait_until_reachable()).await;
    });
    captured.text()
}

#[test]
fn the_token_reaches_no_log_line_even_at_trace() {
    let mut filter = tracing_subscriber::EnvFilter::new("trace");
    for directive in warmline_backends::SECRET_SAFE_LOG_DIRECTIVES {
        filter = filter.add_directive(directive.parse().unwrap());
    }
    let logs = logs_of_a_session(filter);
    assert!(
        logs.contains("refused the sign-in"),
        "the capture saw nothing: {logs}"
    );
    assert!(!logs.contains(TOKEN), "the token was logged:\n{logs}");
    assert!(!logs.contains(WRONG), "the wrong token was logged:\n{logs}");
}

#[test]
fn without_the_app_s_directives_tungstenite_would_log_the_token_at_trace() {
    // The reason for `SECRET_SAFE_LOG_DIRECTIVES`, and proof that the test
    // above can see a leak: the bare filter prints the upgrade request.
    let logs = logs_of_a_session(tracing_subscriber::EnvFilter::new("trace"));
    assert!(logs.contains(TOKEN), "expected tungstenite's request trace");
}

#[tokio::test]
async fn the_factory_hands_the_profile_s_token_to_the_relay() {
    use warmline_backends::factory::{build_backend, AdapterContext};
    use warmline_backends::profile::{BackendSettings, RelaySettings};
    let server = server_requiring_token().await;
    let settings = BackendSettings::Relay(RelaySettings {
        url: server.url(),
        extra_ca: None,
    });
    assert_eq!(settings.secret_names(), ["token"]);
    let context = |token| AdapterContext {
        secrets: TestSecrets::new(token) as _,
        resume: warmline_core::ResumeState::in_memory("relay"),
        demo: Default::default(),
    };
    let refused = build_backend(&settings, context(None)).unwrap();
    let error = refused.open_conversation(options()).await.unwrap_err();
    assert!(matches!(error, BackendError::Unauthorized(_)), "{error:?}");
    let relay = build_backend(&settings, context(Some(TOKEN))).unwrap();
    relay.open_conversation(options()).await.unwrap();
}
