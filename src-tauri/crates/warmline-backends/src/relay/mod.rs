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
#[cfg(test)]
mod tests;

use std::collections::HashMap;
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
    HandoffRequest, LeftMessage, LeftMessageReceipt, MemorySecrets, OutgoingMessage, Secret,
    SecretSource, SendReceipt, SupportBackend,
};

use self::connection::{lock, Connection, Cursors, EventSink, KeepAlive, RelayError};
use self::dial::Socket;
pub use self::dial::TOKEN_SECRET;
use self::protocol::{ClientFrame, RequestId, ServerFrame};

/// Where the relay is and how patient to be with the network.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The relay's WebSocket address, e.g. `ws://support.example:8080/warmline`.
    pub url: String,
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
    /// changes is tried at once): a relay that refuses is not hammered.
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

/// The token the relay last refused, and when.
struct Refusal {
    token: Option<Secret>,
    at: Instant,
}

/// The relay adapter. One instance serves the whole app.
pub struct RelayBackend {
    config: RelayConfig,
    /// Where the token is read, at every connection.
    secrets: Arc<dyn SecretSource>,
    next_req: AtomicU64,
    /// The live connection of each open conversation.
    sessions: Mutex<HashMap<ConversationId, Connection>>,
    cursors: Cursors,
    /// The last refusal of the sign-in, until a connection succeeds.
    refusal: Mutex<Option<Refusal>>,
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
            refusal: Mutex::default(),
            jitter: AtomicU64::new(seed),
        }
    }

    /// Reads the sign-in token ([`TOKEN_SECRET`]) from `secrets` whenever
    /// it connects. Without a stored token it connects without one.
    pub fn with_secrets(mut self, secrets: Arc<dyn SecretSource>) -> Self {
        self.secrets = secrets;
        self
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

    /// Opens one WebSocket with the current token, remembering a refusal
    /// (for [`Self::refused_recently`]) and forgetting it on success.
    async fn dial(&self, token: Option<&Secret>) -> Result<Socket, RelayError> {
        let result = dial::dial(&self.config, token).await;
        match &result {
            Ok(_) => *lock(&self.refusal) = None,
            Err(error @ RelayError::Refused(_)) => {
                tracing::warn!(%error, url = %self.config.url, "the relay refused the sign-in");
                *lock(&self.refusal) = Some(Refusal {
                    token: token.cloned(),
                    at: Instant::now(),
                });
            }
            Err(_) => {}
        }
        result
    }

    /// True when the relay refused exactly this token less than
    /// [`RelayConfig::refused_recheck`] ago.
    fn refused_recently(&self, token: Option<&Secret>) -> bool {
        lock(&self.refusal).as_ref().is_some_and(|refusal| {
            refusal.token.as_ref() == token && refusal.at.elapsed() < self.config.refused_recheck
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
        let (events, events_rx) = mpsc::channel(256);
        let sink = EventSink {
            events,
            cursors: Arc::clone(&self.cursors),
        };
        let connection = self
            .connect(Some(sink))
            .await
            .map_err(|e| e.into_backend(&unknown, "opening a conversation"))?;
        let after_seq = resume
            .as_ref()
            .and_then(|c| lock(&self.cursors).get(&c.0).copied());
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
        let ServerFrame::Opened {
            conversation,
            last_seq,
            ..
        } = reply
        else {
            return Err(unexpected("opened", &reply));
        };
        if conversation.is_empty() {
            return Err(BackendError::Malformed("an empty conversation id".into()));
        }
        // Without a cursor (a new conversation, or the app restarted) the
        // relay sends live events only; count from where it stands.
        lock(&self.cursors)
            .entry(conversation.clone())
            .or_insert(last_seq);
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
