//! The outbox follow-ups: an unreadable answer is not a refusal, a failed
//! message can be sent again, a message left while offline goes out once,
//! and a request for a person that failed on its way is asked again without
//! dropping the conversation's event stream.

use super::*;
use crate::MessageArg;

fn all_events(
    events: &mut tokio::sync::broadcast::Receiver<ConversationEvent>,
) -> Vec<ConversationChange> {
    let mut changes = Vec::new();
    while let Ok(event) = events.try_recv() {
        changes.push(event.change);
    }
    changes
}

#[tokio::test(start_paused = true)]
async fn an_unreadable_acknowledgement_is_retried_never_failed() {
    let (backend, engine) = start_online(Script {
        garbled_acks: 2,
        ..Script::default()
    })
    .await;
    let mut events = engine.subscribe();
    let id = engine.send_text("did you get this?".into()).await.unwrap();
    eventually(&engine, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert_eq!(
        backend.script().send_calls,
        3,
        "sent again after each garbled answer"
    );
    assert_eq!(backend.script().delivered.len(), 1, "kept once, by its id");
    let changes = all_events(&mut events);
    assert!(
        !changes.iter().any(|c| matches!(
            c,
            ConversationChange::MessageFailed { .. } | ConversationChange::Failed { .. }
        )),
        "never failed while the backend may have it: {changes:?}"
    );
    assert!(changes.contains(&ConversationChange::DeliveryChanged {
        id,
        delivery: DeliveryState::WillRetry
    }));
}

#[tokio::test(start_paused = true)]
async fn a_failed_message_says_why_and_try_again_sends_it_with_the_same_id() {
    let (backend, engine) = start_online(Script {
        reject_sends: true,
        ..Script::default()
    })
    .await;
    let mut events = engine.subscribe();
    let id = engine.send_text("my card is blocked".into()).await.unwrap();
    let snapshot = eventually(&engine, "failed", |s| {
        s.messages[0].delivery == DeliveryState::Failed
    })
    .await;
    let failure = snapshot.messages[0]
        .failure
        .clone()
        .expect("the reason is kept");
    assert_eq!(failure.code, crate::ErrorCode::BackendRejected);
    assert_eq!(failure.message_id, "error-backend-rejected");
    assert!(
        all_events(&mut events).contains(&ConversationChange::MessageFailed {
            id,
            failure: failure.clone()
        })
    );

    backend.script().reject_sends = false;
    engine.retry_message(id).await.unwrap();
    let snapshot = eventually(&engine, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    assert_eq!(snapshot.messages.len(), 1, "the same message, not a copy");
    assert_eq!(snapshot.messages[0].failure, None);
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [id]);

    // Pressing again on a sent message does nothing.
    engine.retry_message(id).await.unwrap();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(backend.script().send_calls, 2);
}

#[tokio::test(start_paused = true)]
async fn the_reason_of_a_failed_message_survives_a_restart() {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let rejecting = ScriptedBackend::with(Script {
        reject_sends: true,
        ..Script::default()
    });
    let first = EngineHandle::start_with_store(
        Arc::clone(&rejecting) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    first.send_text("hello".into()).await.unwrap();
    eventually(&first, "failed", |s| {
        s.messages[0].delivery == DeliveryState::Failed
    })
    .await;
    first.shutdown().await;
    let stored = store.load().unwrap();
    assert_eq!(stored.messages[0].delivery, DeliveryState::Failed);
    assert_eq!(
        stored.messages[0].failure.as_ref().map(|f| f.code),
        Some(crate::ErrorCode::BackendRejected)
    );
    assert_eq!(
        stored.unsent().count(),
        0,
        "a failed message is not resent by itself"
    );
}

/// Online, nobody available, then the connection drops and stays down.
async fn unavailable_then_offline() -> (
    Arc<ScriptedBackend>,
    EngineHandle,
    Arc<dyn ConversationStore>,
) {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let backend = ScriptedBackend::with(Script::default());
    let engine = EngineHandle::start_with_store(
        Arc::clone(&backend) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    eventually(&engine, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
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
    backend.script().open_failures = u32::MAX;
    backend.script().sessions.clear();
    eventually(&engine, "reconnecting", |s| {
        s.connection == ConnectionState::Reconnecting
    })
    .await;
    (backend, engine, store)
}

#[tokio::test(start_paused = true)]
async fn a_call_back_request_made_offline_is_kept_and_delivered_once_when_the_connection_returns() {
    let (backend, engine, store) = unavailable_then_offline().await;
    let callback = CallbackRequest {
        phone: "555 0100".into(),
        preferred_time: "after lunch".into(),
    };
    engine
        .leave_message("About my pension".into(), Some(callback))
        .await
        .expect("kept, not refused");
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(
        snapshot.handoff,
        HandoffState::MessageQueued { callback: true }
    );
    assert_eq!(
        texts(&snapshot).last().map(String::as_str),
        Some("[notice-callback-queued]")
    );
    assert_eq!(store.load().unwrap().left_messages.len(), 1, "stored first");
    assert!(backend.script().left.is_empty());

    // The connection returns; the answer to the first attempt is lost, so
    // it is sent again, with the same id.
    backend.script().lost_leave_answers = 1;
    backend.script().open_failures = 0;
    backend.reachable.notify_one();
    let snapshot = eventually(&engine, "left", |s| {
        matches!(s.handoff, HandoffState::MessageLeft { .. })
    })
    .await;
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
                Some(&MessageArg::Text("REF-1".into()))
            );
        }
        other => panic!("expected the confirmation, got {other:?}"),
    }
    assert_eq!(backend.script().leave_calls, 2);
    assert_eq!(backend.script().left.len(), 1, "delivered exactly once");
    assert_eq!(backend.script().left[0].text, "About my pension");
    assert!(
        store.load().unwrap().left_messages.is_empty(),
        "forgotten once confirmed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_message_left_offline_survives_a_restart_and_goes_out_once() {
    let (offline, engine, store) = unavailable_then_offline().await;
    engine
        .leave_message("Please write to me".into(), None)
        .await
        .unwrap();
    engine.shutdown().await;
    assert!(offline.script().left.is_empty());

    let online = ScriptedBackend::with(Script::default());
    let second = EngineHandle::start_with_store(
        Arc::clone(&online) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    let snapshot = eventually(&second, "left", |s| {
        matches!(s.handoff, HandoffState::MessageLeft { .. })
    })
    .await;
    assert_eq!(
        texts(&snapshot).last().map(String::as_str),
        Some("[notice-message-left]")
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(online.script().left.len(), 1);
    assert_eq!(online.script().left[0].text, "Please write to me");
}

#[tokio::test(start_paused = true)]
async fn a_request_for_a_person_that_failed_on_its_way_is_made_again_on_the_same_stream() {
    let (backend, engine) = start_online(Script {
        handoff_failures: 2,
        ..Script::default()
    })
    .await;
    let mut events = engine.subscribe();
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "asked", |_| backend.script().handoffs.len() == 1).await;
    assert_eq!(backend.script().handoff_calls, 3);
    assert_eq!(
        backend.script().opened.len(),
        1,
        "the conversation was not reopened"
    );
    assert!(
        !backend.script().sessions[0].is_closed(),
        "its event stream is still live"
    );
    let changes = all_events(&mut events);
    assert!(
        !changes.contains(&ConversationChange::ConnectionChanged {
            connection: ConnectionState::Reconnecting
        }),
        "the user is not told the connection was lost: {changes:?}"
    );
    // An agent joining on that stream is seen.
    backend
        .say(BackendEvent::AgentJoined { name: "Mei".into() })
        .await;
    eventually(&engine, "connected", |s| {
        matches!(s.handoff, HandoffState::Connected { .. })
    })
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_message_written_after_the_request_reaches_the_backend_after_it() {
    // A tiered backend gives a message to the bot or to the person by
    // whether the request came first; the engine's two calls run in their
    // own tasks, so the outbox must wait for the request.
    let (backend, engine) = start_online(Script {
        hold_handoffs: true,
        ..Script::default()
    })
    .await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    engine.send_text("I was not at home".into()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(
        backend.script().delivered.is_empty(),
        "held while the request is on its way"
    );
    assert_eq!(backend.script().handoff_calls, 0, "the request is held");
    backend.handoff_released.notify_one();
    let snapshot = eventually(&engine, "sent", |s| {
        s.messages
            .iter()
            .any(|m| m.author == Author::User && m.delivery == DeliveryState::Sent)
    })
    .await;
    assert_eq!(backend.script().handoffs.len(), 1);
    assert_eq!(backend.script().delivered.len(), 1);
    assert!(matches!(
        snapshot.handoff,
        HandoffState::Requested | HandoffState::Queued { .. }
    ));
}
