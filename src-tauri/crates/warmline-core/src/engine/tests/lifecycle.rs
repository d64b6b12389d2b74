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
