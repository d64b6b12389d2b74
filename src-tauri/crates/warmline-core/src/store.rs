//! Durable storage of the conversation, so nothing is lost to a crash, a
//! restart or a network loss.
//!
//! The engine writes through [`ConversationStore`] *before* it acts: a user
//! message is stored before it is sent, a handoff request before it is made.
//! `warmline-store` implements it on SQLite; [`MemoryStore`] here serves tests.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::backend::CallbackRequest;
use crate::domain::{
    ConversationId, DeliveryState, HandoffReason, HandoffState, Message, MessageId, Timestamp,
};
use crate::intent::UrgentTopic;

/// A request for a person that the backend has not confirmed yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingHandoff {
    /// Why the user asked.
    pub reason: HandoffReason,
    /// What is urgent, for urgent requests.
    pub urgent_topic: Option<UrgentTopic>,
}

/// A message left for the company, or a call-back request, that the backend
/// has not confirmed yet: kept until it has, and sent again (with the same
/// id) after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedLeftMessage {
    /// Client-generated id, also the idempotency key.
    pub id: MessageId,
    /// What the user wants to say.
    pub text: String,
    /// The call-back request, if the user asked for one.
    pub callback: Option<CallbackRequest>,
    /// When the user left it.
    pub written_at: Timestamp,
}

/// Everything the engine needs to pick up where it left off.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredConversation {
    /// Every message, oldest first, with its last known delivery state.
    pub messages: Vec<Message>,
    /// The handoff state as the user last saw it.
    pub handoff: Option<HandoffState>,
    /// The last request for a person, while it is not withdrawn.
    pub pending_handoff: Option<PendingHandoff>,
    /// The backend's id of the conversation, to resume it.
    pub conversation: Option<ConversationId>,
    /// What the user was typing.
    pub draft: String,
    /// The adapter's resume values (cursors, sync tokens), by full key; see
    /// [`ResumeState`].
    pub resume: BTreeMap<String, String>,
    /// Left messages and call-back requests not confirmed yet, oldest first.
    pub left_messages: Vec<QueuedLeftMessage>,
}

impl StoredConversation {
    /// User messages the backend has not acknowledged, oldest first: the
    /// outbox to send again.
    pub fn unsent(&self) -> impl Iterator<Item = &Message> {
        self.messages.iter().filter(|m| {
            matches!(m.author, crate::Author::User)
                && matches!(
                    m.delivery,
                    DeliveryState::Sending | DeliveryState::WillRetry
                )
        })
    }
}

/// Why the store could not read or write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("the conversation store failed: {0}")]
    Io(String),
    /// Stored data could not be read back (damaged, or from a newer Warmline).
    #[error("the conversation store holds unreadable data: {0}")]
    Corrupt(String),
}

/// Durable storage of one conversation (Warmline shows one at a time).
///
/// Calls are synchronous and short; each one is durable when it returns.
pub trait ConversationStore: Send + Sync {
    /// Reads everything back; an empty store gives the default.
    fn load(&self) -> Result<StoredConversation, StoreError>;
    /// Adds a message at the end, or replaces the message with the same id
    /// in place.
    fn save_message(&self, message: &Message) -> Result<(), StoreError>;
    /// Changes the delivery state of a stored message.
    fn set_delivery(&self, id: MessageId, delivery: DeliveryState) -> Result<(), StoreError>;
    /// Records the handoff state and the request still to be honoured.
    fn save_handoff(
        &self,
        handoff: &HandoffState,
        pending: Option<PendingHandoff>,
    ) -> Result<(), StoreError>;
    /// Records the backend's conversation id (or forgets it).
    fn save_conversation_id(&self, conversation: Option<&ConversationId>)
        -> Result<(), StoreError>;
    /// Records what the user is typing.
    fn save_draft(&self, draft: &str) -> Result<(), StoreError>;
    /// Records (or, with `None`, removes) one of the adapter's resume
    /// values; see [`ResumeState`].
    fn save_resume_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError>;
    /// Reads one of the adapter's resume values.
    fn load_resume_value(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Keeps a left message until the backend confirms it (adds it at the
    /// end, or replaces the one with the same id).
    fn save_left_message(&self, message: &QueuedLeftMessage) -> Result<(), StoreError>;
    /// Forgets a left message the backend confirmed (or refused for good).
    fn remove_left_message(&self, id: MessageId) -> Result<(), StoreError>;
}

/// An adapter's small durable key-value space in its profile's store: where
/// it keeps what it needs to resume after a restart (the relay's last event
/// number, Matrix's `since` token, a Chatwoot contact id).
///
/// Keys are namespaced by the adapter's kind, so a profile whose kind
/// changes never reads another adapter's values. Values that follow the
/// event stream (cursors) should be written by emitting
/// [`BackendEvent::Checkpoint`](crate::BackendEvent::Checkpoint), which the
/// engine stores in order after the events before it; [`ResumeState::set`]
/// suits values independent of the stream.
#[derive(Clone)]
pub struct ResumeState {
    store: Arc<dyn ConversationStore>,
    namespace: String,
}

impl fmt::Debug for ResumeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResumeState")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl ResumeState {
    /// The resume space of adapter `kind` in `store`.
    pub fn new(store: Arc<dyn ConversationStore>, kind: &str) -> Self {
        Self {
            store,
            namespace: kind.to_owned(),
        }
    }

    /// A resume space that lives in memory only (tests, and adapters used
    /// without a store).
    pub fn in_memory(kind: &str) -> Self {
        Self::new(Arc::new(MemoryStore::new()), kind)
    }

    /// The store key of `key`: `<kind>/<key>`.
    pub fn full_key(&self, key: &str) -> String {
        format!("{}/{key}", self.namespace)
    }

    /// The value stored under `key`. A store that cannot be read gives
    /// `None` (the adapter then starts from scratch, as after a first run).
    pub fn get(&self, key: &str) -> Option<String> {
        match self.store.load_resume_value(&self.full_key(key)) {
            Ok(value) => value,
            Err(error) => {
                tracing::warn!(%error, key, "reading adapter resume state failed");
                None
            }
        }
    }

    /// The event that makes the engine store `value` under `key` once every
    /// event before it is stored (see [`BackendEvent::Checkpoint`](crate::BackendEvent::Checkpoint)).
    pub fn checkpoint(&self, key: &str, value: impl Into<String>) -> crate::BackendEvent {
        crate::BackendEvent::Checkpoint {
            key: self.full_key(key),
            value: value.into(),
        }
    }

    /// Stores `value` under `key`, or removes it with `None`.
    pub fn set(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        self.store.save_resume_value(&self.full_key(key), value)
    }
}

/// A store in memory: for tests, and as the fallback when the real store
/// cannot be opened (the app then says that history will not be kept).
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<StoredConversation>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut StoredConversation) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }
}

impl ConversationStore for MemoryStore {
    fn load(&self) -> Result<StoredConversation, StoreError> {
        Ok(self.with(|state| state.clone()))
    }

    fn save_message(&self, message: &Message) -> Result<(), StoreError> {
        self.with(|state| {
            match state.messages.iter_mut().find(|m| m.id == message.id) {
                Some(existing) => *existing = message.clone(),
                None => state.messages.push(message.clone()),
            }
            Ok(())
        })
    }

    fn set_delivery(&self, id: MessageId, delivery: DeliveryState) -> Result<(), StoreError> {
        self.with(|state| {
            if let Some(message) = state.messages.iter_mut().find(|m| m.id == id) {
                message.delivery = delivery;
            }
            Ok(())
        })
    }

    fn save_handoff(
        &self,
        handoff: &HandoffState,
        pending: Option<PendingHandoff>,
    ) -> Result<(), StoreError> {
        self.with(|state| {
            state.handoff = Some(handoff.clone());
            state.pending_handoff = pending;
            Ok(())
        })
    }

    fn save_conversation_id(
        &self,
        conversation: Option<&ConversationId>,
    ) -> Result<(), StoreError> {
        self.with(|state| {
            state.conversation = conversation.cloned();
            Ok(())
        })
    }

    fn save_draft(&self, draft: &str) -> Result<(), StoreError> {
        self.with(|state| {
            state.draft = draft.to_owned();
            Ok(())
        })
    }

    fn save_resume_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        self.with(|state| {
            match value {
                Some(value) => state.resume.insert(key.to_owned(), value.to_owned()),
                None => state.resume.remove(key),
            };
            Ok(())
        })
    }

    fn load_resume_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.with(|state| state.resume.get(key).cloned()))
    }

    fn save_left_message(&self, message: &QueuedLeftMessage) -> Result<(), StoreError> {
        self.with(|state| {
            match state.left_messages.iter_mut().find(|m| m.id == message.id) {
                Some(existing) => *existing = message.clone(),
                None => state.left_messages.push(message.clone()),
            }
            Ok(())
        })
    }

    fn remove_left_message(&self, id: MessageId) -> Result<(), StoreError> {
        self.with(|state| {
            state.left_messages.retain(|m| m.id != id);
            Ok(())
        })
    }
}

#[cfg(test)]
mod memory_store_conformance {
    crate::store_conformance_tests!(crate::MemoryStore::new());
}
