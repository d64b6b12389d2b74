//! The event-stream half of the adapter conformance suite: what real
//! protocols differ in most. An event arrives after a send; the stream ends
//! when the connection is cut; a reopened conversation continues with no
//! event lost; the resume state an adapter writes through the store is used
//! after the adapter restarts.
//!
//! These checks need to control the service the adapter talks to, so an
//! adapter crate implements [`StreamHarness`] for its test service and runs
//! `warmline_core::stream_conformance_tests!(make_harness().await);`; the
//! expression is evaluated once per test and must give an
//! `Arc<dyn StreamHarness>`.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::backend::{
    BackendEvent, BackendSession, ConversationOptions, OutgoingMessage, SupportBackend,
};
use crate::domain::{ConversationId, MessageId, Timestamp};
use crate::store::{ConversationStore, MemoryStore, ResumeState};

/// How long a conforming backend may take to deliver one event in these
/// tests: a safety net against a hang, not a measurement.
const EVENT_LIMIT: Duration = Duration::from_secs(30);

/// The service under an adapter, as a test controls it.
#[async_trait]
pub trait StreamHarness: Send + Sync {
    /// A new adapter on the test's service, as a start of the app makes
    /// it, keeping its resume values in `resume`. Two calls give two
    /// adapters that share nothing but the service.
    async fn backend(&self, resume: ResumeState) -> Arc<dyn SupportBackend>;
    /// Cuts every connection to the service, as a network loss does. The
    /// service stays up: connecting again works right after.
    async fn cut_connection(&self);
    /// The support side writes `text` into `conversation` as a person
    /// would, whether Warmline is connected or not.
    async fn support_writes(&self, conversation: &ConversationId, text: &str);
    /// True when `event` is the other side's answer to the user's message
    /// `sent` (not, say, a greeting that came before it).
    fn answers(&self, sent: &str, event: &BackendEvent) -> bool;
}

fn options(resume: Option<ConversationId>) -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".to_owned(),
        resume,
    }
}

fn outgoing(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.to_owned(),
        written_at: Timestamp::now(),
    }
}

/// The text of a message event, for comparing what two streams delivered.
fn text_of(event: &BackendEvent) -> Option<&str> {
    match event {
        BackendEvent::BotMessage { text, .. }
        | BackendEvent::AgentMessage { text, .. }
        | BackendEvent::SystemMessage { text } => Some(text),
        _ => None,
    }
}

/// The next event, or `None` when the stream ended.
async fn next(session: &mut BackendSession, what: &str) -> Option<BackendEvent> {
    match tokio::time::timeout(EVENT_LIMIT, session.events.recv()).await {
        Ok(event) => event,
        Err(_) => panic!("no event within {EVENT_LIMIT:?} while waiting for {what}"),
    }
}

/// Reads events until one satisfies `done`, applying every checkpoint to
/// `store` as the engine does; returns every event read, that one last.
async fn read_until(
    session: &mut BackendSession,
    store: &dyn ConversationStore,
    what: &str,
    done: impl Fn(&BackendEvent) -> bool,
) -> Vec<BackendEvent> {
    let mut seen = Vec::new();
    loop {
        let Some(event) = next(session, what).await else {
            panic!("the stream ended while waiting for {what}; it had {seen:?}");
        };
        if let BackendEvent::Checkpoint { key, value } = &event {
            store.save_resume_value(key, Some(value)).unwrap();
        }
        let found = done(&event);
        seen.push(event);
        if found {
            return seen;
        }
    }
}

async fn open(backend: &dyn SupportBackend, resume: Option<ConversationId>) -> BackendSession {
    tokio::time::timeout(EVENT_LIMIT, backend.open_conversation(options(resume)))
        .await
        .expect("open_conversation answers")
        .expect("open_conversation")
}

fn fresh_resume(backend_kind: &str) -> (Arc<MemoryStore>, ResumeState) {
    let store = Arc::new(MemoryStore::new());
    let resume = ResumeState::new(
        Arc::clone(&store) as Arc<dyn ConversationStore>,
        backend_kind,
    );
    (store, resume)
}

/// Sends a message and reads until the other side answered it.
async fn send_and_read_answer(
    harness: &dyn StreamHarness,
    backend: &dyn SupportBackend,
    session: &mut BackendSession,
    store: &dyn ConversationStore,
    text: &str,
) -> Vec<BackendEvent> {
    tokio::time::timeout(
        EVENT_LIMIT,
        backend.send_message(&session.conversation, outgoing(text)),
    )
    .await
    .expect("send_message answers")
    .expect("send_message");
    read_until(session, store, "an answer to a message", |event| {
        harness.answers(text, event)
    })
    .await
}

/// Where most checks start: a fresh adapter on an empty store, a new
/// conversation, and one message answered.
async fn open_and_exchange(
    harness: &dyn StreamHarness,
    text: &str,
) -> (Arc<MemoryStore>, Arc<dyn SupportBackend>, BackendSession) {
    let (store, resume) = fresh_resume("conformance");
    let backend = harness.backend(resume).await;
    let mut session = open(backend.as_ref(), None).await;
    send_and_read_answer(
        harness,
        backend.as_ref(),
        &mut session,
        store.as_ref(),
        text,
    )
    .await;
    (store, backend, session)
}

/// Reads what the stream still gives after a cut, until it ends; a stream
/// that goes on and on after a cut fails the check.
async fn read_to_end_after_cut(session: &mut BackendSession) -> Vec<BackendEvent> {
    let mut after = Vec::new();
    while let Some(event) = next(session, "the end of the stream after a cut").await {
        assert!(
            after.len() < 1000,
            "the stream goes on after the cut: {after:?}"
        );
        after.push(event);
    }
    after
}

/// After a message is sent, the other side's answer arrives on the
/// conversation's stream.
pub async fn an_event_arrives_after_a_send(harness: Arc<dyn StreamHarness>) {
    open_and_exchange(harness.as_ref(), "Where is my parcel?").await;
}

/// When the connection is cut the stream ends (the engine then reconnects);
/// it never stays silently open on a dead connection.
pub async fn the_stream_ends_when_the_connection_is_cut(harness: Arc<dyn StreamHarness>) {
    let (_store, _backend, mut session) = open_and_exchange(harness.as_ref(), "Hello").await;
    harness.cut_connection().await;
    read_to_end_after_cut(&mut session).await;
}

/// A conversation reopened after a cut is the same one, and what the
/// support side wrote meanwhile arrives, once; then it goes on as before.
pub async fn a_reopened_conversation_continues_with_no_event_lost(harness: Arc<dyn StreamHarness>) {
    let (store, backend, mut session) = open_and_exchange(harness.as_ref(), "Hello").await;
    harness.cut_connection().await;
    read_to_end_after_cut(&mut session).await;
    let conversation = session.conversation.clone();
    let away = "Written while you were away";
    harness.support_writes(&conversation, away).await;

    let mut reopened = open(backend.as_ref(), Some(conversation.clone())).await;
    assert_eq!(reopened.conversation, conversation, "the same conversation");
    let mut seen = read_until(
        &mut reopened,
        store.as_ref(),
        "what was written while away",
        |e| text_of(e) == Some(away),
    )
    .await;
    seen.extend(
        send_and_read_answer(
            harness.as_ref(),
            backend.as_ref(),
            &mut reopened,
            store.as_ref(),
            "Thank you",
        )
        .await,
    );
    let copies = seen.iter().filter(|e| text_of(e) == Some(away)).count();
    assert_eq!(copies, 1, "delivered once: {seen:?}");
}

/// An adapter started again on the resume values the first one wrote
/// (through the engine's checkpoints) delivers what the support side wrote
/// while no adapter ran, and repeats at most the last event it had already
/// delivered.
pub async fn resume_state_is_used_after_an_adapter_restart(harness: Arc<dyn StreamHarness>) {
    let (store, resume) = fresh_resume("conformance");
    let first = harness.backend(resume.clone()).await;
    let mut session = open(first.as_ref(), None).await;
    let mut delivered = send_and_read_answer(
        harness.as_ref(),
        first.as_ref(),
        &mut session,
        store.as_ref(),
        "First question",
    )
    .await;
    delivered.extend(
        send_and_read_answer(
            harness.as_ref(),
            first.as_ref(),
            &mut session,
            store.as_ref(),
            "Second question",
        )
        .await,
    );
    let conversation = session.conversation.clone();
    // The app closes.
    drop(session);
    drop(first);
    harness.cut_connection().await;
    let closed = "Written while the app was closed";
    harness.support_writes(&conversation, closed).await;

    let again = harness.backend(resume).await;
    let mut session = open(again.as_ref(), Some(conversation.clone())).await;
    assert_eq!(session.conversation, conversation, "the same conversation");
    let replayed = read_until(
        &mut session,
        store.as_ref(),
        "what was written while closed",
        |e| text_of(e) == Some(closed),
    )
    .await;
    let old: Vec<&str> = delivered.iter().filter_map(text_of).collect();
    let last = old.last().copied();
    let repeated: Vec<&str> = replayed
        .iter()
        .filter_map(text_of)
        .filter(|text| old.contains(text) && Some(*text) != last)
        .collect();
    assert!(
        repeated.is_empty(),
        "only the last event may come again after a restart, but {repeated:?} did"
    );
}

/// Generates one `#[tokio::test]` per stream check for an adapter.
///
/// The calling crate needs `tokio` (with `macros` and `rt-multi-thread`)
/// as a dev-dependency.
#[macro_export]
macro_rules! stream_conformance_tests {
    ($make_harness:expr) => {
        $crate::stream_conformance_tests!(@tests $make_harness;
            an_event_arrives_after_a_send,
            the_stream_ends_when_the_connection_is_cut,
            a_reopened_conversation_continues_with_no_event_lost,
            resume_state_is_used_after_an_adapter_restart,
        );
    };
    (@tests $make_harness:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let harness: ::std::sync::Arc<dyn $crate::stream_conformance::StreamHarness> =
                    $make_harness;
                $crate::stream_conformance::$check(harness).await;
            }
        )*
    };
}
