//! The Matrix adapter: a [`SupportBackend`] on a Matrix homeserver's
//! client-server API (Synapse, or any other), over `reqwest` with rustls.
//!
//! The support model (docs/MATRIX.md): the user talks in a support room,
//! or in a direct room the adapter opens with a support account; agents
//! are the members the profile lists or who have its power level. The
//! user's message id is the Matrix transaction id, so a resend after any
//! failure is the same event. `/sync` long-polls with a `since` position
//! that the engine stores (through [`BackendEvent::Checkpoint`]) after the
//! events it covers, so what agents wrote while Warmline was closed arrives
//! once, in order, on the next start.
//!
//! Rooms must not be end-to-end encrypted: Warmline does not do Matrix
//! encryption, and refuses such a room with a clear error.

mod api;
pub mod model;
pub mod notices;
mod room;
pub mod settings;
mod signin;
mod sync;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};
use warmline_core::{
    BackendError, BackendInfo, BackendSession, Capabilities, ConversationId, ConversationOptions,
    HandoffRequest, LeftMessage, LeftMessageReceipt, MessageId, OutgoingMessage, ResumeState,
    Secret, SecretSource, SendReceipt, SupportBackend,
};

use self::api::{ApiError, Homeserver, Patience};
use self::model::{AgentRule, RoomState};
pub use self::settings::MatrixSettings;

/// The adapter's kind, as in [`BackendInfo::kind`] and its resume keys.
pub const KIND: &str = "matrix";

/// A Matrix profile plus how patient to be with the network.
#[derive(Debug, Clone)]
pub struct MatrixConfig {
    /// What the caregiver set up.
    pub settings: MatrixSettings,
    /// How long the homeserver may hold one `/sync` when nothing happens
    /// (Matrix's long-polling `timeout`). Not a limit on the user: the
    /// next `/sync` follows at once.
    pub sync_timeout: Duration,
    /// Longest wait for the answer to one request (on top of
    /// [`Self::sync_timeout`] for `/sync`) before the network is presumed
    /// dead. Only the network is timed, never the user.
    pub request_timeout: Duration,
    /// Longest wait for a connection to be set up.
    pub connect_timeout: Duration,
    /// While the engine waits to reconnect, how often to ask the homeserver
    /// (a cheap `/versions`) whether it answers again.
    pub probe_interval: Duration,
    /// Most events one `/sync` returns for the room; more than that are
    /// fetched page by page, so none is skipped.
    pub timeline_limit: u32,
}

impl MatrixConfig {
    /// Defaults for a real network.
    pub fn new(settings: MatrixSettings) -> Self {
        Self {
            settings,
            sync_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            probe_interval: Duration::from_secs(2),
            timeline_limit: 50,
        }
    }
}

/// The Matrix adapter. Cheap to clone.
#[derive(Clone)]
pub struct MatrixBackend {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for MatrixBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatrixBackend")
            .field("homeserver", &self.inner.config.settings.homeserver)
            .field("user", &self.inner.config.settings.user)
            .finish_non_exhaustive()
    }
}

/// A signed-in session: the token and whose it is.
#[derive(Clone)]
struct SignedIn {
    token: Secret,
    user_id: String,
    /// Signed in with the password, so Warmline may sign in again by itself
    /// when the server ends the session.
    from_password: bool,
}

/// What kind of failure the last call ended in, for the reachability probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LastFailure {
    None,
    /// The network or the server: a probe can tell when it is back.
    Network,
    /// Sign-in, a refusal, a missing room: no probe can make it better.
    Other,
}

struct Inner {
    config: MatrixConfig,
    rule: AgentRule,
    secrets: Arc<dyn SecretSource>,
    resume: ResumeState,
    server: Mutex<Option<Homeserver>>,
    signed_in: tokio::sync::Mutex<Option<SignedIn>>,
    /// Event ids of the transactions sent so far, to recognize a resend.
    sent: Mutex<HashMap<String, String>>,
    /// Transaction ids of a request that failed, reused by its retry so the
    /// homeserver keeps one copy: by room and kind of request.
    retry_txn: Mutex<HashMap<(String, &'static str), String>>,
    /// Per room: the last request for a person (event id and language).
    last_handoff: Mutex<HashMap<String, (String, String)>>,
    last_failure: Mutex<LastFailure>,
    /// The room id the profile's room (an alias, perhaps) resolved to.
    resolved_room: Mutex<Option<String>>,
    /// Rooms whose stream ended on a network failure, with their state
    /// then: reconnecting resumes them at the stored position without
    /// checking the room again (the stream from there reports a removal
    /// that happened meanwhile), so a flaky network costs one request per
    /// reconnect, not six.
    followed: Mutex<HashMap<String, RoomState>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `!opaque:server`, or `!opaque` in room version 12 and later (where a
/// room id is the hash of its creation event and names no server).
fn is_room_id(id: &str) -> bool {
    id.len() > 1 && id.len() <= 255 && id.starts_with('!') && !id.contains(char::is_whitespace)
}

impl MatrixBackend {
    /// An adapter for `config`; secrets are read from `secrets` when it
    /// connects, and its `since` positions live in `resume`.
    pub fn new(config: MatrixConfig, secrets: Arc<dyn SecretSource>, resume: ResumeState) -> Self {
        Self {
            inner: Arc::new(Inner {
                rule: AgentRule::from_settings(&config.settings),
                config,
                secrets,
                resume,
                server: Mutex::new(None),
                signed_in: tokio::sync::Mutex::new(None),
                sent: Mutex::new(HashMap::new()),
                retry_txn: Mutex::new(HashMap::new()),
                last_handoff: Mutex::new(HashMap::new()),
                last_failure: Mutex::new(LastFailure::None),
                resolved_room: Mutex::new(None),
                followed: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl Inner {
    fn server(&self) -> Result<Homeserver, BackendError> {
        let mut server = lock(&self.server);
        if let Some(server) = server.as_ref() {
            return Ok(server.clone());
        }
        let built = Homeserver::new(
            &self.config.settings.homeserver,
            self.config.settings.extra_ca_path(),
            Patience {
                connect: self.config.connect_timeout,
            },
        )?;
        *server = Some(built.clone());
        Ok(built)
    }

    fn note<T>(&self, result: &Result<T, BackendError>) {
        *lock(&self.last_failure) = match result {
            Ok(_) => LastFailure::None,
            Err(BackendError::Unreachable(_)) => LastFailure::Network,
            Err(_) => LastFailure::Other,
        };
    }

    /// The error for a request about `room` that the server refused.
    async fn room_error(&self, room: &str, me: &str, error: ApiError) -> BackendError {
        match error.status() {
            Some(404) => BackendError::UnknownConversation(ConversationId(room.to_owned())),
            Some(403) => match self.is_joined(room, me).await {
                Ok(false) => BackendError::UnknownConversation(ConversationId(room.to_owned())),
                Ok(true) => error.into_backend(),
                Err(other) => other,
            },
            _ => error.into_backend(),
        }
    }

    /// Sends one room event with a transaction id; returns its event id.
    async fn send_event(
        &self,
        room: &str,
        event_type: &str,
        txn: &str,
        content: &Value,
    ) -> Result<String, BackendError> {
        if !is_room_id(room) {
            return Err(BackendError::UnknownConversation(ConversationId(
                room.to_owned(),
            )));
        }
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::PUT,
                &[
                    "_matrix", "client", "v3", "rooms", room, "send", event_type, txn,
                ],
                &[],
                Some(content),
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(answer) => answer["event_id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| BackendError::Malformed("send answer without event_id".into())),
            Err(error) => {
                let me = self.signed_in().await?.user_id;
                Err(self.room_error(room, &me, error).await)
            }
        }
    }

    /// The transaction id base for a `kind` request in `room`: the one of
    /// the last attempt if it failed, so a retry is the same event.
    fn txn_base(&self, room: &str, kind: &'static str) -> String {
        lock(&self.retry_txn)
            .entry((room.to_owned(), kind))
            .or_insert_with(|| format!("warmline-{kind}-{}", MessageId::new()))
            .clone()
    }

    fn txn_done(&self, room: &str, kind: &'static str) {
        lock(&self.retry_txn).remove(&(room.to_owned(), kind));
    }

    /// A notice for agents plus the custom event for tools, sent in that
    /// order with transaction ids made from `base`; returns the custom
    /// event's id.
    async fn notice_and_event(
        &self,
        room: &str,
        base: &str,
        notice: String,
        event_type: &str,
        content: impl FnOnce(&str) -> Value,
    ) -> Result<String, BackendError> {
        let notice = json!({"msgtype": "m.notice", "body": notice});
        let notice_id = self
            .send_event(room, "m.room.message", &format!("{base}-notice"), &notice)
            .await?;
        self.send_event(
            room,
            event_type,
            &format!("{base}-event"),
            &content(&notice_id),
        )
        .await
    }

    /// [`Self::notice_and_event`] for a request without an id of its own
    /// (a request for a person, its cancel): a retry after a failure reuses
    /// the failed attempt's transaction ids.
    async fn retried_notice_and_event(
        &self,
        room: &str,
        kind: &'static str,
        notice: String,
        event_type: &str,
        content: impl FnOnce(&str) -> Value,
    ) -> Result<String, BackendError> {
        let base = self.txn_base(room, kind);
        let result = self
            .notice_and_event(room, &base, notice, event_type, content)
            .await;
        if result.is_ok() {
            self.txn_done(room, kind);
        }
        result
    }
}

#[async_trait]
impl SupportBackend for MatrixBackend {
    fn info(&self) -> BackendInfo {
        let queue = self.inner.config.settings.queue_events;
        BackendInfo {
            kind: KIND.to_owned(),
            demo: false,
            capabilities: Capabilities {
                queue_position: queue,
                wait_estimate: queue,
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
        let result = self.inner.open(options).await;
        if let Err(error) = &result {
            tracing::info!(%error, "opening the Matrix conversation failed");
        }
        self.inner.note(&result);
        result
    }

    async fn send_message(
        &self,
        conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        let txn = message.id.to_string();
        let content = json!({"msgtype": "m.text", "body": message.text});
        let result = self
            .inner
            .send_event(&conversation.0, "m.room.message", &txn, &content)
            .await;
        self.inner.note(&result);
        let event_id = result?;
        let earlier = lock(&self.inner.sent).insert(txn, event_id.clone());
        Ok(SendReceipt {
            duplicate: earlier.is_some(),
            backend_id: event_id,
        })
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let room = &conversation.0;
        let notice = notices::handoff_notice(&request);
        let result = self
            .inner
            .retried_notice_and_event(room, "handoff", notice, model::HANDOFF_EVENT, |notice_id| {
                notices::handoff_content(&request, notice_id)
            })
            .await;
        self.inner.note(&result);
        let event_id = result?;
        lock(&self.inner.last_handoff).insert(room.clone(), (event_id, request.locale));
        Ok(())
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        let room = &conversation.0;
        let last = lock(&self.inner.last_handoff).get(room).cloned();
        let locale = last.as_ref().map_or("en-US", |(_, locale)| locale.as_str());
        let request_event = last.as_ref().map(|(event, _)| event.as_str());
        let result = self
            .inner
            .retried_notice_and_event(
                room,
                "cancel",
                notices::cancel_notice(locale),
                model::HANDOFF_CANCEL_EVENT,
                |_| notices::cancel_content(request_event),
            )
            .await;
        self.inner.note(&result);
        result.map(|_| ())
    }

    async fn leave_message(
        &self,
        conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let room = &conversation.0;
        // The message's own id makes the transaction ids, so the same
        // message left twice (the engine sends again after any doubt) is
        // one pair of events; and a short reference the user can read out
        // on the phone, the same each time.
        let base = format!("warmline-left-{}", message.id);
        let reference = format!(
            "WL-{}",
            message.id.0.simple().to_string()[..8].to_uppercase()
        );
        let locale = if message.summary.language.is_empty() {
            "en-US".to_owned()
        } else {
            message.summary.language.clone()
        };
        let notice = notices::left_message_notice(&locale, &message, &reference);
        let result = self
            .inner
            .notice_and_event(
                room,
                &base,
                notice,
                model::LEFT_MESSAGE_EVENT,
                |notice_id| notices::left_message_content(&message, &reference, notice_id),
            )
            .await;
        self.inner.note(&result);
        result.map(|_| LeftMessageReceipt { reference })
    }

    async fn wait_until_reachable(&self) {
        loop {
            if *lock(&self.inner.last_failure) != LastFailure::Network {
                // Signed out, refused, removed: answering servers do not make
                // that better, so only the engine's timer retries.
                std::future::pending::<()>().await;
            }
            if let Ok(server) = self.inner.server() {
                let url = server.url(&["_matrix", "client", "versions"]);
                let answer: Result<Value, ApiError> = server
                    .call(
                        Method::GET,
                        url,
                        None,
                        None,
                        self.inner.config.request_timeout,
                    )
                    .await;
                if answer.is_ok() {
                    return;
                }
            }
            tokio::time::sleep(self.inner.config.probe_interval).await;
        }
    }
}

#[cfg(test)]
mod tests;
