//! The relay client against hand-written servers that misbehave. The
//! well-behaved reference server and the conformance suite are run from
//! `tests/integration` (the server lives in `tests/netfault`).

use std::future::Future;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::WebSocketStream;
use warmline_core::BackendEvent;

use super::protocol::{RelayErrorCode, WireEvent};
use super::*;

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

/// The next event that is not the adapter's own bookkeeping
/// ([`BackendEvent::Checkpoint`]); `None` when the stream ends.
async fn next_shown(events: &mut mpsc::Receiver<BackendEvent>) -> Option<BackendEvent> {
    loop {
        match events.recv().await? {
            BackendEvent::Checkpoint { .. } => continue,
            event => return Some(event),
        }
    }
}

fn system_event(conversation: &str, seq: u64, text: &str) -> String {
    format!(
        r#"{{"type":"event","conversation":"{conversation}","seq":{seq},"event":{{"kind":"system_message","text":"{text}"}}}}"#
    )
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
        match next_shown(&mut session.events).await {
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
    let ended =
        tokio::time::timeout(Duration::from_secs(10), next_shown(&mut session.events)).await;
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

fn cursor_checkpoint(conversation: &str, seq: u64) -> BackendEvent {
    ResumeState::in_memory("relay").checkpoint(
        "cursor",
        format!(r#"{{"conversation":"{conversation}","seq":{seq}}}"#),
    )
}

#[tokio::test]
async fn a_checkpoint_follows_the_opened_reply_and_every_event() {
    let url = rogue(|mut ws| async move {
        let req = read_open(&mut ws).await;
        say(
            &mut ws,
            format!(
                r#"{{"type":"opened","req":{req},"conversation":"c-9","resumed":false,"last_seq":5}}"#
            ),
        )
        .await;
        say(&mut ws, system_event("c-9", 6, "six")).await;
        // A kind this client does not know still moves the cursor.
        say(
            &mut ws,
            r#"{"type":"event","conversation":"c-9","seq":7,"event":{"kind":"confetti"}}"#,
        )
        .await;
        let _ = ws.next().await;
    })
    .await;
    let backend = RelayBackend::new(config(url));
    let mut session = backend.open_conversation(options()).await.unwrap();
    let mut stream = Vec::new();
    for _ in 0..4 {
        stream.push(session.events.recv().await.unwrap());
    }
    assert_eq!(
        stream,
        [
            cursor_checkpoint("c-9", 5),
            BackendEvent::SystemMessage { text: "six".into() },
            cursor_checkpoint("c-9", 6),
            cursor_checkpoint("c-9", 7),
        ]
    );
}

#[tokio::test]
async fn a_stored_cursor_resumes_its_conversation_after_a_restart_with_its_replay() {
    let (asked, asked_rx) = oneshot::channel();
    let url = rogue(|mut ws| async move {
        let mut open = None;
        while let Some(Ok(message)) = ws.next().await {
            if let WsMessage::Text(text) = message {
                if let Ok(frame @ ClientFrame::Open { .. }) = serde_json::from_str(text.as_str()) {
                    open = Some(frame);
                    break;
                }
            }
        }
        let open = open.expect("an open frame");
        let req = open.req().unwrap();
        let _ = asked.send(open);
        say(
            &mut ws,
            format!(
                r#"{{"type":"opened","req":{req},"conversation":"c-9","resumed":true,"last_seq":19}}"#
            ),
        )
        .await;
        say(&mut ws, system_event("c-9", 18, "written while closed")).await;
        say(&mut ws, system_event("c-9", 19, "also while closed")).await;
        let _ = ws.next().await;
    })
    .await;
    // What an earlier run of the app left in the profile's store.
    let resume = ResumeState::in_memory("relay");
    resume
        .set("cursor", Some(r#"{"conversation":"c-9","seq":17}"#))
        .unwrap();
    let backend = RelayBackend::new(config(url)).with_resume(resume);
    let mut session = backend
        .open_conversation(ConversationOptions {
            resume: Some(ConversationId("c-9".into())),
            ..options()
        })
        .await
        .unwrap();
    match asked_rx.await.unwrap() {
        ClientFrame::Open {
            resume, after_seq, ..
        } => {
            assert_eq!(resume.as_deref(), Some("c-9"));
            assert_eq!(after_seq, Some(17));
        }
        other => panic!("{other:?}"),
    }
    let mut texts = Vec::new();
    for _ in 0..2 {
        match next_shown(&mut session.events).await {
            Some(BackendEvent::SystemMessage { text }) => texts.push(text),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(texts, ["written while closed", "also while closed"]);
}

#[tokio::test]
async fn a_cursor_of_another_conversation_or_an_unreadable_one_is_not_used() {
    for stored in [r#"{"conversation":"c-1","seq":17}"#, "seventeen"] {
        let (asked, asked_rx) = oneshot::channel();
        let url = rogue(|mut ws| async move {
            while let Some(Ok(message)) = ws.next().await {
                if let WsMessage::Text(text) = message {
                    if let Ok(frame @ ClientFrame::Open { .. }) =
                        serde_json::from_str(text.as_str())
                    {
                        let _ = asked.send(frame);
                        break;
                    }
                }
            }
        })
        .await;
        let resume = ResumeState::in_memory("relay");
        resume.set("cursor", Some(stored)).unwrap();
        let backend = RelayBackend::new(RelayConfig {
            request_timeout: Duration::from_millis(300),
            ..config(url)
        })
        .with_resume(resume);
        let _ = backend
            .open_conversation(ConversationOptions {
                resume: Some(ConversationId("c-9".into())),
                ..options()
            })
            .await;
        match asked_rx.await.unwrap() {
            ClientFrame::Open { after_seq, .. } => assert_eq!(after_seq, None, "{stored}"),
            other => panic!("{other:?}"),
        }
    }
}
