//! Engine tests against a scripted in-memory backend.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::mpsc;

use tokio::time::Instant;

use super::*;
use crate::backend::{
    BackendError, BackendEvent, BackendSession, ConversationOptions, HandoffRequest, LeftMessage,
    LeftMessageReceipt, OutgoingMessage, SendReceipt,
};
use crate::domain::{
    Author, BackendInfo, Capabilities, ConnectionState, ConversationId, DeliveryState,
    HandoffState, Message, MessageBody,
};
use crate::events::ConversationChange;
use crate::store::{ConversationStore, MemoryStore, PendingHandoff, StoreError};

#[derive(Default)]
pub(super) struct Script {
    /// `open_conversation` fails this many more times.
    pub(super) open_failures: u32,
    /// `send_message` fails (transiently) this many more times.
    pub(super) send_failures: u32,
    /// `send_message` rejects every message for good.
    pub(super) reject_sends: bool,
    /// The next `send_message` answers that the conversation is unknown.
    pub(super) forget_conversation: bool,
    pub(super) opened: Vec<ConversationOptions>,
    /// When each `open_conversation` call came, on tokio's (paused) clock.
    pub(super) opened_at: Vec<Instant>,
    pub(super) sessions: Vec<mpsc::Sender<BackendEvent>>,
    pub(super) delivered: Vec<OutgoingMessage>,
    pub(super) handoffs: Vec<HandoffRequest>,
    pub(super) cancels: u32,
    pub(super) left: Vec<LeftMessage>,
    /// Every call answers that the sign-in is refused, while set.
    pub(super) unauthorized: bool,
    /// `open_conversation` cannot read the sign-in details this many more
    /// times (a locked keyring).
    pub(super) credentials_locked: u32,
    /// `send_message` keeps the message but its answer is garbled, this many
    /// more times.
    pub(super) garbled_acks: u32,
    /// `request_handoff` fails (transiently) this many more times.
    pub(super) handoff_failures: u32,
    /// `request_handoff` waits for [`ScriptedBackend::handoff_released`]
    /// before it answers, while set.
    pub(super) hold_handoffs: bool,
    /// How often each call was made, failed ones included.
    pub(super) send_calls: u32,
    pub(super) handoff_calls: u32,
    pub(super) leave_calls: u32,
    /// `leave_message` keeps the message but its answer is lost, this many
    /// more times.
    pub(super) lost_leave_answers: u32,
}

fn refused() -> BackendError {
    BackendError::Unauthorized("scripted: token revoked".into())
}

#[derive(Default)]
pub(super) struct ScriptedBackend {
    pub(super) script: Mutex<Script>,
    /// `wait_until_reachable` resolves when this is notified.
    pub(super) reachable: tokio::sync::Notify,
    /// A held `request_handoff` answers when this is notified.
    pub(super) handoff_released: tokio::sync::Notify,
}

impl ScriptedBackend {
    pub(super) fn with(script: Script) -> Arc<Self> {
        Arc::new(Self {
            script: Mutex::new(script),
            reachable: tokio::sync::Notify::new(),
            handoff_released: tokio::sync::Notify::new(),
        })
    }

    pub(super) fn script(&self) -> std::sync::MutexGuard<'_, Script> {
        self.script.lock().unwrap()
    }

    pub(super) async fn say(&self, event: BackendEvent) {
        let sender = self.script().sessions.last().cloned().expect("no session");
        sender.send(event).await.unwrap();
    }
}

#[async_trait]
impl SupportBackend for ScriptedBackend {
    fn info(&self) -> BackendInfo {
        BackendInfo {
            kind: "scripted".into(),
            demo: false,
            capabilities: Capabilities::default(),
        }
    }

    async fn open_conversation(
        &self,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let mut script = self.script();
        script.opened.push(options);
        script.opened_at.push(Instant::now());
        if script.unauthorized {
            return Err(refused());
        }
        if script.credentials_locked > 0 {
            script.credentials_locked -= 1;
            return Err(BackendError::CredentialsUnavailable(
                "scripted: keyring locked".into(),
            ));
        }
        if script.open_failures > 0 {
            script.open_failures -= 1;
            return Err(BackendError::Unreachable("scripted outage".into()));
        }
        let (sender, events) = mpsc::channel(64);
        script.sessions.push(sender);
        Ok(BackendSession {
            conversation: ConversationId(format!("conversation-{}", script.sessions.len())),
            events,
        })
    }

    async fn send_message(
        &self,
        _conversation: &ConversationId,
        message: OutgoingMessage,
    ) -> Result<SendReceipt, BackendError> {
        let mut script = self.script();
        script.send_calls += 1;
        if script.unauthorized {
            return Err(refused());
        }
        if script.reject_sends {
            return Err(BackendError::Rejected("scripted refusal".into()));
        }
        if script.forget_conversation {
            script.forget_conversation = false;
            return Err(BackendError::UnknownConversation(_conversation.clone()));
        }
        if script.send_failures > 0 {
            script.send_failures -= 1;
            return Err(BackendError::Unreachable("scripted send failure".into()));
        }
        let duplicate = script.delivered.iter().any(|m| m.id == message.id);
        if !duplicate {
            script.delivered.push(message.clone());
        }
        if script.garbled_acks > 0 {
            // The backend has the message; only its answer is unreadable.
            script.garbled_acks -= 1;
            return Err(BackendError::Malformed("scripted: garbled receipt".into()));
        }
        Ok(SendReceipt {
            backend_id: message.id.to_string(),
            duplicate,
        })
    }

    async fn request_handoff(
        &self,
        _conversation: &ConversationId,
        request: HandoffRequest,
    ) -> Result<(), BackendError> {
        let held = self.script().hold_handoffs;
        if held {
            self.handoff_released.notified().await;
        }
        let mut script = self.script();
        script.handoff_calls += 1;
        if script.unauthorized {
            return Err(refused());
        }
        if script.handoff_failures > 0 {
            script.handoff_failures -= 1;
            return Err(BackendError::Unreachable("scripted handoff failure".into()));
        }
        script.handoffs.push(request);
        Ok(())
    }

    async fn cancel_handoff(&self, _conversation: &ConversationId) -> Result<(), BackendError> {
        self.script().cancels += 1;
        Ok(())
    }

    async fn leave_message(
        &self,
        _conversation: &ConversationId,
        message: LeftMessage,
    ) -> Result<LeftMessageReceipt, BackendError> {
        let mut script = self.script();
        script.leave_calls += 1;
        if script.unauthorized {
            return Err(refused());
        }
        // Kept once by its id; the same id again gets the same reference.
        let index = match script.left.iter().position(|m| m.id == message.id) {
            Some(index) => index,
            None => {
                script.left.push(message);
                script.left.len() - 1
            }
        };
        if script.lost_leave_answers > 0 {
            // The backend has it; its answer is lost on the way.
            script.lost_leave_answers -= 1;
            return Err(BackendError::Unreachable("scripted: answer lost".into()));
        }
        Ok(LeftMessageReceipt {
            reference: format!("REF-{}", index + 1),
        })
    }

    async fn wait_until_reachable(&self) {
        self.reachable.notified().await;
    }
}

pub(super) fn start(backend: &Arc<ScriptedBackend>) -> EngineHandle {
    EngineHandle::start(
        Arc::clone(backend) as Arc<dyn SupportBackend>,
        EngineConfig::new("en-US"),
    )
}

/// Starts an engine on a scripted backend and waits until it is online.
pub(super) async fn start_online(script: Script) -> (Arc<ScriptedBackend>, EngineHandle) {
    let backend = ScriptedBackend::with(script);
    let engine = start(&backend);
    eventually(&engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    (backend, engine)
}

/// Polls the snapshot until `done` holds; time is paused, so this costs no
/// real time, and 10,000 virtual seconds is far more than any test needs.
pub(super) async fn eventually(
    engine: &EngineHandle,
    what: &str,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    for _ in 0..100_000 {
        let snapshot = engine.snapshot().await.unwrap();
        if done(&snapshot) {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "never happened: {what}; last snapshot: {:#?}",
        engine.snapshot().await.unwrap()
    );
}

pub(super) fn texts(snapshot: &ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .map(|m| match &m.body {
            MessageBody::Text { text } => text.clone(),
            MessageBody::Notice { notice } => format!("[{}]", notice.message_id),
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_message_is_shown_at_once_and_marked_sent_when_acknowledged() {
    let backend = ScriptedBackend::with(Script::default());
    let engine = start(&backend);
    let mut events = engine.subscribe();
    eventually(&engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;

    let id = engine
        .send_text("  Where is my parcel?  ".into())
        .await
        .unwrap();
    let snapshot = eventually(&engine, "sent", |s| {
        s.messages
            .iter()
            .any(|m| m.id == id && m.delivery == DeliveryState::Sent)
    })
    .await;
    assert_eq!(texts(&snapshot), ["Where is my parcel?"]);
    assert_eq!(snapshot.messages[0].author, Author::User);
    let delivered = backend.script().delivered.clone();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].id, id);

    // The UI saw the message added as "sending" before it became "sent".
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    let added = seen
        .iter()
        .position(|e| matches!(&e.change, ConversationChange::MessageAdded { message } if message.id == id && message.delivery == DeliveryState::Sending))
        .expect("message added as sending");
    let sent = seen
        .iter()
        .position(|e| {
            e.change
                == ConversationChange::DeliveryChanged {
                    id,
                    delivery: DeliveryState::Sent,
                }
        })
        .expect("delivery changed to sent");
    assert!(added < sent);
    // Numbers increase by one, and the snapshot includes the last one.
    for pair in seen.windows(2) {
        assert_eq!(pair[1].seq, pair[0].seq + 1);
    }
    assert_eq!(snapshot.seq, seen.last().unwrap().seq);
}

#[tokio::test(start_paused = true)]
async fn an_empty_message_is_refused_and_nothing_is_added() {
    let backend = ScriptedBackend::with(Script::default());
    let engine = start(&backend);
    assert_eq!(
        engine.send_text(" \n\t ".into()).await,
        Err(EngineError::EmptyMessage)
    );
    assert!(engine.snapshot().await.unwrap().messages.is_empty());
    assert_eq!(
        EngineError::EmptyMessage.code(),
        crate::ErrorCode::EmptyMessage
    );
}

#[tokio::test(start_paused = true)]
async fn messages_written_while_the_backend_is_down_are_sent_in_order_once_it_is_back() {
    let backend = ScriptedBackend::with(Script {
        open_failures: 3,
        ..Script::default()
    });
    let engine = start(&backend);
    let first = engine.send_text("one".into()).await.unwrap();
    let second = engine.send_text("two".into()).await.unwrap();
    assert_eq!(
        engine.snapshot().await.unwrap().connection,
        ConnectionState::Connecting
    );

    eventually(&engine, "both sent", |s| {
        s.messages.iter().all(|m| m.delivery == DeliveryState::Sent)
    })
    .await;
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [first, second]);
    assert_eq!(backend.script().opened.len(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_failed_send_is_retried_and_shown_as_will_retry_meanwhile() {
    let backend = ScriptedBackend::with(Script {
        send_failures: 2,
        ..Script::default()
    });
    let engine = start(&backend);
    let mut events = engine.subscribe();
    let id = engine.send_text("hello".into()).await.unwrap();
    eventually(&engine, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert_eq!(backend.script().delivered.len(), 1);
    let mut saw_will_retry = false;
    while let Ok(event) = events.try_recv() {
        if event.change
            == (ConversationChange::DeliveryChanged {
                id,
                delivery: DeliveryState::WillRetry,
            })
        {
            saw_will_retry = true;
        }
    }
    assert!(saw_will_retry);
}

#[tokio::test(start_paused = true)]
async fn a_rejected_message_is_marked_failed_and_reported_without_blocking_the_next() {
    let backend = ScriptedBackend::with(Script {
        reject_sends: true,
        ..Script::default()
    });
    let engine = start(&backend);
    let mut events = engine.subscribe();
    engine.send_text("hello".into()).await.unwrap();
    eventually(&engine, "failed", |s| {
        s.messages[0].delivery == DeliveryState::Failed
    })
    .await;
    let mut reported = None;
    while let Ok(event) = events.try_recv() {
        if let ConversationChange::Failed { error } = event.change {
            reported = Some(error);
        }
    }
    let error = reported.expect("the failure is reported to the UI");
    assert_eq!(error.code, crate::ErrorCode::BackendRejected);
    assert_eq!(error.message_id, "error-backend-rejected");

    backend.script().reject_sends = false;
    engine.send_text("again".into()).await.unwrap();
    eventually(&engine, "second sent", |s| {
        s.messages[1].delivery == DeliveryState::Sent
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn backend_events_become_messages_typing_and_handoff_states() {
    let (backend, engine) = start_online(Script::default()).await;

    backend
        .say(BackendEvent::Typing {
            name: "Sunny".into(),
            active: true,
        })
        .await;
    eventually(&engine, "typing", |s| s.typing.as_deref() == Some("Sunny")).await;
    backend
        .say(BackendEvent::BotMessage {
            name: "Sunny".into(),
            text: "Hi".into(),
            understood: true,
        })
        .await;
    let snapshot = eventually(&engine, "bot message", |s| s.messages.len() == 1).await;
    assert_eq!(snapshot.typing, None, "a message ends the typing indicator");
    assert_eq!(
        snapshot.messages[0].author,
        Author::Bot {
            name: "Sunny".into(),
            demo: false
        }
    );
    assert_eq!(snapshot.messages[0].delivery, DeliveryState::Received);

    // A queue update without a request is not a handoff.
    backend
        .say(BackendEvent::QueueUpdate {
            position: Some(4),
            estimated_wait_secs: None,
        })
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(engine.snapshot().await.unwrap().handoff, HandoffState::None);
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "requested", |s| {
        s.handoff == HandoffState::Requested
    })
    .await;
    assert_eq!(backend.script().handoffs.len(), 1);
    assert_eq!(backend.script().handoffs[0].reason, HandoffReason::Button);

    backend
        .say(BackendEvent::QueueUpdate {
            position: Some(2),
            estimated_wait_secs: Some(90),
        })
        .await;
    eventually(&engine, "queued", |s| {
        s.handoff
            == HandoffState::Queued {
                position: Some(2),
                estimated_wait_secs: Some(90),
            }
    })
    .await;

    backend
        .say(BackendEvent::AgentJoined { name: "Ana".into() })
        .await;
    backend
        .say(BackendEvent::AgentMessage {
            name: "Ana".into(),
            text: "Hello".into(),
        })
        .await;
    let snapshot = eventually(&engine, "connected", |s| {
        matches!(s.handoff, HandoffState::Connected { .. }) && s.messages.len() == 4
    })
    .await;
    assert_eq!(
        snapshot.handoff,
        HandoffState::Connected {
            agent_name: "Ana".into(),
            demo: false
        }
    );
    assert_eq!(
        texts(&snapshot),
        [
            "Hi",
            "[notice-person-requested]",
            "[notice-agent-joined]",
            "Hello"
        ]
    );
    match &snapshot.messages[2].body {
        MessageBody::Notice { notice } => {
            assert_eq!(
                notice.args.get("name"),
                Some(&crate::MessageArg::Text("Ana".into()))
            );
        }
        other => panic!("expected a notice, got {other:?}"),
    }

    backend
        .say(BackendEvent::AgentLeft { name: "Ana".into() })
        .await;
    eventually(&engine, "left", |s| s.handoff == HandoffState::None).await;
}

#[tokio::test(start_paused = true)]
async fn a_second_press_does_not_ask_twice_and_cancel_withdraws_the_request() {
    let (backend, engine) = start_online(Script::default()).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "requested", |s| {
        s.handoff == HandoffState::Requested
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(backend.script().handoffs.len(), 1);

    engine.cancel_person().await.unwrap();
    let snapshot = eventually(&engine, "cancelled", |s| s.handoff == HandoffState::None).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(backend.script().cancels, 1);
    assert_eq!(
        texts(&snapshot),
        ["[notice-person-requested]", "[notice-person-cancelled]"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_press_while_offline_is_kept_and_sent_when_the_connection_returns() {
    let backend = ScriptedBackend::with(Script {
        open_failures: 5,
        ..Script::default()
    });
    let engine = start(&backend);
    engine.request_person(HandoffReason::Button).await.unwrap();
    assert_eq!(
        engine.snapshot().await.unwrap().handoff,
        HandoffState::Requested
    );
    assert!(backend.script().handoffs.is_empty());
    eventually(&engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(backend.script().handoffs.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_lost_connection_is_resumed_with_the_same_conversation() {
    let (backend, engine) = start_online(Script::default()).await;
    // The backend's stream ends: the connection dropped.
    backend.script().sessions.clear();
    eventually(&engine, "reopened and online", |s| {
        backend.script().opened.len() == 2 && s.connection == ConnectionState::Online
    })
    .await;
    let opened = backend.script().opened.clone();
    assert_eq!(opened.len(), 2);
    assert_eq!(opened[0].resume, None);
    assert_eq!(
        opened[1].resume,
        Some(ConversationId("conversation-1".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_conversation_closed_by_the_backend_simply_continues_and_keeps_the_request() {
    let (backend, engine) = start_online(Script::default()).await;
    engine.send_text("my bill".into()).await.unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    backend
        .say(BackendEvent::QueueUpdate {
            position: Some(3),
            estimated_wait_secs: None,
        })
        .await;
    eventually(&engine, "queued", |s| {
        matches!(s.handoff, HandoffState::Queued { .. })
    })
    .await;

    backend.say(BackendEvent::ConversationClosed).await;
    eventually(&engine, "request made again", |_| {
        backend.script().handoffs.len() == 2
    })
    .await;
    let snapshot = engine.snapshot().await.unwrap();
    let opened = backend.script().opened.clone();
    assert_eq!(opened.len(), 2);
    assert_eq!(
        opened[1].resume, None,
        "a closed conversation is not resumed"
    );
    assert_eq!(snapshot.handoff, HandoffState::Requested);
    assert_eq!(
        texts(&snapshot),
        [
            "my bill",
            "[notice-person-requested]",
            "[notice-conversation-continues]"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_to_a_forgotten_conversation_goes_to_a_new_one_exactly_once() {
    let backend = ScriptedBackend::with(Script {
        forget_conversation: true,
        ..Script::default()
    });
    let engine = start(&backend);
    let id = engine.send_text("still there?".into()).await.unwrap();
    let snapshot = eventually(&engine, "sent", |s| {
        s.messages
            .iter()
            .any(|m| m.id == id && m.delivery == DeliveryState::Sent)
    })
    .await;
    assert_eq!(backend.script().opened.len(), 2);
    assert_eq!(backend.script().delivered.len(), 1);
    assert_eq!(
        texts(&snapshot),
        ["still there?", "[notice-conversation-continues]"]
    );
}

pub(super) fn bot_says(text: &str, understood: bool) -> BackendEvent {
    BackendEvent::BotMessage {
        name: "Sunny".into(),
        text: text.into(),
        understood,
    }
}

#[tokio::test(start_paused = true)]
async fn two_bot_answers_that_do_not_help_bring_an_offer_of_a_person() {
    let (backend, engine) = start_online(Script::default()).await;

    backend
        .say(bot_says("Sorry, I did not understand.", false))
        .await;
    backend
        .say(bot_says("Your bill is 42 dollars.", true))
        .await;
    backend
        .say(bot_says("Sorry, I did not understand.", false))
        .await;
    let snapshot = eventually(&engine, "three answers", |s| s.messages.len() == 3).await;
    assert!(!snapshot.person_offered, "misses must be in a row");

    backend
        .say(bot_says("Sorry, I did not understand!", false))
        .await;
    let snapshot = eventually(&engine, "offer", |s| s.person_offered).await;
    assert_eq!(
        texts(&snapshot).last().map(String::as_str),
        Some("[notice-offer-person]")
    );

    // Once offered, the offer is not repeated; pressing the button ends it.
    backend
        .say(bot_says("Sorry, I did not understand!!", false))
        .await;
    let snapshot = eventually(&engine, "fifth", |s| s.messages.len() == 6).await;
    assert_eq!(
        texts(&snapshot)
            .iter()
            .filter(|t| *t == "[notice-offer-person]")
            .count(),
        1
    );
    engine
        .request_person(HandoffReason::BotFailed)
        .await
        .unwrap();
    let snapshot = eventually(&engine, "requested", |s| {
        s.handoff == HandoffState::Requested
    })
    .await;
    assert!(!snapshot.person_offered);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        backend.script().handoffs[0].reason,
        HandoffReason::BotFailed
    );
}

#[tokio::test(start_paused = true)]
async fn the_same_canned_answer_twice_or_the_same_question_twice_is_a_miss() {
    let (backend, engine) = start_online(Script::default()).await;
    backend
        .say(bot_says("Please visit our website.", true))
        .await;
    backend
        .say(bot_says("Please visit our website.", true))
        .await;
    eventually(&engine, "offer after a repeated answer", |s| {
        s.person_offered
    })
    .await;

    let (_backend, engine) = start_online(Script::default()).await;
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    let snapshot = engine.snapshot().await.unwrap();
    assert!(!snapshot.person_offered);
    engine.send_text("where is my PARCEL".into()).await.unwrap();
    eventually(&engine, "offer after a repeated question", |s| {
        s.person_offered
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_summary_travels_with_the_request() {
    let (backend, engine) = start_online(Script::default()).await;
    engine.send_text("hi".into()).await.unwrap();
    engine
        .send_text("My internet has not worked since Monday".into())
        .await
        .unwrap();
    backend
        .say(bot_says("Please restart your router.", true))
        .await;
    eventually(&engine, "answer", |s| s.messages.len() == 3).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "sent", |_| !backend.script().handoffs.is_empty()).await;
    let summary = backend.script().handoffs[0].summary.clone();
    assert_eq!(summary.language, "en-US");
    assert_eq!(
        summary.topic.as_deref(),
        Some("My internet has not worked since Monday")
    );
    assert_eq!(summary.bot_answered, ["Please restart your router."]);
    assert_eq!(summary.recent.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn after_hours_the_user_leaves_a_call_back_request_and_keeps_the_confirmation() {
    let (backend, engine) = start_online(Script::default()).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    backend
        .say(BackendEvent::HandoffUnavailable {
            can_leave_message: true,
        })
        .await;
    eventually(&engine, "unavailable", |s| {
        s.handoff == HandoffState::Unavailable
    })
    .await;

    assert_eq!(
        engine.leave_message("   ".into(), None).await,
        Err(EngineError::EmptyMessage)
    );
    engine
        .leave_message(
            "My card was swallowed by the machine".into(),
            Some(CallbackRequest {
                phone: "555 0100".into(),
                preferred_time: "tomorrow morning".into(),
            }),
        )
        .await
        .unwrap();
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(
        snapshot.handoff,
        HandoffState::MessageLeft {
            reference: "REF-1".into(),
            callback: true
        }
    );
    let confirmation = snapshot.messages.last().unwrap();
    match &confirmation.body {
        MessageBody::Notice { notice } => {
            assert_eq!(notice.message_id, "notice-callback-requested");
            assert_eq!(
                notice.args.get("reference"),
                Some(&crate::MessageArg::Text("REF-1".into()))
            );
            assert_eq!(
                notice.args.get("phone"),
                Some(&crate::MessageArg::Text("555 0100".into()))
            );
        }
        other => panic!("expected the confirmation notice, got {other:?}"),
    }
    let left = backend.script().left.clone();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].text, "My card was swallowed by the machine");

    // After leaving a message the user can still ask for a person again.
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "requested again", |s| {
        s.handoff == HandoffState::Requested
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn asking_in_words_requests_a_person_and_urgent_topics_carry_their_reason() {
    type Expected = Option<(HandoffReason, Option<crate::UrgentTopic>)>;
    let cases: [(&str, Expected); 5] = [
        ("转人工！！", Some((HandoffReason::UserAsked, None))),
        (
            "I want to talk to a real person",
            Some((HandoffReason::UserAsked, None)),
        ),
        (
            "我被骗了，钱被转走了",
            Some((HandoffReason::Urgent, Some(crate::UrgentTopic::Fraud))),
        ),
        ("人工智能是什么", None),
        ("Where is my parcel?", None),
    ];
    for (text, expected) in cases {
        let (backend, engine) = start_online(Script::default()).await;
        engine.send_text(text.into()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let snapshot = engine.snapshot().await.unwrap();
        let handoffs = backend.script().handoffs.clone();
        match expected {
            Some((reason, topic)) => {
                assert_eq!(snapshot.handoff, HandoffState::Requested, "{text}");
                assert_eq!(handoffs.len(), 1, "{text}");
                assert_eq!(handoffs[0].reason, reason, "{text}");
                assert_eq!(handoffs[0].urgent_topic, topic, "{text}");
                // The words themselves still reach the backend, and the
                // person sees them in the summary.
                assert_eq!(backend.script().delivered[0].text, text);
                assert_eq!(handoffs[0].summary.user_asked, [text]);
                // A scam story gets the safety advice with the person.
                let notice = if reason == HandoffReason::Urgent {
                    "[notice-person-requested-fraud]"
                } else {
                    "[notice-person-requested-words]"
                };
                assert_eq!(texts(&snapshot), [text, notice]);
            }
            None => {
                assert_eq!(snapshot.handoff, HandoffState::None, "{text}");
                assert!(handoffs.is_empty(), "{text}");
            }
        }
    }
}

/// What the user sees for each outcome of the phrase rules (issue 17): an
/// urgent story goes to a person at once with the advice that fits it, a
/// symptom gets the emergency number first, a complaint goes to a person
/// with the reason "complaint" and the rule in the summary, and a negated
/// request asks for nothing.
#[tokio::test(start_paused = true)]
async fn each_outcome_of_the_words_shows_its_advice_and_carries_its_reason() {
    use crate::UrgentTopic;
    struct Case {
        text: &'static str,
        reason: Option<HandoffReason>,
        topic: Option<UrgentTopic>,
        rule: &'static str,
        notices: &'static [&'static str],
    }
    let cases = [
        Case {
            text: "My grandson called, he is in jail and needs money for bail right now",
            reason: Some(HandoffReason::Urgent),
            topic: Some(UrgentTopic::Fraud),
            rule: "urgent.fraud.relative-in-trouble",
            notices: &["[notice-person-requested-fraud]"],
        },
        Case {
            text: "我妈晕倒了，叫不醒",
            reason: Some(HandoffReason::Urgent),
            topic: Some(UrgentTopic::Medical),
            rule: "urgent.medical.unconscious",
            // The emergency number first, then the person.
            notices: &[
                "[notice-call-emergency-number]",
                "[notice-person-requested-urgent]",
            ],
        },
        Case {
            text: "我戶口啲錢無咗",
            reason: Some(HandoffReason::Urgent),
            topic: Some(UrgentTopic::StolenMoney),
            rule: "urgent.stolen-money.money-gone",
            notices: &["[notice-person-requested-money]"],
        },
        Case {
            text: "我要投訴你哋",
            reason: Some(HandoffReason::Complaint),
            topic: None,
            rule: "person.complaint",
            notices: &["[notice-person-requested-complaint]"],
        },
        Case {
            text: "I don't need a person, thanks",
            reason: None,
            topic: None,
            rule: "",
            notices: &[],
        },
        Case {
            text: "不用帮我转人工，我自己看看",
            reason: None,
            topic: None,
            rule: "",
            notices: &[],
        },
    ];
    for case in cases {
        let (backend, engine) = start_online(Script::default()).await;
        engine.send_text(case.text.into()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let snapshot = engine.snapshot().await.unwrap();
        let handoffs = backend.script().handoffs.clone();
        let mut expected_texts = vec![case.text];
        expected_texts.extend(case.notices);
        assert_eq!(texts(&snapshot), expected_texts, "{}", case.text);
        match case.reason {
            Some(reason) => {
                assert_eq!(snapshot.handoff, HandoffState::Requested, "{}", case.text);
                assert_eq!(handoffs.len(), 1, "{}", case.text);
                assert_eq!(handoffs[0].reason, reason, "{}", case.text);
                assert_eq!(handoffs[0].urgent_topic, case.topic, "{}", case.text);
                assert_eq!(
                    handoffs[0].summary.matched_rule.as_deref(),
                    Some(case.rule),
                    "{}",
                    case.text
                );
            }
            None => {
                assert_eq!(snapshot.handoff, HandoffState::None, "{}", case.text);
                assert!(handoffs.is_empty(), "{}", case.text);
            }
        }
    }
}

/// Dictated text reaches the engine through the same `send_text` as typed
/// text, written the way speech recognition writes: no punctuation, words
/// repeated, a homophone. It is recognised the same.
#[tokio::test(start_paused = true)]
async fn dictated_text_is_recognised_like_typed_text() {
    let pairs = [
        (
            "帮我转人工。",
            "帮我转人共转人共",
            Some(HandoffReason::UserAsked),
        ),
        (
            "I don't want a robot. I want a person!",
            "i dont want a robot i want a person a person",
            Some(HandoffReason::UserAsked),
        ),
        (
            "我胸口好痛，喘不过气。",
            "我胸口好痛好痛喘不过气",
            Some(HandoffReason::Urgent),
        ),
        ("不用转人工了，谢谢。", "不用转人工了谢谢", None),
    ];
    for (typed, dictated, expected) in pairs {
        let mut seen = Vec::new();
        for text in [typed, dictated] {
            let (backend, engine) = start_online(Script::default()).await;
            engine.send_text(text.into()).await.unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
            let handoffs = backend.script().handoffs.clone();
            assert_eq!(handoffs.first().map(|h| h.reason), expected, "{text:?}");
            seen.push(
                handoffs
                    .first()
                    .map(|h| (h.reason, h.urgent_topic, h.summary.matched_rule.clone())),
            );
        }
        assert_eq!(
            seen[0], seen[1],
            "typed {typed:?} and dictated {dictated:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn after_a_restart_history_unsent_messages_the_request_and_the_draft_are_back() {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    // First run: the backend cannot be reached at all.
    let offline = ScriptedBackend::with(Script {
        open_failures: u32::MAX,
        ..Script::default()
    });
    let first = EngineHandle::start_with_store(
        Arc::clone(&offline) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    let one = first.send_text("one".into()).await.unwrap();
    let two = first.send_text("two".into()).await.unwrap();
    first.request_person(HandoffReason::Button).await.unwrap();
    first.save_draft("I was about to say".into()).await.unwrap();
    // The draft command has no reply; a snapshot orders after it.
    assert_eq!(first.snapshot().await.unwrap().draft, "I was about to say");

    // Second run on the same store (the app was killed and started again).
    let online = ScriptedBackend::with(Script::default());
    let second = EngineHandle::start_with_store(
        Arc::clone(&online) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    let snapshot = second.snapshot().await.unwrap();
    assert_eq!(snapshot.draft, "I was about to say");
    assert_eq!(snapshot.handoff, HandoffState::Requested);
    assert_eq!(
        texts(&snapshot),
        ["one", "two", "[notice-person-requested]"]
    );

    eventually(&second, "both sent", |s| {
        s.messages
            .iter()
            .filter(|m| m.author == Author::User)
            .all(|m| m.delivery == DeliveryState::Sent)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let delivered: Vec<_> = online.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [one, two], "in order, exactly once");
    assert_eq!(
        online.script().handoffs.len(),
        1,
        "the request is made again"
    );
    assert_eq!(
        store.load().unwrap().unsent().count(),
        0,
        "the store knows they were sent"
    );
}

#[tokio::test(start_paused = true)]
async fn a_conversation_the_backend_cannot_resume_continues_and_asks_for_the_person_again() {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    store
        .save_conversation_id(Some(&ConversationId("gone".into())))
        .unwrap();
    store
        .save_handoff(
            &HandoffState::Connected {
                agent_name: "Ana".into(),
                demo: false,
            },
            None,
        )
        .unwrap();
    let backend = ScriptedBackend::with(Script::default());
    let engine = EngineHandle::start_with_store(
        Arc::clone(&backend) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    eventually(&engine, "asked again", |_| {
        !backend.script().handoffs.is_empty()
    })
    .await;
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(
        backend.script().opened[0].resume,
        Some(ConversationId("gone".into()))
    );
    assert_eq!(snapshot.handoff, HandoffState::Requested);
    assert_eq!(texts(&snapshot), ["[notice-conversation-continues]"]);
    assert_eq!(
        store.load().unwrap().conversation,
        Some(ConversationId("conversation-1".into()))
    );
}

/// A store whose every write fails, like a full disk.
struct BrokenStore;

impl ConversationStore for BrokenStore {
    fn load(&self) -> Result<crate::StoredConversation, StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_message(&self, _: &Message) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn set_delivery(&self, _: MessageId, _: DeliveryState) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_handoff(&self, _: &HandoffState, _: Option<PendingHandoff>) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_conversation_id(&self, _: Option<&ConversationId>) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_draft(&self, _: &str) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_resume_value(&self, _: &str, _: Option<&str>) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn load_resume_value(&self, _: &str) -> Result<Option<String>, StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn save_left_message(&self, _: &crate::QueuedLeftMessage) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
    fn remove_left_message(&self, _: MessageId) -> Result<(), StoreError> {
        Err(StoreError::Io("disk full".into()))
    }
}

#[tokio::test(start_paused = true)]
async fn a_failing_store_is_reported_once_and_the_conversation_goes_on() {
    let backend = ScriptedBackend::with(Script::default());
    let engine = EngineHandle::start_with_store(
        Arc::clone(&backend) as Arc<dyn SupportBackend>,
        Arc::new(BrokenStore),
        EngineConfig::new("en-US"),
    );
    let mut events = engine.subscribe();
    engine.send_text("hello".into()).await.unwrap();
    engine.send_text("again".into()).await.unwrap();
    eventually(&engine, "sent", |s| {
        s.messages
            .iter()
            .filter(|m| m.author == Author::User)
            .all(|m| m.delivery == DeliveryState::Sent)
    })
    .await;
    assert_eq!(backend.script().delivered.len(), 2);
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(
        texts(&snapshot),
        ["[error-storage-failed]", "hello", "again"],
        "told once, in the transcript, and nothing else is lost"
    );
    let mut failures = 0;
    while let Ok(event) = events.try_recv() {
        if let ConversationChange::Failed { .. } = event.change {
            failures += 1;
        }
    }
    assert_eq!(
        failures, 0,
        "the later failed writes are not reported again"
    );
}

// --- backoff: jitter, and at once when the connection is obviously back ----

pub(super) fn start_with(backend: &Arc<ScriptedBackend>, config: EngineConfig) -> EngineHandle {
    EngineHandle::start(Arc::clone(backend) as Arc<dyn SupportBackend>, config)
}

/// The gaps between the engine's attempts to open a conversation while the
/// backend stays down.
async fn reconnect_gaps(seed: u64) -> Vec<Duration> {
    let backend = ScriptedBackend::with(Script {
        open_failures: 6,
        ..Script::default()
    });
    let engine = start_with(
        &backend,
        EngineConfig {
            backoff_seed: Some(seed),
            ..EngineConfig::new("en-US")
        },
    );
    eventually(&engine, "online after six failures", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    let opened_at = backend.script().opened_at.clone();
    assert_eq!(opened_at.len(), 7);
    opened_at.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(start_paused = true)]
async fn reconnect_waits_grow_with_jitter_between_half_and_all_of_the_backoff() {
    let gaps = reconnect_gaps(1).await;
    let mut ceiling = Duration::from_millis(500);
    for gap in &gaps {
        // A millisecond of slack for the engine's own turn of the loop.
        assert!(
            *gap >= ceiling / 2 && *gap <= ceiling + Duration::from_millis(1),
            "gap {gap:?} outside [{:?}, {ceiling:?}]; all gaps: {gaps:?}",
            ceiling / 2
        );
        ceiling *= 2;
    }
    // Same seed, same waits (tests can rely on it); another seed spreads them.
    assert_eq!(reconnect_gaps(1).await, gaps);
    assert_ne!(reconnect_gaps(2).await, gaps);
}

/// An engine whose timers wait ten minutes, so that only a shortcut can
/// explain a quick retry.
pub(super) fn start_with_long_backoff(backend: &Arc<ScriptedBackend>) -> EngineHandle {
    start_with(
        backend,
        EngineConfig {
            retry_initial: Duration::from_secs(600),
            retry_max: Duration::from_secs(600),
            ..EngineConfig::new("en-US")
        },
    )
}

/// Once online, sends `text` and waits until its first send failed and it
/// waits to be retried (the backend's script fails the first send).
pub(super) async fn send_that_will_retry(engine: &EngineHandle, text: &str) -> MessageId {
    eventually(engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    let id = engine.send_text(text.into()).await.unwrap();
    eventually(engine, "will retry", |s| {
        s.messages[0].delivery == DeliveryState::WillRetry
    })
    .await;
    id
}

#[tokio::test(start_paused = true)]
async fn a_resend_waiting_on_its_timer_goes_at_once_when_the_backend_speaks() {
    let backend = ScriptedBackend::with(Script {
        send_failures: 1,
        ..Script::default()
    });
    let engine = start_with_long_backoff(&backend);
    let id = send_that_will_retry(&engine, "are you there?").await;
    let failed_at = Instant::now();

    backend
        .say(BackendEvent::Typing {
            name: "Sam".into(),
            active: true,
        })
        .await;
    eventually(&engine, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert!(
        failed_at.elapsed() < Duration::from_secs(10),
        "the resend waited for its timer: {:?}",
        failed_at.elapsed()
    );
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [id]);
}

#[tokio::test(start_paused = true)]
async fn a_reconnect_waiting_on_its_timer_goes_at_once_when_the_adapter_says_reachable() {
    let backend = ScriptedBackend::with(Script {
        open_failures: 1,
        ..Script::default()
    });
    let engine = start_with_long_backoff(&backend);
    let id = engine.send_text("hello".into()).await.unwrap();
    eventually(&engine, "first open failed", |_| {
        backend.script().opened.len() == 1
    })
    .await;
    // Let the engine settle on its timer, well short of it.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(
        backend.script().opened.len(),
        1,
        "no retry before the timer"
    );
    let reported_at = Instant::now();

    backend.reachable.notify_one();
    eventually(&engine, "online and sent", |s| {
        s.connection == ConnectionState::Online && s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert!(
        reported_at.elapsed() < Duration::from_secs(10),
        "the reconnect waited for its timer: {:?}",
        reported_at.elapsed()
    );
    assert_eq!(backend.script().opened.len(), 2);
    assert_eq!(backend.script().delivered[0].id, id);
}

#[tokio::test(start_paused = true)]
async fn a_resend_waiting_on_its_timer_goes_with_the_new_connection() {
    let backend = ScriptedBackend::with(Script {
        send_failures: 1,
        ..Script::default()
    });
    let engine = start_with_long_backoff(&backend);
    send_that_will_retry(&engine, "still there?").await;
    let failed_at = Instant::now();
    // The connection drops; the adapter soon reports the backend reachable.
    backend.script().sessions.clear();
    eventually(&engine, "reconnecting", |s| {
        s.connection == ConnectionState::Reconnecting
    })
    .await;
    backend.reachable.notify_one();
    eventually(&engine, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert!(failed_at.elapsed() < Duration::from_secs(10));
    assert_eq!(backend.script().delivered.len(), 1);
}

mod bot_fallback;
mod classifier;
mod history_pages;
mod lifecycle;
mod outbox_followups;
mod second_opinion;
