//! The Matrix adapter against a real Synapse, one fact per test: the
//! idempotent resend read back from the server, agents joining and leaving,
//! the handoff notice and custom event as an agent sees them, the queue
//! event, a removed user, and refused, revoked and deactivated sign-ins.
//! They share one homeserver, each with accounts and a room of its own.

use std::sync::Arc;

use serde_json::json;
use warmline_backends::matrix::model::{HANDOFF_CANCEL_EVENT, HANDOFF_EVENT, QUEUE_EVENT};
use warmline_backends::matrix::{MatrixBackend, MatrixSettings, KIND};
use warmline_core::{
    BackendError, BackendEvent, ConversationStore, HandoffReason, HandoffRequest, HandoffSummary,
    MemorySecrets, MemoryStore, MessageId, OutgoingMessage, ResumeState, SupportBackend, Timestamp,
    UrgentTopic,
};
use warmline_integration_tests::matrix::{
    blocking, english, matrix_backend, matrix_backend_in_memory, next_event, quick_matrix_config,
    unique,
};
use warmline_synapse::{SupportSetup, Synapse};

async fn setup(name: &str) -> (SupportSetup, MatrixSettings) {
    let name = unique(name);
    blocking(move || {
        let synapse = Synapse::shared();
        let setup = SupportSetup::new(synapse, &name).expect("support setup");
        let settings = setup.room_settings(synapse);
        (setup, settings)
    })
    .await
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.into(),
        written_at: Timestamp::now(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resend_with_the_same_id_is_one_event_even_from_a_restarted_adapter() {
    let (setup, settings) = setup("resend").await;
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let first = matrix_backend(
        quick_matrix_config(settings.clone()),
        &setup.user,
        Arc::clone(&store),
    );
    let session = first.open_conversation(english(None)).await.unwrap();
    let outgoing = message("Where is my parcel?");
    let sent = first
        .send_message(&session.conversation, outgoing.clone())
        .await
        .unwrap();
    let again = first
        .send_message(&session.conversation, outgoing.clone())
        .await
        .unwrap();
    assert!(!sent.duplicate && again.duplicate);
    assert_eq!(again.backend_id, sent.backend_id);
    // A new adapter on the same store signs in again as the same device,
    // so the homeserver still knows the transaction.
    let restarted = matrix_backend(quick_matrix_config(settings), &setup.user, store);
    let after_restart = restarted
        .send_message(&session.conversation, outgoing)
        .await
        .unwrap();
    assert_eq!(after_restart.backend_id, sent.backend_id);

    let reader = setup.agents[0].clone();
    let (room, user) = (setup.room.clone(), setup.user.user_id().to_owned());
    let bodies = blocking(move || reader.message_bodies_from(&room, &user)).await;
    assert_eq!(bodies, ["Where is my parcel?"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_join_leave_and_write_under_their_display_names_and_others_are_bots() {
    let (setup, settings) = setup("members").await;
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &setup.user);
    let mut session = adapter.open_conversation(english(None)).await.unwrap();
    let [lin, mei] = setup.agents.clone();
    let room = setup.room.clone();

    let leaving = mei.clone();
    let room_for = room.clone();
    blocking(move || leaving.leave(&room_for)).await;
    let left = next_event(&mut session.events, None, "Mei leaves", |e| {
        matches!(e, BackendEvent::AgentLeft { .. })
    })
    .await;
    assert_eq!(
        left,
        BackendEvent::AgentLeft {
            name: "Agent Mei".into()
        }
    );

    let (inviter, joiner, room_for) = (lin.clone(), mei.clone(), room.clone());
    blocking(move || {
        inviter.invite(&room_for, joiner.user_id());
        joiner.join(&room_for);
    })
    .await;
    let joined = next_event(&mut session.events, None, "Mei joins", |e| {
        matches!(e, BackendEvent::AgentJoined { .. })
    })
    .await;
    assert_eq!(
        joined,
        BackendEvent::AgentJoined {
            name: "Agent Mei".into()
        }
    );

    let (writer, room_for) = (lin.clone(), room.clone());
    blocking(move || writer.send_text(&room_for, "Hello Anna, I am Lin.")).await;
    let said = next_event(&mut session.events, None, "Lin writes", |e| {
        matches!(e, BackendEvent::AgentMessage { .. })
    })
    .await;
    assert_eq!(
        said,
        BackendEvent::AgentMessage {
            name: "Agent Lin".into(),
            text: "Hello Anna, I am Lin.".into()
        }
    );

    // A member the profile does not list is a bot, and says when it did
    // not understand.
    let bot_name = unique("members-bot");
    let (inviter, room_for) = (lin.clone(), room.clone());
    blocking(move || {
        let bot = Synapse::shared().register(&bot_name, "Help bot").unwrap();
        inviter.invite(&room_for, bot.user_id());
        bot.join(&room_for);
        bot.send_event(
            &room_for,
            "m.room.message",
            json!({"msgtype": "m.notice", "body": "I did not get that.", "org.warmline.understood": false}),
        );
    })
    .await;
    let bot = next_event(&mut session.events, None, "the bot answers", |e| {
        matches!(e, BackendEvent::BotMessage { .. })
    })
    .await;
    assert_eq!(
        bot,
        BackendEvent::BotMessage {
            name: "Help bot".into(),
            text: "I did not get that.".into(),
            understood: false
        }
    );

    let (typist, room_for) = (lin.clone(), room.clone());
    blocking(move || typist.typing(&room_for, true)).await;
    let typing = next_event(&mut session.events, None, "Lin types", |e| {
        matches!(e, BackendEvent::Typing { .. })
    })
    .await;
    assert_eq!(
        typing,
        BackendEvent::Typing {
            name: "Agent Lin".into(),
            active: true
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reads_the_handoff_notice_and_event_and_the_cancel() {
    let (setup, settings) = setup("handoff").await;
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &setup.user);
    let session = adapter.open_conversation(english(None)).await.unwrap();
    adapter
        .request_handoff(
            &session.conversation,
            HandoffRequest {
                reason: HandoffReason::Urgent,
                urgent_topic: Some(UrgentTopic::Fraud),
                locale: "en-US".into(),
                summary: HandoffSummary {
                    language: "en-US".into(),
                    topic: Some("Someone called about my bank card".into()),
                    user_asked: vec!["Is my money safe?".into()],
                    bot_answered: vec!["Never tell anyone your PIN.".into()],
                    recent: Vec::new(),
                    ..HandoffSummary::default()
                },
            },
        )
        .await
        .unwrap();
    adapter.cancel_handoff(&session.conversation).await.unwrap();

    let agent = setup.agents[1].clone();
    let (room, user) = (setup.room.clone(), setup.user.user_id().to_owned());
    let timeline = blocking(move || agent.timeline(&room)).await;
    let from_user: Vec<_> = timeline.iter().filter(|e| e["sender"] == user).collect();
    let notices: Vec<&str> = from_user
        .iter()
        .filter(|e| e["type"] == "m.room.message" && e["content"]["msgtype"] == "m.notice")
        .filter_map(|e| e["content"]["body"].as_str())
        .collect();
    assert_eq!(notices.len(), 2, "{notices:?}");
    for part in [
        "talk to a person",
        "scam or fraud",
        "Someone called about my bank card",
        "Is my money safe?",
        "Never tell anyone your PIN.",
    ] {
        assert!(
            notices[0].contains(part),
            "{part} missing in {}",
            notices[0]
        );
    }
    assert!(
        notices[1].contains("no longer needs a person"),
        "{}",
        notices[1]
    );
    let request = from_user
        .iter()
        .find(|e| e["type"] == HANDOFF_EVENT)
        .expect("the custom handoff event");
    assert_eq!(request["content"]["reason"], "urgent");
    assert_eq!(request["content"]["urgent_topic"], "fraud");
    assert_eq!(
        request["content"]["summary"]["topic"],
        "Someone called about my bank card"
    );
    let cancel = from_user
        .iter()
        .find(|e| e["type"] == HANDOFF_CANCEL_EVENT)
        .expect("the custom cancel event");
    assert_eq!(cancel["content"]["request_event_id"], request["event_id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_sides_queue_event_becomes_a_queue_update() {
    let (setup, mut settings) = setup("queue").await;
    settings.queue_events = true;
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &setup.user);
    assert!(adapter.info().capabilities.queue_position);
    let mut session = adapter.open_conversation(english(None)).await.unwrap();
    let (agent, room) = (setup.agents[0].clone(), setup.room.clone());
    blocking(move || {
        agent.send_event(
            &room,
            QUEUE_EVENT,
            json!({"position": 2, "estimated_wait_secs": 120}),
        )
    })
    .await;
    let update = next_event(&mut session.events, None, "the queue event", |e| {
        matches!(e, BackendEvent::QueueUpdate { .. })
    })
    .await;
    assert_eq!(
        update,
        BackendEvent::QueueUpdate {
            position: Some(2),
            estimated_wait_secs: Some(120)
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_agents_wrote_while_the_adapter_was_gone_arrives_once_in_order() {
    let (setup, settings) = setup("since").await;
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let lin = setup.agents[0].clone();
    let room = setup.room.clone();
    {
        let adapter = matrix_backend(
            quick_matrix_config(settings.clone()),
            &setup.user,
            Arc::clone(&store),
        );
        let mut session = adapter.open_conversation(english(None)).await.unwrap();
        let (writer, room_for) = (lin.clone(), room.clone());
        blocking(move || writer.send_text(&room_for, "before the restart")).await;
        next_event(
            &mut session.events,
            Some(store.as_ref()),
            "the first answer",
            |e| matches!(e, BackendEvent::AgentMessage { .. }),
        )
        .await;
        // The engine stores the checkpoint that follows the message...
        next_event(
            &mut session.events,
            Some(store.as_ref()),
            "its checkpoint",
            |e| matches!(e, BackendEvent::Checkpoint { .. }),
        )
        .await;
        // ...then the adapter and its stream go away, as when the app closes.
    }
    let (writer, room_for) = (lin.clone(), room.clone());
    blocking(move || {
        writer.send_text(&room_for, "while you were away, 1");
        writer.send_text(&room_for, "while you were away, 2");
    })
    .await;
    let adapter = matrix_backend(
        quick_matrix_config(settings),
        &setup.user,
        Arc::clone(&store),
    );
    let mut session = adapter
        .open_conversation(english(Some(warmline_core::ConversationId(room.clone()))))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for _ in 0..2 {
        if let BackendEvent::AgentMessage { text, .. } = next_event(
            &mut session.events,
            Some(store.as_ref()),
            "an answer written while away",
            |e| matches!(e, BackendEvent::AgentMessage { .. }),
        )
        .await
        {
            texts.push(text);
        }
    }
    assert_eq!(texts, ["while you were away, 1", "while you were away, 2"]);
    // Nothing else, and nothing again: the next thing said is the next thing.
    let (writer, room_for) = (lin.clone(), room.clone());
    blocking(move || writer.send_text(&room_for, "and now")).await;
    let next = next_event(
        &mut session.events,
        Some(store.as_ref()),
        "the next answer",
        |e| matches!(e, BackendEvent::AgentMessage { .. }),
    )
    .await;
    assert!(matches!(next, BackendEvent::AgentMessage { text, .. } if text == "and now"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_removed_from_the_support_room_gets_a_clear_refusal() {
    let (setup, settings) = setup("kicked").await;
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &setup.user);
    let mut session = adapter.open_conversation(english(None)).await.unwrap();
    let (agent, room, user) = (
        setup.agents[0].clone(),
        setup.room.clone(),
        setup.user.user_id().to_owned(),
    );
    blocking(move || agent.kick(&room, &user)).await;
    // The stream ends...
    let limit = std::time::Duration::from_secs(60);
    loop {
        match tokio::time::timeout(limit, session.events.recv()).await {
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(_) => panic!("the stream did not end after the kick"),
        }
    }
    // ...sending says the conversation is gone, and opening again is a
    // refusal that names the room, not a network problem to retry.
    let sent = adapter
        .send_message(&session.conversation, message("hello?"))
        .await;
    assert!(
        matches!(sent, Err(BackendError::UnknownConversation(_))),
        "{sent:?}"
    );
    let reopened = adapter
        .open_conversation(english(Some(session.conversation.clone())))
        .await;
    match reopened {
        Err(BackendError::Rejected(text)) => assert!(text.contains("removed"), "{text}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_the_support_account_leaves_a_direct_room_it_continues_in_a_new_one() {
    // (From room version 12 on, the user who created a direct room cannot
    // be removed from it; the support side ends it by leaving.)
    let name = unique("direct-left");
    let (user, support, base_url) = blocking(move || {
        let synapse = Synapse::shared();
        let user = synapse.register(&format!("{name}-user"), "Anna").unwrap();
        let support = synapse
            .register(&format!("{name}-support"), "Support")
            .unwrap();
        (user, support, synapse.base_url())
    })
    .await;
    let settings =
        MatrixSettings::with_support_account(&base_url, user.user_id(), support.user_id());
    let adapter = matrix_backend_in_memory(quick_matrix_config(settings), &user);
    let mut session = adapter.open_conversation(english(None)).await.unwrap();
    let (leaving, room) = (support.clone(), session.conversation.0.clone());
    blocking(move || {
        leaving.join(&room);
        leaving.send_text(&room, "Hello, how can I help?");
        leaving.leave(&room);
    })
    .await;
    next_event(&mut session.events, None, "the greeting", |e| {
        matches!(
            e,
            BackendEvent::AgentMessage { .. } | BackendEvent::BotMessage { .. }
        )
    })
    .await;
    next_event(&mut session.events, None, "the conversation closes", |e| {
        matches!(e, BackendEvent::ConversationClosed)
    })
    .await;
    // After a restart too, the old room is not taken up again.
    let resumed = adapter
        .open_conversation(english(Some(session.conversation.clone())))
        .await;
    assert!(
        matches!(resumed, Err(BackendError::UnknownConversation(_))),
        "{resumed:?}"
    );
    let fresh = adapter.open_conversation(english(None)).await.unwrap();
    assert_ne!(fresh.conversation, session.conversation);
    adapter
        .send_message(&fresh.conversation, message("I am still here"))
        .await
        .unwrap();
    let (reader, room, user_id) = (
        support.clone(),
        fresh.conversation.0.clone(),
        user.user_id().to_owned(),
    );
    let bodies = blocking(move || {
        reader.join(&room);
        reader.message_bodies_from(&room, &user_id)
    })
    .await;
    assert_eq!(bodies, ["I am still here"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_revoked_or_deactivated_sign_in_is_unauthorized_not_a_retry() {
    let (setup, settings) = setup("signin").await;
    let config = quick_matrix_config(settings);
    let with = |secrets: MemorySecrets| {
        MatrixBackend::new(
            config.clone(),
            Arc::new(secrets),
            ResumeState::in_memory(KIND),
        )
    };
    let refused = |result: Result<warmline_core::BackendSession, BackendError>| match result {
        Err(error @ BackendError::Unauthorized(_)) => error,
        other => panic!("expected Unauthorized, got {other:?}"),
    };
    refused(
        with(MemorySecrets::new().with("accessToken", "syt_not_a_token"))
            .open_conversation(english(None))
            .await,
    );
    refused(
        with(MemorySecrets::new().with("password", "not the password"))
            .open_conversation(english(None))
            .await,
    );
    // Another account's token is refused too: it would talk as someone else.
    let other = setup.agents[0].access_token().to_owned();
    refused(
        with(MemorySecrets::new().with("accessToken", other))
            .open_conversation(english(None))
            .await,
    );

    // A token that worked and is revoked (logged out elsewhere).
    let session_user = setup.user.clone();
    let second = blocking(move || session_user.login_again()).await;
    let by_token = with(MemorySecrets::new().with("accessToken", second.access_token()));
    let session = by_token.open_conversation(english(None)).await.unwrap();
    let revoking = second.clone();
    blocking(move || revoking.logout()).await;
    let sent = by_token
        .send_message(&session.conversation, message("hello"))
        .await;
    assert!(
        matches!(sent, Err(BackendError::Unauthorized(_))),
        "{sent:?}"
    );

    // A deactivated account: its password no longer signs in, and the
    // adapter says so rather than retrying.
    let deactivating = setup.user.clone();
    blocking(move || deactivating.deactivate()).await;
    let error = refused(
        with(MemorySecrets::new().with("password", setup.user.password()))
            .open_conversation(english(None))
            .await,
    );
    assert!(error.needs_sign_in());
}

/// Collects everything logged on this thread, at every level.
#[derive(Clone, Default)]
struct LogBuffer(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_password_or_token_reaches_a_log_an_error_or_the_store() {
    // Everything at `trace`, as the app logs with `WARMLINE_LOG=trace`
    // (its secret-safe directives included), `log` records of
    // dependencies (reqwest, hyper) too.
    let _ = tracing_log::LogTracer::init();
    let mut filter = tracing_subscriber::EnvFilter::new("trace");
    for directive in warmline_backends::SECRET_SAFE_LOG_DIRECTIVES {
        filter = filter.add_directive(directive.parse().unwrap());
    }
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // This test's runtime runs on this thread only, so every adapter task
    // logs into the buffer.
    let _guard = tracing::subscriber::set_default(subscriber);

    let (setup, settings) = setup("secrets").await;
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let adapter = matrix_backend(
        quick_matrix_config(settings.clone()),
        &setup.user,
        Arc::clone(&store),
    );
    let mut session = adapter.open_conversation(english(None)).await.unwrap();
    adapter
        .send_message(&session.conversation, message("hello"))
        .await
        .unwrap();
    let (agent, room) = (setup.agents[0].clone(), setup.room.clone());
    blocking(move || agent.send_text(&room, "hi")).await;
    next_event(
        &mut session.events,
        Some(store.as_ref()),
        "the answer",
        |e| matches!(e, BackendEvent::AgentMessage { .. }),
    )
    .await;
    // A token the server refuses, and a password it refuses.
    let revoked = {
        let user = setup.user.clone();
        blocking(move || {
            let second = user.login_again();
            second.logout();
            second.access_token().to_owned()
        })
        .await
    };
    let by_token = MatrixBackend::new(
        quick_matrix_config(settings.clone()),
        Arc::new(MemorySecrets::new().with("accessToken", revoked.clone())),
        ResumeState::in_memory(KIND),
    );
    let token_error = by_token.open_conversation(english(None)).await.unwrap_err();
    let wrong_password = "wrong-horse-battery-staple";
    let by_password = MatrixBackend::new(
        quick_matrix_config(settings),
        Arc::new(MemorySecrets::new().with("password", wrong_password)),
        ResumeState::in_memory(KIND),
    );
    let password_error = by_password
        .open_conversation(english(None))
        .await
        .unwrap_err();

    let mut seen = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    seen.push_str(&format!(
        "{token_error:?} {token_error} {password_error:?} {password_error} {adapter:?} {by_token:?}"
    ));
    seen.push_str(&format!("{:?}", store.load().unwrap()));
    assert!(
        seen.contains("opening the Matrix conversation failed"),
        "logs were captured"
    );
    for secret in [
        setup.user.password(),
        setup.user.access_token(),
        revoked.as_str(),
        wrong_password,
    ] {
        assert!(!seen.contains(secret), "a secret leaked: {secret}");
    }
}
