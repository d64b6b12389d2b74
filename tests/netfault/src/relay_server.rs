//! A reference server for the Warmline relay protocol, for tests: a bot that
//! answers, a queue and an agent for "talk to a person", and optional
//! closing of idle conversations.
//!
//! Its state (conversations, their numbered events, the client message ids
//! it has seen, every user message in the order received) lives outside the
//! running task, so [`RelayServer::restart`] behaves like a server process
//! that restarts on a durable database: every connection drops, and the
//! same port answers again with everything it knew.

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use warmline_backends::relay::protocol::{ClientFrame, RelayErrorCode, ServerFrame, WireEvent};
use warmline_core::MessageId;

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
}

impl Default for RelayServerConfig {
    fn default() -> Self {
        Self {
            bot_reply_every: 1,
            greeting: true,
            ack_delay: Duration::ZERO,
            agents_available: true,
            idle_close: None,
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

#[derive(Default)]
struct Conversation {
    /// Event `n` is at index `n - 1`.
    events: Vec<WireEvent>,
    closed: bool,
    last_activity: Option<Instant>,
    /// Connections that receive this conversation's events.
    subscribers: Vec<mpsc::UnboundedSender<String>>,
}

#[derive(Default)]
struct State {
    conversations: HashMap<String, Conversation>,
    next_conversation: u64,
    /// Client message id → the server's id.
    seen: HashMap<MessageId, String>,
    received: Vec<ReceivedMessage>,
    duplicate_sends: u64,
    left_messages: u64,
    connections_accepted: u64,
    handoff_requests: u64,
}

impl State {
    /// Appends an event and pushes it to every live subscriber.
    fn push(&mut self, conversation: &str, event: WireEvent) {
        let Some(conv) = self.conversations.get_mut(conversation) else {
            return;
        };
        conv.events.push(event.clone());
        let frame = ServerFrame::Event {
            conversation: conversation.to_owned(),
            seq: conv.events.len() as u64,
            event,
        };
        let text = serde_json::to_string(&frame).expect("frames serialize");
        conv.subscribers.retain(|s| s.send(text.clone()).is_ok());
    }
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
        let mut server = Self {
            config,
            state: Shared::default(),
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

    /// Its WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
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
                connections.spawn(connection(stream, Arc::clone(&state), config.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = idle_check.tick() => {
                if let Some(idle) = config.idle_close {
                    close_idle(&state, idle);
                }
            }
        }
    }
}

fn close_idle(state: &Shared, idle: Duration) {
    let mut state = lock(state);
    let idle_ones: Vec<String> = state
        .conversations
        .iter()
        .filter(|(_, c)| !c.closed && c.last_activity.is_some_and(|t| t.elapsed() >= idle))
        .map(|(id, _)| id.clone())
        .collect();
    for id in idle_ones {
        state.push(&id, WireEvent::ConversationClosed);
        if let Some(conv) = state.conversations.get_mut(&id) {
            conv.closed = true;
        }
    }
}

async fn connection(stream: TcpStream, state: Shared, config: RelayServerConfig) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut write, mut read) = ws.split();
    // Replies and events share one queue, so a reply and the events it
    // causes leave in the order they happened.
    let (out, mut out_rx) = mpsc::unbounded_channel::<String>();
    loop {
        tokio::select! {
            message = read.next() => {
                let text = match message {
                    Some(Ok(WsMessage::Text(text))) => text,
                    Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let frame = match serde_json::from_str::<ClientFrame>(text.as_str()) {
                    Ok(frame) => frame,
                    Err(error) => {
                        let req = serde_json::from_str::<serde_json::Value>(text.as_str())
                            .ok()
                            .and_then(|v| v.get("req").and_then(serde_json::Value::as_u64));
                        if let Some(req) = req {
                            reply(&out, ServerFrame::Error {
                                req,
                                code: RelayErrorCode::BadRequest,
                                message: error.to_string(),
                            });
                        }
                        continue;
                    }
                };
                handle(frame, &state, &config, &out).await;
            }
            Some(text) = out_rx.recv() => {
                if write.send(WsMessage::text(text)).await.is_err() {
                    break;
                }
            }
        }
    }
}

fn reply(out: &mpsc::UnboundedSender<String>, frame: ServerFrame) {
    let _ = out.send(serde_json::to_string(&frame).expect("frames serialize"));
}

fn error(req: u64, code: RelayErrorCode, message: &str) -> ServerFrame {
    ServerFrame::Error {
        req,
        code,
        message: message.to_owned(),
    }
}

/// The conversation's state for a request, or the error to answer.
fn check_open(state: &State, req: u64, conversation: &str) -> Result<(), ServerFrame> {
    match state.conversations.get(conversation) {
        None => Err(error(
            req,
            RelayErrorCode::UnknownConversation,
            "no such conversation",
        )),
        Some(c) if c.closed => Err(error(req, RelayErrorCode::ConversationClosed, "closed")),
        Some(_) => Ok(()),
    }
}

async fn handle(
    frame: ClientFrame,
    state: &Shared,
    config: &RelayServerConfig,
    out: &mpsc::UnboundedSender<String>,
) {
    match frame {
        ClientFrame::Ping { nonce } => reply(out, ServerFrame::Pong { nonce }),
        ClientFrame::Open {
            req,
            locale: _,
            resume,
            after_seq,
        } => {
            let mut state = lock(state);
            let (id, resumed) = match resume {
                Some(id) => {
                    if let Err(refusal) = check_open(&state, req, &id) {
                        reply(out, refusal);
                        return;
                    }
                    (id, true)
                }
                None => {
                    state.next_conversation += 1;
                    let id = format!("c-{}", state.next_conversation);
                    state
                        .conversations
                        .insert(id.clone(), Conversation::default());
                    (id, false)
                }
            };
            let conv = state.conversations.get_mut(&id).expect("just checked");
            conv.last_activity = Some(Instant::now());
            reply(
                out,
                ServerFrame::Opened {
                    req,
                    conversation: id.clone(),
                    resumed,
                    last_seq: conv.events.len() as u64,
                },
            );
            // Replay and subscription under one lock: nothing is missed
            // and nothing comes twice.
            if let Some(after) = after_seq {
                for (index, event) in conv.events.iter().enumerate().skip(after as usize) {
                    reply(
                        out,
                        ServerFrame::Event {
                            conversation: id.clone(),
                            seq: index as u64 + 1,
                            event: event.clone(),
                        },
                    );
                }
            }
            conv.subscribers.push(out.clone());
            if !resumed && config.greeting {
                state.push(
                    &id,
                    WireEvent::BotMessage {
                        name: "Relay bot".into(),
                        text: "Hello! How can I help?".into(),
                        understood: true,
                    },
                );
            }
        }
        ClientFrame::Send {
            req,
            conversation,
            client_message_id,
            text,
            written_at: _,
        } => {
            let answer = {
                let mut state = lock(state);
                if let Err(refusal) = check_open(&state, req, &conversation) {
                    reply(out, refusal);
                    return;
                }
                if let Some(conv) = state.conversations.get_mut(&conversation) {
                    conv.last_activity = Some(Instant::now());
                }
                match state.seen.get(&client_message_id) {
                    Some(message_id) => {
                        let message_id = message_id.clone();
                        state.duplicate_sends += 1;
                        ServerFrame::Sent {
                            req,
                            message_id,
                            duplicate: true,
                        }
                    }
                    None => {
                        let message_id = format!("m-{}", state.received.len() + 1);
                        state.seen.insert(client_message_id, message_id.clone());
                        state.received.push(ReceivedMessage {
                            conversation: conversation.clone(),
                            client_message_id,
                            text: text.clone(),
                        });
                        let count = state.received.len() as u64;
                        if config.bot_reply_every > 0
                            && count.is_multiple_of(config.bot_reply_every)
                        {
                            state.push(
                                &conversation,
                                WireEvent::BotMessage {
                                    name: "Relay bot".into(),
                                    text: format!("You wrote: {text}"),
                                    understood: true,
                                },
                            );
                        }
                        ServerFrame::Sent {
                            req,
                            message_id,
                            duplicate: false,
                        }
                    }
                }
            };
            // Stored, not yet acknowledged: the window a cut or a crash hits.
            if !config.ack_delay.is_zero() {
                tokio::time::sleep(config.ack_delay).await;
            }
            reply(out, answer);
        }
        ClientFrame::RequestHandoff {
            req, conversation, ..
        } => {
            let mut state = lock(state);
            if let Err(refusal) = check_open(&state, req, &conversation) {
                reply(out, refusal);
                return;
            }
            state.handoff_requests += 1;
            reply(out, ServerFrame::Done { req });
            if config.agents_available {
                state.push(
                    &conversation,
                    WireEvent::QueueUpdate {
                        position: Some(1),
                        estimated_wait_secs: Some(60),
                    },
                );
                state.push(&conversation, WireEvent::AgentJoined { name: "Sam".into() });
            } else {
                state.push(
                    &conversation,
                    WireEvent::HandoffUnavailable {
                        can_leave_message: true,
                    },
                );
            }
        }
        ClientFrame::CancelHandoff { req, conversation } => {
            let state = lock(state);
            match check_open(&state, req, &conversation) {
                Ok(()) => reply(out, ServerFrame::Done { req }),
                Err(refusal) => reply(out, refusal),
            }
        }
        ClientFrame::LeaveMessage {
            req, conversation, ..
        } => {
            let mut state = lock(state);
            if !state.conversations.contains_key(&conversation) {
                reply(
                    out,
                    error(req, RelayErrorCode::UnknownConversation, "no such conversation"),
                );
                return;
            }
            state.left_messages += 1;
            let reference = format!("REF-{}", state.left_messages);
            reply(out, ServerFrame::MessageLeft { req, reference });
        }
    }
}

/// Counts what a run delivered, against what was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryCount {
    /// Messages the client sent (and stored).
    pub sent: usize,
    /// Messages the server kept.
    pub received: usize,
    /// Sent but never received.
    pub lost: usize,
    /// Received more than once (by id or by text).
    pub duplicated: usize,
    /// Received after a message that was written later.
    pub out_of_order: usize,
}

impl DeliveryCount {
    /// Compares the texts sent, in the order written, with those received.
    pub fn of(sent: &[String], received: &[ReceivedMessage]) -> Self {
        let position: HashMap<&str, usize> = sent
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut seen_texts = HashSet::new();
        let mut seen_ids = HashSet::new();
        let mut duplicated = 0;
        let mut out_of_order = 0;
        let mut last = None;
        for message in received {
            if !seen_texts.insert(message.text.as_str())
                || !seen_ids.insert(message.client_message_id)
            {
                duplicated += 1;
                continue;
            }
            if let Some(&at) = position.get(message.text.as_str()) {
                if last.is_some_and(|last| at < last) {
                    out_of_order += 1;
                }
                last = Some(at);
            }
        }
        let lost = sent
            .iter()
            .filter(|t| !seen_texts.contains(t.as_str()))
            .count();
        Self {
            sent: sent.len(),
            received: received.len(),
            lost,
            duplicated,
            out_of_order,
        }
    }

    /// Nothing lost, nothing twice, nothing out of order.
    pub fn is_perfect(&self) -> bool {
        self.lost == 0 && self.duplicated == 0 && self.out_of_order == 0
    }
}
