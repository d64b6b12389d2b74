//! The Chatwoot adapter: a [`SupportBackend`] on Chatwoot's public Client
//! API (an API-channel inbox) and its ActionCable websocket.
//!
//! `docs/CHATWOOT.md` tells a company how to connect; in short:
//! - The user is a Chatwoot *contact*, created once (`POST /contacts`, with
//!   `identifier_hash` = HMAC-SHA256 of the identifier under the inbox's HMAC
//!   token when the profile names an identifier) and kept in the profile's
//!   resume state (`source_id`, `pubsub_token`).
//! - Live events come over the websocket; after every (re)connect the adapter
//!   reads what it missed with `GET …/messages`, paging back with `before`
//!   to the last message it had, so nothing is lost around reconnects.
//! - Exactly once without server idempotency: each message goes out with the
//!   client id as `echo_id`, which Chatwoot hands back only on the websocket.
//!   Before a post, the adapter records the id and the newest message id it
//!   knows; after an ambiguous failure it reads the conversation back and
//!   claims the contact's first unclaimed message with the same text after
//!   that mark instead of posting again (the engine sends one message at a
//!   time, in order, which makes the match unambiguous).
//! - A `resolved` conversation (an agent, or the account's auto-resolve)
//!   ends the session with [`BackendEvent::ConversationClosed`](warmline_core::BackendEvent::ConversationClosed), like the
//!   relay's idle close; the engine opens again and gets the *same*
//!   conversation back, so the next message reopens it. When the inbox takes
//!   no messages after resolve (422), a new conversation is opened instead.
//! - "Talk to a person" posts a message for the agents, in their language,
//!   ending in [`handoff::HANDOFF_TAG`]; without an agent bot humans see the
//!   conversation at once, with one the companion (`src-tauri/crates/warmline-chatwoot-companion`)
//!   opens it for them. The client never holds a token for other
//!   conversations.

pub mod api;
pub mod cable;
mod config;
pub mod handoff;
mod session;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::mpsc;
use warmline_core::{
    BackendError, BackendInfo, BackendSession, Capabilities, ConversationId, ConversationOptions,
    HandoffRequest, MessageId, OutgoingMessage, ResumeState, SecretError, SecretSource,
    SendReceipt, SupportBackend,
};

use self::api::{ApiError, ClientApi, Contact};
use self::cable::{CableError, CableTiming};
use self::session::Session;

pub use self::config::ChatwootConfig;

/// The keyring name of the inbox's HMAC token.
pub const HMAC_TOKEN_SECRET: &str = "hmac-token";

/// Most read-backs before an ambiguous message is posted again.
const MAX_READ_BACKS: u32 = 5;

/// Installs rustls' ring provider once per process (reqwest and the
/// websocket use it; the build carries no other).
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the adapter knows of one conversation.
#[derive(Debug, Default)]
struct Known {
    /// The newest message id seen in it (any author, posts included): the
    /// mark after which a read-back looks for a message.
    highest: u64,
    /// The newest message id a session delivered to the engine: where the
    /// next catch-up starts. Never moved by a post, or a reply written
    /// while the socket was down would be skipped.
    delivered: u64,
    /// The person who answered last, once announced with `AgentJoined`.
    agent: Option<String>,
    /// The inbox refused a message after resolve: never reuse it.
    closed_for_good: bool,
}

/// The stored contact, with what it was created for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct StoredContact {
    server_url: String,
    inbox_identifier: String,
    identifier: String,
    #[serde(flatten)]
    contact: Contact,
}

pub(super) struct Inner {
    config: ChatwootConfig,
    api: Result<ClientApi, BackendError>,
    secrets: Arc<dyn SecretSource>,
    resume: ResumeState,
    contact: tokio::sync::Mutex<Option<Contact>>,
    known: Mutex<HashMap<u64, Known>>,
    /// Chatwoot message ids already matched to a client message.
    claimed: Mutex<HashSet<u64>>,
    /// Client message id → Chatwoot message id.
    sent: Mutex<HashMap<MessageId, u64>>,
    /// A conversation that was resolved under the user: the next open
    /// without `resume` continues it (a message reopens it).
    reusable: Mutex<Option<u64>>,
}

/// The Chatwoot adapter. Cheap to share; sessions hold their own tasks.
pub struct ChatwootBackend {
    inner: Arc<Inner>,
}

impl ChatwootBackend {
    /// An adapter for `config`; secrets are read when it first connects.
    pub fn new(
        config: ChatwootConfig,
        secrets: Arc<dyn SecretSource>,
        resume: ResumeState,
    ) -> Self {
        let api = ClientApi::new(
            &config.server_url,
            &config.inbox_identifier,
            config.request_timeout,
            config.connect_timeout,
        );
        Self {
            inner: Arc::new(Inner {
                config,
                api,
                secrets,
                resume,
                contact: tokio::sync::Mutex::new(None),
                known: Mutex::new(HashMap::new()),
                claimed: Mutex::new(HashSet::new()),
                sent: Mutex::new(HashMap::new()),
                reusable: Mutex::new(None),
            }),
        }
    }
}

fn conversation_number(conversation: &ConversationId) -> Result<u64, BackendError> {
    conversation
        .0
        .parse()
        .map_err(|_| BackendError::UnknownConversation(conversation.clone()))
}

fn sent_key(id: MessageId) -> String {
    format!("sent/{}", id.0)
}

fn inflight_key(id: MessageId) -> String {
    format!("inflight/{}", id.0)
}

pub(super) fn cursor_key(conversation: u64) -> String {
    format!("cursor/{conversation}")
}

impl Inner {
    fn api(&self) -> Result<&ClientApi, BackendError> {
        self.api.as_ref().map_err(Clone::clone)
    }

    fn timing(&self) -> CableTiming {
        CableTiming {
            connect_timeout: self.config.connect_timeout,
            presence_interval: self.config.presence_interval,
            dead_after: self.config.dead_after,
        }
    }

    fn remember(&self, key: &str, value: Option<&str>) {
        if let Err(error) = self.resume.set(key, value) {
            tracing::warn!(%error, key, "keeping Chatwoot resume state failed");
        }
    }

    /// The contact, from memory, the store, or created now.
    async fn contact(&self) -> Result<Contact, BackendError> {
        let mut slot = self.contact.lock().await;
        if let Some(contact) = slot.as_ref() {
            return Ok(contact.clone());
        }
        let stored = self
            .resume
            .get("contact")
            .and_then(|json| serde_json::from_str::<StoredContact>(&json).ok())
            .filter(|s| {
                s.server_url == self.config.server_url
                    && s.inbox_identifier == self.config.inbox_identifier
                    && s.identifier == self.config.contact_identifier
            });
        if let Some(stored) = stored {
            *slot = Some(stored.contact.clone());
            return Ok(stored.contact);
        }
        let identifier = self.config.contact_identifier.as_str();
        let identity = if identifier.is_empty() {
            None
        } else {
            let hash = match self.secrets.secret(HMAC_TOKEN_SECRET) {
                Ok(token) if !token.is_blank() => Some(identifier_hash(token.expose(), identifier)),
                // No token entered: the inbox may not check identities; if it
                // does, Chatwoot refuses and the caregiver is asked for it.
                Ok(_) | Err(SecretError::Missing(_)) => None,
                Err(error) => return Err(error.into()),
            };
            Some((identifier, hash))
        };
        let contact = self
            .api()?
            .create_contact(&self.config.contact_name, identity)
            .await
            .map_err(|e| e.into_backend(None))?;
        let stored = StoredContact {
            server_url: self.config.server_url.clone(),
            inbox_identifier: self.config.inbox_identifier.clone(),
            identifier: self.config.contact_identifier.clone(),
            contact: contact.clone(),
        };
        if let Ok(json) = serde_json::to_string(&stored) {
            self.remember("contact", Some(&json));
        }
        *slot = Some(contact.clone());
        Ok(contact)
    }

    /// Chatwoot no longer knows the contact: make a new one next time.
    async fn forget_contact(&self) {
        *self.contact.lock().await = None;
        self.remember("contact", None);
    }

    /// Where the next catch-up starts: the last delivered message.
    fn delivered(&self, conversation: u64) -> u64 {
        let known = lock(&self.known)
            .get(&conversation)
            .map_or(0, |k| k.delivered);
        let stored = self
            .resume
            .get(&cursor_key(conversation))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        known.max(stored)
    }

    /// The newest message id known in the conversation.
    fn highest(&self, conversation: u64) -> u64 {
        let known = lock(&self.known)
            .get(&conversation)
            .map_or(0, |k| k.highest);
        known.max(self.delivered(conversation))
    }

    fn saw(&self, conversation: u64, id: u64) {
        let mut known = lock(&self.known);
        let entry = known.entry(conversation).or_default();
        entry.highest = entry.highest.max(id);
    }

    fn already_sent(&self, id: MessageId) -> Option<u64> {
        if let Some(backend) = lock(&self.sent).get(&id) {
            return Some(*backend);
        }
        self.resume.get(&sent_key(id)).and_then(|v| v.parse().ok())
    }

    /// Client message `id` is Chatwoot's message `backend`.
    fn record_sent(&self, id: MessageId, backend: u64) {
        let new = lock(&self.sent).insert(id, backend).is_none();
        lock(&self.claimed).insert(backend);
        if new {
            self.remember(&sent_key(id), Some(&backend.to_string()));
            self.remember(&inflight_key(id), None);
        }
    }

    /// After an ambiguous failure: did the message land after all? Also
    /// gives the newest message id the read-back saw.
    async fn read_back(
        &self,
        contact: &Contact,
        conversation: u64,
        text: &str,
        anchor: u64,
    ) -> Result<(Option<u64>, u64), BackendError> {
        let id = ConversationId(conversation.to_string());
        let messages = self
            .api()?
            .messages_after(
                &contact.source_id,
                conversation,
                Some(anchor),
                self.config.max_catch_up_pages,
            )
            .await
            .map_err(|e| e.into_backend(Some(&id)))?;
        let newest = messages.last().map_or(anchor, |m| m.id);
        self.saw(conversation, newest);
        let claimed = lock(&self.claimed);
        let found = messages
            .iter()
            .find(|m| {
                m.message_type == 0
                    && m.content.as_deref() == Some(text)
                    && !claimed.contains(&m.id)
            })
            .map(|m| m.id);
        Ok((found, newest))
    }

    async fn post_for_agents(
        &self,
        conversation: &ConversationId,
        text: &str,
    ) -> Result<(), BackendError> {
        let number = conversation_number(conversation)?;
        let contact = self.contact().await?;
        let message = self
            .api()?
            .create_message(&contact.source_id, number, text, None)
            .await
            .map_err(|e| e.into_backend(Some(conversation)))?;
        lock(&self.claimed).insert(message.id);
        self.saw(number, message.id);
        Ok(())
    }
}

/// `identifier_hash`: lowercase hex HMAC-SHA256 of the identifier.
pub fn identifier_hash(hmac_token: &str, identifier: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(hmac_token.as_bytes()).expect("any key length");
    mac.update(identifier.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[async_trait]
impl SupportBackend for ChatwootBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "chatwoot".into(),
            demo: false,
            // Chatwoot tells contacts nothing about queues or waits; agents
            // are named on their messages; typing goes both ways.
            capabilities: Capabilities {
                queue_position: false,
                wait_estimate: false,
                typing: true,
                agent_identity: true,
                leave_message: false,
            },
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let inner = &self.inner;
        let api = inner.api()?;
        tracing::debug!(resume = ?options.resume, "opening a Chatwoot conversation");
        let contact = inner.contact().await?;
        // Given back only when this open succeeds: a failed attempt leaves it
        // for the next one, which must not start a new conversation.
        let reuse = *lock(&inner.reusable);
        let wanted = match &options.resume {
            Some(id) => Some(conversation_number(id)?),
            None => reuse.filter(|id| {
                !lock(&inner.known)
                    .get(id)
                    .is_some_and(|k| k.closed_for_good)
            }),
        };
        let (number, status, reused) = match wanted {
            Some(number) => {
                let id = ConversationId(number.to_string());
                match api.get_conversation(&contact.source_id, number).await {
                    Ok(c) => (c.id, c.status, options.resume.is_none()),
                    Err(ApiError::Status { status: 404 }) if options.resume.is_some() => {
                        return Err(BackendError::UnknownConversation(id))
                    }
                    Err(ApiError::Status { status: 404 }) => {
                        let c = api
                            .create_conversation(&contact.source_id)
                            .await
                            .map_err(|e| e.into_backend(None))?;
                        (c.id, c.status, false)
                    }
                    Err(error) => {
                        if reuse.is_some() {
                            *lock(&inner.reusable) = reuse;
                        }
                        return Err(error.into_backend(Some(&id)));
                    }
                }
            }
            None => match api.create_conversation(&contact.source_id).await {
                Ok(c) => (c.id, c.status, false),
                Err(ApiError::Status { status: 404 }) => {
                    // The contact was deleted in Chatwoot; the next try makes
                    // a new one.
                    inner.forget_contact().await;
                    return Err(BackendError::Unreachable(
                        "the Chatwoot contact is gone".into(),
                    ));
                }
                Err(error) => return Err(error.into_backend(None)),
            },
        };
        tracing::debug!(number, status, "subscribing to the websocket");
        let live = match cable::subscribe(
            &cable::cable_url(&inner.config.server_url),
            &contact.pubsub_token,
            inner.timing(),
        )
        .await
        {
            Ok(live) => live,
            Err(CableError::Rejected) => {
                inner.forget_contact().await;
                return Err(BackendError::Unreachable(
                    "Chatwoot refused the contact's websocket".into(),
                ));
            }
            Err(CableError::Network(detail)) => {
                if reused {
                    *lock(&inner.reusable) = Some(number);
                }
                return Err(BackendError::Unreachable(detail));
            }
        };
        let last = inner.delivered(number);
        let after = (last > 0).then_some(last);
        let id = ConversationId(number.to_string());
        tracing::debug!(number, ?after, "reading back what was missed");
        let missed = api
            .messages_after(
                &contact.source_id,
                number,
                after,
                inner.config.max_catch_up_pages,
            )
            .await
            .map_err(|e| e.into_backend(Some(&id)))?;
        tracing::debug!(number, missed = missed.len(), "opened");
        // A conversation found resolved on (re)connect is closed once, like a
        // live resolve; the one handed back to continue it is not.
        let resolved = status == "resolved" && !reused;
        let (events, receiver) = mpsc::channel(64);
        let session = Session {
            inner: Arc::clone(inner),
            conversation: number,
            source_id: contact.source_id.clone(),
            last,
            events,
        };
        if options.resume.is_none() {
            *lock(&inner.reusable) = None;
        }
        tokio::spawn(session.run(missed, resolved, live));
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
        let inner = &self.inner;
        let number = conversation_number(conversation)?;
        if let Some(backend) = inner.already_sent(message.id) {
            lock(&inner.claimed).insert(backend);
            return Ok(SendReceipt {
                backend_id: backend.to_string(),
                duplicate: true,
            });
        }
        if lock(&inner.known)
            .get(&number)
            .is_some_and(|k| k.closed_for_good)
        {
            return Err(BackendError::UnknownConversation(conversation.clone()));
        }
        let contact = inner.contact().await?;
        if let Some(anchor) = inner
            .resume
            .get(&inflight_key(message.id))
            .and_then(|v| v.parse().ok())
        {
            // A post that failed may still be on its way (in a kernel
            // buffer, or a proxy that held it while the network was down)
            // and land just after the network is back, or its echo may come
            // in while this looks. So post again only after a read-back a
            // moment after the network was back (the first one proves it
            // is) that missed nothing the adapter has learned of since.
            for round in 1..=MAX_READ_BACKS {
                let (found, newest) = inner
                    .read_back(&contact, number, &message.text, anchor)
                    .await?;
                tracing::debug!(message = %message.id.0, anchor, ?found, newest, "read back after an ambiguous send");
                if let Some(backend) = found.or_else(|| inner.already_sent(message.id)) {
                    inner.record_sent(message.id, backend);
                    return Ok(SendReceipt {
                        backend_id: backend.to_string(),
                        duplicate: true,
                    });
                }
                if round > 1 && inner.highest(number) <= newest {
                    break;
                }
                tokio::time::sleep(inner.config.settle_after_ambiguous).await;
            }
            if let Some(backend) = inner.already_sent(message.id) {
                return Ok(SendReceipt {
                    backend_id: backend.to_string(),
                    duplicate: true,
                });
            }
        }
        let anchor = inner.highest(number);
        inner.remember(&inflight_key(message.id), Some(&anchor.to_string()));
        let echo_id = message.id.0.to_string();
        tracing::debug!(message = %echo_id, anchor, "posting a message");
        let result = inner
            .api()?
            .create_message(&contact.source_id, number, &message.text, Some(&echo_id))
            .await;
        tracing::debug!(message = %echo_id, ok = result.as_ref().map(|m| m.id).ok(), error = ?result.as_ref().err(), "posted");
        match result {
            Ok(posted) => {
                inner.record_sent(message.id, posted.id);
                inner.saw(number, posted.id);
                Ok(SendReceipt {
                    backend_id: posted.id.to_string(),
                    duplicate: false,
                })
            }
            // Maybe stored, maybe not: the record stays, and the next
            // attempt reads the conversation back first.
            Err(ApiError::Network(detail)) => Err(BackendError::Unreachable(detail)),
            Err(ApiError::Malformed(detail)) => Err(BackendError::Unreachable(format!(
                "Chatwoot's answer was unreadable ({detail}); checking before resending"
            ))),
            Err(error @ ApiError::Status { status }) if status == 429 || status >= 500 => {
                Err(error.into_backend(Some(conversation)))
            }
            Err(error @ ApiError::Status { status }) => {
                inner.remember(&inflight_key(message.id), None);
                if status == 422 {
                    lock(&inner.known)
                        .entry(number)
                        .or_default()
                        .closed_for_good = true;
                }
                Err(error.into_backend(Some(conversation)))
            }
        }
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let text = handoff::request_text(&self.inner.config.agent_locale, &request);
        self.inner.post_for_agents(conversation, &text).await
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        let text = handoff::cancel_text(&self.inner.config.agent_locale);
        self.inner.post_for_agents(conversation, &text).await
    }

    async fn set_user_typing(
        &self,
        conversation: &ConversationId,
        typing: bool,
    ) -> Result<(), BackendError> {
        let number = conversation_number(conversation)?;
        let contact = self.inner.contact().await?;
        self.inner
            .api()?
            .toggle_typing(&contact.source_id, number, typing)
            .await
            .map_err(|e| e.into_backend(Some(conversation)))
    }

    async fn wait_until_reachable(&self) {
        let inner = &self.inner;
        loop {
            tokio::time::sleep(inner.config.probe_interval).await;
            let known = inner.contact.lock().await.clone();
            let (Ok(api), Some(contact)) = (inner.api(), known) else {
                continue;
            };
            // Any answer at all, even an error status, means it is reachable.
            match api.get_contact(&contact.source_id).await {
                Ok(_) | Err(ApiError::Status { .. }) => return,
                Err(_) => continue,
            }
        }
    }
}

#[cfg(test)]
mod tests;
