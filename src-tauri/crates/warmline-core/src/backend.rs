//! The adapter trait every support backend implements.
//!
//! The engine holds one `Arc<dyn SupportBackend>`, chosen at run time from the
//! caregiver's settings. An adapter turns the backend's protocol into
//! [`BackendEvent`]s and the engine's requests into protocol calls; it keeps no
//! conversation state the engine needs.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::domain::{BackendInfo, ConversationId, HandoffReason, MessageId, Timestamp};
use crate::intent::UrgentTopic;
use crate::summary::{HandoffSummary, SummaryAddition};

/// Options for opening a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationOptions {
    /// The UI language (a BCP 47 tag such as `zh-CN`); backends that greet
    /// the user greet in it.
    pub locale: String,
    /// A conversation to resume, if Warmline had one before.
    pub resume: Option<ConversationId>,
}

/// A message on its way from the user to the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    /// Client-generated id, also the idempotency key.
    pub id: MessageId,
    /// The text the user wrote.
    pub text: String,
    /// When the user wrote it.
    pub written_at: Timestamp,
}

/// The backend's acknowledgement of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The id the backend stored the message under.
    pub backend_id: String,
    /// True when the backend already had a message with this id and kept
    /// only the first one.
    pub duplicate: bool,
}

/// A request to hand the conversation to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoffRequest {
    /// Why the user wants a person.
    pub reason: HandoffReason,
    /// For [`HandoffReason::Urgent`]: what is urgent, so the backend can
    /// route it first (fraud desk, emergency line).
    pub urgent_topic: Option<UrgentTopic>,
    /// The user's language, for routing to someone who speaks it.
    pub locale: String,
    /// What was said so far, so the person need not ask again.
    pub summary: HandoffSummary,
}

/// A message left for the company when nobody can take the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftMessage {
    /// Client-generated id, also the idempotency key: a backend that is
    /// given the same id twice keeps one message and answers with the same
    /// reference (the engine sends again after any doubt).
    pub id: MessageId,
    /// What the user wants to say.
    pub text: String,
    /// A request to be called back, if the user asked for one.
    pub callback: Option<CallbackRequest>,
    /// What was said so far.
    pub summary: HandoffSummary,
}

/// A request to be called back by phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackRequest {
    /// The phone number, as the user wrote it.
    pub phone: String,
    /// When the user would like to be called, in their own words.
    pub preferred_time: String,
}

/// The backend's confirmation that it received a left message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftMessageReceipt {
    /// A reference the user can quote later.
    pub reference: String,
}

/// Something the backend reports about an open conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendEvent {
    /// A bot wrote a message.
    BotMessage {
        /// The bot's display name.
        name: String,
        /// The text.
        text: String,
        /// False when the bot says it did not understand (its fallback
        /// answer); Warmline offers a person after two of those in a row.
        understood: bool,
    },
    /// An automatic assistant could not answer (the model failed, gave
    /// nothing, something unreadable or another language than the user's):
    /// the engine shows the calm notice `notice_id` and offers a person at
    /// once, so a failing bot is never a dead end.
    BotTrouble {
        /// The Fluent id of what the user reads (the UI renders it in their
        /// language), e.g. `ai-notice-failed`.
        notice_id: String,
    },
    /// A person wrote a message.
    AgentMessage {
        /// The person's display name.
        name: String,
        /// The text.
        text: String,
    },
    /// The backend itself wrote something (a canned system line).
    SystemMessage {
        /// The text, in whatever language the backend uses.
        text: String,
    },
    /// Someone on the other side started or stopped typing.
    Typing {
        /// Display name of who is typing.
        name: String,
        /// True while typing.
        active: bool,
    },
    /// The queue for a person moved.
    QueueUpdate {
        /// Place in the queue, 1 being next.
        position: Option<u32>,
        /// Estimated wait in seconds.
        estimated_wait_secs: Option<u32>,
    },
    /// A person took the conversation.
    AgentJoined {
        /// The person's display name.
        name: String,
    },
    /// The person left the conversation.
    AgentLeft {
        /// The person's display name.
        name: String,
    },
    /// Nobody can take the conversation now (after hours, everyone busy).
    HandoffUnavailable {
        /// The backend accepts a message or a call-back request instead.
        can_leave_message: bool,
    },
    /// The backend closed the conversation (for example after inactivity).
    ConversationClosed,
    /// Everything this stream delivered before this event is in Warmline's
    /// hands: the engine writes `value` under `key` into the profile's store
    /// *after* it stored every earlier event, so an adapter that restarts
    /// from its stored cursor (a relay event number, a Matrix `since` token)
    /// never skips an event and repeats at most the last one. Build it with
    /// [`ResumeState::checkpoint`](crate::store::ResumeState::checkpoint),
    /// which namespaces the key. Never shown to the user.
    Checkpoint {
        /// The full store key, as [`ResumeState::full_key`](crate::store::ResumeState::full_key) gives it.
        key: String,
        /// The value to keep, e.g. the last event number.
        value: String,
    },
}

/// An open conversation: its id and the stream of what happens in it.
///
/// The stream ends when the connection is lost; the engine then reconnects
/// with [`ConversationOptions::resume`] set.
#[derive(Debug)]
pub struct BackendSession {
    /// The backend's id of the conversation.
    pub conversation: ConversationId,
    /// Events in the order the backend produced them.
    pub events: mpsc::Receiver<BackendEvent>,
}

/// What went wrong talking to a backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// The network or the backend could not be reached; try again later.
    #[error("the backend could not be reached: {0}")]
    Unreachable(String),
    /// The backend does not know this conversation (any more).
    #[error("the backend does not know conversation {0}")]
    UnknownConversation(ConversationId),
    /// The backend sent something Warmline cannot read.
    #[error("the backend sent malformed data: {0}")]
    Malformed(String),
    /// The backend refused the request for good.
    #[error("the backend rejected the request: {0}")]
    Rejected(String),
    /// The backend does not offer this at all (see [`crate::Capabilities`]).
    #[error("the backend does not support {0}")]
    Unsupported(&'static str),
    /// The backend refused Warmline's sign-in: a wrong, expired or revoked
    /// token or password, or none entered. Trying again does not help until
    /// the caregiver gives new sign-in details; nothing the user wrote is
    /// dropped meanwhile.
    #[error("the backend refused the sign-in: {0}")]
    Unauthorized(String),
    /// Warmline could not read the sign-in details it keeps for this
    /// backend (the system keyring is locked, missing or failing). Trying
    /// again later may work.
    #[error("the sign-in details cannot be read: {0}")]
    CredentialsUnavailable(String),
}

impl BackendError {
    /// True when trying the same request again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable(_) | Self::CredentialsUnavailable(_))
    }

    /// True when only new sign-in details can make the request succeed.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Self::Unauthorized(_))
    }
}

/// A customer-service backend: the built-in demo, Matrix, Chatwoot, ...
///
/// # Contract
/// - `send_message` is idempotent by [`OutgoingMessage::id`]: a message sent
///   twice with the same id is kept once, and the second call returns a
///   receipt with `duplicate: true`.
/// - Events of one conversation arrive in order on its session's stream.
/// - No adapter ever closes a conversation because the user is idle.
#[async_trait]
pub trait SupportBackend: Send + Sync {
    /// What this backend is and can do.
    fn info(&self) -> BackendInfo;

    /// Opens a conversation, or resumes `options.resume` if the backend still
    /// has it.
    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError>;

    /// Sends one user message; see the idempotency contract above.
    async fn send_message(
        &self,
        conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError>;

    /// Asks for a person to take the conversation.
    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError>;

    /// Adds the automatic assistant's account to the summary of a request
    /// for a person already made (`request_handoff` went first, with the
    /// rule-based summary). Backends that cannot show it to the person keep
    /// this default, which drops it: the person still has the rule-based
    /// summary, so nothing is lost that was promised.
    async fn add_to_summary(
        &self,
        conversation: &ConversationId,
        addition: SummaryAddition,
    ) -> Result<(), BackendError> {
        let _ = (conversation, addition);
        Ok(())
    }

    /// Withdraws a request for a person.
    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError>;

    /// Leaves a message or a call-back request when nobody is available.
    /// Backends whose [`crate::Capabilities::leave_message`] is false keep
    /// this default.
    async fn leave_message(
        &self,
        conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let _ = (conversation, message);
        Err(BackendError::Unsupported("leaving a message"))
    }

    /// Tells the other side whether the user is typing (the text box holds
    /// a draft). Backends without typing indicators keep this default.
    async fn set_user_typing(
        &self,
        conversation: &ConversationId,
        typing: bool,
    ) -> Result<(), BackendError> {
        let _ = (conversation, typing);
        Ok(())
    }

    /// Resolves once the backend looks reachable again, for example when a
    /// cheap probe gets an answer or the system reports the network back.
    ///
    /// The engine calls this only while a reconnect or resend waits on its
    /// backoff timer, and drops the future when the wait ends otherwise; when
    /// it resolves, the engine tries at once instead of waiting out the
    /// timer. An adapter must not resolve it while the backend is plainly
    /// down (that would make the engine retry in a loop). The default never
    /// resolves: the engine then relies on its timers alone.
    async fn wait_until_reachable(&self) {
        std::future::pending::<()>().await;
    }
}
