use warmline_core::{
    Author, HandoffReason, LocalizedText, MemoryStore, MessageBody, Timestamp, UrgentTopic,
};

use super::*;

fn message(author: Author, text: &str, delivery: DeliveryState) -> Message {
    Message {
        id: MessageId::new(),
        author,
        body: MessageBody::Text { text: text.into() },
        sent_at: Timestamp(1_700_000_000_000),
        delivery,
    }
}

/// The behaviour every store must have, checked on SQLite and on the
/// in-memory reference alike.
fn behaves_like_a_conversation_store(store: &dyn ConversationStore) {
    assert_eq!(store.load().unwrap(), StoredConversation::default());

    let first = message(Author::User, "我的快递到哪里了？", DeliveryState::Sending);
    let second = message(
        Author::Bot {
            name: "Sunny".into(),
            demo: true,
        },
        "It left yesterday 📦",
        DeliveryState::Received,
    );
    let notice = Message {
        body: MessageBody::Notice {
            notice: LocalizedText::new("notice-agent-joined").with_arg("name", "Mei"),
        },
        ..message(Author::System, "", DeliveryState::Received)
    };
    let third = message(Author::User, "thanks", DeliveryState::WillRetry);
    for m in [&first, &second, &notice, &third] {
        store.save_message(m).unwrap();
    }
    // Replacing keeps the place; set_delivery changes only the state.
    let edited = Message {
        body: MessageBody::Text {
            text: "where is my parcel".into(),
        },
        ..first.clone()
    };
    store.save_message(&edited).unwrap();
    store.set_delivery(third.id, DeliveryState::Sent).unwrap();
    store
        .set_delivery(MessageId::new(), DeliveryState::Sent)
        .unwrap();

    let loaded = store.load().unwrap();
    let expected_third = Message {
        delivery: DeliveryState::Sent,
        ..third.clone()
    };
    assert_eq!(
        loaded.messages,
        vec![edited.clone(), second, notice, expected_third]
    );
    let unsent: Vec<_> = loaded.unsent().map(|m| m.id).collect();
    assert_eq!(unsent, [first.id]);

    let states = [
        HandoffState::None,
        HandoffState::Requested,
        HandoffState::Queued {
            position: Some(3),
            estimated_wait_secs: None,
        },
        HandoffState::Connected {
            agent_name: "小美".into(),
            demo: true,
        },
        HandoffState::Unavailable,
        HandoffState::MessageLeft {
            reference: "DEMO-1001".into(),
            callback: true,
        },
    ];
    let pending = PendingHandoff {
        reason: HandoffReason::Urgent,
        urgent_topic: Some(UrgentTopic::Fraud),
    };
    for state in states {
        store.save_handoff(&state, Some(pending)).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.handoff, Some(state.clone()));
        assert_eq!(loaded.pending_handoff, Some(pending));
    }
    store.save_handoff(&HandoffState::None, None).unwrap();
    assert_eq!(store.load().unwrap().pending_handoff, None);

    store
        .save_conversation_id(Some(&ConversationId("demo-conversation-7".into())))
        .unwrap();
    assert_eq!(
        store.load().unwrap().conversation,
        Some(ConversationId("demo-conversation-7".into()))
    );
    store.save_conversation_id(None).unwrap();
    assert_eq!(store.load().unwrap().conversation, None);

    store.save_draft("我想问一下 👓 my bill").unwrap();
    assert_eq!(store.load().unwrap().draft, "我想问一下 👓 my bill");
}

#[test]
fn sqlite_behaves_like_a_conversation_store() {
    behaves_like_a_conversation_store(&SqliteStore::open_in_memory().unwrap());
}

#[test]
fn the_memory_reference_behaves_the_same() {
    behaves_like_a_conversation_store(&MemoryStore::new());
}

#[test]
fn everything_is_there_after_reopening_the_file_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_path(&dir.path().join("nested/data"));
    let messages: Vec<_> = (0..1000)
        .map(|i| message(Author::User, &format!("message {i}"), DeliveryState::Sent))
        .collect();
    {
        let store = SqliteStore::open(&path).unwrap();
        for m in &messages {
            store.save_message(m).unwrap();
        }
        store.save_handoff(&HandoffState::Requested, None).unwrap();
        store.save_draft("half").unwrap();
        let mode: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }
    let reopened = SqliteStore::open(&path).unwrap().load().unwrap();
    assert_eq!(reopened.messages, messages, "all 1,000, in order");
    assert_eq!(reopened.handoff, Some(HandoffState::Requested));
    assert_eq!(reopened.draft, "half");
}

#[test]
fn a_store_from_a_newer_warmline_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    {
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("99"), "{message}"),
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.sqlite3");
    let garbage: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::Corrupt(_))
    ));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn an_unreadable_row_is_skipped_and_the_rest_is_kept() {
    let store = SqliteStore::open_in_memory().unwrap();
    let good = message(Author::User, "keep me", DeliveryState::Sent);
    store.save_message(&good).unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO messages (id, author, body, sent_at, delivery)
             VALUES ('not-a-uuid', '{broken', '{}', 0, '\"sent\"')",
            [],
        )
        .unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO state (key, value) VALUES ('handoff', 'not json')",
            [],
        )
        .unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.messages, vec![good]);
    assert_eq!(loaded.handoff, None);
}
