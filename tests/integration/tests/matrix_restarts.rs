//! The Matrix adapter under the real engine and a SQLite store on disk,
//! each test with a Synapse of its own: the app closed while an agent
//! writes, the homeserver restarted mid-conversation, and a homeserver
//! that was wiped.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::matrix::MatrixSettings;
use warmline_core::{BackendError, ConversationStore, SupportBackend};
use warmline_integration_tests::matrix::{
    agent_texts, blocking, english, matrix_backend_in_memory, quick_matrix_config,
    start_matrix_engine,
};
use warmline_integration_tests::{all_sent, eventually, user_texts};
use warmline_store::SqliteStore;
use warmline_synapse::{SupportSetup, Synapse};

const LIMIT: Duration = Duration::from_secs(120);

async fn own_server(prefix: &'static str) -> (Arc<Synapse>, SupportSetup) {
    blocking(move || {
        let synapse = Arc::new(Synapse::start().expect("Synapse starts"));
        let setup = SupportSetup::new(&synapse, prefix).expect("support setup");
        (synapse, setup)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agent_messages_written_while_the_app_was_closed_appear_once_in_order() {
    let (synapse, setup) = own_server("closed").await;
    let settings = setup.room_settings(&synapse);
    let dir = tempfile::tempdir().unwrap();
    let path = warmline_store::default_path(dir.path());
    let [lin, _] = setup.agents.clone();
    let room = setup.room.clone();
    {
        let store = Arc::new(SqliteStore::open(&path).unwrap()) as Arc<dyn ConversationStore>;
        let engine =
            start_matrix_engine(quick_matrix_config(settings.clone()), &setup.user, store, 1);
        engine
            .send_text("My card does not work".into())
            .await
            .unwrap();
        eventually(&engine, "the message is sent", LIMIT, all_sent).await;
        let (writer, room_for) = (lin.clone(), room.clone());
        blocking(move || writer.send_text(&room_for, "Which card, the blue one?")).await;
        eventually(&engine, "the answer arrives", LIMIT, |s| {
            agent_texts(s).len() == 1
        })
        .await;
        // Let the engine store the checkpoint after the answer, then close.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (writer, room_for) = (lin.clone(), room.clone());
    blocking(move || {
        writer.send_text(&room_for, "I have blocked it for you.");
        writer.send_text(&room_for, "A new one is on its way.");
    })
    .await;
    let store = Arc::new(SqliteStore::open(&path).unwrap()) as Arc<dyn ConversationStore>;
    let engine = start_matrix_engine(quick_matrix_config(settings), &setup.user, store, 2);
    let snapshot = eventually(&engine, "both answers arrive", LIMIT, |s| {
        agent_texts(s).len() >= 3
    })
    .await;
    // A little longer, so that a repeat would have arrived too.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let snapshot = engine.snapshot().await.unwrap_or(snapshot);
    let texts: Vec<String> = agent_texts(&snapshot).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "Which card, the blue one?",
            "I have blocked it for you.",
            "A new one is on its way."
        ]
    );
    assert!(agent_texts(&snapshot)
        .iter()
        .all(|(name, _)| name == "Agent Lin"));
    assert_eq!(user_texts(&snapshot), ["My card does not work"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_homeserver_restarted_mid_conversation_loses_and_doubles_nothing() {
    let (synapse, setup) = own_server("restart").await;
    let settings = setup.room_settings(&synapse);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&warmline_store::default_path(dir.path())).unwrap())
        as Arc<dyn ConversationStore>;
    let engine = start_matrix_engine(quick_matrix_config(settings.clone()), &setup.user, store, 3);
    let mut sent = Vec::new();
    for i in 0..5 {
        let text = format!("before {i}");
        engine.send_text(text.clone()).await.unwrap();
        sent.push(text);
    }
    eventually(&engine, "the first five are sent", LIMIT, all_sent).await;

    let stopping = Arc::clone(&synapse);
    blocking(move || stopping.stop()).await;
    for i in 0..5 {
        let text = format!("while down {i}");
        engine.send_text(text.clone()).await.unwrap();
        sent.push(text);
    }
    // While the server is down the adapter's probe does not claim it is
    // back (a separate adapter: the engine's own probe is the engine's).
    let probe = matrix_backend_in_memory(quick_matrix_config(settings), &setup.user);
    let opened = probe.open_conversation(english(None)).await;
    assert!(
        matches!(opened, Err(BackendError::Unreachable(_))),
        "{opened:?}"
    );
    let waiting = tokio::spawn(async move { probe.wait_until_reachable().await });
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        !waiting.is_finished(),
        "the probe resolved while Synapse was down"
    );

    let starting = Arc::clone(&synapse);
    blocking(move || starting.start_again().expect("Synapse starts again")).await;
    tokio::time::timeout(LIMIT, waiting)
        .await
        .expect("the probe notices the server is back")
        .unwrap();
    eventually(
        &engine,
        "everything is sent after the restart",
        LIMIT,
        all_sent,
    )
    .await;
    let (writer, room) = (setup.agents[1].clone(), setup.room.clone());
    blocking(move || writer.send_text(&room, "Sorry, we were down for a moment.")).await;
    let snapshot = eventually(&engine, "the answer after the restart", LIMIT, |s| {
        !agent_texts(s).is_empty()
    })
    .await;
    assert_eq!(
        agent_texts(&snapshot),
        [(
            "Agent Mei".to_owned(),
            "Sorry, we were down for a moment.".to_owned()
        )]
    );

    let (reader, room, user) = (
        setup.agents[0].clone(),
        setup.room.clone(),
        setup.user.user_id().to_owned(),
    );
    let bodies = blocking(move || reader.message_bodies_from(&room, &user)).await;
    assert_eq!(bodies, sent, "the room holds each message once, in order");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wiped_homeserver_is_a_sign_in_problem_then_a_new_direct_room() {
    let (synapse, user, support) = blocking(|| {
        let synapse = Arc::new(Synapse::start().expect("Synapse starts"));
        let user = synapse.register("wiped-user", "Anna").unwrap();
        let support = synapse.register("wiped-support", "Support").unwrap();
        (synapse, user, support)
    })
    .await;
    let settings = MatrixSettings::with_support_account(
        &synapse.base_url(),
        user.user_id(),
        support.user_id(),
    );
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &user);
    let old = adapter.open_conversation(english(None)).await.unwrap();

    let wiping = Arc::clone(&synapse);
    blocking(move || wiping.wipe().expect("a fresh Synapse")).await;
    // Every account is gone: the stored password signs in nobody.
    let refused = adapter
        .open_conversation(english(Some(old.conversation.clone())))
        .await;
    assert!(
        matches!(refused, Err(BackendError::Unauthorized(_))),
        "{refused:?}"
    );

    // The company sets the accounts up again with the same sign-in: the
    // old room is gone, and a new one is opened.
    let (again, password, support_password) = (
        Arc::clone(&synapse),
        user.password().to_owned(),
        support.password().to_owned(),
    );
    let support_again = blocking(move || {
        again
            .register_with_password("wiped-user", "Anna", &password)
            .unwrap();
        again
            .register_with_password("wiped-support", "Support", &support_password)
            .unwrap()
    })
    .await;
    let gone = adapter
        .open_conversation(english(Some(old.conversation.clone())))
        .await;
    assert!(
        matches!(gone, Err(BackendError::UnknownConversation(_))),
        "{gone:?}"
    );
    let mut fresh = adapter.open_conversation(english(None)).await.unwrap();
    assert_ne!(fresh.conversation, old.conversation);
    let room = fresh.conversation.0.clone();
    blocking(move || {
        support_again.join(&room);
        support_again.send_text(&room, "Welcome back.")
    })
    .await;
    let greeting = warmline_integration_tests::matrix::next_event(
        &mut fresh.events,
        None,
        "the greeting in the new room",
        |e| matches!(e, warmline_core::BackendEvent::BotMessage { .. }),
    )
    .await;
    assert!(
        matches!(&greeting, warmline_core::BackendEvent::BotMessage { text, .. } if text == "Welcome back."),
        "{greeting:?}"
    );
}
