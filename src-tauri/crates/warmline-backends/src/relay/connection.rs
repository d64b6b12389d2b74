//! One WebSocket connection to the relay, run by its own task: requests and
//! their replies, keep-alive pings, and (for a session's connection) the
//! conversation's events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use warmline_core::{BackendError, BackendEvent, ConversationId, ResumeState, SecretError};

use super::dial::Socket;
use super::protocol::{ClientFrame, RelayErrorCode, RequestId, ServerFrame};

/// What went wrong on the wire; mapped to [`BackendError`] at the trait.
///
/// No variant carries the sign-in token, so no error can show it.
#[derive(Debug, thiserror::Error)]
pub(super) enum RelayError {
    #[error("could not connect: {0}")]
    Connect(String),
    /// The relay answered the WebSocket upgrade with 401 or 403: the token
    /// is missing, wrong, expired or revoked.
    #[error("the relay refused the sign-in token (HTTP {0})")]
    Refused(u16),
    /// The relay's certificate could not be verified, or TLS failed.
    #[error("{0}")]
    Untrusted(String),
    /// The TLS configuration (the extra CA file) could not be set up.
    #[error("{0}")]
    TlsSetup(#[from] crate::tls::TlsSetupError),
    /// The token cannot travel in an HTTP header (a control character).
    #[error("the stored sign-in token has characters a relay cannot receive")]
    UnusableToken,
    /// The keyring holding the token cannot be read.
    #[error("{0}")]
    Credentials(SecretError),
    #[error("the connection closed")]
    Closed,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("{0}")]
    Malformed(String),
    #[error("the relay answered {code:?}: {message}")]
    Server {
        code: RelayErrorCode,
        message: String,
    },
}

impl RelayError {
    /// `what` names the request for [`BackendError::Unsupported`].
    pub(super) fn into_backend(
        self,
        conversation: &ConversationId,
        what: &'static str,
    ) -> BackendError {
        match self {
            Self::Connect(_) | Self::Closed | Self::Timeout(_) => {
                BackendError::Unreachable(self.to_string())
            }
            // Only new sign-in details or settings help: the engine stops
            // retrying and asks for the person who set Warmline up. A
            // server Warmline cannot verify is one it does not sign in to.
            Self::Refused(_) | Self::UnusableToken | Self::Untrusted(_) | Self::TlsSetup(_) => {
                BackendError::Unauthorized(self.to_string())
            }
            Self::Credentials(error) => BackendError::from(error),
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

pub(super) type Reply = Result<ServerFrame, RelayError>;
type Pending = Arc<Mutex<HashMap<RequestId, oneshot::Sender<Reply>>>>;
/// The number of the last event seen, per conversation.
pub(super) type Cursors = Arc<Mutex<HashMap<String, u64>>>;

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

enum Out {
    Frame(String),
    /// Give the connection up (a request timed out on it).
    Close,
}

/// The adapter's resume-state key of [`StoredCursor`].
pub(super) const CURSOR_KEY: &str = "cursor";

/// The number of the last event of a conversation that the engine has
/// stored, as the adapter keeps it across restarts (JSON in its resume
/// state), so events sent while the app was closed are fetched at the next
/// start (`after_seq`).
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct StoredCursor {
    pub(super) conversation: String,
    pub(super) seq: u64,
}

impl StoredCursor {
    /// The cursor kept in `resume`, if it is readable.
    pub(super) fn load(resume: &ResumeState) -> Option<Self> {
        let value = resume.get(CURSOR_KEY)?;
        match serde_json::from_str(&value) {
            Ok(cursor) => Some(cursor),
            Err(error) => {
                // Starting without it costs only the events sent while the
                // app was closed; failing to start would cost everything.
                tracing::warn!(%error, "the stored relay cursor is unreadable; starting without it");
                None
            }
        }
    }
}

/// Where a session connection delivers its conversation's events.
pub(super) struct EventSink {
    pub(super) events: mpsc::Sender<BackendEvent>,
    pub(super) cursors: Cursors,
    /// Where the engine stores the cursor, via [`BackendEvent::Checkpoint`]s
    /// sent after the events they cover.
    pub(super) resume: ResumeState,
}

impl EventSink {
    /// Hands `seq` to the engine to store once everything before it is
    /// stored; false when the engine no longer listens.
    async fn checkpoint(&self, conversation: &str, seq: u64) -> bool {
        let cursor = StoredCursor {
            conversation: conversation.to_owned(),
            seq,
        };
        let value = serde_json::to_string(&cursor).expect("a cursor serializes");
        let event = self.resume.checkpoint(CURSOR_KEY, value);
        self.events.send(event).await.is_ok()
    }
}

/// How often to ping and when to give a silent connection up.
#[derive(Debug, Clone, Copy)]
pub(super) struct KeepAlive {
    pub(super) ping_interval: Duration,
    pub(super) dead_after: Duration,
}

/// One WebSocket connection, run by its own task. Cheap to clone; the task
/// ends when the network fails, when the connection is given up, when the
/// engine drops the session's event stream, or when every handle is gone.
#[derive(Clone)]
pub(super) struct Connection {
    out: mpsc::UnboundedSender<Out>,
    pending: Pending,
}

impl Connection {
    /// Runs `socket` on a task of its own.
    pub(super) fn start(socket: Socket, sink: Option<EventSink>, keep_alive: KeepAlive) -> Self {
        let (out, out_rx) = mpsc::unbounded_channel();
        let pending = Pending::default();
        tokio::spawn(run_connection(
            socket,
            out_rx,
            Arc::clone(&pending),
            sink,
            keep_alive,
        ));
        Self { out, pending }
    }

    pub(super) fn is_alive(&self) -> bool {
        !self.out.is_closed()
    }

    pub(super) async fn request(&self, frame: ClientFrame, timeout: Duration) -> Reply {
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

async fn run_connection(
    socket: Socket,
    mut out: mpsc::UnboundedReceiver<Out>,
    pending: Pending,
    mut sink: Option<EventSink>,
    keep_alive: KeepAlive,
) {
    let (mut write, mut read) = socket.split();
    let mut ping = tokio::time::interval(keep_alive.ping_interval);
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
                if last_heard.elapsed() >= keep_alive.dead_after {
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
    if let (
        ServerFrame::Opened {
            conversation,
            last_seq,
            ..
        },
        Some(sink),
    ) = (&frame, sink.as_ref())
    {
        // Before any event of the conversation: where this connection's
        // events start. A resumed conversation's cursor is already set (the
        // relay replays what follows it); without one (a new conversation,
        // or a conversation whose cursor was lost) the relay sends live
        // events only, so count from where it stands. Stored at once, so an
        // app closed before the first event still fetches it at the next
        // start.
        let seq = *lock(&sink.cursors)
            .entry(conversation.clone())
            .or_insert(*last_seq);
        if !sink.checkpoint(conversation, seq).await {
            return false;
        }
    }
    match frame {
        ServerFrame::Event {
            conversation,
            seq,
            event,
        } => {
            let Some(sink) = sink else { return true };
            {
                let mut cursors = lock(&sink.cursors);
                let cursor = cursors.entry(conversation.clone()).or_insert(0);
                if seq <= *cursor {
                    // Already delivered on an earlier connection.
                    return true;
                }
                *cursor = seq;
            }
            if let Some(event) = event.into_backend_event() {
                if sink.events.send(event).await.is_err() {
                    return false;
                }
            }
            // After the event, so the engine stores the cursor only once
            // the event is stored: a restart never skips an event.
            sink.checkpoint(&conversation, seq).await
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
