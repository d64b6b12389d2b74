//! What the Chatwoot tests share: the adapter on the fake with test-sized
//! waits, and reading a session's events with a generous limit.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::chatwoot::{ChatwootBackend, ChatwootConfig};
use warmline_backends::profile::ChatwootSettings;
use warmline_chatwoot_fake::{ChatwootFake, FakeConfig};
use warmline_core::{
    BackendEvent, BackendSession, ConversationOptions, ConversationStore, MemorySecrets,
    MemoryStore, MessageId, OutgoingMessage, ResumeState, SecretSource, Timestamp,
};

/// A safety net against a hang, far above what any step needs.
pub const LIMIT: Duration = Duration::from_secs(20);

/// The fake's ActionCable pings every 100 ms, so a silent socket is
/// noticed after 600 ms.
pub fn fake_config() -> FakeConfig {
    FakeConfig {
        ping_interval: Duration::from_millis(100),
        ..FakeConfig::default()
    }
}

/// Adapter settings for `url` with waits fit for loopback.
pub fn quick_config(url: &str) -> ChatwootConfig {
    ChatwootConfig {
        request_timeout: Duration::from_millis(1500),
        connect_timeout: Duration::from_millis(1500),
        presence_interval: Duration::from_millis(200),
        dead_after: Duration::from_millis(600),
        probe_interval: Duration::from_millis(50),
        settle_after_ambiguous: Duration::from_millis(300),
        ..ChatwootConfig::from_settings(&ChatwootSettings {
            server_url: url.to_owned(),
            inbox_identifier: FakeConfig::default().inbox_identifier,
            contact_name: "Mei Lin".into(),
            contact_identifier: String::new(),
            agent_locale: String::new(),
        })
    }
}

/// An adapter on the fake with its own in-memory store.
pub fn backend(url: &str) -> ChatwootBackend {
    backend_with(
        quick_config(url),
        Arc::new(MemoryStore::new()),
        Arc::new(MemorySecrets::new()),
    )
}

/// An adapter on `store` (as after an app restart, when it is the same).
pub fn backend_with(
    config: ChatwootConfig,
    store: Arc<dyn ConversationStore>,
    secrets: Arc<dyn SecretSource>,
) -> ChatwootBackend {
    ChatwootBackend::new(config, secrets, ResumeState::new(store, "chatwoot"))
}

pub fn options(resume: Option<&BackendSession>) -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume: resume.map(|s| s.conversation.clone()),
    }
}

pub fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.into(),
        written_at: Timestamp::now(),
    }
}

/// The session's next event that is not a checkpoint.
pub async fn next_event(session: &mut BackendSession) -> Option<BackendEvent> {
    loop {
        let event = tokio::time::timeout(LIMIT, session.events.recv())
            .await
            .expect("an event within the limit")?;
        if !matches!(event, BackendEvent::Checkpoint { .. }) {
            return Some(event);
        }
    }
}

/// Waits for the session's stream to end, skipping events.
pub async fn stream_ends(session: &mut BackendSession) {
    tokio::time::timeout(LIMIT, async {
        while session.events.recv().await.is_some() {}
    })
    .await
    .expect("the stream ends within the limit");
}

/// Polls `done` on the real clock; `LIMIT` is a safety net.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + LIMIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The fake found nothing that the spec does not allow.
pub fn assert_spec_kept(fake: &ChatwootFake) {
    let violations = fake.violations();
    assert!(violations.is_empty(), "spec violations: {violations:#?}");
}
