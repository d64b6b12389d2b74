//! Chatwoot's live events: ActionCable at `/cable`, one `RoomChannel`
//! subscription per contact, keyed by the contact's `pubsub_token`.
//!
//! Framing (actioncable-v1-json): the server greets with
//! `{"type":"welcome"}`, pings every 3 s (`{"type":"ping","message":t}`),
//! answers a `subscribe` command with `confirm_subscription` (or
//! `reject_subscription`), and then sends `{"identifier":…,"message":
//! {"event":…,"data":…}}`. The client sends `subscribe` and, every
//! [`CableTiming::presence_interval`], `update_presence` (as the widget does
//! every 20 s; Chatwoot counts a contact online for 60 s after).
//!
//! A socket that is silent for [`CableTiming::dead_after`] is given up: a
//! stalled network closes nothing by itself.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use super::api::{Sender, WireMessage};

/// How patient the socket is.
#[derive(Debug, Clone, Copy)]
pub struct CableTiming {
    /// Longest wait for the socket, the welcome and the confirmation.
    pub connect_timeout: Duration,
    /// How often to tell Chatwoot the contact is present.
    pub presence_interval: Duration,
    /// Give the socket up after this long without any frame.
    pub dead_after: Duration,
}

/// Something Chatwoot pushed about the contact's conversations.
#[derive(Debug, Clone)]
pub enum CableEvent {
    /// `message.created`.
    Message(WireMessage),
    /// `conversation.status_changed` (and `conversation.created`).
    Status {
        /// Display id.
        conversation: u64,
        /// The new status.
        status: String,
    },
    /// `conversation.typing_on` / `_off`, from someone else.
    Typing {
        /// Display id.
        conversation: u64,
        /// Who is typing.
        name: String,
        /// On or off.
        on: bool,
    },
}

/// Why the socket could not be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CableError {
    /// The network failed or Chatwoot did not greet in time.
    #[error("the websocket failed: {0}")]
    Network(String),
    /// Chatwoot rejected the subscription: it does not know the token.
    #[error("Chatwoot rejected the websocket subscription")]
    Rejected,
}

/// The `/cable` address of the server at `server_url`.
pub fn cable_url(server_url: &str) -> String {
    let base = server_url.trim().trim_end_matches('/');
    let base = if let Some(rest) = base.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = base.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        base.to_owned()
    };
    format!("{base}/cable")
}

#[derive(Deserialize)]
struct Frame {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    message: Option<Value>,
}

/// Reads one server frame; `None` for frames that carry no event.
fn parse_event(frame: &Value) -> Option<CableEvent> {
    let event = frame["event"].as_str()?;
    let data = &frame["data"];
    match event {
        "message.created" => serde_json::from_value(data.clone())
            .ok()
            .map(CableEvent::Message),
        "conversation.status_changed" | "conversation.created" => Some(CableEvent::Status {
            conversation: data["id"].as_u64()?,
            status: data["status"].as_str()?.to_owned(),
        }),
        "conversation.typing_on" | "conversation.typing_off" => {
            let user: Sender = serde_json::from_value(data["user"].clone()).unwrap_or_default();
            if user.kind.as_deref() == Some("contact") {
                return None;
            }
            Some(CableEvent::Typing {
                conversation: data["conversation"]["id"].as_u64()?,
                name: user.display_name("Agent"),
                on: event == "conversation.typing_on",
            })
        }
        _ => None,
    }
}

/// Connects, subscribes with `pubsub_token`, and returns the events; the
/// channel closes when the socket ends for any reason.
pub async fn subscribe(
    url: &str,
    pubsub_token: &str,
    timing: CableTiming,
) -> Result<mpsc::UnboundedReceiver<CableEvent>, CableError> {
    let mut request = url
        .into_client_request()
        .map_err(|e| CableError::Network(e.to_string()))?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "actioncable-v1-json".parse().expect("a valid header"),
    );
    let (mut socket, _) = tokio::time::timeout(
        timing.connect_timeout,
        tokio_tungstenite::connect_async(request),
    )
    .await
    .map_err(|_| CableError::Network("no websocket within the connect timeout".into()))?
    .map_err(|e| CableError::Network(e.to_string()))?;
    let identifier = json!({ "channel": "RoomChannel", "pubsub_token": pubsub_token }).to_string();
    let subscribe = json!({ "command": "subscribe", "identifier": identifier }).to_string();
    let confirmed = tokio::time::timeout(timing.connect_timeout, async {
        let mut sent = false;
        while let Some(frame) = socket.next().await {
            let text = match frame {
                Ok(WsMessage::Text(text)) => text,
                Ok(WsMessage::Close(_)) => break,
                Ok(_) => continue,
                Err(e) => return Err(CableError::Network(e.to_string())),
            };
            let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
                continue;
            };
            match frame.kind.as_deref() {
                Some("welcome") if !sent => {
                    socket
                        .send(WsMessage::text(subscribe.clone()))
                        .await
                        .map_err(|e| CableError::Network(e.to_string()))?;
                    sent = true;
                }
                Some("confirm_subscription") => return Ok(()),
                Some("reject_subscription") => return Err(CableError::Rejected),
                Some("disconnect") => break,
                _ => {}
            }
        }
        Err(CableError::Network(
            "the websocket closed before the subscription".into(),
        ))
    })
    .await
    .map_err(|_| CableError::Network("no subscription within the connect timeout".into()))?;
    confirmed?;

    let (events, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let presence = json!({
            "command": "message",
            "identifier": identifier,
            "data": json!({ "action": "update_presence" }).to_string(),
        })
        .to_string();
        let mut heartbeat = tokio::time::interval(timing.presence_interval);
        heartbeat.tick().await;
        let mut deadline = tokio::time::Instant::now() + timing.dead_after;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => {
                    tracing::info!("the Chatwoot websocket went silent; giving it up");
                    return;
                }
                _ = heartbeat.tick() => {
                    if socket.send(WsMessage::text(presence.clone())).await.is_err() {
                        return;
                    }
                }
                _ = events.closed() => return,
                frame = socket.next() => {
                    let text = match frame {
                        Some(Ok(WsMessage::Text(text))) => text,
                        Some(Ok(WsMessage::Close(_))) | Some(Err(_)) | None => return,
                        Some(Ok(_)) => continue,
                    };
                    deadline = tokio::time::Instant::now() + timing.dead_after;
                    let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
                        tracing::warn!("an unreadable websocket frame from Chatwoot was skipped");
                        continue;
                    };
                    match frame.kind.as_deref() {
                        Some("disconnect") => return,
                        Some(_) => continue,
                        None => {}
                    }
                    if let Some(event) = frame.message.as_ref().and_then(parse_event) {
                        if events.send(event).is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    Ok(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cable_lives_beside_the_api() {
        assert_eq!(
            cable_url("https://desk.example/"),
            "wss://desk.example/cable"
        );
        assert_eq!(
            cable_url("http://127.0.0.1:3000"),
            "ws://127.0.0.1:3000/cable"
        );
    }

    #[test]
    fn events_are_read_and_the_contacts_own_typing_is_not() {
        let message = json!({"event": "message.created", "data": {
            "id": 5, "content": "hi", "message_type": 1, "conversation_id": 2,
            "echo_id": "e-1", "sender": {"name": "Ann", "type": "user"}}});
        match parse_event(&message) {
            Some(CableEvent::Message(m)) => {
                assert_eq!((m.id, m.echo_id.as_deref()), (5, Some("e-1")));
            }
            other => panic!("{other:?}"),
        }
        let status = json!({"event": "conversation.status_changed", "data": {"id": 2, "status": "resolved"}});
        assert!(matches!(
            parse_event(&status),
            Some(CableEvent::Status {
                conversation: 2,
                ..
            })
        ));
        let own = json!({"event": "conversation.typing_on", "data": {
            "conversation": {"id": 2, "status": "open"}, "user": {"name": "Me", "type": "contact"}}});
        assert!(parse_event(&own).is_none());
        let agent = json!({"event": "conversation.typing_on", "data": {
            "conversation": {"id": 2, "status": "open"}, "user": {"name": "Ann", "type": "user"}}});
        assert!(matches!(
            parse_event(&agent),
            Some(CableEvent::Typing { on: true, .. })
        ));
        assert!(parse_event(&json!({"event": "presence.update", "data": {}})).is_none());
        assert!(parse_event(&json!({"event": "message.created", "data": {"id": "x"}})).is_none());
    }
}
