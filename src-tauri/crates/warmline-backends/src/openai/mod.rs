//! An automatic assistant on any OpenAI-compatible chat-completions endpoint
//! (a hosted model, or a local llama.cpp server): the bot tier of a
//! [`tiered`](crate::tiered) profile (docs/AI-TIER.md).
//!
//! - Each conversation has one worker task that asks the model about one
//!   user message at a time, with the conversation so far as context
//!   (bounded by [`OpenAiSettings::context_chars`]).
//! - While the model writes, the assistant is shown typing; nothing limits
//!   the user's time. A request that times out, cannot reach the endpoint or
//!   gets HTTP 429/5xx is tried once more.
//! - The assistant is always labelled as automatic, in the user's language
//!   (`ai-assistant*` in `locales/*/ai.ftl`), and its text is plain text.
//! - An error, an empty or unreadable answer, or one in another language
//!   than the user's becomes [`BackendEvent::BotTrouble`]: a calm notice and
//!   the offer of a person.
//! - Whoever holds the conversation's event stream decides: when the stream
//!   is dropped (the tiered backend hands over to a person), an answer under
//!   way is abandoned at once and nothing more is shown.
//!
//! - When the profile asks for it, the model also writes a short summary for
//!   the person who takes over ([`OpenAiBackend::write_summary`]).
//! - The same model gives the engine a second opinion on messages the
//!   phrase rules could not place: do they ask for a person?
//!   ([`OpenAiBackend::second_opinion`]).
//!
//! The endpoint has no people: asking this adapter alone for a person
//! answers that nobody is available.

mod answer;
mod api;
mod opinion;
mod settings;
mod summary;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;
use warmline_core::{
    BackendError, BackendEvent, BackendInfo, BackendSession, Capabilities, ConversationId,
    ConversationOptions, HandoffRequest, MessageId, OutgoingMessage, Secret, SecretError,
    SecretSource, SendReceipt, SupportBackend,
};
use warmline_i18n::{Args, Localizer};

use answer::{Pieces, Trouble};
use api::{ApiError, ChatApi, Turn};
pub use opinion::{OpenAiSecondOpinion, OPINION_TIMEOUT};
pub use settings::{OpenAiSettings, API_KEY_SECRET};
pub use summary::SummaryError;

/// The adapter's machine name.
pub const KIND: &str = "openai";

/// What the model is told when the profile gives no system prompt.
const DEFAULT_PROMPT: &str = "You are the automatic assistant of a customer service. \
You are not a person and never pretend to be one. Answer briefly and plainly, in plain text \
without markup, in the language the user writes in. If you cannot help, say so: the user can \
reach a person at any time with the \"Talk to a person\" button.";

/// The language the model is asked to answer in, by Warmline locale.
fn language_line(locale: &str) -> &'static str {
    match locale {
        "zh-CN" => "Answer in Simplified Chinese.",
        "zh-TW" => "Answer in Traditional Chinese.",
        _ => "Answer in English.",
    }
}

/// The adapter. Cheap to clone; clones share their conversations.
#[derive(Clone)]
pub struct OpenAiBackend {
    shared: Arc<Shared>,
}

struct Shared {
    api: ChatApi,
    settings: OpenAiSettings,
    secrets: Arc<dyn SecretSource>,
    /// Pause before the one retry.
    retry_pause: Duration,
    conversations: Mutex<HashMap<ConversationId, Entry>>,
}

struct Entry {
    /// Where the worker reports; replaced when the conversation is resumed.
    events: Arc<Mutex<mpsc::Sender<BackendEvent>>>,
    /// Idempotency keys seen, with the id the message was stored under.
    received: HashMap<MessageId, String>,
    /// The worker's queue of user messages.
    queue: mpsc::UnboundedSender<String>,
}

/// Builds an HTTP client on rustls with the platform's roots.
fn http_client() -> Result<reqwest::Client, BackendError> {
    let tls = crate::tls::client_config(None)
        .map_err(|error| BackendError::Unauthorized(error.to_string()))?;
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("Warmline/", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(rustls::ClientConfig::clone(&tls))
        .build()
        .map_err(|error| BackendError::Rejected(format!("HTTP client: {error}")))
}

impl OpenAiBackend {
    /// The assistant a profile describes; the API key is read from
    /// `secrets` (under [`API_KEY_SECRET`]) for each request, never before.
    pub fn new(
        settings: OpenAiSettings,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<Self, BackendError> {
        let timeout = Duration::from_secs(u64::from(settings.request_timeout_secs.max(1)));
        let api = ChatApi::new(http_client()?, &settings.base_url, &settings.model, timeout);
        Ok(Self {
            shared: Arc::new(Shared {
                api,
                settings,
                secrets,
                retry_pause: Duration::from_secs(1),
                conversations: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The same adapter with a shorter pause before the retry, so tests of
    /// failing endpoints run quickly.
    #[doc(hidden)]
    pub fn with_retry_pause(self, pause: Duration) -> Self {
        let shared = Arc::into_inner(self.shared).expect("called right after new()");
        Self {
            shared: Arc::new(Shared {
                retry_pause: pause,
                ..shared
            }),
        }
    }

    fn conversations(&self) -> std::sync::MutexGuard<'_, HashMap<ConversationId, Entry>> {
        self.shared
            .conversations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The assistant's label in `locale`: always says it is automatic.
fn assistant_label(localizer: &Localizer, name: &str) -> String {
    let name = name.trim();
    if name.is_empty() {
        localizer.format("ai-assistant", None)
    } else {
        let mut args = Args::new();
        args.set("name", name.to_owned());
        localizer.format("ai-assistant-named", Some(&args))
    }
}

#[async_trait]
impl SupportBackend for OpenAiBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: KIND.to_owned(),
            demo: false,
            capabilities: Capabilities {
                typing: true,
                ..Capabilities::default()
            },
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let (events, receiver) = mpsc::channel(256);
        if let Some(resume) = options.resume {
            if let Some(entry) = self.conversations().get(&resume) {
                *entry.events.lock().unwrap_or_else(PoisonError::into_inner) = events;
                return Ok(BackendSession {
                    conversation: resume,
                    events: receiver,
                });
            }
        }
        let conversation = ConversationId(format!("ai-{}", MessageId::new()));
        let locale = warmline_i18n::negotiate(&options.locale);
        let localizer = Localizer::new(locale);
        let name = assistant_label(&localizer, &self.shared.settings.assistant_name);
        // Said by Warmline, not by the model: what the assistant is, and
        // that a person is one press away.
        let _ = events.try_send(BackendEvent::BotMessage {
            name: name.clone(),
            text: localizer.format("ai-greeting", None),
            understood: true,
        });
        let (queue, queue_rx) = mpsc::unbounded_channel();
        let events = Arc::new(Mutex::new(events));
        let worker = Worker {
            shared: Arc::clone(&self.shared),
            locale,
            name,
            events: Arc::clone(&events),
            history: Vec::new(),
        };
        tokio::spawn(worker.run(queue_rx));
        self.conversations().insert(
            conversation.clone(),
            Entry {
                events,
                received: HashMap::new(),
                queue,
            },
        );
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
        let mut conversations = self.conversations();
        let entry = conversations
            .get_mut(conversation)
            .ok_or_else(|| BackendError::UnknownConversation(conversation.clone()))?;
        if let Some(backend_id) = entry.received.get(&message.id) {
            return Ok(SendReceipt {
                backend_id: backend_id.clone(),
                duplicate: true,
            });
        }
        let backend_id = format!("{conversation}/{}", message.id);
        entry.received.insert(message.id, backend_id.clone());
        let _ = entry.queue.send(message.text);
        Ok(SendReceipt {
            backend_id,
            duplicate: false,
        })
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        _request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let conversations = self.conversations();
        let entry = conversations
            .get(conversation)
            .ok_or_else(|| BackendError::UnknownConversation(conversation.clone()))?;
        // No people behind a model: say so plainly instead of pretending.
        let events = entry.events.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = events.try_send(BackendEvent::HandoffUnavailable {
            can_leave_message: false,
        });
        Ok(())
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        if self.conversations().contains_key(conversation) {
            Ok(())
        } else {
            Err(BackendError::UnknownConversation(conversation.clone()))
        }
    }
}

/// One conversation's calls to the model, one user message at a time.
struct Worker {
    shared: Arc<Shared>,
    locale: &'static str,
    name: String,
    events: Arc<Mutex<mpsc::Sender<BackendEvent>>>,
    /// The user's messages and the assistant's answers, oldest first.
    history: Vec<Turn>,
}

/// How an answer ended.
enum Outcome {
    /// Shown; the text is what the user saw, for the context.
    Answered(String),
    /// Not shown, for this reason.
    Trouble(Trouble),
    /// The event stream was dropped (handed over to a person): stop.
    Abandoned,
}

impl Worker {
    fn sender(&self) -> mpsc::Sender<BackendEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    async fn emit(&self, event: BackendEvent) {
        let _ = self.sender().send(event).await;
    }

    async fn run(mut self, mut queue: mpsc::UnboundedReceiver<String>) {
        while let Some(text) = queue.recv().await {
            self.history.push(Turn {
                role: "user",
                content: text,
            });
            let sender = self.sender();
            if sender.is_closed() {
                continue;
            }
            self.emit(BackendEvent::Typing {
                name: self.name.clone(),
                active: true,
            })
            .await;
            // The answer races the stream's end: whoever drops the stream
            // (a hand-over) cancels the request under way at once.
            let outcome = tokio::select! {
                outcome = self.answer() => outcome,
                () = sender.closed() => Outcome::Abandoned,
            };
            match outcome {
                Outcome::Answered(text) => {
                    self.emit(BackendEvent::Typing {
                        name: self.name.clone(),
                        active: false,
                    })
                    .await;
                    self.history.push(Turn {
                        role: "assistant",
                        content: text,
                    });
                }
                Outcome::Trouble(trouble) => {
                    self.emit(BackendEvent::BotTrouble {
                        notice_id: trouble.notice_id().to_owned(),
                    })
                    .await;
                }
                Outcome::Abandoned => {}
            }
        }
    }

    /// The context for the next request: the system prompt, then as many of
    /// the latest messages as fit in the configured size (the newest always,
    /// cut to the size if it is longer on its own).
    fn context(&self) -> Vec<Turn> {
        let prompt = self.shared.settings.system_prompt.trim();
        let prompt = if prompt.is_empty() {
            DEFAULT_PROMPT
        } else {
            prompt
        };
        let budget = self.shared.settings.context_chars as usize;
        let mut used = 0;
        let mut kept = Vec::new();
        for turn in self.history.iter().rev() {
            let size = turn.content.chars().count();
            if used + size > budget {
                if kept.is_empty() {
                    let tail: String = turn.content.chars().skip(size - budget).collect();
                    kept.push(Turn {
                        role: turn.role,
                        content: tail,
                    });
                }
                break;
            }
            used += size;
            kept.push(turn.clone());
        }
        kept.reverse();
        let mut turns = vec![Turn {
            role: "system",
            content: format!("{prompt}\n{}", language_line(self.locale)),
        }];
        turns.extend(kept);
        turns
    }

    fn api_key(&self) -> Result<Option<Secret>, Trouble> {
        match self.shared.secrets.secret(API_KEY_SECRET) {
            Ok(key) => Ok(Some(key)),
            Err(SecretError::Missing(_)) => Ok(None),
            Err(error) => {
                tracing::warn!(%error, "the model's API key cannot be read");
                Err(Trouble::Failed)
            }
        }
    }

    async fn answer(&self) -> Outcome {
        let key = match self.api_key() {
            Ok(key) => key,
            Err(trouble) => return Outcome::Trouble(trouble),
        };
        let context = self.context();
        let mut tried_again = false;
        loop {
            let (result, shown) = if self.shared.settings.stream {
                self.streamed(key.as_ref(), &context).await
            } else {
                (self.whole(key.as_ref(), &context).await, 0)
            };
            match result {
                Ok(outcome) => return outcome,
                // Only an answer nobody has seen a piece of is asked again.
                Err(error) if error.worth_retrying() && !tried_again && shown == 0 => {
                    tracing::info!(%error, "the model did not answer; asking once more");
                    tried_again = true;
                    tokio::time::sleep(self.shared.retry_pause).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "the model did not answer");
                    return Outcome::Trouble(Trouble::Failed);
                }
            }
        }
    }

    async fn whole(&self, key: Option<&Secret>, context: &[Turn]) -> Result<Outcome, ApiError> {
        let text = answer::clean(&self.shared.api.complete(key, context).await?);
        if let Err(trouble) = answer::check(&text, self.locale) {
            return Ok(Outcome::Trouble(trouble));
        }
        self.show(&text).await;
        Ok(Outcome::Answered(text))
    }

    /// Streams the answer, showing each complete piece; returns how many
    /// pieces were shown beside the result.
    async fn streamed(
        &self,
        key: Option<&Secret>,
        context: &[Turn],
    ) -> (Result<Outcome, ApiError>, usize) {
        let (deltas_tx, mut deltas_rx) = mpsc::unbounded_channel::<String>();
        let mut pieces = Pieces::default();
        let mut shown = String::new();
        let mut trouble = None;
        let result = {
            let call = self.shared.api.stream(key, context, |delta| {
                let _ = deltas_tx.send(delta.to_owned());
            });
            tokio::pin!(call);
            loop {
                tokio::select! {
                    result = &mut call => break result,
                    Some(delta) = deltas_rx.recv() => {
                        for piece in pieces.push(&delta) {
                            if trouble.is_none() {
                                trouble = self.show_piece(&piece, &mut shown).await;
                            }
                        }
                    }
                }
            }
        };
        while let Ok(delta) = deltas_rx.try_recv() {
            for piece in pieces.push(&delta) {
                if trouble.is_none() {
                    trouble = self.show_piece(&piece, &mut shown).await;
                }
            }
        }
        let count = pieces.shown();
        if let Err(error) = result {
            return (Err(error), count);
        }
        if let Some(rest) = pieces.finish() {
            if trouble.is_none() {
                trouble = self.show_piece(&rest, &mut shown).await;
            }
        }
        let outcome = match trouble {
            Some(trouble) => Outcome::Trouble(trouble),
            None if shown.is_empty() => Outcome::Trouble(Trouble::Empty),
            None => Outcome::Answered(shown),
        };
        (Ok(outcome), count)
    }

    /// Shows one checked piece; a piece that fails the check stops the
    /// answer (nothing after it is shown).
    async fn show_piece(&self, piece: &str, shown: &mut String) -> Option<Trouble> {
        let piece = answer::clean(piece);
        if piece.is_empty() {
            return None;
        }
        if let Err(trouble) = answer::check(&piece, self.locale) {
            return Some(trouble);
        }
        self.show(&piece).await;
        // More may follow: the assistant is still writing.
        self.emit(BackendEvent::Typing {
            name: self.name.clone(),
            active: true,
        })
        .await;
        if !shown.is_empty() {
            shown.push_str("\n\n");
        }
        shown.push_str(&piece);
        None
    }

    async fn show(&self, text: &str) {
        self.emit(BackendEvent::BotMessage {
            name: self.name.clone(),
            text: text.to_owned(),
            understood: true,
        })
        .await;
    }
}

#[cfg(test)]
mod tests;
