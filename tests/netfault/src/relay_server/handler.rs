//! What the reference server does with each request, on its shared state.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;
use warmline_backends::relay::protocol::{ClientFrame, RelayErrorCode, ServerFrame, WireEvent};
use warmline_core::MessageId;

use super::{lock, ReceivedMessage, RelayServerConfig, Shared};

#[derive(Default)]
pub(super) struct Conversation {
    /// Event `n` is at index `n - 1`.
    pub(super) events: Vec<WireEvent>,
    pub(super) closed: bool,
    pub(super) last_activity: Option<Instant>,
    /// Connections that receive this conversation's events.
    pub(super) subscribers: Vec<mpsc::UnboundedSender<String>>,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) conversations: HashMap<String, Conversation>,
    pub(super) next_conversation: u64,
    /// Client message id → the server's id.
    pub(super) seen: HashMap<MessageId, String>,
    pub(super) received: Vec<ReceivedMessage>,
    pub(super) duplicate_sends: u64,
    pub(super) left_messages: u64,
    /// Left messages by their client id → the reference they got.
    pub(super) left_seen: HashMap<MessageId, String>,
    pub(super) connections_accepted: u64,
    pub(super) handoff_requests: u64,
    /// The token a client must present; `None`: anyone may connect.
    pub(super) token: Option<String>,
    /// WebSocket upgrades refused for a missing or wrong token.
    pub(super) handshakes_refused: u64,
}

impl State {
    /// Appends an event and pushes it to every live subscriber.
    pub(super) fn push(&mut self, conversation: &str, event: WireEvent) {
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

pub(super) fn close_idle(state: &Shared, idle: Duration) {
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

/// Serves one WebSocket until it closes.
pub(super) async fn serve_socket<S>(
    ws: WebSocketStream<S>,
    state: Shared,
    config: RelayServerConfig,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
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
            req,
            conversation,
            client_message_id,
            ..
        } => {
            let mut state = lock(state);
            if !state.conversations.contains_key(&conversation) {
                reply(
                    out,
                    error(
                        req,
                        RelayErrorCode::UnknownConversation,
                        "no such conversation",
                    ),
                );
                return;
            }
            // The same message again (a resend after a lost answer) keeps
            // its first reference and is kept once.
            if let Some(reference) = client_message_id.and_then(|id| state.left_seen.get(&id)) {
                let reference = reference.clone();
                reply(out, ServerFrame::MessageLeft { req, reference });
                return;
            }
            state.left_messages += 1;
            let reference = format!("REF-{}", state.left_messages);
            if let Some(id) = client_message_id {
                state.left_seen.insert(id, reference.clone());
            }
            reply(out, ServerFrame::MessageLeft { req, reference });
        }
    }
}
