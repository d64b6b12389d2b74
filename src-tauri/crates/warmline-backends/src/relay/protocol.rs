//! The frames of the Warmline relay protocol, as they travel on the wire.
//!
//! `docs/RELAY-PROTOCOL.md` is the specification; these types are its
//! executable form, shared by the client adapter and by the reference server
//! in `tests/netfault`. Every frame is one WebSocket text message holding one
//! JSON object whose `type` names it.

use serde::{Deserialize, Serialize};
use warmline_core::{
    BackendEvent, CallbackRequest, HandoffReason, HandoffSummary, MessageId, UrgentTopic,
};

/// Correlates a request with its reply; chosen by the client, unique per
/// connection.
pub type RequestId = u64;

/// A frame from the client to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Opens a new conversation, or resumes `resume`, and subscribes this
    /// connection to its events.
    Open {
        /// Correlation id.
        req: RequestId,
        /// The user's language (BCP 47).
        locale: String,
        /// The conversation to resume, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<String>,
        /// Replay the conversation's events numbered above this one; absent:
        /// live events only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after_seq: Option<u64>,
    },
    /// One user message; idempotent by `client_message_id`.
    Send {
        /// Correlation id.
        req: RequestId,
        /// The conversation.
        conversation: String,
        /// The client's id of the message: the idempotency key.
        client_message_id: MessageId,
        /// What the user wrote.
        text: String,
        /// When the user wrote it, in milliseconds since the Unix epoch.
        written_at: i64,
    },
    /// Asks for a person.
    RequestHandoff {
        /// Correlation id.
        req: RequestId,
        /// The conversation.
        conversation: String,
        /// Why the user asked.
        reason: HandoffReason,
        /// What is urgent, for urgent requests.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        urgent_topic: Option<UrgentTopic>,
        /// The user's language, for routing.
        locale: String,
        /// What was said so far.
        summary: HandoffSummary,
    },
    /// Withdraws the request for a person.
    CancelHandoff {
        /// Correlation id.
        req: RequestId,
        /// The conversation.
        conversation: String,
    },
    /// Leaves a message or a call-back request when nobody is available.
    LeaveMessage {
        /// Correlation id.
        req: RequestId,
        /// The conversation.
        conversation: String,
        /// The idempotency key: a server that is given the same id again
        /// answers with the first reference and keeps one message. Absent
        /// from older clients.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_message_id: Option<MessageId>,
        /// What the user wants to say.
        text: String,
        /// A call-back request, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        callback: Option<WireCallback>,
        /// What was said so far.
        summary: HandoffSummary,
    },
    /// Keep-alive; the server answers with a [`ServerFrame::Pong`].
    Ping {
        /// Echoed in the pong.
        nonce: u64,
    },
}

/// A call-back request on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCallback {
    /// The phone number as the user wrote it.
    pub phone: String,
    /// When to call, in the user's words.
    pub preferred_time: String,
}

impl From<CallbackRequest> for WireCallback {
    fn from(callback: CallbackRequest) -> Self {
        Self {
            phone: callback.phone,
            preferred_time: callback.preferred_time,
        }
    }
}

/// A frame from the server to the client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The reply to [`ClientFrame::Open`].
    Opened {
        /// Correlation id.
        req: RequestId,
        /// The conversation's id (the resumed one, or a new one).
        conversation: String,
        /// True when `resume` was honoured.
        resumed: bool,
        /// The number of the conversation's latest event (0: none yet).
        last_seq: u64,
    },
    /// The reply to [`ClientFrame::Send`].
    Sent {
        /// Correlation id.
        req: RequestId,
        /// The server's id of the message.
        message_id: String,
        /// True when the server already had this `client_message_id` and
        /// kept only the first.
        duplicate: bool,
    },
    /// The reply to a request that returns nothing else.
    Done {
        /// Correlation id.
        req: RequestId,
    },
    /// The reply to [`ClientFrame::LeaveMessage`].
    MessageLeft {
        /// Correlation id.
        req: RequestId,
        /// A reference the user can quote.
        reference: String,
    },
    /// A request failed.
    Error {
        /// Correlation id of the failed request.
        req: RequestId,
        /// What went wrong.
        code: RelayErrorCode,
        /// For logs; never shown to the user.
        #[serde(default)]
        message: String,
    },
    /// Something happened in the conversation.
    Event {
        /// The conversation.
        conversation: String,
        /// Its number in the conversation: 1, 2, 3, ... without gaps.
        seq: u64,
        /// What happened.
        event: WireEvent,
    },
    /// The answer to a [`ClientFrame::Ping`].
    Pong {
        /// The ping's nonce.
        nonce: u64,
    },
    /// A frame type this client does not know; ignored, so servers can add
    /// frames without breaking older clients.
    #[serde(other)]
    Unknown,
}

/// Why a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelayErrorCode {
    /// The server does not know the conversation.
    UnknownConversation,
    /// The server closed the conversation (for example after inactivity).
    ConversationClosed,
    /// The server refuses this request for good.
    Rejected,
    /// The server does not offer this (for example leaving a message).
    Unsupported,
    /// Try again later (overload, maintenance).
    Unavailable,
    /// The request could not be read.
    BadRequest,
    /// A code this client does not know; treated as a refusal.
    #[serde(other)]
    Other,
}

/// Something that happened in a conversation, as carried by
/// [`ServerFrame::Event`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireEvent {
    /// A bot wrote.
    BotMessage {
        /// Display name.
        name: String,
        /// The text.
        text: String,
        /// False for the bot's fallback ("I did not understand").
        #[serde(default = "yes")]
        understood: bool,
    },
    /// A person wrote.
    AgentMessage {
        /// Display name.
        name: String,
        /// The text.
        text: String,
    },
    /// The system wrote.
    SystemMessage {
        /// The text.
        text: String,
    },
    /// Someone started or stopped typing.
    Typing {
        /// Display name.
        name: String,
        /// True while typing.
        active: bool,
    },
    /// The queue for a person moved.
    QueueUpdate {
        /// Place in the queue, 1 being next.
        #[serde(default)]
        position: Option<u32>,
        /// Estimated wait in seconds.
        #[serde(default)]
        estimated_wait_secs: Option<u32>,
    },
    /// A person took the conversation.
    AgentJoined {
        /// Display name.
        name: String,
    },
    /// The person left.
    AgentLeft {
        /// Display name.
        name: String,
    },
    /// Nobody can take the conversation now.
    HandoffUnavailable {
        /// A message or call-back request is accepted instead.
        can_leave_message: bool,
    },
    /// The server closed the conversation; the client opens a new one.
    ConversationClosed,
    /// An event kind this client does not know; skipped.
    #[serde(other)]
    Unknown,
}

fn yes() -> bool {
    true
}

impl WireEvent {
    /// The engine's event for this one; `None` for kinds this client does
    /// not know.
    pub fn into_backend_event(self) -> Option<BackendEvent> {
        Some(match self {
            Self::BotMessage {
                name,
                text,
                understood,
            } => BackendEvent::BotMessage {
                name,
                text,
                understood,
            },
            Self::AgentMessage { name, text } => BackendEvent::AgentMessage { name, text },
            Self::SystemMessage { text } => BackendEvent::SystemMessage { text },
            Self::Typing { name, active } => BackendEvent::Typing { name, active },
            Self::QueueUpdate {
                position,
                estimated_wait_secs,
            } => BackendEvent::QueueUpdate {
                position,
                estimated_wait_secs,
            },
            Self::AgentJoined { name } => BackendEvent::AgentJoined { name },
            Self::AgentLeft { name } => BackendEvent::AgentLeft { name },
            Self::HandoffUnavailable { can_leave_message } => {
                BackendEvent::HandoffUnavailable { can_leave_message }
            }
            Self::ConversationClosed => BackendEvent::ConversationClosed,
            Self::Unknown => return None,
        })
    }
}

impl ClientFrame {
    /// The correlation id, for frames that expect a reply.
    pub fn req(&self) -> Option<RequestId> {
        match self {
            Self::Open { req, .. }
            | Self::Send { req, .. }
            | Self::RequestHandoff { req, .. }
            | Self::CancelHandoff { req, .. }
            | Self::LeaveMessage { req, .. } => Some(*req),
            Self::Ping { .. } => None,
        }
    }
}

impl ServerFrame {
    /// The correlation id, for replies.
    pub fn req(&self) -> Option<RequestId> {
        match self {
            Self::Opened { req, .. }
            | Self::Sent { req, .. }
            | Self::Done { req }
            | Self::MessageLeft { req, .. }
            | Self::Error { req, .. } => Some(*req),
            Self::Event { .. } | Self::Pong { .. } | Self::Unknown => None,
        }
    }
}
