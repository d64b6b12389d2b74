//! The engine on the relay adapter through a misbehaving network: a cut
//! mid-conversation, a stall, and a server restart. Each time the same
//! conversation goes on, what was missed is fetched, and every message
//! arrives once.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::relay::protocol::WireEvent;
use warmline_core::{
    Author, ConnectionState, DeliveryState, EngineHandle, MemoryStore, MessageBody,
};
use warmline_integration_tests::{
    all_sent, eventually, quick_engine_config, quick_relay_config, start_relay_engine,
};
use warmline_netfault::{FaultProxy, RelayServer, RelayServerConfig};

const LIMIT: Duration = Duration::from_secs(30);

struct Rig {
    server: RelayServer,
    proxy: FaultProxy,
    engine: EngineHandle,
}

async fn rig() -> Rig {
    let server = RelayServer::start(RelayServerConfig::default())
        .await
        .unwrap();
    let proxy = FaultProxy::start(server.addr()).await.unwrap();
    let engine = start_relay_engine(
        quick_relay_config(proxy.ws_url()),
        Arc::new(MemoryStore::new()),
        quick_engine_config(7),
    );
    eventually(&engine, "online and greeted", LIMIT, |s| {
        s.connection == ConnectionState::Online && s.messages.len() == 1
    })
    .await;
    Rig {
        server,
        proxy,
        engine,
    }
}

fn texts_by(snapshot: &warmline_core::ConversationSnapshot, author: &str) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter(|m| {
            matches!(
                (&m.author, author),
                (Author::User, "user")
                    | (Author::Bot { .. }, "bot")
                    | (Author::Agent { .. }, "agent")
            )
        })
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect()
}

fn notices(snapshot: &warmline_core::ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter_map(|m| match &m.body {
            MessageBody::Notice { notice } => Some(notice.message_id.clone()),
            MessageBody::Text { .. } => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_mid_conversation_resumes_the_same_conversation_and_fetches_what_was_missed() {
    let rig = rig().await;
    rig.engine.send_text("my bill".into()).await.unwrap();
    eventually(&rig.engine, "the bot answered", LIMIT, |s| {
        texts_by(s, "bot").len() == 2
    })
    .await;

    // The network goes away, and while it is away the agent writes twice.
    rig.proxy.refuse();
    rig.proxy.cut();
    eventually(&rig.engine, "reconnecting", LIMIT, |s| {
        s.connection == ConnectionState::Reconnecting
    })
    .await;
    let conversation = rig.server.conversations()[0].clone();
    for text in ["Sorry for the wait.", "Your bill is corrected."] {
        rig.server.push_event(
            &conversation,
            WireEvent::AgentMessage {
                name: "Sam".into(),
                text: text.into(),
            },
        );
    }
    rig.engine.send_text("thank you".into()).await.unwrap();

    rig.proxy.resume();
    let snapshot = eventually(&rig.engine, "back, missed events fetched", LIMIT, |s| {
        s.connection == ConnectionState::Online && texts_by(s, "agent").len() == 2 && all_sent(s)
    })
    .await;
    assert_eq!(
        texts_by(&snapshot, "agent"),
        ["Sorry for the wait.", "Your bill is corrected."]
    );
    assert_eq!(rig.server.conversations(), [conversation], "the same one");
    assert!(
        !notices(&snapshot).contains(&"notice-conversation-continues".to_owned()),
        "a resumed conversation is not a new one: {:?}",
        notices(&snapshot)
    );
    let received: Vec<_> = rig.server.received().into_iter().map(|m| m.text).collect();
    assert_eq!(received, ["my bill", "thank you"]);
    // Nothing fetched twice either: each agent line once, the bot's once.
    assert_eq!(texts_by(&snapshot, "bot").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_network_is_noticed_and_the_message_goes_once_when_it_flows_again() {
    let rig = rig().await;
    rig.proxy.stall();
    let id = rig.engine.send_text("are you there?".into()).await.unwrap();
    // Nothing closes a stalled connection; the keep-alive notices it.
    eventually(&rig.engine, "stall noticed", LIMIT, |s| {
        s.connection != ConnectionState::Online
    })
    .await;
    rig.proxy.resume();
    let snapshot = eventually(&rig.engine, "sent after the stall", LIMIT, |s| {
        s.connection == ConnectionState::Online && all_sent(s)
    })
    .await;
    assert!(snapshot
        .messages
        .iter()
        .any(|m| m.id == id && m.delivery == DeliveryState::Sent));
    let received = rig.server.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].client_message_id, id);
    assert_eq!(rig.server.conversations().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_keeps_the_conversation_and_loses_nothing() {
    let mut rig = rig().await;
    rig.engine.send_text("before".into()).await.unwrap();
    eventually(&rig.engine, "sent", LIMIT, all_sent).await;

    rig.server.stop().await;
    eventually(&rig.engine, "reconnecting", LIMIT, |s| {
        s.connection == ConnectionState::Reconnecting
    })
    .await;
    rig.engine.send_text("during".into()).await.unwrap();
    rig.server.start_again().await.unwrap();
    rig.engine.send_text("after".into()).await.unwrap();

    let snapshot = eventually(&rig.engine, "all sent after the restart", LIMIT, |s| {
        s.connection == ConnectionState::Online && all_sent(s)
    })
    .await;
    let received: Vec<_> = rig.server.received().into_iter().map(|m| m.text).collect();
    assert_eq!(received, ["before", "during", "after"]);
    assert_eq!(rig.server.conversations().len(), 1, "resumed, not replaced");
    assert_eq!(texts_by(&snapshot, "user"), ["before", "during", "after"]);
    assert!(rig.proxy.connections_accepted() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_the_server_closes_for_idleness_simply_continues() {
    let server = RelayServer::start(RelayServerConfig {
        idle_close: Some(Duration::from_millis(300)),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let engine = start_relay_engine(
        quick_relay_config(server.url()),
        Arc::new(MemoryStore::new()),
        quick_engine_config(3),
    );
    engine.send_text("hello".into()).await.unwrap();
    // The user says nothing; the server gives up on the conversation.
    let snapshot = eventually(&engine, "continued in a new conversation", LIMIT, |s| {
        notices(s).contains(&"notice-conversation-continues".to_owned())
            && s.connection == ConnectionState::Online
    })
    .await;
    assert!(all_sent(&snapshot));
    engine.send_text("still here".into()).await.unwrap();
    eventually(&engine, "sent", LIMIT, all_sent).await;
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_ne!(
        received[0].conversation, received[1].conversation,
        "the second message went to the new conversation"
    );
}
