//! The Warmline relay protocol client: a [`SupportBackend`] that talks
//! WebSocket + JSON to a relay a company puts in front of its support system.
//!
//! `docs/RELAY-PROTOCOL.md` specifies the protocol. In short: one WebSocket
//! per open conversation carries its events (numbered, so a reconnect
//! fetches what it missed with `after_seq`) and the requests about it;
//! every message carries the client's id, so a resend is recognized; the
//! client pings every [`RelayConfig::ping_interval`] and gives a connection
//! up when it has heard nothing for [`RelayConfig::dead_after`] (a stalled
//! network does not close sockets by itself). Every connection presents the
//! profile's token (secret [`TOKEN_SECRET`]) as `Authorization: Bearer …`
//! on the WebSocket upgrade; a relay that refuses it answers 401, which is
//! [`BackendError::Unauthorized`].

mod connection;
mod dial;
pub mod protocol;
mod settings;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use warmline_core::{
    BackendError, BackendInfo, BackendSession, Capabilities, ConversationId, ConversationOptions,
    HandoffRequest, LeftMessage, LeftMessageReceipt, MemorySecrets, OutgoingMessage, ResumeState,
    Secret, SecretSource, SendReceipt, SupportBackend,
};

use self::connection::{lock, Connection, Cursors, EventSink, KeepAlive, RelayError, StoredCursor};
use self::dial::Socket;
pub use self::dial::TOKEN_SECRET;
use self::protocol::{ClientFrame, RequestId, ServerFrame};
pub use self::settings::RelaySettings;

/// Where the relay is and how patient to be with the network.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The relay's WebSocket address, e.g. `wss://support.example/warmline`.
    pub url: String,
    /// A PEM file with a CA certificate to trust besides the platform's
    /// roots, for a company that runs its own certificate authority.
    pub extra_ca: Option<PathBuf>,
    /// How often the client pings an open connection. Keeps NAT and proxy
    /// mappings alive and lets the client notice a dead network.
    pub ping_interval: Duration,
    /// A connection from which nothing (not even a pong) arrived for this
    /// long is given up, and the engine reconnects.
    pub dead_after: Duration,
    /// Longest wait for the answer to one request before the connection is
    /// presumed dead. Only the network is timed: the user never is.
    pub request_timeout: Duration,
    /// Longest wait for a connection to be set up.
    pub connect_timeout: Duration,
    /// While the engine waits to reconnect, how often to check (with a
    /// cheap ping on a fresh connection) whether the relay is reachable
    /// again, so the user's messages go out as soon as the network is back.
    pub probe_interval: Duration,
    /// After the relay refused a token, the reachability check does not
    /// present the same token again for this long (a token the caregiver
    /// changes is tried at once): a relay that refuses is not hammered. The
    /// same wait follows a certificate that could not be verified.
    pub refused_recheck: Duration,
    /// What this relay's support system offers; declared by whoever
    /// configures it.
    pub capabilities: Capabilities,
}

impl RelayConfig {
    /// Defaults suited to a real network, for the relay at `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            extra_ca: None,
            ping_interval: Duration::from_secs(10),
            dead_after: Duration::from_secs(25),
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            probe_interval: Duration::from_secs(1),
            refused_recheck: Duration::from_secs(300),
            capabilities: Capabilities {
                queue_position: true,
                wait_estimate: true,
                typing: true,
                agent_identity: true,
                leave_message: true,
            },
        }
    }
}

/// Why the last connection could not sign in, and when.
struct Refusal {
    what: Refused,
    at: Instant,
}

enum Refused {
    /// The relay refused this token (`None`: connecting without one).
    Token(Option<Secret>),
    /// The relay's certificate could not be verified, whatever the token.
    Certificate,
}

/// The relay adapter. One instance serves the whole app.
pub struct RelayBackend {
    config: RelayConfig,
    /// Where the token is read, at every connection.
    secrets: Arc<dyn SecretSource>,
    next_req: AtomicU64,
    /// The live connection of each open conversation.
    sessions: Mutex<HashMap<ConversationId, Connection>>,
    /// The last event handed on, per conversation, while the adapter runs.
    cursors: Cursors,
    /// Where the last event number is kept across restarts.
    resume: ResumeState,
    /// The last refusal of the sign-in, until a connection succeeds.
    refusal: Mutex<Option<Refusal>>,
    /// The TLS configuration for `wss://`, built at the first connection.
    tls: Mutex<Option<Arc<rustls::ClientConfig>>>,
    /// Spreads the reachability probes of many clients apart.
    jitter: AtomicU64,
}

impl RelayBackend {
    /// An adapter for the relay described by `config`, without a token;
    /// connects lazily.
    pub fn new(config: RelayConfig) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Self {
            config,
            secrets: Arc::new(MemorySecrets::new()),
            next_req: AtomicU64::new(1),
            sessions: Mutex::default(),
            cursors: Cursors::default(),
            resume: ResumeState::in_memory("relay"),
            refusal: Mutex::default(),
            tls: Mutex::default(),
            jitter: AtomicU64::new(seed),
        }
    }

    /// Reads the sign-in token ([`TOKEN_SECRET`]) from `secrets` whenever
    /// it connects. Without a stored token it connects without one.
    pub fn with_secrets(mut self, secrets: Arc<dyn SecretSource>) -> Self {
        self.secrets = secrets;
        self
    }

    /// Keeps the number of the last event it handed on in `resume` (the
    /// profile's store in the app), so a restarted app fetches what the
    /// support side wrote while it was closed. Without it the number lives
    /// in memory only.
    pub fn with_resume(mut self, resume: ResumeState) -> Self {
        self.resume = resume;
        self
    }

    /// The last event seen of `conversation`: this run's, else the one kept
    /// from an earlier run.
    fn cursor_of(&self, conversation: &ConversationId) -> Option<u64> {
        if let Some(seq) = lock(&self.cursors).get(&conversation.0) {
            return Some(*seq);
        }
        StoredCursor::load(&self.resume)
            .filter(|stored| stored.conversation == conversation.0)
            .map(|stored| stored.seq)
    }

    fn next_req(&self) -> RequestId {
        self.next_req.fetch_add(1, Ordering::Relaxed)
    }

    fn keep_alive(&self) -> KeepAlive {
        KeepAlive {
            ping_interval: self.config.ping_interval,
            dead_after: self.config.dead_after,
        }
    }

    /// The TLS configuration for a `wss://` relay (built once), `None` for
    /// `ws://`.
    fn tls(&self) -> Result<Option<Arc<rustls::ClientConfig>>, RelayError> {
        if !self.config.url.trim_start().starts_with("wss:") {
            return Ok(None);
        }
        let mut tls = lock(&self.tls);
        if let Some(config) = tls.as_ref() {
            return Ok(Some(Arc::clone(config)));
        }
        let config = crate::tls::client_config(self.config.extra_ca.as_deref())?;
        *tls = Some(Arc::clone(&config));
        Ok(Some(config))
    }

    /// Opens one WebSocket with the current token, remembering a refusal
    /// (for [`Self::refused_recently`]) and forgetting it on success.
    async fn dial(&self, token: Option<&Secret>) -> Result<Socket, RelayError> {
        let result = match self.tls() {
            Ok(tls) => dial::dial(&self.config, token, tls).await,
            Err(error) => Err(error),
        };
        let what = match &result {
            Ok(_) => {
                *lock(&self.refusal) = None;
                return result;
            }
            Err(RelayError::Refused(_)) => Refused::Token(token.cloned()),
            Err(RelayError::Untrusted(_) | RelayError::TlsSetup(_)) => Refused::Certificate,
            Err(_) => return result,
        };
        if let Err(error) = &result {
            tracing::warn!(%error, url = %self.config.url, "the relay refused the sign-in, or could not be verified");
        }
        *lock(&self.refusal) = Some(Refusal {
            what,
            at: Instant::now(),
        });
        result
    }

    /// True when the relay refused exactly this token, or could not be
    /// verified, less than [`RelayConfig::refused_recheck`] ago.
    fn refused_recently(&self, token: Option<&Secret>) -> bool {
        lock(&self.refusal).as_ref().is_some_and(|refusal| {
            let same = match &refusal.what {
                Refused::Token(refused) => refused.as_ref() == token,
                Refused::Certificate => true,
            };
            same && refusal.at.elapsed() < self.config.refused_recheck
        })
    }

    async fn connect(&self, sink: Option<EventSink>) -> Result<Connection, RelayError> {
        let token = dial::read_token(self.secrets.as_ref())?;
        let socket = self.dial(token.as_ref()).await?;
        Ok(Connection::start(socket, sink, self.keep_alive()))
    }

    /// Sends one request about `conversation`, on its session connection if
    /// it is live, else on a connection of its own.
    async fn request(
        &self,
        conversation: &ConversationId,
        what: &'static str,
        frame: ClientFrame,
    ) -> Result<ServerFrame, BackendError> {
        let live = lock(&self.sessions)
            .get(conversation)
            .filter(|c| c.is_alive())
            .cloned();
        let connection = match live {
            Some(connection) => connection,
            None => self
                .connect(None)
                .await
                .map_err(|e| e.into_backend(conversation, what))?,
        };
        connection
            .request(frame, self.config.request_timeout)
            .await
            .map_err(|e| e.into_backend(conversation, what))
    }

    /// The probe interval, spread by ±25 %.
    fn probe_wait(&self) -> Duration {
        let mut x = self.jitter.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.jitter.store(x, Ordering::Relaxed);
        let base = self.config.probe_interval;
        base * 3 / 4 + base.mul_f64((x % 1000) as f64 / 2000.0)
    }

    /// One fresh connection, one ping, one pong. A keyring that cannot be
    /// read, or a token the relay refused a moment ago, make no connection
    /// at all: the relay would only refuse again.
    async fn probe(&self) -> bool {
        let Ok(token) = dial::read_token(self.secrets.as_ref()) else {
            return false;
        };
        if self.refused_recently(token.as_ref()) {
            return false;
        }
        let attempt = async {
            let mut ws = self.dial(token.as_ref()).await.ok()?;
            let ping = serde_json::to_string(&ClientFrame::Ping { nonce: 0 }).ok()?;
            ws.send(WsMessage::text(ping)).await.ok()?;
            while let Some(Ok(message)) = ws.next().await {
                if let WsMessage::Text(text) = message {
                    if let Ok(ServerFrame::Pong { .. }) = serde_json::from_str(text.as_str()) {
                        let _ = ws.close(None).await;
                        return Some(());
                    }
                }
            }
            None
        };
        matches!(
            tokio::time::timeout(self.config.request_timeout, attempt).await,
            Ok(Some(()))
        )
    }
}

fn unexpected(what: &str, frame: &ServerFrame) -> BackendError {
    BackendError::Malformed(format!("expected {what}, got {frame:?}"))
}

#[async_trait]
impl SupportBackend for RelayBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "relay".into(),
            demo: false,
            capabilities: self.config.capabilities,
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let resume = options.resume.clone();
        let unknown = resume
            .clone()
            .unwrap_or_else(|| ConversationId(String::new()));
        let after_seq = resume.as_ref().and_then(|c| self.cursor_of(c));
        if let (Some(conversation), Some(seq)) = (&resume, after_seq) {
            // Known before the replay arrives, so the replay is not taken
            // for events already seen.
            lock(&self.cursors)
                .entry(conversation.0.clone())
                .or_insert(seq);
        }
        let (events, events_rx) = mpsc::channel(256);
        let sink = EventSink {
            events,
            cursors: Arc::clone(&self.cursors),
            resume: self.resume.clone(),
        };
        let connection = self
            .connect(Some(sink))
            .await
            .map_err(|e| e.into_backend(&unknown, "opening a conversation"))?;
        let frame = ClientFrame::Open {
            req: self.next_req(),
            locale: options.locale,
            resume: resume.map(|c| c.0),
            after_seq,
        };
        let reply = connection
            .request(frame, self.config.request_timeout)
            .await
            .map_err(|e| e.into_backend(&unknown, "opening a conversation"))?;
        let ServerFrame::Opened { conversation, .. } = reply else {
            return Err(unexpected("opened", &reply));
        };
        if conversation.is_empty() {
            return Err(BackendError::Malformed("an empty conversation id".into()));
        }
        // The connection's task set the cursor as the reply passed.
        let conversation = ConversationId(conversation);
        {
            let mut sessions = lock(&self.sessions);
            // Forget connections that ended, so the map holds live ones only.
            sessions.retain(|_, c| c.is_alive());
            // A connection this replaces is dropped here and closes.
            sessions.insert(conversation.clone(), connection);
        }
        Ok(BackendSession {
            conversation,
            events: events_rx,
        })
    }

    async fn send_message(
        &self,
        conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        let frame = ClientFrame::Send {
            req: self.next_req(),
            conversation: conversation.0.clone(),
            client_message_id: message.id,
            text: message.text,
            written_at: message.written_at.0,
        };
        match self.request(conversation, "sending", frame).await? {
            ServerFrame::Sent {
                message_id,
                duplicate,
                ..
            } => Ok(SendReceipt {
                backend_id: message_id,
                duplicate,
            }),
            other => Err(unexpected("sent", &other)),
        }
    }

    async fn request_handoff(
        &self,
        conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let frame = ClientFrame::RequestHandoff {
            req: self.next_req(),
            conversation: conversation.0.clone(),
            reason: request.reason,
            urgent_topic: request.urgent_topic,
            locale: request.locale,
            summary: request.summary,
        };
        match self
            .request(conversation, "asking for a person", frame)
            .await?
        {
            ServerFrame::Done { .. } => Ok(()),
            other => Err(unexpected("done", &other)),
        }
    }

    async fn cancel_handoff(&self, conversation: &ConversationId) -> Result<(), BackendError> {
        let frame = ClientFrame::CancelHandoff {
            req: self.next_req(),
            conversation: conversation.0.clone(),
        };
        match self
            .request(conversation, "cancelling a request for a person", frame)
            .await?
        {
            ServerFrame::Done { .. } => Ok(()),
            other => Err(unexpected("done", &other)),
        }
    }

    async fn leave_message(
        &self,
        conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let frame = ClientFrame::LeaveMessage {
            req: self.next_req(),
            conversation: conversation.0.clone(),
            client_message_id: Some(message.id),
            text: message.text,
            callback: message.callback.map(Into::into),
            summary: message.summary,
        };
        match self
            .request(conversation, "leaving a message", frame)
            .await?
        {
            ServerFrame::MessageLeft { reference, .. } if !reference.trim().is_empty() => {
                Ok(LeftMessageReceipt { reference })
            }
            other => Err(unexpected("message_left with a reference", &other)),
        }
    }

    async fn wait_until_reachable(&self) {
        // Waits first: right after a failure the engine's own first retry
        // is already due, and a relay that answers pings but drops
        // conversations must not be hammered.
        loop {
            tokio::time::sleep(self.probe_wait()).await;
            if self.probe().await {
                return;
            }
        }
    }
}
