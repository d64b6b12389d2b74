//! Nothing the support side writes while Warmline is closed is lost: the
//! relay adapter keeps the number of the last event it handed on in the
//! profile's store (through the engine's checkpoints), so the next start
//! fetches what came meanwhile, once, in order.
//!
//! Each run of "the app" (the engine, a SQLite store on disk, the relay
//! adapter with its token) lives on a tokio runtime of its own that is
//! dropped at the end: every task and socket of that run is gone, as when
//! the window closes. The reference relay server keeps running.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use warmline_backends::relay::protocol::WireEvent;
use warmline_core::{
    Author, ConnectionState, ConversationSnapshot, ConversationStore, MessageBody,
};
use warmline_integration_tests::{
    all_sent, eventually, quick_engine_config, quick_relay_config, start_relay_engine_with_token,
};
use warmline_netfault::{RelayServer, RelayServerConfig};
use warmline_store::SqliteStore;

const TOKEN: &str = "tok-restart-77a1-relay-secret";
/// A safety net against a hang, not a measurement.
const LIMIT: Duration = Duration::from_secs(30);

/// Runs one life of the app to the end of `life`, then drops its runtime.
async fn run_app<F, Fut, T>(store: PathBuf, url: String, life: F) -> T
where
    F: FnOnce(warmline_core::EngineHandle) -> Fut + Send + 'static,
    Fut: Future<Output = T>,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let result = runtime.block_on(async move {
            let store = Arc::new(SqliteStore::open(&store).unwrap());
            let engine = start_relay_engine_with_token(
                quick_relay_config(url),
                TOKEN,
                store as Arc<dyn ConversationStore>,
                quick_engine_config(7),
            );
            life(engine).await
        });
        // The app closes: every task, connection and timer of this run ends.
        runtime.shutdown_timeout(Duration::from_secs(5));
        result
    })
    .await
    .unwrap()
}

/// Who wrote what, in the order shown; notices left out.
fn transcript(snapshot: &ConversationSnapshot) -> Vec<(String, String)> {
    snapshot
        .messages
        .iter()
        .filter_map(|m| {
            let MessageBody::Text { text } = &m.body else {
                return None;
            };
            let who = match &m.author {
                Author::User => "user".to_owned(),
                Author::Bot { name, .. } | Author::Agent { name, .. } => name.clone(),
                other => format!("{other:?}"),
            };
            Some((who, text.clone()))
        })
        .collect()
}

fn line(who: &str, text: &str) -> (String, String) {
    (who.to_owned(), text.to_owned())
}

fn count_of(snapshot: &ConversationSnapshot, text: &str) -> usize {
    transcript(snapshot)
        .iter()
        .filter(|(_, t)| t == text)
        .count()
}

/// The app's second start sees nothing new, and repeats nothing: its
/// events are live again (a message round trip proves the stream works).
async fn a_quiet_start(store: &Path, url: String) -> ConversationSnapshot {
    run_app(store.to_owned(), url, |engine| async move {
        engine.send_text("Thank you".into()).await.unwrap();
        eventually(&engine, "the bot's answer to the thanks", LIMIT, |s| {
            count_of(s, "You wrote: Thank you") == 1 && all_sent(s)
        })
        .await
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_an_agent_writes_while_the_app_is_closed_appears_once_in_order_at_the_next_start() {
    let server = RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = warmline_store::default_path(dir.path());

    let first = run_app(store.clone(), server.url(), |engine| async move {
        eventually(&engine, "the greeting", LIMIT, |s| {
            count_of(s, "Hello! How can I help?") == 1
        })
        .await;
        engine
            .send_text("Where is my parcel?".into())
            .await
            .unwrap();
        eventually(&engine, "the bot answered", LIMIT, |s| {
            count_of(s, "You wrote: Where is my parcel?") == 1 && all_sent(s)
        })
        .await
    })
    .await;
    let before = transcript(&first);
    assert_eq!(
        before,
        [
            line("Relay bot", "Hello! How can I help?"),
            line("user", "Where is my parcel?"),
            line("Relay bot", "You wrote: Where is my parcel?"),
        ]
    );

    // The app is closed; the agent writes twice.
    let conversations = server.conversations();
    assert_eq!(conversations.len(), 1);
    let agent = |text: &str| WireEvent::AgentMessage {
        name: "Sam".into(),
        text: text.into(),
    };
    server.push_event(&conversations[0], agent("I found your parcel."));
    server.push_event(&conversations[0], agent("It arrives on Monday."));

    let second = run_app(store.clone(), server.url(), |engine| async move {
        eventually(&engine, "both agent messages", LIMIT, |s| {
            count_of(s, "It arrives on Monday.") >= 1 && s.connection == ConnectionState::Online
        })
        .await
    })
    .await;
    let mut expected = before.clone();
    expected.push(line("Sam", "I found your parcel."));
    expected.push(line("Sam", "It arrives on Monday."));
    assert_eq!(transcript(&second), expected);
    // The same conversation, resumed: not a new one.
    assert_eq!(server.conversations(), conversations);

    // A third start, with nothing new: nothing is fetched twice.
    let third = a_quiet_start(&store, server.url()).await;
    expected.push(line("user", "Thank you"));
    expected.push(line("Relay bot", "You wrote: Thank you"));
    assert_eq!(transcript(&third), expected);
    assert_eq!(server.handshakes_refused(), 0);
}
