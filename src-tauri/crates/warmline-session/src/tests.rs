//! The session on the demo backend: each profile keeps its own
//! conversation, a switch stops the old engine and starts the new one, and
//! the window hears every event of every epoch in order.

use std::time::Duration;

use warmline_backends::profile::{BackendSettings, DemoSettings, FieldErrorCode, RelaySettings};
use warmline_core::{Author, ConnectionState, MemorySecrets, Message, MessageBody};

use super::*;

fn config(data_dir: &std::path::Path) -> SessionConfig {
    SessionConfig {
        data_dir: Some(data_dir.to_path_buf()),
        engine: EngineConfig::new("en-US"),
        demo: DemoConfig {
            reply_delay: Duration::from_millis(10),
            ..DemoConfig::default()
        },
    }
}

fn secrets() -> Arc<dyn SecretSource> {
    Arc::new(MemorySecrets::new())
}

/// A second profile on the demo backend, with its own store.
fn other_demo() -> BackendProfile {
    BackendProfile {
        id: ProfileId("p-other".into()),
        name: "Another demo".into(),
        backend: BackendSettings::Demo(DemoSettings {}),
    }
}

fn user_texts(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m.author == Author::User)
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect()
}

/// Polls the session's snapshot on the real clock until `done` holds; the
/// limit is a safety net against a hang, not a measurement.
async fn eventually(
    session: &Session,
    what: &str,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let snapshot = session.snapshot().await.expect("a running engine");
        if done(&snapshot) {
            return snapshot;
        }
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn answered(snapshot: &ConversationSnapshot) -> bool {
    snapshot.connection == ConnectionState::Online
        && snapshot.messages.iter().any(|m| m.author != Author::User)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_profile_keeps_its_own_conversation_across_switches() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(config(dir.path()), BackendProfile::demo(), secrets()).unwrap();
    assert_eq!(session.active_profile(), ProfileId::demo());
    assert_eq!(session.epoch(), 0);
    session
        .engine()
        .send_text("hello from the demo".into())
        .await
        .unwrap();
    session
        .engine()
        .save_draft("a demo draft".into())
        .await
        .unwrap();
    eventually(&session, "the demo answers", answered).await;

    session.switch_to(other_demo(), secrets()).await.unwrap();
    assert_eq!(session.active_profile(), other_demo().id);
    let other = session.snapshot().await.unwrap();
    assert_eq!(other.epoch, 1);
    assert!(
        user_texts(&other.messages).is_empty(),
        "nothing of the demo profile: {:?}",
        other.messages
    );
    assert_eq!(other.draft, "", "the draft stays with its profile");
    session
        .engine()
        .send_text("hello from the other".into())
        .await
        .unwrap();
    eventually(&session, "the other answers", answered).await;

    session
        .switch_to(BackendProfile::demo(), secrets())
        .await
        .unwrap();
    let back = eventually(&session, "the demo is back online", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    assert_eq!(back.epoch, 2);
    assert_eq!(user_texts(&back.messages), ["hello from the demo"]);
    assert_eq!(back.draft, "a demo draft");
    for profile in ["demo", "p-other"] {
        assert!(
            warmline_store::profile_path(dir.path(), profile).exists(),
            "{profile} has its own file"
        );
    }
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_hears_every_event_of_each_epoch_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(config(dir.path()), BackendProfile::demo(), secrets()).unwrap();
    // Subscribed before anything is sent; the first epoch's opening events
    // may come before this (the window reads the first snapshot for them).
    let mut events = session.subscribe();
    let first_seq = session.snapshot().await.unwrap().seq;
    session.engine().send_text("one".into()).await.unwrap();
    eventually(&session, "an answer", answered).await;
    session.switch_to(other_demo(), secrets()).await.unwrap();
    session.engine().send_text("two".into()).await.unwrap();
    eventually(&session, "an answer", answered).await;
    session
        .switch_to(BackendProfile::demo(), secrets())
        .await
        .unwrap();
    let last = eventually(&session, "online again", |s| {
        s.connection == ConnectionState::Online
    })
    .await;

    let mut seen: Vec<(u32, u32)> = Vec::new();
    while seen.last() != Some(&(last.epoch, last.seq)) {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .expect("the last event arrives")
            .expect("no event lost");
        // Already in the first snapshot, as the window would judge it.
        if event.epoch > 0 || event.seq > first_seq {
            seen.push((event.epoch, event.seq));
        }
    }
    // The window's rule (ui/src/conversation.ts) drops an event of an older
    // epoch, or one at or below the last number: no such event may be
    // needed. Each epoch's events come whole and in order, from its first.
    let mut expected_next = (0, first_seq + 1);
    for &(epoch, seq) in &seen {
        if epoch != expected_next.0 {
            assert_eq!(epoch, expected_next.0 + 1, "epochs go up one at a time");
            expected_next = (epoch, 1);
        }
        assert_eq!((epoch, seq), expected_next, "in {seen:?}");
        expected_next.1 += 1;
    }
    assert_eq!(seen.last().unwrap().0, 2);
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_profile_is_refused_and_the_running_one_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(config(dir.path()), BackendProfile::demo(), secrets()).unwrap();
    let insecure = BackendProfile {
        id: ProfileId("p-bank".into()),
        name: "Bank".into(),
        backend: BackendSettings::Relay(RelaySettings {
            url: "ws://support.example.com".into(),
            extra_ca: None,
        }),
    };
    match session.switch_to(insecure, secrets()).await {
        Err(SessionError::InvalidProfile(errors)) => {
            assert_eq!(
                errors,
                [FieldError::new("backend.url", FieldErrorCode::Insecure)]
            );
        }
        other => panic!("an insecure profile must be refused, got {other:?}"),
    }
    let bad_id = BackendProfile {
        id: ProfileId("../escape".into()),
        ..other_demo()
    };
    assert!(session.switch_to(bad_id, secrets()).await.is_err());
    assert_eq!(session.epoch(), 0);
    assert_eq!(session.active_profile(), ProfileId::demo());
    session
        .engine()
        .send_text("still here".into())
        .await
        .unwrap();
    assert!(!warmline_store::profile_dir(dir.path(), "p-bank").exists());
    session.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_to_the_stopped_engine_never_reaches_the_next_profile() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(config(dir.path()), BackendProfile::demo(), secrets()).unwrap();
    let old = session.engine();
    session.switch_to(other_demo(), secrets()).await.unwrap();
    assert_eq!(
        old.send_text("meant for the demo".into()).await,
        Err(EngineError::Stopped)
    );
    let now = session.snapshot().await.unwrap();
    assert!(user_texts(&now.messages).is_empty(), "{:?}", now.messages);
    session.shutdown().await;
    assert_eq!(session.engine().snapshot().await, Err(EngineError::Stopped));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_conversation_of_an_earlier_warmline_is_the_demo_profiles() {
    let dir = tempfile::tempdir().unwrap();
    {
        let legacy =
            warmline_store::SqliteStore::open(&warmline_store::default_path(dir.path())).unwrap();
        let engine = EngineHandle::start_with_store(
            Arc::new(warmline_backends::demo::DemoBackend::new(
                config(dir.path()).demo,
            )),
            Arc::new(legacy),
            EngineConfig::new("en-US"),
        );
        engine
            .send_text("from before profiles".into())
            .await
            .unwrap();
        engine.save_draft("typed before".into()).await.unwrap();
        engine.shutdown().await;
    }
    let session = Session::start(config(dir.path()), BackendProfile::demo(), secrets()).unwrap();
    let snapshot = session.snapshot().await.unwrap();
    assert_eq!(user_texts(&snapshot.messages), ["from before profiles"]);
    assert_eq!(snapshot.draft, "typed before");
    session.switch_to(other_demo(), secrets()).await.unwrap();
    let other = session.snapshot().await.unwrap();
    assert!(
        user_texts(&other.messages).is_empty(),
        "the old file belongs to the demo profile only"
    );
    session.shutdown().await;
}

/// A profile with an AI tier lends its model to the engine as the second
/// opinion; one without a model gets none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_profile_with_an_ai_tier_gets_a_second_opinion() {
    let dir = tempfile::tempdir().unwrap();
    let tiered = BackendProfile {
        id: ProfileId("p-tiered".into()),
        name: "Assistant, then the demo".into(),
        backend: BackendSettings::Tiered(warmline_backends::tiered::TieredSettings {
            bot: warmline_backends::openai::OpenAiSettings::new("http://127.0.0.1:9", "m"),
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        }),
    };
    let config = config(dir.path());
    let with_model = Prepared::new(&config, tiered, secrets()).unwrap();
    assert!(with_model.second_opinion.is_some());
    for profile in [BackendProfile::demo(), other_demo()] {
        let without = Prepared::new(&config, profile, secrets()).unwrap();
        assert!(without.second_opinion.is_none(), "{}", without.profile.id);
    }
}
