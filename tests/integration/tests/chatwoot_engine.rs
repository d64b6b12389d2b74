//! The engine on the Chatwoot adapter, as the app runs it: an app restart
//! in the middle of a conversation, and a conversation that is auto-resolved
//! while the user is idle with a half-typed draft, with an agent bot and the
//! companion in front of the people.

mod chatwoot_support;

use std::sync::Arc;
use std::time::Duration;

use chatwoot_support::*;
use warmline_backends::chatwoot::ChatwootBackend;
use warmline_chatwoot_companion::{Companion, Config, Hidden};
use warmline_chatwoot_fake::{AgentBot, ChatwootFake, FakeConfig};
use warmline_core::{
    Author, ConversationSnapshot, ConversationStore, EngineHandle, HandoffReason, HandoffState,
    MemorySecrets, MessageBody, ResumeState, SupportBackend,
};
use warmline_integration_tests::{all_sent, eventually, quick_engine_config};
use warmline_store::SqliteStore;

fn engine_on(url: &str, store: Arc<SqliteStore>) -> EngineHandle {
    let store = store as Arc<dyn ConversationStore>;
    let backend = Arc::new(ChatwootBackend::new(
        quick_config(url),
        Arc::new(MemorySecrets::new()),
        ResumeState::new(Arc::clone(&store), "chatwoot"),
    )) as Arc<dyn SupportBackend>;
    EngineHandle::start_with_store(backend, store, quick_engine_config(7))
}

fn agent_texts(snapshot: &ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter(|m| matches!(m.author, Author::Agent { .. }))
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect()
}

fn notices(snapshot: &ConversationSnapshot, id: &str) -> usize {
    snapshot
        .messages
        .iter()
        .filter(|m| matches!(&m.body, MessageBody::Notice { notice } if notice.message_id == id))
        .count()
}

#[test]
fn after_an_app_restart_the_same_conversation_continues_and_replies_written_meanwhile_arrive_once()
{
    // The fake outlives both "app runs"; each app run has its own runtime,
    // dropped whole as a closed app would be.
    let server = tokio::runtime::Runtime::new().unwrap();
    let fake = server.block_on(ChatwootFake::start(fake_config())).unwrap();
    let url = fake.url();
    let dir = tempfile::tempdir().unwrap();
    let path = warmline_store::default_path(dir.path());

    let first = tokio::runtime::Runtime::new().unwrap();
    first.block_on(async {
        let store = Arc::new(SqliteStore::open(&path).unwrap());
        let engine = engine_on(&url, Arc::clone(&store));
        engine
            .send_text("My heating is broken".into())
            .await
            .unwrap();
        eventually(&engine, "sent", LIMIT, all_sent).await;
        let conversation = *fake.conversations().last().unwrap();
        let reply = fake.agent_reply(conversation, "Ann", "reply 1").unwrap();
        eventually(&engine, "the first reply", LIMIT, |s| {
            agent_texts(s) == ["reply 1"]
        })
        .await;
        // A normal close: the engine has stored the cursor after the reply.
        // (Killed between the two, the reply could come once more.)
        let key = format!("chatwoot/cursor/{conversation}");
        until("the cursor is stored", || {
            store
                .load_resume_value(&key)
                .ok()
                .flatten()
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|cursor| cursor >= reply)
        })
        .await;
    });
    drop(first);

    let conversation = *fake.conversations().last().unwrap();
    fake.agent_reply(conversation, "Ann", "reply 2");
    fake.agent_reply(conversation, "Ann", "reply 3");

    let second = tokio::runtime::Runtime::new().unwrap();
    second.block_on(async {
        let engine = engine_on(&url, Arc::new(SqliteStore::open(&path).unwrap()));
        let snapshot = eventually(&engine, "the replies written while closed", LIMIT, |s| {
            agent_texts(s).len() >= 3
        })
        .await;
        assert_eq!(agent_texts(&snapshot), ["reply 1", "reply 2", "reply 3"]);
        engine.send_text("Thank you".into()).await.unwrap();
        eventually(&engine, "sent", LIMIT, all_sent).await;
    });
    assert_eq!(
        fake.conversations(),
        [conversation],
        "one contact, one conversation"
    );
    assert_eq!(fake.contact_messages().len(), 2);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_resolve_while_idle_keeps_the_draft_and_a_person_is_reached_again_through_the_companion(
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let companion_addr = listener.local_addr().unwrap();
    let fake = ChatwootFake::start(FakeConfig {
        agent_bot: Some(AgentBot {
            name: "Front desk bot".into(),
            webhook_url: format!("http://{companion_addr}/webhook"),
            access_token: "bot-token".into(),
            webhook_secret: Some("webhook-secret".into()),
            webhook_timeout: Duration::from_secs(5),
        }),
        ..fake_config()
    })
    .await
    .unwrap();
    let companion = Arc::new(
        Companion::new(Config {
            chatwoot_url: fake.url(),
            bot_token: Hidden::new("bot-token"),
            webhook_secret: Some(Hidden::new("webhook-secret")),
            listen: companion_addr,
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
        .unwrap(),
    );
    tokio::spawn(companion.serve(listener));
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&warmline_store::default_path(dir.path())).unwrap());
    let engine = engine_on(&fake.url(), store);

    engine
        .send_text("My pension did not arrive".into())
        .await
        .unwrap();
    eventually(&engine, "sent", LIMIT, all_sent).await;
    let conversation = *fake.conversations().last().unwrap();
    assert_eq!(
        fake.status(conversation).as_deref(),
        Some("pending"),
        "the bot's first"
    );
    engine.request_person(HandoffReason::Button).await.unwrap();
    until("the companion hands it to people", || {
        fake.status(conversation).as_deref() == Some("open")
    })
    .await;
    fake.agent_reply(conversation, "Ann Wong", "Hello, I am Ann.");
    eventually(&engine, "Ann is connected", LIMIT, |s| {
        matches!(&s.handoff, HandoffState::Connected { agent_name, .. } if agent_name == "Ann Wong")
    })
    .await;

    // The user starts a sentence and leaves it; the account auto-resolves
    // (the fake's timer is tested in chatwoot_adapter; here it fires when
    // the test says, so a slow machine cannot resolve it earlier).
    engine
        .save_draft("I also wanted to ask about".into())
        .await
        .unwrap();
    fake.set_status(conversation, "resolved");
    let snapshot = eventually(
        &engine,
        "the conversation continues after auto-resolve",
        LIMIT,
        |s| notices(s, "notice-conversation-continues") >= 1,
    )
    .await;
    assert_eq!(fake.status(conversation).as_deref(), Some("resolved"));
    assert_eq!(
        snapshot.draft, "I also wanted to ask about",
        "the draft is kept"
    );
    assert_eq!(
        notices(&snapshot, "notice-agent-left"),
        1,
        "{:?}",
        snapshot.messages
    );
    assert_eq!(snapshot.handoff, HandoffState::None);
    assert_eq!(
        agent_texts(&snapshot),
        ["Hello, I am Ann."],
        "the history stays"
    );

    // The next message reopens the same conversation; asking again reaches
    // a person again.
    engine
        .send_text("I also wanted to ask about my address".into())
        .await
        .unwrap();
    eventually(&engine, "sent", LIMIT, all_sent).await;
    // It went into the same conversation, which reopened for it (the
    // account may resolve it again if everyone stays idle long enough).
    assert_eq!(
        fake.contact_messages().last().map(|m| m.conversation),
        Some(conversation)
    );
    engine.request_person(HandoffReason::Button).await.unwrap();
    until("people again", || {
        fake.status(conversation).as_deref() == Some("open")
    })
    .await;
    fake.agent_reply(conversation, "Bo Chen", "Hello, Bo here.");
    eventually(&engine, "Bo answers", LIMIT, |s| {
        matches!(&s.handoff, HandoffState::Connected { agent_name, .. } if agent_name == "Bo Chen")
    })
    .await;
    assert_eq!(
        fake.conversations(),
        [conversation],
        "the same conversation throughout"
    );
    assert_eq!(fake.private_notes(conversation).len(), 2);
    assert_spec_kept(&fake);
}
