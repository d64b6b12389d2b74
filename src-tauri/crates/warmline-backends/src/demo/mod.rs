//! The built-in demo service: offline and bilingual.
//!
//! A FAQ assistant answers common customer-service questions in the language
//! the user writes in and says plainly when it does not understand; asking for
//! a person puts the user in a simulated queue that counts down with an
//! estimated wait, after which a demo agent joins by name and answers. Every
//! participant is flagged as a demo ([`BackendInfo::demo`]), and the UI labels
//! them so.

mod faq;
mod language;
mod spelling;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;
use tokio::time::Instant;
use warmline_core::{
    BackendError, BackendEvent, BackendInfo, BackendSession, Capabilities, ConversationId,
    ConversationOptions, HandoffRequest, Intent, LeftMessage, LeftMessageReceipt, MessageId,
    OutgoingMessage, PhraseSet, SendReceipt, SummaryAddition, SupportBackend,
};
use warmline_i18n::{Args, Localizer, SUPPORTED_LOCALES};

pub use language::detect_locale;

/// Timing of the demo. The defaults feel natural to a person; tests shorten
/// them or run on tokio's paused clock.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// How long the assistant or the agent "types" before answering.
    pub reply_delay: Duration,
    /// Queue position the user starts at after asking for a person.
    pub queue_start: u32,
    /// Time between two steps of the queue. The estimated wait the demo
    /// announces is this times the position, so the estimate is honest.
    pub queue_step: Duration,
    /// Pretend the office is closed: nobody takes a request for a person,
    /// and the user is offered to leave a message or ask for a call back.
    pub after_hours: bool,
    /// Close a conversation after this long without a message from the user,
    /// as many real chat services do. `None` (the default) never closes.
    /// The demo imitates the misbehaving service so the tests can show that
    /// Warmline carries on regardless.
    pub idle_close: Option<Duration>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            reply_delay: Duration::from_millis(900),
            queue_start: 3,
            queue_step: Duration::from_secs(8),
            after_hours: false,
            idle_close: None,
        }
    }
}

/// The demo backend. Cheap to clone; clones share their conversations.
#[derive(Clone)]
pub struct DemoBackend {
    shared: Arc<Shared>,
}

struct Shared {
    config: DemoConfig,
    /// Random per process, so ids never repeat across restarts: a restarted
    /// demo must not pretend to know a conversation it lost.
    instance: String,
    localizers: HashMap<&'static str, Localizer>,
    /// Warmline's own words for "I want a person": a message that asks for
    /// one is taken as that request, never answered as a question.
    phrases: PhraseSet,
    next_id: AtomicU64,
    conversations: Mutex<HashMap<ConversationId, ConversationEntry>>,
    /// What the demo closed for inactivity, carried into the next
    /// conversation (the desktop app has one user): the place in the queue,
    /// the topic and the language, and no second welcome.
    closed: Mutex<Option<Carried>>,
    /// What was added to hand-over summaries (an automatic assistant's own
    /// account, tiered profiles), as the demo's people received it.
    additions: Mutex<Vec<(ConversationId, SummaryAddition)>>,
}

/// A conversation closed for inactivity, as the next one continues it.
struct Carried {
    /// The place in the queue, if the user was waiting (1 if talking to the agent).
    position: Option<u32>,
    topic: Option<String>,
    locale: &'static str,
}

struct ConversationEntry {
    commands: mpsc::UnboundedSender<ActorCommand>,
    /// Idempotency keys seen, with the id the demo stored the message under.
    received: HashMap<MessageId, String>,
    /// Left messages seen, by idempotency key, with their reference.
    left: HashMap<MessageId, String>,
}

enum ActorCommand {
    Attach(mpsc::Sender<BackendEvent>),
    /// The connection drops: the stream ends, events are held for the next
    /// attach.
    Detach,
    /// Someone on the support side writes, as a person would.
    SupportWrites(String),
    UserMessage(String),
    /// Carries the hand-over summary's topic, which the demo agent repeats
    /// to show it was received.
    RequestHandoff {
        topic: Option<String>,
    },
    CancelHandoff,
}

impl DemoBackend {
    /// A demo backend with the given timing.
    pub fn new(config: DemoConfig) -> Self {
        let localizers = SUPPORTED_LOCALES
            .iter()
            .map(|locale| (*locale, Localizer::new(locale)))
            .collect();
        Self {
            shared: Arc::new(Shared {
                config,
                instance: MessageId::new().to_string()[..8].to_owned(),
                localizers,
                phrases: PhraseSet::builtin(),
                next_id: AtomicU64::new(1),
                conversations: Mutex::new(HashMap::new()),
                closed: Mutex::new(None),
                additions: Mutex::new(Vec::new()),
            }),
        }
    }

    fn conversations(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<ConversationId, ConversationEntry>> {
        // A panic while holding the lock leaves plain data behind; keep going.
        self.shared
            .conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn next_id(&self, prefix: &str) -> String {
        format!(
            "{prefix}-{}-{}",
            self.shared.instance,
            self.shared.next_id.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Ends every conversation's event stream, as a dropped network
    /// connection does (for tests and demonstrations of reconnecting). What
    /// happens meanwhile is held and delivered when the conversation is
    /// resumed.
    pub fn cut_connections(&self) {
        for entry in self.conversations().values() {
            let _ = entry.commands.send(ActorCommand::Detach);
        }
    }

    /// A person on the support side writes `text` into `conversation`
    /// (for tests and demonstrations), whether Warmline is connected or not.
    pub fn agent_writes(
        &self,
        conversation: &ConversationId,
        text: impl Into<String>,
    ) -> Result<(), BackendError> {
        self.command(conversation, ActorCommand::SupportWrites(text.into()))
    }

    /// Every addition to a hand-over summary the demo's people received,
    /// oldest first, with its conversation (for tests and demonstrations).
    pub fn summary_additions(&self) -> Vec<(ConversationId, SummaryAddition)> {
        self.shared
            .additions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn command(
        &self,
        conversation: &ConversationId,
        command: ActorCommand,
    ) -> Result<(), BackendError> {
        let conversations = self.conversations();
        let entry = conversations
            .get(conversation)
            .ok_or_else(|| BackendError::UnknownConversation(conversation.clone()))?;
        entry
            .commands
            .send(command)
            .map_err(|_| BackendError::UnknownConversation(conversation.clone()))
    }
}

impl Default for DemoBackend {
    fn default() -> Self {
        Self::new(DemoConfig::default())
    }
}

#[async_trait]
impl SupportBackend for DemoBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "demo".to_owned(),
            demo: true,
            capabilities: Capabilities {
                queue_position: true,
                wait_estimate: true,
                typing: true,
                agent_identity: true,
                leave_message: true,
            },
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let (events, receiver) = mpsc::channel(256);
        // A conversation that continues one the demo lost is not a new
        // visit: greeting again would only add noise to the transcript.
        let carried = self
            .shared
            .closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let greet = options.resume.is_none() && carried.is_none();
        if let Some(resume) = options.resume {
            if self
                .command(&resume, ActorCommand::Attach(events.clone()))
                .is_ok()
            {
                return Ok(BackendSession {
                    conversation: resume,
                    events: receiver,
                });
            }
        }
        let conversation = ConversationId(self.next_id("demo-conversation"));
        let (commands, command_rx) = mpsc::unbounded_channel();
        let mut actor = ConversationActor {
            id: conversation.clone(),
            shared: Arc::clone(&self.shared),
            events,
            held: Mutex::new(None),
            locale: warmline_i18n::negotiate(&options.locale),
            queue: QueueState::Idle,
            topic: None,
        };
        if let Some(carried) = carried {
            // Keeps the user's place: the request that follows is answered
            // with this position, not with the back of the queue.
            actor.locale = carried.locale;
            actor.topic = carried.topic;
            if let Some(position) = carried.position {
                actor.queue = QueueState::Waiting {
                    position,
                    next_step: Instant::now() + self.shared.config.queue_step,
                };
            }
        }
        self.conversations().insert(
            conversation.clone(),
            ConversationEntry {
                commands,
                received: HashMap::new(),
                left: HashMap::new(),
            },
        );
        tokio::spawn(actor.run(command_rx, greet));
        Ok(BackendSession {
            conversation,
            events: receiver,
        })
    }

    async fn send_message(
        &self,
        conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        let backend_id = {
            let mut conversations = self.conversations();
            let entry = conversations
                .get_mut(conversation)
                .ok_or_else(|| BackendError::UnknownConversation(conversation.clone()))?;
            if let Some(existing) = entry.received.get(&message.id) {
                return Ok(SendReceipt {
                    backend_id: existing.clone(),
                    duplicate: true,
                });
            }
            let backend_id = self.next_id("demo-message");
            entry.received.insert(message.id, backend_id.clone());
            backend_id
        };
        self.command(conversation, ActorCommand::UserMessage(message.text))?;
        Ok(SendReceipt {
            backend_id,
            duplicate: false,
        })
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        self.command(
            conversation,
            ActorCommand::RequestHandoff {
                topic: request.summary.topic,
            },
        )
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        self.command(conversation, ActorCommand::CancelHandoff)
    }

    async fn add_to_summary(
        &self,
        conversation: &ConversationId,
        addition: SummaryAddition,
    ) -> Result<(), BackendError> {
        if !self.conversations().contains_key(conversation) {
            return Err(BackendError::UnknownConversation(conversation.clone()));
        }
        self.shared
            .additions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((conversation.clone(), addition));
        Ok(())
    }

    async fn leave_message(
        &self,
        conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let mut conversations = self.conversations();
        let Some(entry) = conversations.get_mut(conversation) else {
            return Err(BackendError::UnknownConversation(conversation.clone()));
        };
        // The same message again (a resend after a lost answer) keeps its
        // first reference.
        let reference = entry.left.entry(message.id).or_insert_with(|| {
            // A short reference a person can read out on the phone.
            let number = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
            format!("DEMO-{:04}", 1000 + number % 9000)
        });
        Ok(LeftMessageReceipt {
            reference: reference.clone(),
        })
    }
}

enum QueueState {
    Idle,
    Waiting { position: u32, next_step: Instant },
    Connected,
}

/// One demo conversation, run as its own task so replies and queue steps keep
/// their order.
struct ConversationActor {
    id: ConversationId,
    shared: Arc<Shared>,
    events: mpsc::Sender<BackendEvent>,
    /// After [`DemoBackend::cut_connections`], what happens until the next
    /// attach, for that stream: a cut connection loses nothing, as with a
    /// service that keeps history. `None` otherwise: a stream the engine
    /// dropped (it stopped) gets nothing kept for it.
    held: Mutex<Option<Vec<BackendEvent>>>,
    /// The language of the user's last message (at first, the UI language).
    locale: &'static str,
    queue: QueueState,
    /// What the user's request for a person was about.
    topic: Option<String>,
}

impl ConversationActor {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<ActorCommand>, greet: bool) {
        if greet {
            let welcome = self.text("demo-bot-welcome", None);
            self.bot_says(welcome, true).await;
        }
        let idle_close = self.shared.config.idle_close;
        let mut idle_deadline = idle_close.map(|idle| Instant::now() + idle);
        loop {
            let next_step = match self.queue {
                QueueState::Waiting { next_step, .. } => Some(next_step),
                _ => None,
            };
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => {
                        if matches!(command, ActorCommand::UserMessage(_)) {
                            idle_deadline = idle_close.map(|idle| Instant::now() + idle);
                        }
                        self.handle(command).await;
                    }
                    None => break,
                },
                () = sleep_until(next_step), if next_step.is_some() => self.queue_step().await,
                () = sleep_until(idle_deadline), if idle_deadline.is_some() => {
                    self.close_for_inactivity(&mut commands).await;
                    break;
                }
            }
        }
    }

    /// Forgets the conversation the way an impatient chat service does: the
    /// queue place is gone and the id is no longer known.
    async fn close_for_inactivity(&mut self, commands: &mut mpsc::UnboundedReceiver<ActorCommand>) {
        let position = match self.queue {
            QueueState::Idle => None,
            QueueState::Waiting { position, .. } => Some(position),
            QueueState::Connected => Some(1),
        };
        *self
            .shared
            .closed
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Carried {
            position,
            topic: self.topic.take(),
            locale: self.locale,
        });
        self.shared
            .conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
        commands.close();
        self.emit(BackendEvent::ConversationClosed).await;
    }

    async fn handle(&mut self, command: ActorCommand) {
        match command {
            ActorCommand::Attach(events) => {
                let held = self.held().take();
                self.events = events;
                for event in held.into_iter().flatten() {
                    self.emit(event).await;
                }
            }
            ActorCommand::Detach => {
                self.held().get_or_insert_with(Vec::new);
                // Dropping the only sender ends the stream.
                self.events = mpsc::channel(1).0;
            }
            ActorCommand::SupportWrites(text) => {
                let name = self.agent_name();
                self.emit(BackendEvent::AgentMessage { name, text }).await;
            }
            ActorCommand::UserMessage(text) => {
                self.locale = detect_locale(&text, self.locale);
                if matches!(self.queue, QueueState::Connected) {
                    let name = self.agent_name();
                    self.typing(&name).await;
                    let reply = self.text("demo-agent-reply", None);
                    self.emit(BackendEvent::AgentMessage { name, text: reply })
                        .await;
                } else {
                    let answer = faq::answer_for(&text);
                    let intent = self.shared.phrases.classify(&text);
                    // "I want a human", 转人工: Warmline is already getting a
                    // person, so the assistant stays silent rather than
                    // saying it did not understand. An urgent message still
                    // gets the assistant's advice when it has some.
                    if intent == Some(Intent::AskPerson) || (intent.is_some() && answer.is_none()) {
                        return;
                    }
                    let bot = self.text("demo-bot-name", None);
                    self.typing(&bot).await;
                    let reply = self.text(answer.unwrap_or("demo-bot-not-understood"), None);
                    self.bot_says(reply, answer.is_some()).await;
                }
            }
            ActorCommand::RequestHandoff { topic } => {
                self.topic = topic;
                if self.shared.config.after_hours {
                    self.emit(BackendEvent::HandoffUnavailable {
                        can_leave_message: true,
                    })
                    .await;
                } else if matches!(self.queue, QueueState::Idle) {
                    let position = self.shared.config.queue_start.max(1);
                    self.queue = QueueState::Waiting {
                        position,
                        next_step: Instant::now() + self.shared.config.queue_step,
                    };
                    self.announce_queue(position).await;
                } else if let QueueState::Waiting { position, .. } = self.queue {
                    // Asked again (a continued conversation): the same place.
                    self.announce_queue(position).await;
                }
            }
            ActorCommand::CancelHandoff => {
                if matches!(self.queue, QueueState::Connected) {
                    let name = self.agent_name();
                    self.emit(BackendEvent::AgentLeft { name }).await;
                }
                self.queue = QueueState::Idle;
            }
        }
    }

    async fn queue_step(&mut self) {
        let QueueState::Waiting { position, .. } = self.queue else {
            return;
        };
        if position > 1 {
            let position = position - 1;
            self.queue = QueueState::Waiting {
                position,
                next_step: Instant::now() + self.shared.config.queue_step,
            };
            self.announce_queue(position).await;
        } else {
            self.queue = QueueState::Connected;
            let name = self.agent_name();
            self.emit(BackendEvent::AgentJoined { name: name.clone() })
                .await;
            let mut args = Args::new();
            args.set("name", name.clone());
            let greeting = match &self.topic {
                Some(topic) => {
                    args.set("topic", topic.clone());
                    self.text("demo-agent-greeting-topic", Some(&args))
                }
                None => self.text("demo-agent-greeting", Some(&args)),
            };
            self.emit(BackendEvent::AgentMessage {
                name,
                text: greeting,
            })
            .await;
        }
    }

    async fn announce_queue(&self, position: u32) {
        let wait = self.shared.config.queue_step.as_secs_f64() * f64::from(position);
        self.emit(BackendEvent::QueueUpdate {
            position: Some(position),
            // Whole seconds, rounded up: never promise less than the truth.
            estimated_wait_secs: Some(wait.ceil().min(f64::from(u32::MAX)) as u32),
        })
        .await;
    }

    fn agent_name(&self) -> String {
        self.text("demo-agent-name", None)
    }

    fn text(&self, id: &str, args: Option<&Args>) -> String {
        self.shared
            .localizers
            .get(self.locale)
            .map(|localizer| localizer.format(id, args))
            .unwrap_or_else(|| id.to_owned())
    }

    async fn typing(&self, name: &str) {
        self.emit(BackendEvent::Typing {
            name: name.to_owned(),
            active: true,
        })
        .await;
        tokio::time::sleep(self.shared.config.reply_delay).await;
    }

    async fn bot_says(&self, text: String, understood: bool) {
        let name = self.text("demo-bot-name", None);
        self.emit(BackendEvent::BotMessage {
            name,
            text,
            understood,
        })
        .await;
    }

    async fn emit(&self, event: BackendEvent) {
        // Nobody listening means the engine is reconnecting; it will attach
        // a new stream. Like a chat server without history, the demo does
        // not replay what was said meanwhile, unless the connection was cut
        // by `cut_connections`.
        if let Err(mpsc::error::SendError(event)) = self.events.send(event).await {
            if let Some(held) = self.held().as_mut() {
                held.push(event);
            }
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Vec<BackendEvent>>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
