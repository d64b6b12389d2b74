//! The conversation engine: one tokio task between the UI and the backend.
//!
//! It owns the conversation state, is the only code that calls the backend,
//! and turns backend events into numbered [`ConversationEvent`]s. The UI
//! talks to it through a cloneable [`EngineHandle`].
//!
//! There is no timer here that ends a conversation: the engine waits for the
//! user for as long as the app runs.
//!
//! # Parts
//!
//! | module | job |
//! |---|---|
//! | this one | the public handle and the commands it sends |
//! | `actor` | the task's loop: commands, finished backend calls, adapter events and timers, one at a time |
//! | `view` | the conversation as the user sees it: each change stored, then announced as a numbered event |
//! | `connection` | opening, losing and reopening the conversation, with backoff and the reachability probe |
//! | `outbox` | what the user sends (chat and left messages), one at a time in order, ids as idempotency keys; "Try again" |
//! | `handoff` | asking for a person, cancelling the request |
//! | `left_messages` | leaving a message or a call-back request, queued like chat messages |
//! | `sign_in` | a refused sign-in stops all trying until new sign-in details arrive |
//! | `frustration` | pure rules: when the bot did not help and a person is offered |
//! | `adapter_events` | what each [`BackendEvent`](crate::BackendEvent) does to the conversation |
//! | `backoff` | the growing, jittered wait between attempts |

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};

use crate::backend::{CallbackRequest, SupportBackend};
use crate::domain::{HandoffReason, MessageId};
use crate::error::EngineError;
use crate::events::{ConversationEvent, ConversationSnapshot, MessagePage};
use crate::intent::{PhraseSet, SecondOpinion};
use crate::store::{ConversationStore, MemoryStore};

/// How the engine behaves; the defaults suit real use.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The UI language, passed to the backend when opening a conversation.
    pub locale: String,
    /// First wait before reconnecting or resending.
    pub retry_initial: Duration,
    /// Longest wait between reconnect or resend attempts.
    pub retry_max: Duration,
    /// Fixes the random spread (jitter) of the waits, so tests are
    /// repeatable; `None` seeds it from the clock, which is what real use
    /// wants: clients that lost the connection together then retry apart.
    pub backoff_seed: Option<u64>,
    /// Words that ask for a person or name an urgent topic.
    pub phrases: Arc<PhraseSet>,
    /// Which engine of the app's life this is; the app counts up when it
    /// starts another engine (a switch of profile). Every event and
    /// snapshot carries it, so the UI notices the switch.
    pub epoch: u32,
    /// Asked about messages in which no phrase rule matched at all; its yes
    /// only offers a person (see [`SecondOpinion`]). `None` by default.
    pub second_opinion: Option<Arc<dyn SecondOpinion>>,
}

impl EngineConfig {
    /// Defaults for the given UI language.
    pub fn new(locale: impl Into<String>) -> Self {
        Self {
            locale: locale.into(),
            retry_initial: Duration::from_millis(500),
            retry_max: Duration::from_secs(30),
            backoff_seed: None,
            phrases: Arc::new(PhraseSet::builtin()),
            epoch: 0,
            second_opinion: None,
        }
    }
}

/// Capacity of the change broadcast; a UI that falls further behind than this
/// re-reads the snapshot.
const EVENT_CAPACITY: usize = 1024;

/// What the handle asks of the engine task.
enum Command {
    SendText {
        text: String,
        reply: oneshot::Sender<Result<MessageId, EngineError>>,
    },
    RequestPerson {
        reason: HandoffReason,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
    CancelPerson {
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
    Snapshot {
        limit: usize,
        reply: oneshot::Sender<ConversationSnapshot>,
    },
    OlderMessages {
        before: MessageId,
        limit: usize,
        reply: oneshot::Sender<MessagePage>,
    },
    SaveDraft {
        text: String,
    },
    CredentialsChanged,
    RetryMessage {
        id: MessageId,
    },
    LeaveMessage {
        text: String,
        callback: Option<CallbackRequest>,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// The UI's handle on the engine. Cheap to clone.
#[derive(Clone)]
pub struct EngineHandle {
    commands: mpsc::Sender<Command>,
    events: broadcast::Sender<ConversationEvent>,
}

impl EngineHandle {
    /// Starts the engine task on the current tokio runtime with nothing
    /// stored (history is kept in memory only), and begins opening a
    /// conversation.
    pub fn start(backend: Arc<dyn SupportBackend>, config: EngineConfig) -> Self {
        Self::start_with_store(backend, Arc::new(MemoryStore::new()), config)
    }

    /// Starts the engine on a store: what the store holds (history, unsent
    /// messages, the request for a person, the draft) is picked up again,
    /// and every change is written to it before it is acted on.
    pub fn start_with_store(
        backend: Arc<dyn SupportBackend>,
        store: Arc<dyn ConversationStore>,
        config: EngineConfig,
    ) -> Self {
        Self::start_subscribed(backend, store, config).0
    }

    /// [`start_with_store`](Self::start_with_store), and a receiver of
    /// every change from the engine's first one: subscribed before the
    /// engine reads its store, so even a change made while starting (a
    /// store that cannot be read) is received. A session that switches
    /// engines forwards from it, so the window hears every change of the
    /// new epoch.
    pub fn start_subscribed(
        backend: Arc<dyn SupportBackend>,
        store: Arc<dyn ConversationStore>,
        config: EngineConfig,
    ) -> (Self, broadcast::Receiver<ConversationEvent>) {
        let (commands, command_rx) = mpsc::channel(64);
        let (events, first) = broadcast::channel(EVENT_CAPACITY);
        let engine = actor::Engine::new(backend, store, config, events.clone());
        tokio::spawn(engine.run(command_rx));
        (Self { commands, events }, first)
    }

    /// Keeps what the user is typing, so it survives a crash or a restart.
    pub async fn save_draft(&self, text: String) -> Result<(), EngineError> {
        self.commands
            .send(Command::SaveDraft { text })
            .await
            .map_err(|_| EngineError::Stopped)
    }

    /// Tells the engine the sign-in details changed (the caregiver entered
    /// new ones): a connection refused for its sign-in, or waiting on its
    /// backoff, is tried again at once.
    pub async fn credentials_changed(&self) -> Result<(), EngineError> {
        self.commands
            .send(Command::CredentialsChanged)
            .await
            .map_err(|_| EngineError::Stopped)
    }

    /// Receives every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ConversationEvent> {
        self.events.subscribe()
    }

    /// Adds the user's message to the conversation and sends it.
    pub async fn send_text(&self, text: String) -> Result<MessageId, EngineError> {
        self.call(|reply| Command::SendText { text, reply }).await?
    }

    /// Asks for a person. Never lost: while offline, the request waits and is
    /// sent when the connection returns.
    pub async fn request_person(&self, reason: HandoffReason) -> Result<(), EngineError> {
        self.call(|reply| Command::RequestPerson { reason, reply })
            .await?
    }

    /// "Try again" on a message that failed: it is sent again with the same
    /// id. A message that has not failed is left as it is.
    pub async fn retry_message(&self, id: MessageId) -> Result<(), EngineError> {
        self.commands
            .send(Command::RetryMessage { id })
            .await
            .map_err(|_| EngineError::Stopped)
    }

    /// Withdraws the request for a person.
    pub async fn cancel_person(&self) -> Result<(), EngineError> {
        self.call(|reply| Command::CancelPerson { reply }).await?
    }

    /// Leaves a message, or asks for a call back, when nobody is available.
    /// Answers once the backend confirmed it, or once it is stored and
    /// queued because the backend cannot be reached (it then goes out by
    /// itself, once, and the transcript says so); a refusal is answered with
    /// the error, so the UI keeps the form filled in.
    pub async fn leave_message(
        &self,
        text: String,
        callback: Option<CallbackRequest>,
    ) -> Result<(), EngineError> {
        self.call(|reply| Command::LeaveMessage {
            text,
            callback,
            reply,
        })
        .await?
    }

    /// Stops the engine and waits until it has stopped.
    ///
    /// Commands sent before this one (a last [`save_draft`](Self::save_draft)
    /// included) are applied first; everything the engine holds (history,
    /// unsent messages, the request for a person, the draft) is in its store
    /// already, because every change is written before it is acted on. The
    /// backend is not called again: timers, the reachability probe and calls
    /// under way are dropped (a message whose send was cut short is still
    /// `sending` in the store and goes out, with the same id, when an engine
    /// on that store starts again). Every handle then answers
    /// [`EngineError::Stopped`]. Stopping an engine that has stopped does
    /// nothing.
    pub async fn shutdown(&self) {
        // Err: the engine has stopped already.
        let _ = self.call(|reply| Command::Shutdown { reply }).await;
    }

    /// The whole conversation as it stands.
    pub async fn snapshot(&self) -> Result<ConversationSnapshot, EngineError> {
        self.call(|reply| Command::Snapshot {
            limit: usize::MAX,
            reply,
        })
        .await
    }

    /// The conversation as it stands with only its newest
    /// [`RECENT_MESSAGES`](crate::RECENT_MESSAGES) messages: what a window
    /// opens with, however long the history.
    pub async fn recent_snapshot(&self) -> Result<ConversationSnapshot, EngineError> {
        self.call(|reply| Command::Snapshot {
            limit: crate::RECENT_MESSAGES,
            reply,
        })
        .await
    }

    /// Up to `limit` messages just before `before`, for a reader scrolling
    /// up; none when `before` is not in this conversation.
    pub async fn older_messages(
        &self,
        before: MessageId,
        limit: usize,
    ) -> Result<MessagePage, EngineError> {
        self.call(|reply| Command::OlderMessages {
            before,
            limit,
            reply,
        })
        .await
    }

    async fn call<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, EngineError> {
        let (reply, response) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| EngineError::Stopped)?;
        response.await.map_err(|_| EngineError::Stopped)
    }
}

mod actor;
mod adapter_events;
mod backoff;
mod connection;
mod frustration;
mod handoff;
pub use handoff::requested_notice_ids;
mod left_messages;
mod outbox;
mod sign_in;
#[cfg(test)]
mod tests;
mod view;
