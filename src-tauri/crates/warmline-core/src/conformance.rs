//! The conformance suite every [`SupportBackend`] adapter must pass.
//!
//! An adapter crate runs it with
//! `warmline_core::backend_conformance_tests!(async { make_backend().await });`
//! inside a test module; the expression must evaluate to
//! `Arc<dyn SupportBackend>` and is evaluated once per test, so every test
//! gets a fresh backend (for a server-backed adapter: a fresh account or room
//! on the test server the adapter's tests started).

use std::time::Duration;

use crate::backend::{
    BackendError, ConversationOptions, HandoffRequest, LeftMessage, OutgoingMessage, SupportBackend,
};
use crate::domain::{HandoffReason, MessageId, Timestamp};
use crate::summary::HandoffSummary;

/// How long a conforming backend may take to answer one call in these tests.
const CALL_LIMIT: Duration = Duration::from_secs(30);

fn options() -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".to_owned(),
        resume: None,
    }
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.to_owned(),
        written_at: Timestamp::now(),
    }
}

async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(CALL_LIMIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("{what} took longer than {CALL_LIMIT:?}"),
    }
}

/// The backend describes itself with a machine name.
pub async fn describes_itself(backend: &dyn SupportBackend) {
    let info = backend.info();
    assert!(!info.kind.is_empty(), "info().kind must name the adapter");
    assert!(
        info.kind
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
        "info().kind must be a lowercase machine name, got {:?}",
        info.kind
    );
}

/// Opening a conversation gives it an id; two openings give two ids.
pub async fn opens_distinct_conversations(backend: &dyn SupportBackend) {
    let first = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    let second = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    assert!(!first.conversation.0.is_empty());
    assert_ne!(first.conversation, second.conversation);
}

/// Resuming a conversation the backend still has returns the same one.
pub async fn resumes_a_known_conversation(backend: &dyn SupportBackend) {
    let first = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    let resumed = within(
        "open_conversation(resume)",
        backend.open_conversation(ConversationOptions {
            resume: Some(first.conversation.clone()),
            ..options()
        }),
    )
    .await
    .expect("resuming");
    assert_eq!(resumed.conversation, first.conversation);
}

/// A message is acknowledged, and sending it again with the same id is
/// recognized as a duplicate rather than stored twice.
pub async fn deduplicates_by_message_id(backend: &dyn SupportBackend) {
    let session = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    let outgoing = message("Where is my parcel?");
    let first = within(
        "send_message",
        backend.send_message(&session.conversation, outgoing.clone()),
    )
    .await
    .expect("send_message");
    assert!(!first.duplicate, "a first send is not a duplicate");
    let again = within(
        "send_message(again)",
        backend.send_message(&session.conversation, outgoing),
    )
    .await
    .expect("sending the same message again");
    assert!(
        again.duplicate,
        "the same id sent twice must be a duplicate"
    );
    assert_eq!(again.backend_id, first.backend_id);

    let other = within(
        "send_message(other)",
        backend.send_message(&session.conversation, message("Where is my parcel?")),
    )
    .await
    .expect("send_message");
    assert!(
        !other.duplicate,
        "the same text with a new id is a new message"
    );
    assert_ne!(other.backend_id, first.backend_id);
}

/// Sending into a conversation the backend never opened is an error, not a
/// silent success.
pub async fn rejects_unknown_conversation(backend: &dyn SupportBackend) {
    let result = within(
        "send_message(unknown)",
        backend.send_message(
            &crate::domain::ConversationId("warmline-conformance-no-such-conversation".into()),
            message("hello"),
        ),
    )
    .await;
    assert!(
        matches!(
            result,
            Err(BackendError::UnknownConversation(_) | BackendError::Rejected(_))
        ),
        "expected UnknownConversation or Rejected, got {result:?}"
    );
}

/// Asking for a person and withdrawing the request both succeed.
pub async fn requests_and_cancels_a_person(backend: &dyn SupportBackend) {
    let session = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    within(
        "request_handoff",
        backend.request_handoff(
            &session.conversation,
            HandoffRequest {
                reason: HandoffReason::Button,
                urgent_topic: None,
                locale: "en-US".into(),
                summary: HandoffSummary::default(),
            },
        ),
    )
    .await
    .expect("request_handoff");
    within(
        "cancel_handoff",
        backend.cancel_handoff(&session.conversation),
    )
    .await
    .expect("cancel_handoff");
}

/// A backend that declares it takes left messages confirms each with a
/// reference; one that does not says so with `Unsupported`.
pub async fn leaves_a_message_as_declared(backend: &dyn SupportBackend) {
    let session = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    let result = within(
        "leave_message",
        backend.leave_message(
            &session.conversation,
            LeftMessage {
                id: MessageId::new(),
                text: "Please call me about my bill".into(),
                callback: None,
                summary: HandoffSummary::default(),
            },
        ),
    )
    .await;
    if backend.info().capabilities.leave_message {
        let receipt = result.expect("leave_message is declared");
        assert!(!receipt.reference.trim().is_empty(), "a reference to quote");
    } else {
        assert!(
            matches!(result, Err(BackendError::Unsupported(_))),
            "undeclared leave_message must be Unsupported, got {result:?}"
        );
    }
}

/// A backend that takes left messages keeps one per id: the engine sends a
/// left message again after any doubt (a lost answer, a restart), and the
/// second call must get the first reference.
pub async fn leaves_a_message_once_by_its_id(backend: &dyn SupportBackend) {
    if !backend.info().capabilities.leave_message {
        return;
    }
    let session = within("open_conversation", backend.open_conversation(options()))
        .await
        .expect("open_conversation");
    let left = LeftMessage {
        id: MessageId::new(),
        text: "Please call me back about my pension".into(),
        callback: Some(crate::backend::CallbackRequest {
            phone: "020 7946 0000".into(),
            preferred_time: "mornings".into(),
        }),
        summary: HandoffSummary::default(),
    };
    let first = within(
        "leave_message",
        backend.leave_message(&session.conversation, left.clone()),
    )
    .await
    .expect("leave_message");
    let again = within(
        "leave_message again",
        backend.leave_message(&session.conversation, left),
    )
    .await
    .expect("leave_message again");
    assert_eq!(first, again, "the same id keeps its first reference");
    let other = within(
        "another leave_message",
        backend.leave_message(
            &session.conversation,
            LeftMessage {
                id: MessageId::new(),
                text: "And one more thing".into(),
                callback: None,
                summary: HandoffSummary::default(),
            },
        ),
    )
    .await
    .expect("another leave_message");
    assert_ne!(first, other, "another message gets its own reference");
}

/// Generates one `#[tokio::test]` per conformance check for an adapter.
///
/// The calling crate needs `tokio` (with `macros` and `rt`) as a
/// dev-dependency.
#[macro_export]
macro_rules! backend_conformance_tests {
    ($make_backend:expr) => {
        $crate::backend_conformance_tests!(@tests $make_backend;
            describes_itself,
            opens_distinct_conversations,
            resumes_a_known_conversation,
            deduplicates_by_message_id,
            rejects_unknown_conversation,
            requests_and_cancels_a_person,
            leaves_a_message_as_declared,
            leaves_a_message_once_by_its_id,
        );
    };
    (@tests $make_backend:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let backend: ::std::sync::Arc<dyn $crate::SupportBackend> = $make_backend.await;
                $crate::conformance::$check(backend.as_ref()).await;
            }
        )*
    };
}
