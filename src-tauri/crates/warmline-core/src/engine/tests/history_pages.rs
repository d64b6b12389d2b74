//! A long history: the window opens with the newest messages and pages back.

use super::*;
use crate::domain::{DeliveryState, Timestamp};
use crate::events::RECENT_MESSAGES;

/// An engine on a store that already holds `count` sent messages.
async fn engine_with_history(count: usize) -> (EngineHandle, Vec<MessageId>) {
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let mut ids = Vec::new();
    for n in 0..count {
        let message = Message {
            id: MessageId::new(),
            author: Author::User,
            body: MessageBody::Text {
                text: format!("message {n}"),
            },
            sent_at: Timestamp(i64::try_from(n).unwrap()),
            delivery: DeliveryState::Sent,
            failure: None,
        };
        ids.push(message.id);
        store.save_message(&message).unwrap();
    }
    let backend = ScriptedBackend::with(Script::default());
    let engine = EngineHandle::start_with_store(
        backend as Arc<dyn SupportBackend>,
        store,
        EngineConfig::new("en-US"),
    );
    (engine, ids)
}

#[tokio::test(start_paused = true)]
async fn a_window_opens_with_the_newest_messages_and_pages_back_to_the_first() {
    let count = RECENT_MESSAGES * 2 + 30;
    let (engine, ids) = engine_with_history(count).await;

    let recent = engine.recent_snapshot().await.unwrap();
    assert!(recent.has_older);
    let shown: Vec<_> = recent.messages.iter().map(|m| m.id).collect();
    assert_eq!(shown, ids[count - RECENT_MESSAGES..]);
    // The full snapshot still has everything, and nothing before it.
    let full = engine.snapshot().await.unwrap();
    assert_eq!(full.messages.len(), count);
    assert!(!full.has_older);

    // Paging back from the first shown message reaches the first one, in
    // order, with no message twice or missing.
    let mut seen = shown;
    let mut has_older = recent.has_older;
    while has_older {
        let page = engine
            .older_messages(seen[0], RECENT_MESSAGES)
            .await
            .unwrap();
        assert!(!page.messages.is_empty());
        has_older = page.has_older;
        seen.splice(0..0, page.messages.iter().map(|m| m.id));
    }
    assert_eq!(seen, ids);
}

#[tokio::test(start_paused = true)]
async fn a_short_history_has_nothing_older_and_an_unknown_message_gives_an_empty_page() {
    let (engine, ids) = engine_with_history(3).await;
    let recent = engine.recent_snapshot().await.unwrap();
    assert!(!recent.has_older);
    assert_eq!(recent.messages.len(), 3);

    let before_first = engine.older_messages(ids[0], 10).await.unwrap();
    assert!(before_first.messages.is_empty());
    assert!(!before_first.has_older);
    // A window of an earlier engine may ask about a message this one never had.
    let unknown = engine.older_messages(MessageId::new(), 10).await.unwrap();
    assert!(unknown.messages.is_empty());
    assert!(!unknown.has_older);
}
