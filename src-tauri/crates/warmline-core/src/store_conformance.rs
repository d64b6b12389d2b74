//! The behaviour every [`ConversationStore`] must have, run on SQLite
//! (`warmline-store`) and on the in-memory [`MemoryStore`](crate::MemoryStore)
//! alike.
//!
//! A store crate runs it with
//! `warmline_core::store_conformance_tests!(make_empty_store());` inside a
//! test module; the expression must give a fresh, empty value of a type
//! implementing [`ConversationStore`], and is evaluated once per test.

use crate::backend::CallbackRequest;
use crate::domain::{
    Author, ConversationId, DeliveryState, HandoffReason, HandoffState, LocalizedText, Message,
    MessageBody, MessageId, Timestamp,
};
use crate::intent::UrgentTopic;
use crate::store::{ConversationStore, PendingHandoff, QueuedLeftMessage, StoredConversation};

fn message(author: Author, text: &str, delivery: DeliveryState) -> Message {
    Message {
        id: MessageId::new(),
        author,
        body: MessageBody::Text { text: text.into() },
        sent_at: Timestamp(1_700_000_000_000),
        delivery,
        failure: None,
    }
}

/// A new store holds nothing.
pub fn starts_empty(store: &dyn ConversationStore) {
    assert_eq!(store.load().unwrap(), StoredConversation::default());
    assert_eq!(store.load_resume_value("relay/cursor").unwrap(), None);
}

/// Messages come back in the order they were added; saving one again
/// replaces it in place; `set_delivery` changes only its state (and an
/// unknown id changes nothing); the unsent ones are the outbox.
pub fn keeps_messages_in_order_and_replaces_in_place(store: &dyn ConversationStore) {
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
}

/// Every handoff state comes back as saved, with the request still to be
/// honoured, which can be cleared.
pub fn keeps_every_handoff_state(store: &dyn ConversationStore) {
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
}

/// The backend's conversation id is kept, and can be forgotten.
pub fn keeps_the_conversation_id(store: &dyn ConversationStore) {
    let id = ConversationId("demo-conversation-7".into());
    store.save_conversation_id(Some(&id)).unwrap();
    assert_eq!(store.load().unwrap().conversation, Some(id));
    store.save_conversation_id(None).unwrap();
    assert_eq!(store.load().unwrap().conversation, None);
}

/// The draft is kept as typed, the last one wins.
pub fn keeps_the_draft(store: &dyn ConversationStore) {
    store.save_draft("first").unwrap();
    store.save_draft("我想问一下 👓 my bill").unwrap();
    assert_eq!(store.load().unwrap().draft, "我想问一下 👓 my bill");
}

/// Adapter resume values: set, replace, remove, each kept by its key, in
/// a key space of their own (a resume key named `draft` is not the draft).
pub fn keeps_resume_values_by_key(store: &dyn ConversationStore) {
    store.save_draft("我想问一下").unwrap();
    store.save_resume_value("relay/cursor", Some("41")).unwrap();
    store
        .save_resume_value("matrix/since", Some("s72_594"))
        .unwrap();
    store.save_resume_value("relay/cursor", Some("42")).unwrap();
    assert_eq!(
        store.load_resume_value("relay/cursor").unwrap().as_deref(),
        Some("42")
    );
    let loaded = store.load().unwrap();
    assert_eq!(loaded.resume.len(), 2);
    assert_eq!(loaded.resume["matrix/since"], "s72_594");
    store.save_resume_value("matrix/since", None).unwrap();
    assert_eq!(store.load_resume_value("matrix/since").unwrap(), None);
    store
        .save_resume_value("draft", Some("not the draft"))
        .unwrap();
    assert_eq!(store.load().unwrap().draft, "我想问一下");
}

/// Left messages are kept in order until removed; saving one again
/// replaces it in place.
pub fn keeps_left_messages_until_removed(store: &dyn ConversationStore) {
    let left = |text: &str, callback: bool| QueuedLeftMessage {
        id: MessageId::new(),
        text: text.into(),
        callback: callback.then(|| CallbackRequest {
            phone: "020 7946 0000".into(),
            preferred_time: "mornings".into(),
        }),
        written_at: Timestamp(1_700_000_100_000),
    };
    let first = left("请回电话", true);
    let second = left("About my bill", false);
    store.save_left_message(&first).unwrap();
    store.save_left_message(&second).unwrap();
    let changed = QueuedLeftMessage {
        text: "请明天回电话".into(),
        ..first.clone()
    };
    store.save_left_message(&changed).unwrap();
    assert_eq!(
        store.load().unwrap().left_messages,
        [changed, second.clone()]
    );
    store.remove_left_message(first.id).unwrap();
    store.remove_left_message(MessageId::new()).unwrap();
    assert_eq!(store.load().unwrap().left_messages, [second]);
}

/// Generates one `#[test]` per store check.
#[macro_export]
macro_rules! store_conformance_tests {
    ($make_store:expr) => {
        $crate::store_conformance_tests!(@tests $make_store;
            starts_empty,
            keeps_messages_in_order_and_replaces_in_place,
            keeps_every_handoff_state,
            keeps_the_conversation_id,
            keeps_the_draft,
            keeps_resume_values_by_key,
            keeps_left_messages_until_removed,
        );
    };
    (@tests $make_store:expr; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let store = $make_store;
                $crate::store_conformance::$check(&store);
            }
        )*
    };
}
