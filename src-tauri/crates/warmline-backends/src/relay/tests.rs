//! The relay client against hand-written servers that misbehave. The
//! well-behaved reference server and the conformance suite are run from
//! `tests/integration` (the server lives in `tests/netfault`).

use std::future::Future;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::WebSocketStream;

use super::protocol::{RelayErrorCode, WireEvent};
use super::*;
use warmline_core::BackendEvent;

type Ws = WebSocketStream<TcpStream>;

/// Serves one connection with `script`; returns the URL.
async fn rogue<F, Fut>(script: F) -> String
where
    F: FnOnce(Ws) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let ws = tokio_tungstenite::accept_async(stream).await.unwrap();
        script(ws).await;
    });
    url
}

fn config(url: String) -> RelayConfig {
    RelayConfig {
        request_timeout: Duration::from_secs(5),
        ..RelayConfig::new(url)
    }
}

fn options() -> ConversationOptions {
    ConversationOptions {
        locale: "en-US".into(),
        resume: None,
    }
}

/// Reads frames until the client's `open`, and returns its `req`.
async fn read_open(ws: &mut Ws) -> u64 {
    while let Some(Ok(message)) = ws.next().await {
        if let WsMessage::Text(text) = message {
            if let Ok(ClientFrame::Open { req, .. }) = serde_json::from_str(text.as_str()) {
                return req;
            }
        }
    }
    panic!("no open frame");
}

async fn say(ws: &mut Ws, text: impl Into<String>) {
    ws.send(WsMessage::text(text.into())).await.unwrap();
}

#[test]
fn frames_look_on_the_wire_as_the_specification_shows() {
    let send = ClientFrame::Send {
        req: 7,
        conversation: "c-1".into(),
        client_message_id: serde_json::from_str("\"0b9c2f6e-4f7a-4a53-9d0e-2f1c1b7c9a10\"")
            .unwrap(),
        text: "Where is my parcel?".into(),
        written_at: 1_700_000_000_000,
    };
    assert_eq!(
        serde_json::to_value(&send).unwrap(),
        serde_json::json!({
            "type": "send", "req": 7, "conversation": "c-1",
            "client_message_id": "0b9c2f6e-4f7a-4a53-9d0e-2f1c1b7c9a10",
            "text": "Where is my parcel?", "written_at": 1_700_000_000_000_i64
        })
    );
    let event: ServerFrame = serde_json::from_str(
        r#"{"type":"event","conversation":"c-1","seq":3,
            "event":{"kind":"queue_update","position":2,"estimated_wait_secs":120}}"#,
    )
    .unwrap();
    assert_eq!(
        event,
        ServerFrame::Event {
            conversation: "c-1".into(),
            seq: 3,
            event: WireEvent::QueueUpdate {
                position: Some(2),
                estimated_wait_secs: Some(120)
            }
        }
    );
    // Unknown frame types, event kinds and error codes are tolerated.
    let unknown: ServerFrame = serde_json::from_str(r#"{"type":"news","x":1}"#).unwrap();
    assert_eq!(unknown, ServerFrame::Unknown);
    let unknown: WireEvent = serde_json::from_str(r#"{"kind":"confetti"}"#).unwrap();
    assert_eq!(unknown.into_backend_event(), None);
    let error: ServerFrame =
        serde_json::from_str(r#"{"type":"error","req":1,"code":"teapot"}"#).unwrap();
    assert!(matches!(
        error,
        ServerFrame::Error {
            code: RelayErrorCode::Other,
            ..
        }
    ));
}

#[tokio::test]
async fn an_unreadable_answer_to_open_is_malformed_not_a_panic() {
    let url = rogue(|mut ws| async move {
        let req = read_open(&mut ws).await;
        say(&mut ws, format!(r#"{{"type":"opened","req":{req}}}"#)).await;
        // Keep the connection open while the client reads the answer.
        let _ = ws.next().await;
    })
    .await;
    let result = RelayBackend::new(config(url))
        .open_conversation(options())
        .await;
    assert!(
        matches!(result, Err(BackendError::Malformed(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn the_wrong_answer_to_open_is_malformed() {
    let url = rogue(|mut ws| async move {
        let req = read_open(&mut ws).await;
        say(&mut ws, format!(r#"{{"type":"done","req":{req}}}"#)).await;
        let _ = ws.next().await;
    })
    .await;
    let result = RelayBackend::new(config(url))
        .open_conversation(options())
        .await;
    assert!(
        matches!(result, Err(BackendError::Malformed(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn garbage_between_events_is_skipped_and_events_already_seen_are_not_repeated() {
    let url = rogue(|mut ws| async move {
        let req = read_open(&mut ws).await;
        say(
            &mut ws,
            format!(
                r#"{{"type":"opened","req":{req},"conversation":"c-9","resumed":false,"last_seq":0}}"#
            ),
        )
        .await;
        say(&mut ws, "this is not json").await;
        say(&mut ws, r#"{"type":"event","conversation":"c-9","seq":"one"}"#).await;
        let event = |seq: u64, text: &str| {
            format!(
                r#"{{"type":"event","conversation":"c-9","seq":{seq},"event":{{"kind":"system_message","text":"{text}"}}}}"#
            )
        };
        say(&mut ws, event(1, "first")).await;
        say(&mut ws, event(1, "first again")).await;
        say(&mut ws, event(2, "second")).await;
        let _ = ws.next().await;
    })
    .await;
    let backend = RelayBackend::new(config(url));
    let mut session = backend.open_conversation(options()).await.unwrap();
    assert_eq!(session.conversation, ConversationId("c-9".into()));
    let mut texts = Vec::new();
    for _ in 0..2 {
        match session.events.recv().await {
            Some(BackendEvent::SystemMessage { text }) => texts.push(text),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(texts, ["first", "second"]);
}

#[tokio::test]
async fn nobody_listening_is_unreachable() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    drop(listener);
    let result = RelayBackend::new(config(url))
        .open_conversation(options())
        .await;
    assert!(
        matches!(result, Err(BackendError::Unreachable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn a_connection_that_falls_silent_is_given_up_and_its_stream_ends() {
    let url = rogue(|mut ws| async move {
        let req = read_open(&mut ws).await;
        say(
            &mut ws,
            format!(
                r#"{{"type":"opened","req":{req},"conversation":"c-1","resumed":false,"last_seq":0}}"#
            ),
        )
        .await;
        // Reads the pings and never answers, like a stalled network.
        while ws.next().await.is_some() {}
    })
    .await;
    let backend = RelayBackend::new(RelayConfig {
        ping_interval: Duration::from_millis(50),
        dead_after: Duration::from_millis(300),
        ..config(url)
    });
    let mut session = backend.open_conversation(options()).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), session.events.recv()).await;
    assert!(matches!(ended, Ok(None)), "{ended:?}");
}

#[tokio::test]
async fn a_send_into_a_closed_conversation_is_an_unknown_conversation_for_the_engine() {
    let url = rogue(|mut ws| async move {
        while let Some(Ok(message)) = ws.next().await {
            let WsMessage::Text(text) = message else {
                continue;
            };
            let frame: ClientFrame = serde_json::from_str(text.as_str()).unwrap();
            let code = match &frame {
                ClientFrame::Send { .. } => "conversation_closed",
                ClientFrame::CancelHandoff { .. } => "unavailable",
                ClientFrame::LeaveMessage { .. } => "unsupported",
                _ => "rejected",
            };
            if let Some(req) = frame.req() {
                say(
                    &mut ws,
                    format!(r#"{{"type":"error","req":{req},"code":"{code}"}}"#),
                )
                .await;
            }
        }
    })
    .await;
    let backend = RelayBackend::new(config(url));
    let conversation = ConversationId("c-1".into());
    let sent = backend
        .send_message(
            &conversation,
            OutgoingMessage {
                id: warmline_core::MessageId::new(),
                text: "hi".into(),
                written_at: warmline_core::Timestamp(0),
            },
        )
        .await;
    assert_eq!(sent, Err(BackendError::UnknownConversation(conversation)));
}
