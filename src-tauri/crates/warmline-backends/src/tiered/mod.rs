//! A bot tier in front of a human tier, with the way to a person always one
//! press away (docs/AI-TIER.md).
//!
//! One conversation of this backend is a conversation with the bot and,
//! from the moment a person is requested, one with the human tier:
//!
//! - Messages go to the bot until a person is requested: the button, words
//!   that ask for one or tell of something urgent (read here too, with the
//!   same phrase rules as the engine, so the message that asks is already
//!   the person's, whichever of the engine's two calls arrives first), or an
//!   accepted offer. From then on everything goes to the human tier; the
//!   request carries the engine's hand-over summary.
//! - The bot cannot delay or answer instead of a requested person: its event
//!   stream is dropped at the request, which abandons an answer under way,
//!   and nothing it sends afterwards reaches the user.
//! - When the profile asks for it, the bot's model writes a summary for the
//!   person, sent after the request as an addition ([`summary`]); the
//!   request itself never waits for it.
//! - When the human tier has nobody, its own "nobody available" (and its
//!   leave-a-message path) reaches the user as it is. The bot answers again
//!   only when the user withdraws the request (`cancel_handoff`).

mod settings;
mod summary;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use warmline_core::{
    BackendError, BackendEvent, BackendInfo, BackendSession, Capabilities, ConversationId,
    ConversationOptions, HandoffRequest, LeftMessage, LeftMessageReceipt, MessageId,
    OutgoingMessage, PhraseSet, SendReceipt, SupportBackend,
};

pub use settings::TieredSettings;
pub use summary::{Summarizer, SUMMARY_BOUND};

use summary::SummaryPlan;

/// The adapter's machine name.
pub const KIND: &str = "tiered";

/// The composed backend. Cheap to clone; clones share their conversations.
#[derive(Clone)]
pub struct TieredBackend {
    shared: Arc<Shared>,
}

struct Shared {
    bot: Arc<dyn SupportBackend>,
    human: Arc<dyn SupportBackend>,
    phrases: Arc<PhraseSet>,
    /// Who writes the model's summary, if the profile asks for one.
    summary: Option<SummaryPlan>,
    conversations: Mutex<HashMap<ConversationId, Arc<Conversation>>>,
}

struct Conversation {
    locale: String,
    state: Mutex<State>,
    /// Held while the human tier's conversation is being opened, so two
    /// calls at once open one.
    opening_human: tokio::sync::Mutex<()>,
}

struct State {
    /// The engine's stream of this conversation.
    events: mpsc::Sender<BackendEvent>,
    bot: ConversationId,
    /// Forwards the bot's events; gone once a person is requested.
    bot_pipe: Option<AbortHandle>,
    human: Option<ConversationId>,
    human_pipe: Option<AbortHandle>,
    /// A person was requested: nothing goes to the bot any more.
    to_person: bool,
    /// Idempotency across both tiers: a message is kept by the tier it
    /// first went to, and its receipt is given again for a repeat.
    received: HashMap<MessageId, String>,
    /// The model's summary on its way to the human tier.
    summary_task: Option<AbortHandle>,
}

impl Drop for State {
    fn drop(&mut self) {
        for task in [
            self.bot_pipe.take(),
            self.human_pipe.take(),
            self.summary_task.take(),
        ]
        .into_iter()
        .flatten()
        {
            task.abort();
        }
    }
}

/// Forwards one tier's events into the engine's stream until either ends.
fn pipe(mut from: mpsc::Receiver<BackendEvent>, to: mpsc::Sender<BackendEvent>) -> AbortHandle {
    tokio::spawn(async move {
        while let Some(event) = from.recv().await {
            if to.send(event).await.is_err() {
                break;
            }
        }
    })
    .abort_handle()
}

impl TieredBackend {
    /// `bot` answers first; `human` takes the conversation when a person is
    /// requested. `phrases` are the words that ask for a person (the
    /// engine's, usually [`PhraseSet::builtin`]).
    pub fn new(
        bot: Arc<dyn SupportBackend>,
        human: Arc<dyn SupportBackend>,
        phrases: Arc<PhraseSet>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                bot,
                human,
                phrases,
                summary: None,
                conversations: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The same backend with the model's summary for the person: `writer`
    /// (the bot tier's model) is asked beside each request for a person, in
    /// `language` (`None`: the user's), and what it writes within `bound`
    /// follows the request as an addition. Call right after [`Self::new`].
    pub fn with_summary(
        self,
        writer: Arc<dyn Summarizer>,
        language: Option<String>,
        bound: std::time::Duration,
    ) -> Self {
        let shared = Arc::into_inner(self.shared).expect("called right after new()");
        Self {
            shared: Arc::new(Shared {
                summary: Some(SummaryPlan {
                    writer,
                    language,
                    bound,
                }),
                ..shared
            }),
        }
    }

    fn conversation(&self, id: &ConversationId) -> Result<Arc<Conversation>, BackendError> {
        self.shared
            .conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
            .ok_or_else(|| BackendError::UnknownConversation(id.clone()))
    }

    /// The human tier's conversation, opened on first need.
    async fn human_conversation(
        &self,
        conversation: &Conversation,
    ) -> Result<ConversationId, BackendError> {
        let _opening = conversation.opening_human.lock().await;
        if let Some(human) = conversation.state().human.clone() {
            return Ok(human);
        }
        let session = self
            .shared
            .human
            .open_conversation(ConversationOptions {
                locale: conversation.locale.clone(),
                resume: None,
            })
            .await?;
        let mut state = conversation.state();
        state.human_pipe = Some(pipe(session.events, state.events.clone()));
        state.human = Some(session.conversation.clone());
        Ok(session.conversation)
    }
}

impl Conversation {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A person was requested: the bot is cut off at once, an answer under
    /// way included, and its typing dots go.
    fn hand_over(&self) {
        let mut state = self.state();
        state.to_person = true;
        if let Some(bot_pipe) = state.bot_pipe.take() {
            bot_pipe.abort();
            let _ = state.events.try_send(BackendEvent::Typing {
                name: String::new(),
                active: false,
            });
        }
    }
}

#[async_trait]
impl SupportBackend for TieredBackend {
    fn info(&self) -> BackendInfo {
        let bot = self.shared.bot.info();
        let human = self.shared.human.info();
        BackendInfo {
            kind: KIND.to_owned(),
            demo: bot.demo && human.demo,
            capabilities: Capabilities {
                typing: bot.capabilities.typing || human.capabilities.typing,
                ..human.capabilities
            },
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let (events, receiver) = mpsc::channel(256);
        if let Some(resume) = options.resume.clone() {
            if let Ok(conversation) = self.conversation(&resume) {
                // A new stream for the engine: each tier's session is
                // resumed onto it (the bot's only while it still answers).
                let (bot, human, to_person) = {
                    let state = conversation.state();
                    (state.bot.clone(), state.human.clone(), state.to_person)
                };
                let bot_session = if to_person {
                    None
                } else {
                    Some(
                        self.shared
                            .bot
                            .open_conversation(ConversationOptions {
                                resume: Some(bot),
                                ..options.clone()
                            })
                            .await?,
                    )
                };
                let human_session = match human {
                    Some(human) => Some(
                        self.shared
                            .human
                            .open_conversation(ConversationOptions {
                                resume: Some(human),
                                ..options.clone()
                            })
                            .await?,
                    ),
                    None => None,
                };
                let mut state = conversation.state();
                for old in [state.bot_pipe.take(), state.human_pipe.take()]
                    .into_iter()
                    .flatten()
                {
                    old.abort();
                }
                state.events = events.clone();
                if let Some(session) = bot_session.filter(|_| !state.to_person) {
                    state.bot = session.conversation;
                    state.bot_pipe = Some(pipe(session.events, events.clone()));
                }
                if let Some(session) = human_session {
                    state.human = Some(session.conversation);
                    state.human_pipe = Some(pipe(session.events, events));
                }
                return Ok(BackendSession {
                    conversation: resume,
                    events: receiver,
                });
            }
        }
        let bot = self
            .shared
            .bot
            .open_conversation(ConversationOptions {
                resume: None,
                ..options.clone()
            })
            .await?;
        let id = ConversationId(format!("tiered-{}", MessageId::new()));
        let conversation = Arc::new(Conversation {
            locale: options.locale,
            state: Mutex::new(State {
                bot_pipe: Some(pipe(bot.events, events.clone())),
                events,
                bot: bot.conversation,
                human: None,
                human_pipe: None,
                to_person: false,
                received: HashMap::new(),
                summary_task: None,
            }),
            opening_human: tokio::sync::Mutex::new(()),
        });
        self.shared
            .conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.clone(), conversation);
        Ok(BackendSession {
            conversation: id,
            events: receiver,
        })
    }

    async fn send_message(
        &self,
        conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        let conversation = self.conversation(conversation)?;
        if let Some(backend_id) = conversation.state().received.get(&message.id) {
            return Ok(SendReceipt {
                backend_id: backend_id.clone(),
                duplicate: true,
            });
        }
        // Words that ask for a person, or tell of something urgent, are the
        // person's already: they never reach the bot.
        if self
            .shared
            .phrases
            .explain(&message.text)
            .handoff_reason()
            .is_some()
        {
            conversation.hand_over();
        }
        let (to_person, bot) = {
            let state = conversation.state();
            (state.to_person, state.bot.clone())
        };
        let id = message.id;
        let receipt = if to_person {
            let human = self.human_conversation(&conversation).await?;
            self.shared.human.send_message(&human, message).await?
        } else {
            self.shared.bot.send_message(&bot, message).await?
        };
        conversation
            .state()
            .received
            .insert(id, receipt.backend_id.clone());
        Ok(receipt)
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let conversation = self.conversation(conversation)?;
        // Before anything that can wait: from this moment nothing goes to
        // the bot and nothing of it is shown.
        conversation.hand_over();
        // The model starts on its summary at the same moment, but the
        // request does not wait for it.
        let writing = self
            .shared
            .summary
            .as_ref()
            .map(|plan| plan.start(&request));
        let asked = match self.human_conversation(&conversation).await {
            Ok(human) => self
                .shared
                .human
                .request_handoff(&human, request)
                .await
                .map(|()| human),
            Err(error) => Err(error),
        };
        let human = match asked {
            Ok(human) => human,
            Err(error) => {
                // The engine asks again, with a summary of its own.
                if let Some(writing) = writing {
                    writing.abort();
                }
                return Err(error);
            }
        };
        if let Some(writing) = writing {
            let tier = Arc::clone(&self.shared.human);
            let sending = tokio::spawn(async move {
                let Ok(Some(addition)) = writing.await else {
                    return;
                };
                if let Err(error) = tier.add_to_summary(&human, addition).await {
                    tracing::info!(%error, "the model's summary did not reach the person");
                }
            });
            if let Some(older) = conversation
                .state()
                .summary_task
                .replace(sending.abort_handle())
            {
                older.abort();
            }
        }
        Ok(())
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        let conversation = self.conversation(conversation)?;
        let (human, bot, to_person) = {
            let mut state = conversation.state();
            // A summary for a request withdrawn would only confuse.
            if let Some(task) = state.summary_task.take() {
                task.abort();
            }
            (state.human.clone(), state.bot.clone(), state.to_person)
        };
        if let Some(human) = human {
            self.shared.human.cancel_handoff(&human).await?;
        }
        if to_person {
            // The user chose to go on with the bot: its stream comes back.
            let session = self
                .shared
                .bot
                .open_conversation(ConversationOptions {
                    locale: conversation.locale.clone(),
                    resume: Some(bot),
                })
                .await?;
            let mut state = conversation.state();
            state.to_person = false;
            state.bot = session.conversation;
            state.bot_pipe = Some(pipe(session.events, state.events.clone()));
        }
        Ok(())
    }

    async fn leave_message(
        &self,
        conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let conversation = self.conversation(conversation)?;
        let human = self.human_conversation(&conversation).await?;
        self.shared.human.leave_message(&human, message).await
    }

    async fn set_user_typing(
        &self,
        conversation: &ConversationId,
        typing: bool,
    ) -> Result<(), BackendError> {
        let conversation = self.conversation(conversation)?;
        let (to_person, bot, human) = {
            let state = conversation.state();
            (state.to_person, state.bot.clone(), state.human.clone())
        };
        match (to_person, human) {
            (true, Some(human)) => self.shared.human.set_user_typing(&human, typing).await,
            (true, None) => Ok(()),
            (false, _) => self.shared.bot.set_user_typing(&bot, typing).await,
        }
    }

    async fn wait_until_reachable(&self) {
        self.shared.human.wait_until_reachable().await;
    }
}

#[cfg(test)]
mod tests;
