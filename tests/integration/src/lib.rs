//! Cross-crate tests live in `tests/`; this library holds what the network
//! tests and the outbox benchmark share: an engine on the relay adapter with
//! short, test-sized waits, and a way to wait for the engine on the real
//! clock.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use warmline_backends::relay::{RelayBackend, RelayConfig};
use warmline_core::{
    Author, ConversationSnapshot, ConversationStore, DeliveryState, EngineConfig, EngineHandle,
    MessageBody, ResumeState, Secret, SecretError, SecretSource, SupportBackend,
};

/// Relay adapter settings for loopback tests: a dead connection is noticed
/// within half a second instead of the real 25 seconds.
pub fn quick_relay_config(url: String) -> RelayConfig {
    RelayConfig {
        ping_interval: Duration::from_millis(100),
        dead_after: Duration::from_millis(400),
        request_timeout: Duration::from_millis(500),
        connect_timeout: Duration::from_millis(500),
        probe_interval: Duration::from_millis(50),
        ..RelayConfig::new(url)
    }
}

/// Engine settings for loopback tests: backoff from 20 ms to 200 ms, with
/// a fixed jitter seed.
pub fn quick_engine_config(seed: u64) -> EngineConfig {
    EngineConfig {
        retry_initial: Duration::from_millis(20),
        retry_max: Duration::from_millis(200),
        backoff_seed: Some(seed),
        ..EngineConfig::new("en-US")
    }
}

/// An engine on the relay `relay` describes, keeping its conversation in
/// `store`, and the adapter's event cursor there too (as the app's factory
/// wires it).
pub fn start_relay_engine(
    relay: RelayConfig,
    store: Arc<dyn ConversationStore>,
    engine: EngineConfig,
) -> EngineHandle {
    let backend =
        RelayBackend::new(relay).with_resume(ResumeState::new(Arc::clone(&store), "relay"));
    EngineHandle::start_with_store(Arc::new(backend) as Arc<dyn SupportBackend>, store, engine)
}

/// [`start_relay_engine`] presenting `token` as its sign-in token.
pub fn start_relay_engine_with_token(
    relay: RelayConfig,
    token: &str,
    store: Arc<dyn ConversationStore>,
    engine: EngineConfig,
) -> EngineHandle {
    let backend = RelayBackend::new(relay)
        .with_secrets(TestSecrets::new(Some(token)))
        .with_resume(ResumeState::new(Arc::clone(&store), "relay"));
    EngineHandle::start_with_store(Arc::new(backend) as Arc<dyn SupportBackend>, store, engine)
}

/// Polls the snapshot on the real clock until `done` holds. `limit` is a
/// safety net against a hang, not a measurement: it is far above what any
/// run needs.
pub async fn eventually(
    engine: &EngineHandle,
    what: &str,
    limit: Duration,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let snapshot = engine.snapshot().await.expect("engine running");
        if done(&snapshot) {
            return snapshot;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!(
                "never happened within {limit:?}: {what}; connection {:?}, {} messages, {} unsent",
                snapshot.connection,
                snapshot.messages.len(),
                unsent(&snapshot)
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The texts of the user's messages, in the order written.
pub fn user_texts(snapshot: &ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter(|m| m.author == Author::User)
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect()
}

/// How many user messages are not acknowledged yet.
pub fn unsent(snapshot: &ConversationSnapshot) -> usize {
    snapshot
        .messages
        .iter()
        .filter(|m| m.author == Author::User && m.delivery != DeliveryState::Sent)
        .count()
}

/// Every user message is acknowledged.
pub fn all_sent(snapshot: &ConversationSnapshot) -> bool {
    unsent(snapshot) == 0
}

/// A keyring stand-in whose relay token (secret `token`) a test changes
/// while the adapter runs: stored, missing, or the keyring locked.
#[derive(Debug)]
pub struct TestSecrets {
    token: Mutex<Result<Option<String>, SecretError>>,
}

impl TestSecrets {
    /// Holds `token` (`None`: nothing stored).
    pub fn new(token: Option<&str>) -> Arc<Self> {
        Arc::new(Self {
            token: Mutex::new(Ok(token.map(str::to_owned))),
        })
    }

    /// Stores `token` (`None`: removes it).
    pub fn set_token(&self, token: Option<&str>) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Ok(token.map(str::to_owned));
    }

    /// Makes every read fail as a locked keyring does.
    pub fn lock_keyring(&self) {
        *self.token.lock().unwrap_or_else(PoisonError::into_inner) = Err(SecretError::Locked);
    }
}

impl SecretSource for TestSecrets {
    fn secret(&self, name: &str) -> Result<Secret, SecretError> {
        let token = self.token.lock().unwrap_or_else(PoisonError::into_inner);
        match (&*token, name) {
            (Err(error), _) => Err(error.clone()),
            (Ok(Some(token)), "token") => Ok(Secret::new(token.clone())),
            (Ok(_), _) => Err(SecretError::Missing(name.to_owned())),
        }
    }
}
