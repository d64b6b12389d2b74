//! Unit tests of the adapter that need no homeserver. Everything that talks
//! to one runs against a real Synapse in `tests/integration/tests/matrix_*.rs`.

use super::*;
use warmline_core::MemorySecrets;

fn backend(settings: MatrixSettings) -> MatrixBackend {
    MatrixBackend::new(
        MatrixConfig::new(settings),
        Arc::new(MemorySecrets::new()),
        ResumeState::in_memory(KIND),
    )
}

#[test]
fn capabilities_say_queue_numbers_only_when_the_support_side_posts_them() {
    let mut settings = MatrixSettings::in_room("https://m.example", "anna", "!r:m.example");
    let info = backend(settings.clone()).info();
    assert_eq!(info.kind, "matrix");
    assert!(!info.demo);
    assert!(!info.capabilities.queue_position && !info.capabilities.wait_estimate);
    assert!(info.capabilities.agent_identity && info.capabilities.leave_message);
    settings.queue_events = true;
    let info = backend(settings).info();
    assert!(info.capabilities.queue_position && info.capabilities.wait_estimate);
}

#[test]
fn the_configured_user_matches_a_full_id_or_a_localpart() {
    let by_local = backend(MatrixSettings::in_room("https://m.example", "anna", "!r:m"));
    assert!(by_local.inner.is_configured_user("@anna:m.example"));
    assert!(!by_local.inner.is_configured_user("@annabel:m.example"));
    let by_id = backend(MatrixSettings::in_room(
        "https://m.example",
        "@anna:m.example",
        "!r:m",
    ));
    assert!(by_id.inner.is_configured_user("@anna:m.example"));
    assert!(!by_id.inner.is_configured_user("@anna:other.example"));
}

#[tokio::test]
async fn no_stored_secret_is_a_sign_in_problem_before_any_network() {
    // Port 9 on loopback: nothing listens, and nothing is asked anyway.
    let adapter = backend(MatrixSettings::in_room(
        "http://127.0.0.1:9",
        "anna",
        "!r:m",
    ));
    let result = adapter
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: None,
        })
        .await;
    assert!(
        matches!(result, Err(BackendError::Unauthorized(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn an_unknown_room_id_is_an_unknown_conversation() {
    let adapter = backend(MatrixSettings::in_room(
        "http://127.0.0.1:9",
        "anna",
        "!r:m",
    ));
    let result = adapter
        .send_message(
            &ConversationId("not-a-room".into()),
            OutgoingMessage {
                id: MessageId::new(),
                text: "hello".into(),
                written_at: warmline_core::Timestamp::now(),
            },
        )
        .await;
    assert!(
        matches!(result, Err(BackendError::UnknownConversation(_))),
        "{result:?}"
    );
}
