//! What the Matrix tests share: adapter settings sized for loopback, an
//! adapter signed in with a test account's password, and a way to wait for
//! one event on a session's stream.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::matrix::{MatrixBackend, MatrixConfig, MatrixSettings, KIND};
use warmline_core::{
    BackendEvent, ConversationOptions, ConversationStore, MemorySecrets, MemoryStore, ResumeState,
};
use warmline_synapse::TestUser;

/// Matrix adapter settings for loopback tests: `/sync` held one second,
/// probes every 100 ms. The network limit stays generous: a busy 2-core
/// machine can take many seconds to answer (stalls in the chaos test end
/// by themselves, cuts and refusals fail at once).
pub fn quick_matrix_config(settings: MatrixSettings) -> MatrixConfig {
    MatrixConfig {
        sync_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(2),
        probe_interval: Duration::from_millis(100),
        ..MatrixConfig::new(settings)
    }
}

/// The password of `user` as the keyring would hold it.
pub fn password_of(user: &TestUser) -> Arc<MemorySecrets> {
    Arc::new(MemorySecrets::new().with("password", user.password()))
}

/// An adapter for `user`, with its resume state in `store`.
pub fn matrix_backend(
    config: MatrixConfig,
    user: &TestUser,
    store: Arc<dyn ConversationStore>,
) -> MatrixBackend {
    MatrixBackend::new(config, password_of(user), ResumeState::new(store, KIND))
}

/// An adapter for `user` with its resume state in a fresh memory store.
pub fn matrix_backend_in_memory(config: MatrixConfig, user: &TestUser) -> MatrixBackend {
    matrix_backend(config, user, Arc::new(MemoryStore::new()))
}

/// Options for opening a conversation in English.
pub fn english(resume: Option<warmline_core::ConversationId>) -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume,
    }
}

/// A unique prefix for accounts of one test on a shared server.
pub fn unique(name: &str) -> String {
    let id = warmline_core::MessageId::new().to_string();
    format!("{name}-{}", &id[..8])
}

/// Waits for the first event on `events` that `wanted` picks, storing the
/// checkpoints it passes into `store` as the engine would. `limit` is a
/// safety net against a hang, not a measurement. Panics when the stream
/// ends first.
pub async fn next_event(
    events: &mut tokio::sync::mpsc::Receiver<BackendEvent>,
    store: Option<&dyn ConversationStore>,
    what: &str,
    wanted: impl Fn(&BackendEvent) -> bool,
) -> BackendEvent {
    let limit = Duration::from_secs(60);
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let event = tokio::time::timeout_at(deadline, events.recv())
            .await
            .unwrap_or_else(|_| panic!("never came within {limit:?}: {what}"))
            .unwrap_or_else(|| panic!("the stream ended before {what}"));
        if let BackendEvent::Checkpoint { key, value } = &event {
            if let Some(store) = store {
                store.save_resume_value(key, Some(value)).unwrap();
            }
        }
        if wanted(&event) {
            return event;
        }
    }
}

/// Runs blocking harness calls (the test agents' HTTP) off the runtime.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work)
        .await
        .expect("harness call")
}

/// An engine on a Matrix adapter for `user`, keeping its conversation and
/// the adapter's resume state in `store`, as the app does.
pub fn start_matrix_engine(
    config: MatrixConfig,
    user: &TestUser,
    store: Arc<dyn ConversationStore>,
    seed: u64,
) -> warmline_core::EngineHandle {
    let backend = Arc::new(matrix_backend(config, user, Arc::clone(&store)))
        as Arc<dyn warmline_core::SupportBackend>;
    warmline_core::EngineHandle::start_with_store(backend, store, crate::quick_engine_config(seed))
}

/// The texts of the agents' messages in a snapshot, with who wrote them.
pub fn agent_texts(snapshot: &warmline_core::ConversationSnapshot) -> Vec<(String, String)> {
    snapshot
        .messages
        .iter()
        .filter_map(|m| match (&m.author, &m.body) {
            (
                warmline_core::Author::Agent { name, .. },
                warmline_core::MessageBody::Text { text },
            ) => Some((name.clone(), text.clone())),
            _ => None,
        })
        .collect()
}
