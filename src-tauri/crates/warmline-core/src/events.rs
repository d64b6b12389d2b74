//! What the engine tells the UI: a snapshot to start from and a numbered
//! stream of changes after it.

use serde::{Deserialize, Serialize};

use crate::domain::{
    BackendInfo, ConnectionState, DeliveryState, HandoffState, Message, MessageId,
};
use crate::error::UiError;

/// How many of the newest messages a window opens with: enough to fill a
/// tall window at the smallest text size several times over, few enough that
/// a history of 10,000 messages opens as fast as an empty one.
pub const RECENT_MESSAGES: usize = 100;

/// Messages just before others, for a reader scrolling up through a long
/// history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    /// Oldest first, ending just before the message asked about.
    pub messages: Vec<Message>,
    /// Still older messages come before these.
    pub has_older: bool,
}

/// The whole conversation as the UI shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConversationSnapshot {
    /// Which engine produced it: the app starts a new engine (with a higher
    /// epoch) when it switches to another backend profile. Events of another
    /// epoch do not belong to this snapshot.
    pub epoch: u32,
    /// Sequence number of the last change included; the UI ignores events
    /// of the same epoch with a number at or below it.
    pub seq: u32,
    /// The backend in use.
    pub backend: BackendInfo,
    /// The messages, oldest first: every one from
    /// [`EngineHandle::snapshot`](crate::EngineHandle::snapshot), the newest
    /// [`RECENT_MESSAGES`] from
    /// [`recent_snapshot`](crate::EngineHandle::recent_snapshot).
    pub messages: Vec<Message>,
    /// Older messages come before `messages`; the UI asks for them with
    /// [`older_messages`](crate::EngineHandle::older_messages) when the
    /// reader scrolls up to them.
    pub has_older: bool,
    /// Where the user stands in reaching a person.
    pub handoff: HandoffState,
    /// The connection to the backend.
    pub connection: ConnectionState,
    /// Display name of whoever is typing on the other side.
    pub typing: Option<String>,
    /// Warmline offers a person because the bot did not help; the UI
    /// highlights the "Talk to a person" button.
    pub person_offered: bool,
    /// What the user was typing, kept across restarts.
    pub draft: String,
}

/// One change to the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ConversationChange {
    /// A message was added at the end.
    MessageAdded {
        /// The message.
        message: Message,
    },
    /// A user message moved on its way to the backend.
    DeliveryChanged {
        /// Which message.
        id: MessageId,
        /// Its new state.
        delivery: DeliveryState,
    },
    /// A user message could not be sent, for good: its delivery is now
    /// [`DeliveryState::Failed`], and the UI says why beside a "Try again"
    /// button.
    MessageFailed {
        /// Which message.
        id: MessageId,
        /// Why.
        failure: UiError,
    },
    /// The handoff state changed.
    HandoffChanged {
        /// The new state.
        handoff: HandoffState,
    },
    /// The connection state changed.
    ConnectionChanged {
        /// The new state.
        connection: ConnectionState,
    },
    /// Someone started or stopped typing.
    TypingChanged {
        /// Who is typing now, if anyone.
        typing: Option<String>,
    },
    /// Warmline started or stopped offering a person.
    PersonOffered {
        /// True while the offer stands.
        offered: bool,
    },
    /// Something failed that the user should hear about; nothing was lost.
    Failed {
        /// What failed.
        error: UiError,
    },
}

/// A numbered change, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConversationEvent {
    /// Which engine sent it (see [`ConversationSnapshot::epoch`]); a UI that
    /// sees a newer epoch re-reads the snapshot.
    pub epoch: u32,
    /// Increases by one with every change; each epoch starts again from 1.
    pub seq: u32,
    /// The change.
    pub change: ConversationChange,
}
