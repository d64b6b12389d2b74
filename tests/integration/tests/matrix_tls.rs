//! HTTPS to a homeserver with a company's own certificate authority: a
//! Synapse serving a certificate from a test CA is trusted with that CA as
//! the profile's extra CA, refused without it, and refused under a name the
//! certificate does not carry. As for the relay (`warmline_backends::tls`),
//! a certificate Warmline cannot verify is a sign-in problem for the person
//! who set it up, not a network failure to retry.

use std::sync::Arc;

use warmline_backends::matrix::MatrixSettings;
use warmline_core::{BackendError, MessageId, OutgoingMessage, SupportBackend, Timestamp};
use warmline_integration_tests::matrix::{
    blocking, english, matrix_backend_in_memory, quick_matrix_config,
};
use warmline_synapse::{Synapse, TestCertificates};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeserver_with_its_own_ca_is_trusted_only_with_that_ca_and_under_its_name() {
    let (synapse, certificates, user, support) = blocking(|| {
        let certificates = TestCertificates::new("localhost").expect("test certificates");
        let synapse = Arc::new(Synapse::start_with_tls(&certificates).expect("Synapse starts"));
        let user = synapse.register("tls-user", "Anna").unwrap();
        let support = synapse.register("tls-support", "Support").unwrap();
        (synapse, certificates, user, support)
    })
    .await;
    let https = synapse.tls_url().expect("a TLS listener");
    let settings = |url: &str, ca: bool| {
        let mut settings =
            MatrixSettings::with_support_account(url, user.user_id(), support.user_id());
        if ca {
            settings.extra_ca = Some(certificates.ca().display().to_string());
        }
        assert!(settings.validate().is_empty(), "{:?}", settings.validate());
        settings
    };

    let trusted = matrix_backend_in_memory(quick_matrix_config(settings(&https, true)), &user);
    let session = trusted
        .open_conversation(english(None))
        .await
        .expect("trusted with the extra CA");
    trusted
        .send_message(
            &session.conversation,
            OutgoingMessage {
                id: MessageId::new(),
                text: "over TLS".into(),
                written_at: Timestamp::now(),
            },
        )
        .await
        .unwrap();

    let untrusted = matrix_backend_in_memory(quick_matrix_config(settings(&https, false)), &user);
    let refused = untrusted.open_conversation(english(None)).await;
    match &refused {
        Err(error @ BackendError::Unauthorized(text)) => {
            assert!(text.contains("certificate"), "{text}");
            assert!(!error.is_transient());
        }
        other => panic!("an unknown CA must be refused, got {other:?}"),
    }

    let port = https.rsplit(':').next().unwrap();
    let wrong_name = format!("https://127.0.0.1:{port}");
    let misnamed =
        matrix_backend_in_memory(quick_matrix_config(settings(&wrong_name, true)), &user);
    let refused = misnamed.open_conversation(english(None)).await;
    assert!(
        matches!(&refused, Err(BackendError::Unauthorized(text)) if text.contains("certificate")),
        "a certificate for another name must be refused, got {refused:?}"
    );
}
