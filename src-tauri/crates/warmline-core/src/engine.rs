//! The conversation engine: one tokio task between the UI and the backend.
//!
//! It owns the conversation state, is the only code that calls the backend,
//! and turns backend events into numbered [`ConversationEvent`]s. The UI
//! talks to it through a cloneable [`EngineHandle`].
//!
//! There is no timer here that ends a conversation: the engine waits for the
//! user for as long as the app runs.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use self::backoff::Backoff;

use crate::backend::{
    BackendError, BackendEvent, BackendSession, CallbackRequest, ConversationOptions,
    HandoffRequest, LeftMessage, LeftMessageReceipt, OutgoingMessage, SendReceipt, SupportBackend,
};
use crate::domain::{
    Author, BackendInfo, ConnectionState, ConversationId, DeliveryState, HandoffReason,
    HandoffState, LocalizedText, Message, MessageBody, MessageId, Timestamp,
};
use crate::error::{backend_error_code, EngineError, UiError};
use crate::events::{ConversationChange, ConversationEvent, ConversationSnapshot};
use crate::intent::{Intent, PhraseSet, UrgentTopic};
use crate::store::{ConversationStore, MemoryStore, PendingHandoff, StoreError};
use crate::summary::HandoffSummary;

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
        }
    }
}

/// Capacity of the change broadcast; a UI that falls further behind than this
/// re-reads the snapshot.
const EVENT_CAPACITY: usize = 1024;

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
        reply: oneshot::Sender<ConversationSnapshot>,
    },
    SaveDraft {
        text: String,
    },
    LeaveMessage {
        text: String,
        callback: Option<CallbackRequest>,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
}

/// Results of backend calls made in their own tasks, so that a slow backend
/// never blocks the UI's commands.
enum CallDone {
    Opened(Result<BackendSession, BackendError>),
    Sent {
        id: MessageId,
        result: Result<SendReceipt, BackendError>,
    },
    HandoffRequested(Result<(), BackendError>),
    /// The adapter says the backend looks reachable again
    /// ([`SupportBackend::wait_until_reachable`]).
    Reachable,
    MessageLeft {
        callback: Option<CallbackRequest>,
        result: Result<LeftMessageReceipt, BackendError>,
        reply: oneshot::Sender<Result<(), EngineError>>,
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
        let (commands, command_rx) = mpsc::channel(64);
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let (calls, call_rx) = mpsc::channel(64);
        let info = backend.info();
        let (stored, load_error) = match store.load() {
            Ok(stored) => (stored, None),
            Err(error) => (Default::default(), Some(error)),
        };
        let outbox = stored
            .unsent()
            .filter_map(|message| match &message.body {
                MessageBody::Text { text } => Some(OutgoingMessage {
                    id: message.id,
                    text: text.clone(),
                    written_at: message.sent_at,
                }),
                MessageBody::Notice { .. } => None,
            })
            .collect();
        let handoff = stored.handoff.clone().unwrap_or(HandoffState::None);
        let pending = stored.pending_handoff;
        let mut engine = Engine {
            backoff: Backoff::new(config.retry_initial, config.retry_max, config.backoff_seed),
            probe: None,
            config,
            backend,
            info,
            store,
            store_failed: false,
            events: events.clone(),
            calls,
            seq: 0,
            messages: stored.messages,
            handoff,
            connection: ConnectionState::Connecting,
            typing: None,
            draft: stored.draft,
            conversation: stored.conversation,
            backend_events: None,
            opening: false,
            reconnect_at: None,
            outbox,
            in_flight: None,
            resend_at: None,
            handoff_to_send: None,
            handoff_reason: pending.map_or(HandoffReason::Button, |p| p.reason),
            urgent_topic: pending.and_then(|p| p.urgent_topic),
            bot_misses: 0,
            last_bot_text: None,
            last_user_text: None,
            person_offered: false,
        };
        if let Some(error) = load_error {
            engine.store_failed(&error);
        }
        if matches!(
            engine.handoff,
            HandoffState::Requested | HandoffState::Queued { .. }
        ) {
            // Asked for a person before the restart: ask again once connected.
            engine.handoff_to_send = Some(engine.handoff_request(engine.handoff_reason));
        }
        tokio::spawn(engine.run(command_rx, call_rx));
        Self { commands, events }
    }

    /// Keeps what the user is typing, so it survives a crash or a restart.
    pub async fn save_draft(&self, text: String) -> Result<(), EngineError> {
        self.commands
            .send(Command::SaveDraft { text })
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

    /// Withdraws the request for a person.
    pub async fn cancel_person(&self) -> Result<(), EngineError> {
        self.call(|reply| Command::CancelPerson { reply }).await?
    }

    /// Leaves a message, or asks for a call back, when nobody is available.
    /// Answers only once the backend confirmed it, so the UI keeps the form
    /// filled in until then.
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

    /// The whole conversation as it stands.
    pub async fn snapshot(&self) -> Result<ConversationSnapshot, EngineError> {
        self.call(|reply| Command::Snapshot { reply }).await
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

struct Engine {
    config: EngineConfig,
    backend: Arc<dyn SupportBackend>,
    info: BackendInfo,
    store: Arc<dyn ConversationStore>,
    /// The store failed once; the user was told, and is not told again.
    store_failed: bool,
    events: broadcast::Sender<ConversationEvent>,
    calls: mpsc::Sender<CallDone>,
    seq: u32,
    messages: Vec<Message>,
    handoff: HandoffState,
    connection: ConnectionState,
    typing: Option<String>,
    draft: String,
    conversation: Option<ConversationId>,
    backend_events: Option<mpsc::Receiver<BackendEvent>>,
    /// An `open_conversation` call is under way.
    opening: bool,
    reconnect_at: Option<Instant>,
    /// The wait before the next reconnect or resend.
    backoff: Backoff,
    /// A task waiting for the adapter to say the backend is reachable again,
    /// while a reconnect or resend waits on its timer.
    probe: Option<JoinHandle<()>>,
    /// User messages not yet acknowledged, oldest first. Sent one at a time so
    /// the backend receives them in the order they were written.
    outbox: VecDeque<OutgoingMessage>,
    in_flight: Option<MessageId>,
    resend_at: Option<Instant>,
    /// A handoff request waiting for a connection.
    handoff_to_send: Option<HandoffRequest>,
    /// Why the user last asked for a person, to ask again for the same reason.
    handoff_reason: HandoffReason,
    /// The urgent topic of the last request, if it was one.
    urgent_topic: Option<UrgentTopic>,
    /// Bot answers in a row that did not help (fallbacks or repeats).
    bot_misses: u32,
    last_bot_text: Option<String>,
    /// The user's last message, normalized, to notice a repeated question.
    last_user_text: Option<String>,
    person_offered: bool,
}

impl Engine {
    async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut calls: mpsc::Receiver<CallDone>,
    ) {
        self.open_conversation();
        loop {
            let reconnect_at = self.reconnect_at;
            let resend_at = self.resend_at;
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.handle_command(command),
                    // Every handle is gone: the app is closing.
                    None => break,
                },
                Some(done) = calls.recv() => self.handle_call_done(done),
                event = next_event(&mut self.backend_events) => match event {
                    Some(event) => self.handle_backend_event(event),
                    None => self.connection_lost(),
                },
                () = sleep_until(reconnect_at), if reconnect_at.is_some() => {
                    self.reconnect_at = None;
                    self.open_conversation();
                }
                () = sleep_until(resend_at), if resend_at.is_some() => {
                    self.resend_at = None;
                    self.flush_outbox();
                }
            }
        }
        self.stop_probe();
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::SendText { text, reply } => {
                let _ = reply.send(self.send_text(text));
            }
            Command::RequestPerson { reason, reply } => {
                self.request_person(reason, None);
                let _ = reply.send(Ok(()));
            }
            Command::CancelPerson { reply } => {
                let _ = reply.send(self.cancel_person());
            }
            Command::Snapshot { reply } => {
                let _ = reply.send(self.snapshot());
            }
            Command::SaveDraft { text } => {
                if self.draft != text {
                    let result = self.store.save_draft(&text);
                    self.check_store(result);
                    self.draft = text;
                }
            }
            Command::LeaveMessage {
                text,
                callback,
                reply,
            } => self.leave_message(text, callback, reply),
        }
    }

    fn snapshot(&self) -> ConversationSnapshot {
        ConversationSnapshot {
            seq: self.seq,
            backend: self.info.clone(),
            messages: self.messages.clone(),
            handoff: self.handoff.clone(),
            connection: self.connection,
            typing: self.typing.clone(),
            person_offered: self.person_offered,
            draft: self.draft.clone(),
        }
    }

    fn check_store(&mut self, result: Result<(), StoreError>) {
        if let Err(error) = result {
            self.store_failed(&error);
        }
    }

    fn store_failed(&mut self, error: &StoreError) {
        tracing::error!(%error, "the conversation store failed");
        if !self.store_failed {
            // Once is enough: the conversation goes on in memory. The note
            // goes into the transcript so a window that opens later sees it.
            self.store_failed = true;
            let error = UiError::from(crate::ErrorCode::StorageFailed);
            self.add_notice(error.to_localized());
            self.report(error);
        }
    }

    fn emit(&mut self, change: ConversationChange) {
        self.seq = self.seq.wrapping_add(1);
        // No subscriber is fine: the UI reads the snapshot when it starts.
        let _ = self.events.send(ConversationEvent {
            seq: self.seq,
            change,
        });
    }

    fn add_message(
        &mut self,
        author: Author,
        body: MessageBody,
        delivery: DeliveryState,
    ) -> MessageId {
        let message = Message {
            id: MessageId::new(),
            author,
            body,
            sent_at: Timestamp::now(),
            delivery,
        };
        let id = message.id;
        // Stored before anyone hears of it: a crash after this line loses
        // nothing the user wrote.
        let stored = self.store.save_message(&message);
        self.check_store(stored);
        self.messages.push(message.clone());
        self.emit(ConversationChange::MessageAdded { message });
        id
    }

    fn add_notice(&mut self, notice: LocalizedText) {
        self.add_message(
            Author::System,
            MessageBody::Notice { notice },
            DeliveryState::Received,
        );
    }

    fn set_handoff(&mut self, handoff: HandoffState) {
        if self.handoff != handoff {
            let pending = matches!(
                handoff,
                HandoffState::Requested | HandoffState::Queued { .. }
            )
            .then_some(PendingHandoff {
                reason: self.handoff_reason,
                urgent_topic: self.urgent_topic,
            });
            let stored = self.store.save_handoff(&handoff, pending);
            self.check_store(stored);
            self.handoff = handoff.clone();
            self.emit(ConversationChange::HandoffChanged { handoff });
        }
    }

    fn set_connection(&mut self, connection: ConnectionState) {
        if self.connection != connection {
            self.connection = connection;
            self.emit(ConversationChange::ConnectionChanged { connection });
        }
    }

    fn set_typing(&mut self, typing: Option<String>) {
        if self.typing != typing {
            self.typing = typing.clone();
            self.emit(ConversationChange::TypingChanged { typing });
        }
    }

    fn report(&mut self, error: UiError) {
        self.emit(ConversationChange::Failed { error });
    }

    // --- connection -------------------------------------------------------

    fn open_conversation(&mut self) {
        // An attempt under way or starting now supersedes a scheduled one.
        self.reconnect_at = None;
        if self.opening {
            return;
        }
        self.opening = true;
        let backend = Arc::clone(&self.backend);
        let options = ConversationOptions {
            locale: self.config.locale.clone(),
            resume: self.conversation.clone(),
        };
        let calls = self.calls.clone();
        tokio::spawn(async move {
            let result = backend.open_conversation(options).await;
            let _ = calls.send(CallDone::Opened(result)).await;
        });
    }

    fn opened(&mut self, result: Result<BackendSession, BackendError>) {
        self.opening = false;
        match result {
            Ok(session) => {
                let replaced = self
                    .conversation
                    .as_ref()
                    .is_some_and(|old| *old != session.conversation);
                if self.conversation.as_ref() != Some(&session.conversation) {
                    let stored = self.store.save_conversation_id(Some(&session.conversation));
                    self.check_store(stored);
                }
                self.conversation = Some(session.conversation);
                self.backend_events = Some(session.events);
                self.set_connection(ConnectionState::Online);
                self.backoff.reset();
                // A resend waiting on its timer goes now, with the new
                // connection, rather than when its timer says.
                self.connection_is_back();
                if replaced {
                    // The backend could not resume the conversation (it
                    // restarted, or forgot it): the user sees it continue, and
                    // a request for a person, or a person they were talking
                    // to, is asked for again.
                    self.add_notice(LocalizedText::new("notice-conversation-continues"));
                    if matches!(
                        self.handoff,
                        HandoffState::Requested
                            | HandoffState::Queued { .. }
                            | HandoffState::Connected { .. }
                    ) {
                        self.set_handoff(HandoffState::Requested);
                        self.handoff_to_send = Some(self.handoff_request(self.handoff_reason));
                    }
                }
                if let Some(request) = self.handoff_to_send.take() {
                    self.send_handoff_request(request);
                }
                self.flush_outbox();
            }
            Err(BackendError::UnknownConversation(_)) => {
                // The backend forgot the conversation: start a new one at once,
                // keeping everything the user sees.
                self.conversation = None;
                self.open_conversation();
            }
            Err(error) => {
                tracing::warn!(%error, "opening the conversation failed");
                self.set_connection(if self.conversation.is_some() {
                    ConnectionState::Reconnecting
                } else {
                    ConnectionState::Connecting
                });
                self.schedule_reconnect();
            }
        }
    }

    fn connection_lost(&mut self) {
        self.backend_events = None;
        self.set_typing(None);
        self.set_connection(ConnectionState::Reconnecting);
        self.schedule_reconnect();
    }

    fn schedule_reconnect(&mut self) {
        self.reconnect_at = Some(Instant::now() + self.backoff.next_wait());
        self.start_probe();
    }

    /// While a timer holds back a reconnect or a resend, asks the adapter to
    /// say when the backend looks reachable again, to try at once instead.
    fn start_probe(&mut self) {
        if self.probe.is_some() {
            return;
        }
        let backend = Arc::clone(&self.backend);
        let calls = self.calls.clone();
        self.probe = Some(tokio::spawn(async move {
            backend.wait_until_reachable().await;
            let _ = calls.send(CallDone::Reachable).await;
        }));
    }

    fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.abort();
        }
    }

    /// The backend just answered, spoke, or was reported reachable: the
    /// connection is obviously back, so nothing waits on a backoff timer any
    /// more. The user's messages go out now, not when the timer would have
    /// said (up to `retry_max` later).
    fn connection_is_back(&mut self) {
        self.stop_probe();
        if self.reconnect_at.take().is_some() {
            self.open_conversation();
        }
        if self.resend_at.take().is_some() {
            self.flush_outbox();
        }
    }

    fn conversation_closed(&mut self) {
        // The backend ended the conversation (for example after inactivity).
        // The user sees it simply continue; a pending request for a person
        // is made again in the new conversation.
        self.backend_events = None;
        self.conversation = None;
        self.add_notice(LocalizedText::new("notice-conversation-continues"));
        if matches!(
            self.handoff,
            HandoffState::Requested | HandoffState::Queued { .. }
        ) {
            self.handoff_to_send = Some(self.handoff_request(self.handoff_reason));
            self.set_handoff(HandoffState::Requested);
        }
        self.open_conversation();
    }

    // --- messages ---------------------------------------------------------

    fn send_text(&mut self, text: String) -> Result<MessageId, EngineError> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(EngineError::EmptyMessage);
        }
        let id = self.add_message(
            Author::User,
            MessageBody::Text { text: text.clone() },
            DeliveryState::Sending,
        );
        let normalized = normalize_for_repeat(&text);
        if self.last_user_text.as_deref() == Some(normalized.as_str()) {
            // Asking the same thing again means the answer did not help.
            self.offer_person();
        }
        self.last_user_text = Some(normalized);
        // "转人工", "I want a human", "我被骗了": the words are as good as the
        // button. The message still goes out, so the person sees it.
        match self.config.phrases.classify(&text) {
            Some(Intent::AskPerson) => self.request_person(HandoffReason::UserAsked, None),
            Some(Intent::Urgent(topic)) => self.request_person(HandoffReason::Urgent, Some(topic)),
            None => {}
        }
        self.outbox.push_back(OutgoingMessage {
            id,
            text,
            written_at: Timestamp::now(),
        });
        self.flush_outbox();
        Ok(id)
    }

    fn flush_outbox(&mut self) {
        if self.in_flight.is_some() || self.resend_at.is_some() {
            return;
        }
        let (Some(conversation), Some(message)) = (self.conversation.clone(), self.outbox.front())
        else {
            return;
        };
        if self.backend_events.is_none() {
            return;
        }
        let message = message.clone();
        self.in_flight = Some(message.id);
        let backend = Arc::clone(&self.backend);
        let calls = self.calls.clone();
        tokio::spawn(async move {
            let id = message.id;
            let result = backend.send_message(&conversation, message).await;
            let _ = calls.send(CallDone::Sent { id, result }).await;
        });
    }

    fn sent(&mut self, id: MessageId, result: Result<SendReceipt, BackendError>) {
        self.in_flight = None;
        match result {
            Ok(_) => {
                self.backoff.reset();
                self.outbox.retain(|m| m.id != id);
                self.set_delivery(id, DeliveryState::Sent);
                self.flush_outbox();
            }
            Err(BackendError::UnknownConversation(_)) => {
                // The backend forgot the conversation: continue in a new one;
                // the message stays first in the outbox.
                self.set_delivery(id, DeliveryState::WillRetry);
                self.conversation_closed();
            }
            Err(error) if error.is_transient() => {
                tracing::info!(%error, "sending failed; will retry");
                self.set_delivery(id, DeliveryState::WillRetry);
                self.resend_at = Some(Instant::now() + self.backoff.next_wait());
                self.start_probe();
            }
            Err(error) => {
                tracing::warn!(%error, "the backend refused a message");
                self.outbox.retain(|m| m.id != id);
                self.set_delivery(id, DeliveryState::Failed);
                self.report(UiError::from(backend_error_code(&error)));
                self.flush_outbox();
            }
        }
    }

    fn set_delivery(&mut self, id: MessageId, delivery: DeliveryState) {
        if let Some(message) = self.messages.iter_mut().find(|m| m.id == id) {
            if message.delivery == delivery {
                return;
            }
            message.delivery = delivery;
            let stored = self.store.set_delivery(id, delivery);
            self.check_store(stored);
            self.emit(ConversationChange::DeliveryChanged { id, delivery });
        }
    }

    // --- handoff ----------------------------------------------------------

    fn handoff_request(&self, reason: HandoffReason) -> HandoffRequest {
        HandoffRequest {
            reason,
            urgent_topic: self.urgent_topic,
            locale: self.config.locale.clone(),
            summary: HandoffSummary::from_messages(&self.messages, &self.config.locale),
        }
    }

    fn request_person(&mut self, reason: HandoffReason, urgent_topic: Option<UrgentTopic>) {
        if !matches!(
            self.handoff,
            HandoffState::None | HandoffState::Unavailable | HandoffState::MessageLeft { .. }
        ) {
            // Already asked or already talking to a person: one press is enough.
            return;
        }
        self.handoff_reason = reason;
        self.urgent_topic = urgent_topic;
        self.set_person_offered(false);
        self.set_handoff(HandoffState::Requested);
        self.add_notice(LocalizedText::new(match reason {
            HandoffReason::Urgent => "notice-person-requested-urgent",
            HandoffReason::UserAsked => "notice-person-requested-words",
            HandoffReason::Button | HandoffReason::BotFailed => "notice-person-requested",
        }));
        let request = self.handoff_request(reason);
        if self.backend_events.is_some() {
            self.send_handoff_request(request);
        } else {
            self.handoff_to_send = Some(request);
        }
    }

    fn send_handoff_request(&mut self, request: HandoffRequest) {
        let Some(conversation) = self.conversation.clone() else {
            self.handoff_to_send = Some(request);
            return;
        };
        let backend = Arc::clone(&self.backend);
        let calls = self.calls.clone();
        tokio::spawn(async move {
            let result = backend.request_handoff(&conversation, request).await;
            let _ = calls.send(CallDone::HandoffRequested(result)).await;
        });
    }

    fn handoff_requested(&mut self, result: Result<(), BackendError>) {
        match result {
            Ok(()) => self.connection_is_back(),
            Err(error) if error.is_transient() => {
                // Keep the request; it goes out again with the next connection.
                self.handoff_to_send = Some(self.handoff_request(self.handoff_reason));
                self.connection_lost();
            }
            Err(error) => {
                self.set_handoff(HandoffState::None);
                self.report(UiError::from(backend_error_code(&error)));
            }
        }
    }

    fn cancel_person(&mut self) -> Result<(), EngineError> {
        if matches!(self.handoff, HandoffState::None) {
            return Ok(());
        }
        self.handoff_to_send = None;
        if let Some(conversation) = self.conversation.clone() {
            let backend = Arc::clone(&self.backend);
            tokio::spawn(async move {
                if let Err(error) = backend.cancel_handoff(&conversation).await {
                    tracing::warn!(%error, "cancelling the request for a person failed");
                }
            });
        }
        self.set_handoff(HandoffState::None);
        self.add_notice(LocalizedText::new("notice-person-cancelled"));
        Ok(())
    }

    fn leave_message(
        &mut self,
        text: String,
        callback: Option<CallbackRequest>,
        reply: oneshot::Sender<Result<(), EngineError>>,
    ) {
        let text = text.trim().to_owned();
        if text.is_empty() && callback.is_none() {
            let _ = reply.send(Err(EngineError::EmptyMessage));
            return;
        }
        let (Some(conversation), true) = (self.conversation.clone(), self.backend_events.is_some())
        else {
            let _ = reply.send(Err(EngineError::Backend(BackendError::Unreachable(
                "not connected".into(),
            ))));
            return;
        };
        let message = LeftMessage {
            text,
            callback: callback.clone(),
            summary: HandoffSummary::from_messages(&self.messages, &self.config.locale),
        };
        let backend = Arc::clone(&self.backend);
        let calls = self.calls.clone();
        tokio::spawn(async move {
            let result = backend.leave_message(&conversation, message).await;
            let _ = calls
                .send(CallDone::MessageLeft {
                    callback,
                    result,
                    reply,
                })
                .await;
        });
    }

    fn message_left(
        &mut self,
        callback: Option<CallbackRequest>,
        result: Result<LeftMessageReceipt, BackendError>,
        reply: oneshot::Sender<Result<(), EngineError>>,
    ) {
        match result {
            Ok(receipt) => {
                self.connection_is_back();
                // The confirmation stays in the transcript, to read again later.
                let notice = match &callback {
                    Some(callback) if callback.preferred_time.trim().is_empty() => {
                        LocalizedText::new("notice-callback-requested-any-time")
                            .with_arg("reference", receipt.reference.as_str())
                            .with_arg("phone", callback.phone.as_str())
                    }
                    Some(callback) => LocalizedText::new("notice-callback-requested")
                        .with_arg("reference", receipt.reference.as_str())
                        .with_arg("phone", callback.phone.as_str())
                        .with_arg("time", callback.preferred_time.as_str()),
                    None => LocalizedText::new("notice-message-left")
                        .with_arg("reference", receipt.reference.as_str()),
                };
                self.add_notice(notice);
                self.set_handoff(HandoffState::MessageLeft {
                    reference: receipt.reference,
                    callback: callback.is_some(),
                });
                let _ = reply.send(Ok(()));
            }
            Err(error) => {
                let _ = reply.send(Err(EngineError::Backend(error)));
            }
        }
    }

    // --- frustration ------------------------------------------------------

    /// Counts bot answers that did not help: fallbacks ("I did not
    /// understand") and the same answer twice. Two in a row, and Warmline
    /// offers a person.
    fn judge_bot_answer(&mut self, text: &str, understood: bool) {
        let repeated = self.last_bot_text.as_deref() == Some(text);
        self.last_bot_text = Some(text.to_owned());
        if understood && !repeated {
            self.bot_misses = 0;
            self.set_person_offered(false);
            return;
        }
        // A canned answer given twice failed both times.
        self.bot_misses = if repeated {
            self.bot_misses.max(1) + 1
        } else {
            self.bot_misses + 1
        };
        if self.bot_misses >= 2 {
            self.offer_person();
        }
    }

    fn offer_person(&mut self) {
        if self.person_offered || !matches!(self.handoff, HandoffState::None) {
            return;
        }
        self.add_notice(LocalizedText::new("notice-offer-person"));
        self.set_person_offered(true);
    }

    fn set_person_offered(&mut self, offered: bool) {
        if self.person_offered != offered {
            self.person_offered = offered;
            self.emit(ConversationChange::PersonOffered { offered });
        }
    }

    // --- backend events ---------------------------------------------------

    fn handle_call_done(&mut self, done: CallDone) {
        match done {
            CallDone::Opened(result) => self.opened(result),
            CallDone::Sent { id, result } => self.sent(id, result),
            CallDone::HandoffRequested(result) => self.handoff_requested(result),
            CallDone::Reachable => {
                self.probe = None;
                self.connection_is_back();
            }
            CallDone::MessageLeft {
                callback,
                result,
                reply,
            } => self.message_left(callback, result, reply),
        }
    }

    fn handle_backend_event(&mut self, event: BackendEvent) {
        // The backend spoke, so the connection works: a resend waiting on
        // its timer goes now. (The backoff is not reset: a backend that
        // talks but keeps failing sends still gets growing waits between
        // timer-driven attempts.)
        self.connection_is_back();
        let demo = self.info.demo;
        match event {
            BackendEvent::BotMessage {
                name,
                text,
                understood,
            } => {
                self.set_typing(None);
                self.add_message(
                    Author::Bot { name, demo },
                    MessageBody::Text { text: text.clone() },
                    DeliveryState::Received,
                );
                self.judge_bot_answer(&text, understood);
            }
            BackendEvent::AgentMessage { name, text } => {
                self.set_typing(None);
                self.add_message(
                    Author::Agent { name, demo },
                    MessageBody::Text { text },
                    DeliveryState::Received,
                );
            }
            BackendEvent::SystemMessage { text } => {
                self.add_message(
                    Author::System,
                    MessageBody::Text { text },
                    DeliveryState::Received,
                );
            }
            BackendEvent::Typing { name, active } => {
                self.set_typing(active.then_some(name));
            }
            BackendEvent::QueueUpdate {
                position,
                estimated_wait_secs,
            } => {
                if matches!(
                    self.handoff,
                    HandoffState::Requested | HandoffState::Queued { .. }
                ) {
                    self.set_handoff(HandoffState::Queued {
                        position,
                        estimated_wait_secs,
                    });
                }
            }
            BackendEvent::AgentJoined { name } => {
                self.add_notice(
                    LocalizedText::new("notice-agent-joined").with_arg("name", name.as_str()),
                );
                self.set_handoff(HandoffState::Connected {
                    agent_name: name,
                    demo,
                });
            }
            BackendEvent::AgentLeft { name } => {
                self.set_typing(None);
                self.add_notice(LocalizedText::new("notice-agent-left").with_arg("name", name));
                self.set_handoff(HandoffState::None);
            }
            BackendEvent::HandoffUnavailable { can_leave_message } => {
                self.add_notice(LocalizedText::new(if can_leave_message {
                    "notice-nobody-available-leave-message"
                } else {
                    "notice-nobody-available"
                }));
                self.set_handoff(HandoffState::Unavailable);
            }
            BackendEvent::ConversationClosed => self.conversation_closed(),
            BackendEvent::Checkpoint { key, value } => {
                // Everything before this event was stored above, in order.
                let stored = self.store.save_resume_value(&key, Some(&value));
                self.check_store(stored);
            }
        }
    }
}

/// Lowercase, without punctuation or spacing: "Where is my parcel?" and
/// "where is my parcel" are the same question.
fn normalize_for_repeat(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

async fn next_event(events: &mut Option<mpsc::Receiver<BackendEvent>>) -> Option<BackendEvent> {
    match events {
        Some(events) => events.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

mod backoff;
#[cfg(test)]
mod tests;
