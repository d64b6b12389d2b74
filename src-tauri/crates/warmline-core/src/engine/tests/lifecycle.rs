//! Stopping the engine, a refused sign-in, and a keyring that cannot be read.

use super::*;

#[tokio::test(start_paused = true)]
async fn shutdown_keeps_everything_pending_and_calls_the_backend_no_more() {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let offline = ScriptedBackend::with(Script {
        open_failures: u32::MAX,
        ..Script::default()
    });
    let engine = EngineHandle::start_with_store(
        Arc::clone(&offline) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    let one = engine.send_text("one".into()).await.unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    // No reply to wait for: the shutdown after it must still apply it.
    engine.save_draft("half a sentence".into()).await.unwrap();
    engine.shutdown().await;

    assert_eq!(engine.snapshot().await, Err(EngineError::Stopped));
    assert_eq!(
        engine.send_text("too late".into()).await,
        Err(EngineError::Stopped)
    );
    engine.shutdown().await; // a second stop does nothing
    let stored = store.load().unwrap();
    assert_eq!(stored.draft, "half a sentence");
    assert_eq!(stored.unsent().map(|m| m.id).collect::<Vec<_>>(), [one]);
    assert_eq!(stored.handoff, Some(HandoffState::Requested));
    assert!(stored.pending_handoff.is_some());

    // No reconnect timer or probe of the stopped engine is left.
    let attempts = offline.script().opened.len();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    offline.reachable.notify_waiters();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(offline.script().opened.len(), attempts);
}

#[tokio::test(start_paused = true)]
async fn a_send_cut_short_by_shutdown_goes_out_once_from_the_next_engine() {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let backend = ScriptedBackend::with(Script::default());
    let first = EngineHandle::start_with_store(
        Arc::clone(&backend) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    eventually(&first, "online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    // The stream of the first engine's conversation is dropped with it.
    let session = backend.script().sessions[0].clone();
    let id = first.send_text("hello".into()).await.unwrap();
    first.shutdown().await;
    assert!(
        session.is_closed(),
        "the adapter's event stream is released"
    );

    let second = EngineHandle::start_with_store(
        Arc::clone(&backend) as Arc<dyn SupportBackend>,
        Arc::clone(&store),
        EngineConfig::new("en-US"),
    );
    eventually(&second, "sent", |s| {
        s.messages[0].delivery == DeliveryState::Sent
    })
    .await;
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [id], "kept once by its idempotency key");
}

/// Every `Failed` error code the engine reported so far.
fn reported(
    events: &mut tokio::sync::broadcast::Receiver<ConversationEvent>,
) -> Vec<crate::ErrorCode> {
    let mut codes = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let ConversationChange::Failed { error } = event.change {
            codes.push(error.code);
        }
    }
    codes
}

#[tokio::test(start_paused = true)]
async fn a_refused_sign_in_stops_retrying_keeps_everything_and_resumes_with_new_credentials() {
    let backend = ScriptedBackend::with(Script {
        unauthorized: true,
        ..Script::default()
    });
    let engine = start(&backend);
    let mut events = engine.subscribe();
    let one = engine.send_text("one".into()).await.unwrap();
    let two = engine.send_text("two".into()).await.unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "sign-in needed", |s| {
        s.connection == ConnectionState::SignInNeeded
    })
    .await;

    // An hour later: still one attempt, nothing failed, nothing dropped.
    tokio::time::sleep(Duration::from_secs(3600)).await;
    backend.reachable.notify_waiters();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(backend.script().opened.len(), 1, "no reconnect loop");
    assert_eq!(snapshot.connection, ConnectionState::SignInNeeded);
    assert_eq!(snapshot.handoff, HandoffState::Requested);
    assert!(snapshot
        .messages
        .iter()
        .all(|m| m.delivery != DeliveryState::Failed));
    assert_eq!(
        reported(&mut events),
        [crate::ErrorCode::SignInRefused],
        "said once"
    );

    backend.script().unauthorized = false;
    let changed_at = Instant::now();
    engine.credentials_changed().await.unwrap();
    eventually(&engine, "both sent", |s| {
        s.connection == ConnectionState::Online
            && s.messages
                .iter()
                .filter(|m| m.author == Author::User)
                .all(|m| m.delivery == DeliveryState::Sent)
    })
    .await;
    assert!(
        changed_at.elapsed() < Duration::from_secs(1),
        "not made to wait for a backoff"
    );
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [one, two]);
    assert_eq!(
        backend.script().handoffs.len(),
        1,
        "the request is made once"
    );
}

#[tokio::test(start_paused = true)]
async fn a_sign_in_refused_while_connected_holds_the_outbox_instead_of_failing_each_message() {
    let (backend, engine) = start_online(Script::default()).await;
    let mut events = engine.subscribe();
    backend.script().unauthorized = true;
    let first = engine.send_text("a".into()).await.unwrap();
    let second = engine.send_text("b".into()).await.unwrap();
    engine.request_person(HandoffReason::Button).await.unwrap();
    eventually(&engine, "sign-in needed", |s| {
        s.connection == ConnectionState::SignInNeeded
    })
    .await;
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(
        backend.script().send_calls,
        1,
        "the next message is not tried"
    );
    let snapshot = engine.snapshot().await.unwrap();
    assert_eq!(snapshot.messages[0].delivery, DeliveryState::WillRetry);
    assert_eq!(snapshot.messages[1].delivery, DeliveryState::Sending);
    assert_eq!(snapshot.handoff, HandoffState::Requested);
    assert_eq!(reported(&mut events), [crate::ErrorCode::SignInRefused]);

    backend.script().unauthorized = false;
    engine.credentials_changed().await.unwrap();
    eventually(&engine, "both sent", |s| {
        s.messages
            .iter()
            .filter(|m| m.author == Author::User)
            .all(|m| m.delivery == DeliveryState::Sent)
    })
    .await;
    let delivered: Vec<_> = backend.script().delivered.iter().map(|m| m.id).collect();
    assert_eq!(delivered, [first, second]);
    assert_eq!(backend.script().handoffs.len(), 1);
    assert_eq!(
        engine.snapshot().await.unwrap().connection,
        ConnectionState::Online
    );
}

#[tokio::test(start_paused = true)]
async fn a_keyring_that_cannot_be_read_is_retried_with_backoff_and_said_once() {
    let backend = ScriptedBackend::with(Script {
        credentials_locked: 4,
        ..Script::default()
    });
    let engine = start(&backend);
    let mut events = engine.subscribe();
    let mut states = Vec::new();
    let snapshot = loop {
        let snapshot = engine.snapshot().await.unwrap();
        states.push(snapshot.connection);
        if snapshot.connection == ConnectionState::Online {
            break snapshot;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(snapshot.connection, ConnectionState::Online);
    assert_eq!(backend.script().opened.len(), 5);
    assert!(!states.contains(&ConnectionState::SignInNeeded));
    assert_eq!(
        reported(&mut events),
        [crate::ErrorCode::CredentialsUnavailable],
        "said once, not at every attempt"
    );
    let gaps: Vec<_> = backend
        .script()
        .opened_at
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    assert!(
        gaps.iter().all(|gap| *gap >= Duration::from_millis(250)),
        "{gaps:?}"
    );
}
