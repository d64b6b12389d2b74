//! The "done when" of issue 10: a running session switches from the demo to
//! the relay (the reference server, started here) and back. Each side shows
//! only its own history, nothing of one profile is ever sent to the other
//! (counted at the relay server), the window's rule (epoch, then sequence
//! number) drops no event it needs, and a relay that refuses the sign-in
//! stops being tried and says so until new sign-in details arrive.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use warmline_backends::demo::DemoConfig;
use warmline_backends::profile::{BackendProfile, BackendSettings, ProfileId, RelaySettings};
use warmline_core::{
    ConnectionState, ConversationChange, ConversationEvent, ConversationSnapshot, MemorySecrets,
};
use warmline_integration_tests::{all_sent, quick_engine_config, user_texts, TestSecrets};
use warmline_netfault::{RelayServer, RelayServerConfig};
use warmline_session::{Session, SessionConfig};

const TOKEN: &str = "tok-session-switch-3c9d";
/// A safety net against a hang, not a measurement.
const LIMIT: Duration = Duration::from_secs(30);

fn relay_profile(url: &str) -> BackendProfile {
    BackendProfile {
        id: ProfileId("p-relay".into()),
        name: "The shop".into(),
        backend: BackendSettings::Relay(RelaySettings {
            url: url.to_owned(),
            extra_ca: None,
        }),
    }
}

async fn settled(
    session: &Session,
    what: &str,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let snapshot = session.snapshot().await.expect("a running engine");
        if done(&snapshot) {
            return snapshot;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never: {what}; now {:?} with {:?}",
            snapshot.connection,
            user_texts(&snapshot)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn has_text(snapshot: &ConversationSnapshot, text: &str) -> bool {
    snapshot.messages.iter().any(|m| match &m.body {
        warmline_core::MessageBody::Text { text: t } => t == text,
        warmline_core::MessageBody::Notice { .. } => false,
    })
}

fn relay_texts(server: &RelayServer) -> Vec<String> {
    server.received().into_iter().map(|m| m.text).collect()
}

/// What the window receives, kept for the checks at the end.
fn record(session: &Session) -> Arc<Mutex<Vec<ConversationEvent>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut events = session.subscribe();
    let keep = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok(event) = events.recv().await {
            keep.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(event);
        }
    });
    seen
}

/// The window's rule (ui/src/conversation.ts): it follows one epoch from a
/// snapshot, ignores older epochs and numbers at or below its own, and
/// re-reads the snapshot on a newer epoch. Fed with what the session sent,
/// it must never meet a gap within an epoch, nor an older epoch after a
/// newer one: then it drops nothing it needs.
fn check_the_window_rule(events: &[ConversationEvent], first_snapshot_seq: u32) {
    let mut epoch = 0;
    let mut seq = first_snapshot_seq;
    for event in events {
        if event.epoch == epoch && event.seq <= first_snapshot_seq && epoch == 0 {
            continue; // Already in the window's first snapshot.
        }
        if event.epoch != epoch {
            assert_eq!(event.epoch, epoch + 1, "epochs go up by one, in order");
            assert_eq!(event.seq, 1, "a new engine is heard from its first event");
            epoch = event.epoch;
        } else {
            assert_eq!(event.seq, seq + 1, "no gap within epoch {epoch}");
        }
        seq = event.seq;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_session_switches_demo_to_relay_and_back_keeping_each_to_itself() {
    let mut server = RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = SessionConfig {
        data_dir: Some(dir.path().to_path_buf()),
        engine: quick_engine_config(11),
        demo: DemoConfig {
            reply_delay: Duration::from_millis(5),
            ..DemoConfig::default()
        },
    };
    let session = Session::start(
        config,
        BackendProfile::demo(),
        Arc::new(MemorySecrets::new()),
    )
    .unwrap();
    let window = record(&session);
    let first_seq = session.snapshot().await.unwrap().seq;

    // On the demo.
    session
        .engine()
        .send_text("Hello demo".into())
        .await
        .unwrap();
    settled(&session, "the demo answers", |s| {
        s.messages.len() >= 3 && all_sent(s)
    })
    .await;

    // To the relay.
    let secrets = TestSecrets::new(Some(TOKEN));
    session
        .switch_to(relay_profile(&server.url()), secrets.clone())
        .await
        .unwrap();
    let relay = settled(&session, "the relay greets", |s| {
        has_text(s, "Hello! How can I help?")
    })
    .await;
    assert_eq!(relay.epoch, 1);
    assert!(
        user_texts(&relay).is_empty(),
        "no demo history on the relay"
    );
    assert!(relay.backend.kind == "relay");
    session
        .engine()
        .send_text("Hello relay".into())
        .await
        .unwrap();
    settled(&session, "the relay answers", |s| {
        has_text(s, "You wrote: Hello relay") && all_sent(s)
    })
    .await;
    assert_eq!(relay_texts(&server), ["Hello relay"]);

    // A message for the relay that cannot go out yet stays with the relay.
    server.stop().await;
    settled(&session, "the relay is gone", |s| {
        s.connection == ConnectionState::Reconnecting
    })
    .await;
    session
        .engine()
        .send_text("For the relay only".into())
        .await
        .unwrap();

    // Back to the demo.
    session
        .switch_to(BackendProfile::demo(), Arc::new(MemorySecrets::new()))
        .await
        .unwrap();
    let demo = settled(&session, "the demo again", |s| {
        s.connection == ConnectionState::Online
    })
    .await;
    assert_eq!(demo.epoch, 2);
    assert_eq!(user_texts(&demo), ["Hello demo"], "only the demo's history");
    assert!(!has_text(&demo, "You wrote: Hello relay"));

    // And to the relay once more: its unsent message goes out there, once,
    // and the demo's never did.
    server.start_again().await.unwrap();
    session
        .switch_to(relay_profile(&server.url()), secrets.clone())
        .await
        .unwrap();
    let relay = settled(&session, "the kept message is delivered", |s| {
        s.connection == ConnectionState::Online && all_sent(s)
    })
    .await;
    assert_eq!(relay.epoch, 3);
    assert_eq!(user_texts(&relay), ["Hello relay", "For the relay only"]);
    assert_eq!(relay_texts(&server), ["Hello relay", "For the relay only"]);
    assert_eq!(server.duplicate_sends(), 0);

    let last = session.snapshot().await.unwrap();
    session.shutdown().await;
    // Everything the session sent has reached the window's recorder.
    let deadline = tokio::time::Instant::now() + LIMIT;
    let events = loop {
        let events = window
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if events
            .iter()
            .any(|e| e.epoch == last.epoch && e.seq >= last.seq)
        {
            break events;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the window got {events:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    check_the_window_rule(&events, first_seq);
    assert_eq!(events.last().unwrap().epoch, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_refuses_the_sign_in_stops_being_tried_and_says_so() {
    let server = RelayServer::start(RelayServerConfig {
        token: Some(TOKEN.into()),
        ..RelayServerConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(
        SessionConfig {
            data_dir: Some(dir.path().to_path_buf()),
            engine: quick_engine_config(12),
            demo: DemoConfig::default(),
        },
        BackendProfile::demo(),
        Arc::new(MemorySecrets::new()),
    )
    .unwrap();
    let window = record(&session);
    let secrets = TestSecrets::new(Some("not-the-token"));
    session
        .switch_to(relay_profile(&server.url()), secrets.clone())
        .await
        .unwrap();
    settled(&session, "sign-in needed", |s| {
        s.connection == ConnectionState::SignInNeeded
    })
    .await;
    let refused = server.handshakes_refused();
    assert!(refused >= 1);
    // The user writes meanwhile: kept, not sent, and no new attempt.
    session
        .engine()
        .send_text("Are you there?".into())
        .await
        .unwrap();
    // Ten times the longest backoff of this engine: a retrying engine
    // would have tried again several times.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        server.handshakes_refused(),
        refused,
        "no retry on a refusal"
    );
    let snapshot = session.snapshot().await.unwrap();
    assert_eq!(snapshot.connection, ConnectionState::SignInNeeded);
    assert!(server.received().is_empty());
    let said: Vec<String> = window
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|e| e.epoch == 1)
        .filter_map(|e| match &e.change {
            ConversationChange::Failed { error } => Some(error.message_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(said, ["error-sign-in-refused"], "told once, in words");

    // The caregiver enters the right token: the session goes on, and the
    // kept message goes out.
    secrets.set_token(Some(TOKEN));
    session.credentials_changed().await.unwrap();
    settled(&session, "online with the kept message sent", |s| {
        s.connection == ConnectionState::Online && all_sent(s)
    })
    .await;
    assert_eq!(relay_texts(&server), ["Are you there?"]);
    session.shutdown().await;
}
