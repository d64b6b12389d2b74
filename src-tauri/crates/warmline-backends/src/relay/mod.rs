//! The Warmline relay protocol client: a [`SupportBackend`] that talks
//! WebSocket + JSON to a relay a company puts in front of its support system.
//!
//! `docs/RELAY-PROTOCOL.md` specifies the protocol. In short: one WebSocket
//! per open conversation carries its events (numbered, so a reconnect
//! fetches what it missed with `after_seq`) and the requests about it;
//! every message carries the client's id, so a resend is recognized; the
//! client pings every [`RelayConfig::ping_interval`] and gives a connection
//! up when it has heard nothing for [`RelayConfig::dead_after`] (a stalled
//! network does not close sockets by itself).

pub mod protocol;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use warmline_core::{
    BackendError, BackendEvent, BackendInfo, BackendSession, Capabilities, ConversationId,
    ConversationOptions, HandoffRequest, LeftMessage, LeftMessageReceipt, OutgoingMessage,
    SendReceipt, SupportBackend,
};

use self::protocol::{ClientFrame, RelayErrorCode, RequestId, ServerFrame};

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

/// What went wrong on the wire; mapped to [`BackendError`] at the trait.
#[derive(Debug, thiserror::Error)]
enum RelayError {
    #[error("could not connect: {0}")]
    Connect(String),
    #[error("the connection closed")]
    Closed,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("{0}")]
    Malformed(String),
    #[error("the relay answered {code:?}: {message}")]
    Server { code: RelayErrorCode, message: String },
}

impl RelayError {
    /// `what` names the request for [`BackendError::Unsupported`].
    fn into_backend(self, conversation: &ConversationId, what: &'static str) -> BackendError {
        match self {
            Self::Connect(_) | Self::Closed | Self::Timeout(_) => {
                BackendError::Unreachable(self.to_string())
            }
            Self::Malformed(detail) => BackendError::Malformed(detail),
            Self::Server { code, message } => match code {
                RelayErrorCode::UnknownConversation | RelayErrorCode::ConversationClosed => {
                    BackendError::UnknownConversation(conversation.clone())
                }
                RelayErrorCode::Unsupported => BackendError::Unsupported(what),
                // Overload or maintenance: the same request later may work.
                RelayErrorCode::Unavailable => BackendError::Unreachable(message),
                RelayErrorCode::Rejected | RelayErrorCode::BadRequest | RelayErrorCode::Other => {
                    BackendError::Rejected(message)
                }
            },
        }
    }
}

type Reply = Result<ServerFrame, RelayError>;
type Pending = Arc<Mutex<HashMap<RequestId, oneshot::Sender<Reply>>>>;
/// The number of the last event seen, per conversation.
type Cursors = Arc<Mutex<HashMap<String, u64>>>;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

enum Out {
    Frame(String),
    /// Give the connection up (a request timed out on it).
    Close,
}

/// Where a session connection delivers its conversation's events.
struct EventSink {
    events: mpsc::Sender<BackendEvent>,
    cursors: Cursors,
}

/// One WebSocket connection, run by its own task. Cheap to clone; the task
/// ends when the network fails, when the connection is given up, when the
/// engine drops the session's event stream, or when every handle is gone.
#[derive(Clone)]
struct Connection {
    out: mpsc::UnboundedSender<Out>,
    pending: Pending,
}

impl Connection {
    async fn connect(config: &RelayConfig, sink: Option<EventSink>) -> Result<Self, RelayError> {
        let (ws, _) = tokio::time::timeout(
            config.connect_timeout,
            tokio_tungstenite::connect_async(config.url.as_str()),
        )
        .await
        .map_err(|_| RelayError::Timeout(config.connect_timeout))?
        .map_err(|error| RelayError::Connect(error.to_string()))?;
        let (out, out_rx) = mpsc::unbounded_channel();
        let pending = Pending::default();
        tokio::spawn(run_connection(
            ws,
            out_rx,
            Arc::clone(&pending),
            sink,
            config.ping_interval,
            config.dead_after,
        ));
        Ok(Self { out, pending })
    }

    fn is_alive(&self) -> bool {
        !self.out.is_closed()
    }

    async fn request(&self, frame: ClientFrame, timeout: Duration) -> Reply {
        let req = frame.req().expect("requests carry a correlation id");
        let text = serde_json::to_string(&frame)
            .map_err(|error| RelayError::Malformed(error.to_string()))?;
        let (reply, answer) = oneshot::channel();
        lock(&self.pending).insert(req, reply);
        if self.out.send(Out::Frame(text)).is_err() {
            lock(&self.pending).remove(&req);
            return Err(RelayError::Closed);
        }
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(reply)) => reply,
            // The task ended and dropped the request: the connection is gone.
            Ok(Err(_)) => Err(RelayError::Closed),
            Err(_) => {
                // A request without an answer on a connection that did not
                // close: the network stalls. Give the connection up, so the
                // session's stream ends and the engine reconnects.
                lock(&self.pending).remove(&req);
                let _ = self.out.send(Out::Close);
                Err(RelayError::Timeout(timeout))
            }
        }
    }
}

async fn run_connection<S>(
    ws: tokio_tungstenite::WebSocketStream<S>,
    mut out: mpsc::UnboundedReceiver<Out>,
    pending: Pending,
    mut sink: Option<EventSink>,
    ping_interval: Duration,
    dead_after: Duration,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (mut write, mut read) = ws.split();
    let mut ping = tokio::time::interval(ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    let mut last_heard = Instant::now();
    let mut nonce = 0u64;
    loop {
        tokio::select! {
            message = read.next() => match message {
                Some(Ok(WsMessage::Text(text))) => {
                    last_heard = Instant::now();
                    if !handle_frame(text.as_str(), &pending, &mut sink).await {
                        break;
                    }
                }
                Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                // Binary, ping and pong frames: not ours, but a sign of life.
                Some(Ok(_)) => last_heard = Instant::now(),
            },
            next = out.recv() => match next {
                Some(Out::Frame(text)) => {
                    if write.send(WsMessage::text(text)).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close) | None => break,
            },
            _ = ping.tick() => {
                if last_heard.elapsed() >= dead_after {
                    tracing::info!(silent_for = ?last_heard.elapsed(), "relay connection silent; giving it up");
                    break;
                }
                nonce += 1;
                let frame = serde_json::to_string(&ClientFrame::Ping { nonce }).unwrap_or_default();
                if write.send(WsMessage::text(frame)).await.is_err() {
                    break;
                }
            }
            () = events_dropped(&sink) => break,
        }
    }
    // Dropping the waiting requests' reply senders fails them as `Closed`;
    // dropping the sink ends the session's event stream.
    lock(&pending).clear();
}

async fn events_dropped(sink: &Option<EventSink>) {
    match sink {
        Some(sink) => sink.events.closed().await,
        None => std::future::pending().await,
    }
}

/// Handles one text frame; false when the engine no longer listens.
async fn handle_frame(text: &str, pending: &Pending, sink: &mut Option<EventSink>) -> bool {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            tracing::warn!(%error, "the relay sent a frame that is not JSON; skipped");
            return true;
        }
    };
    let req = value.get("req").and_then(serde_json::Value::as_u64);
    let frame = match serde_json::from_value::<ServerFrame>(value) {
        Ok(frame) => frame,
        Err(error) => {
            // A reply we cannot read fails its request as malformed; anything
            // else is skipped rather than taking the conversation down.
            match req.and_then(|req| lock(pending).remove(&req)) {
                Some(reply) => {
                    let _ = reply.send(Err(RelayError::Malformed(format!(
                        "unreadable reply: {error}"
                    ))));
                }
                None => tracing::warn!(%error, "the relay sent an unreadable frame; skipped"),
            }
            return true;
        }
    };
    match frame {
        ServerFrame::Event {
            conversation,
            seq,
            event,
        } => {
            let Some(sink) = sink else { return true };
            {
                let mut cursors = lock(&sink.cursors);
                let cursor = cursors.entry(conversation).or_insert(0);
                if seq <= *cursor {
                    // Already delivered on an earlier connection.
                    return true;
                }
                *cursor = seq;
            }
            match event.into_backend_event() {
                Some(event) => sink.events.send(event).await.is_ok(),
                None => true,
            }
        }
        ServerFrame::Error { req, code, message } => {
            if let Some(reply) = lock(pending).remove(&req) {
                let _ = reply.send(Err(RelayError::Server { code, message }));
            }
            true
        }
        ServerFrame::Pong { .. } | ServerFrame::Unknown => true,
        reply => {
            if let Some(reply_to) = reply.req().and_then(|req| lock(pending).remove(&req)) {
                let _ = reply_to.send(Ok(reply));
            }
            true
        }
    }
}

/// The relay adapter. One instance serves the whole app.
pub struct RelayBackend {
    config: RelayConfig,
    next_req: AtomicU64,
    /// The live connection of each open conversation.
    sessions: Mutex<HashMap<ConversationId, Connection>>,
    cursors: Cursors,
    /// Spreads the reachability probes of many clients apart.
    jitter: AtomicU64,
}

impl RelayBackend {
    /// An adapter for the relay described by `config`; connects lazily.
    pub fn new(config: RelayConfig) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Self {
            config,
            next_req: AtomicU64::new(1),
            sessions: Mutex::default(),
            cursors: Cursors::default(),
            jitter: AtomicU64::new(seed),
        }
    }

    fn next_req(&self) -> RequestId {
        self.next_req.fetch_add(1, Ordering::Relaxed)
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
            None => Connection::connect(&self.config, None)
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

    /// One fresh connection, one ping, one pong.
    async fn probe(&self) -> bool {
        let attempt = async {
            let (mut ws, _) = tokio_tungstenite::connect_async(self.config.url.as_str())
                .await
                .ok()?;
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
        let connection = Connection::connect(&self.config, Some(sink))
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
