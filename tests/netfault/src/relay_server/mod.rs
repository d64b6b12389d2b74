//! A reference server for the Warmline relay protocol, for tests: a bot that
//! answers, a queue and an agent for "talk to a person", and optional
//! closing of idle conversations.
//!
//! Its state (conversations, their numbered events, the client message ids
//! it has seen, every user message in the order received) lives outside the
//! running task, so [`RelayServer::restart`] behaves like a server process
//! that restarts on a durable database: every connection drops, and the
//! same port answers again with everything it knew.
//!
//! With [`RelayServerConfig::token`] set it refuses every WebSocket upgrade
//! that does not present `Authorization: Bearer <token>`, with HTTP 401, as
//! `docs/RELAY-PROTOCOL.md` specifies. With [`RelayServerConfig::tls`] it
//! speaks `wss://` only, presenting a certificate a test made
//! ([`crate::tls::TestCa`]).

mod handler;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{header, StatusCode};
use warmline_backends::relay::protocol::WireEvent;
use warmline_core::MessageId;

use self::handler::State;
use crate::tls::ServerIdentity;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct RelayServerConfig {
    /// The bot answers every n-th user message (0: never). Fewer answers
    /// keep long tests fast.
    pub bot_reply_every: u64,
    /// The bot greets each new conversation.
    pub greeting: bool,
    /// Wait between storing a message and acknowledging it, to widen the
    /// window in which a crash or a cut leaves a message received but not
    /// acknowledged.
    pub ack_delay: Duration,
    /// A person is available when asked for; otherwise the server says
    /// nobody is, and takes left messages.
    pub agents_available: bool,
    /// Close conversations without user activity for this long, like the
    /// chat widgets Warmline replaces do.
    pub idle_close: Option<Duration>,
    /// The sign-in token clients must present; `None` serves anyone.
    /// [`RelayServer::set_token`] changes it while the server runs.
    pub token: Option<String>,
    /// Serve `wss://` with this certificate (`None`: plain `ws://`).
    pub tls: Option<ServerIdentity>,
}

impl Default for RelayServerConfig {
    fn default() -> Self {
        Self {
            bot_reply_every: 1,
            greeting: true,
            ack_delay: Duration::ZERO,
            agents_available: true,
            idle_close: None,
            token: None,
            tls: None,
        }
    }
}

/// A user message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The conversation it went to.
    pub conversation: String,
    /// The client's id (the idempotency key).
    pub client_message_id: MessageId,
    /// The text.
    pub text: String,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running (or stopped) reference relay server on `127.0.0.1`.
pub struct RelayServer {
    config: RelayServerConfig,
    state: Shared,
    addr: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl RelayServer {
    /// Starts on a free port.
    pub async fn start(config: RelayServerConfig) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = State {
            token: config.token.clone(),
            ..State::default()
        };
        let mut server = Self {
            config,
            state: Arc::new(Mutex::new(state)),
            addr,
            task: None,
        };
        server.run(listener);
        Ok(server)
    }

    fn run(&mut self, listener: TcpListener) {
        let state = Arc::clone(&self.state);
        let config = self.config.clone();
        self.task = Some(tokio::spawn(serve(listener, state, config)));
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its WebSocket URL: `ws://127.0.0.1:<port>`, or with TLS
    /// `wss://localhost:<port>` (issue its certificate for `localhost`).
    pub fn url(&self) -> String {
        match self.config.tls {
            Some(_) => format!("wss://localhost:{}", self.addr.port()),
            None => format!("ws://{}", self.addr),
        }
    }

    /// Stops accepting and drops every connection, keeping the state.
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        // Subscribers of dropped connections are gone.
        for conv in lock(&self.state).conversations.values_mut() {
            conv.subscribers.retain(|s| !s.is_closed());
        }
    }

    /// Starts again on the same port with the same state. Retries the bind
    /// briefly: the old socket may take a moment to be released.
    pub async fn start_again(&mut self) -> io::Result<()> {
        let mut attempts = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(error) if attempts < 50 => {
                    attempts += 1;
                    tracing::debug!(%error, "rebinding the relay port");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(error) => return Err(error),
            }
        };
        self.run(listener);
        Ok(())
    }

    /// [`Self::stop`], then [`Self::start_again`].
    pub async fn restart(&mut self) -> io::Result<()> {
        self.stop().await;
        self.start_again().await
    }

    /// Every user message, in the order received, each once.
    pub fn received(&self) -> Vec<ReceivedMessage> {
        lock(&self.state).received.clone()
    }

    /// How many sends were recognized as repeats of a message already kept.
    pub fn duplicate_sends(&self) -> u64 {
        lock(&self.state).duplicate_sends
    }

    /// How many connections were accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        lock(&self.state).connections_accepted
    }

    /// How many WebSocket upgrades were refused for a missing or wrong
    /// token.
    pub fn handshakes_refused(&self) -> u64 {
        lock(&self.state).handshakes_refused
    }

    /// Requires `token` from now on (`None`: serves anyone). Connections
    /// already open stay open, as on a relay whose operator rotates tokens.
    pub fn set_token(&self, token: Option<&str>) {
        lock(&self.state).token = token.map(str::to_owned);
    }

    /// How many requests for a person arrived.
    pub fn handoff_requests(&self) -> u64 {
        lock(&self.state).handoff_requests
    }

    /// The ids of every conversation, oldest first.
    pub fn conversations(&self) -> Vec<String> {
        let state = lock(&self.state);
        let mut ids: Vec<_> = state.conversations.keys().cloned().collect();
        ids.sort_by_key(|id| id.trim_start_matches("c-").parse::<u64>().unwrap_or(0));
        ids
    }

    /// The events of a conversation, numbered from 1.
    pub fn events(&self, conversation: &str) -> Vec<WireEvent> {
        lock(&self.state)
            .conversations
            .get(conversation)
            .map(|c| c.events.clone())
            .unwrap_or_default()
    }

    /// Adds an event to a conversation, as the support side would (an agent
    /// writing, the queue moving).
    pub fn push_event(&self, conversation: &str, event: WireEvent) {
        lock(&self.state).push(conversation, event);
    }

    /// Closes a conversation as an idle timeout would.
    pub fn close_conversation(&self, conversation: &str) {
        let mut state = lock(&self.state);
        state.push(conversation, WireEvent::ConversationClosed);
        if let Some(conv) = state.conversations.get_mut(conversation) {
            conv.closed = true;
        }
    }
}

impl Drop for RelayServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn serve(listener: TcpListener, state: Shared, config: RelayServerConfig) {
    let tls = config
        .tls
        .as_ref()
        .map(|identity| tokio_rustls::TlsAcceptor::from(identity.server_config()));
    // Owned here: aborting this task drops the set, which aborts every
    // connection task and so closes every socket.
    let mut connections = JoinSet::new();
    let mut idle_check = tokio::time::interval(
        config
            .idle_close
            .map_or(Duration::from_secs(3600), |idle| idle / 4),
    );
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                lock(&state).connections_accepted += 1;
                connections.spawn(accept(stream, tls.clone(), Arc::clone(&state), config.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = idle_check.tick() => {
                if let Some(idle) = config.idle_close {
                    handler::close_idle(&state, idle);
                }
            }
        }
    }
}

/// Sets up TLS if configured, upgrades the connection to a WebSocket
/// checking the token, and serves it.
async fn accept(
    stream: TcpStream,
    tls: Option<tokio_rustls::TlsAcceptor>,
    state: Shared,
    config: RelayServerConfig,
) {
    match tls {
        None => upgrade(stream, state, config).await,
        Some(tls) => match tls.accept(stream).await {
            Ok(stream) => upgrade(stream, state, config).await,
            // A client that does not trust the certificate hangs up here.
            Err(error) => tracing::debug!(%error, "TLS handshake with a client failed"),
        },
    }
}

// tungstenite's header callback must return its (large) `ErrorResponse`.
#[allow(clippy::result_large_err)]
async fn upgrade<S>(stream: S, state: Shared, config: RelayServerConfig)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let check_state = Arc::clone(&state);
    let check = move |request: &Request, response: Response| {
        let mut state = lock(&check_state);
        match &state.token {
            Some(token) if !presents(request, token) => {
                state.handshakes_refused += 1;
                Err(refusal())
            }
            _ => Ok(response),
        }
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, check).await else {
        return;
    };
    handler::serve_socket(ws, state, config).await;
}

/// True when `request` carries `Authorization: Bearer <token>`.
fn presents(request: &Request, token: &str) -> bool {
    request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|presented| presented == token)
}

/// The answer to an upgrade without the right token: 401, as the protocol
/// specifies.
fn refusal() -> ErrorResponse {
    let mut response = ErrorResponse::new(Some("a valid token is required".to_owned()));
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer realm=\"warmline\""),
    );
    response
}
