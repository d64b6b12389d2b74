//! Warmline's core: the domain types, the [`SupportBackend`] adapter trait and
//! the conversation engine.
//!
//! Nothing here does I/O of its own or knows about Tauri; adapters
//! (`warmline-backends`) sit above it and the app shell (`src-tauri`) on top.

pub mod backend;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod domain;
pub mod engine;
pub mod error;
pub mod events;
pub mod intent;
pub mod script;
pub mod secret;
pub mod store;
#[cfg(any(test, feature = "conformance"))]
pub mod store_conformance;
#[cfg(feature = "conformance")]
pub mod stream_conformance;
pub mod summary;

pub use backend::{
    BackendError, BackendEvent, BackendSession, CallbackRequest, ConversationOptions,
    HandoffRequest, LeftMessage, LeftMessageReceipt, OutgoingMessage, SendReceipt, SupportBackend,
};
pub use domain::{
    Author, BackendInfo, Capabilities, ConnectionState, ConversationId, DeliveryState,
    HandoffReason, HandoffState, LocalizedText, Message, MessageArg, MessageArgs, MessageBody,
    MessageId, Timestamp,
};
pub use engine::{EngineConfig, EngineHandle};
pub use error::{EngineError, ErrorCode, UiError};
pub use events::{
    ConversationChange, ConversationEvent, ConversationSnapshot, MessagePage, RECENT_MESSAGES,
};
pub use intent::{
    Decision, Intent, PersonReason, PhraseSet, PhraseSetError, SecondOpinion, UrgentTopic,
};
pub use secret::{MemorySecrets, Secret, SecretError, SecretSource};
pub use store::{
    ConversationStore, MemoryStore, PendingHandoff, QueuedLeftMessage, ResumeState, StoreError,
    StoredConversation,
};
pub use summary::{HandoffSummary, SummaryAddition, SummaryAuthor, SummaryLine};
