//! The Chatwoot adapter against the loopback fake, one test per fact the
//! adapter is built on (docs/CHATWOOT.md). Every test ends by checking that
//! the fake saw nothing the published spec does not allow.

mod chatwoot_support;

use std::sync::Arc;
use std::time::Duration;

use chatwoot_support::*;
use warmline_backends::chatwoot::{identifier_hash, HMAC_TOKEN_SECRET};
use warmline_chatwoot_fake::{ChatwootFake, FakeConfig};
use warmline_core::{
    BackendError, BackendEvent, ConversationStore, HandoffReason, HandoffRequest, HandoffSummary,
    MemorySecrets, MemoryStore, SecretError, SecretSource, SupportBackend,
};
use warmline_netfault::FaultProxy;

fn conversation_number(session: &warmline_core::BackendSession) -> u64 {
    session
        .conversation
        .0
        .parse()
        .expect("a Chatwoot display id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reply_arrives_with_the_agents_name_and_a_bot_reply_as_the_bot() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    fake.bot_reply(number, "Hello, I am the helper bot.");
    assert!(matches!(
        next_event(&mut session).await,
        Some(BackendEvent::BotMessage { text, .. }) if text == "Hello, I am the helper bot."
    ));
    fake.agent_reply(number, "Ann Wong", "Hello, this is Ann.");
    assert_eq!(
        next_event(&mut session).await,
        Some(BackendEvent::AgentJoined {
            name: "Ann Wong".into()
        })
    );
    assert_eq!(
        next_event(&mut session).await,
        Some(BackendEvent::AgentMessage {
            name: "Ann Wong".into(),
            text: "Hello, this is Ann.".into()
        })
    );
    fake.agent_reply(number, "Ann Wong", "Still here.");
    assert!(matches!(
        next_event(&mut session).await,
        Some(BackendEvent::AgentMessage { text, .. }) if text == "Still here."
    ));
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_contact_is_created_once_and_survives_an_app_restart() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let secrets = Arc::new(MemorySecrets::new());
    let first = backend_with(
        quick_config(&fake.url()),
        Arc::clone(&store),
        secrets.clone(),
    );
    let session = first.open_conversation(options(None)).await.unwrap();
    first
        .send_message(&session.conversation, message("Before the restart"))
        .await
        .unwrap();
    drop(first);
    let again = backend_with(quick_config(&fake.url()), Arc::clone(&store), secrets);
    let resumed = again
        .open_conversation(options(Some(&session)))
        .await
        .unwrap();
    assert_eq!(resumed.conversation, session.conversation);
    again
        .send_message(&resumed.conversation, message("After the restart"))
        .await
        .unwrap();
    let stored = store.load().unwrap();
    assert!(
        stored.resume.contains_key("chatwoot/contact"),
        "{:?}",
        stored.resume.keys()
    );
    // One contact: both messages are in the one conversation.
    let sent = fake.contact_messages();
    assert_eq!(sent.len(), 2);
    assert!(sent
        .iter()
        .all(|m| m.conversation == conversation_number(&session)));
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_is_proven_with_the_inbox_hmac_and_a_wrong_token_is_refused() {
    let fake = ChatwootFake::start(FakeConfig {
        hmac_mandatory: true,
        ..fake_config()
    })
    .await
    .unwrap();
    let mut config = quick_config(&fake.url());
    config.contact_identifier = "customer-1042".into();
    let right = Arc::new(MemorySecrets::new().with(HMAC_TOKEN_SECRET, "fake-inbox-hmac-token"));
    let good = backend_with(config.clone(), Arc::new(MemoryStore::new()), right);
    good.open_conversation(options(None))
        .await
        .expect("a right HMAC is accepted");

    let wrong = Arc::new(MemorySecrets::new().with(HMAC_TOKEN_SECRET, "not-the-token"));
    let refused = backend_with(config.clone(), Arc::new(MemoryStore::new()), wrong);
    let error = refused.open_conversation(options(None)).await.unwrap_err();
    assert!(error.needs_sign_in(), "{error:?}");

    let none = backend_with(
        config.clone(),
        Arc::new(MemoryStore::new()),
        Arc::new(MemorySecrets::new()),
    );
    let error = none.open_conversation(options(None)).await.unwrap_err();
    assert!(
        error.needs_sign_in(),
        "a mandatory HMAC with no token entered: {error:?}"
    );

    struct Locked;
    impl SecretSource for Locked {
        fn secret(&self, _: &str) -> Result<warmline_core::Secret, SecretError> {
            Err(SecretError::Locked)
        }
    }
    let locked = backend_with(config, Arc::new(MemoryStore::new()), Arc::new(Locked));
    let error = locked.open_conversation(options(None)).await.unwrap_err();
    assert!(
        matches!(error, BackendError::CredentialsUnavailable(_)),
        "{error:?}"
    );
    assert!(error.is_transient());
    assert_eq!(identifier_hash("fake-inbox-hmac-token", "x").len(), 64);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_agents_wrote_while_the_socket_was_down_arrives_once_in_order_after_reconnect() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    fake.agent_reply(number, "Ann", "reply 00");
    assert!(matches!(
        next_event(&mut session).await,
        Some(BackendEvent::AgentJoined { .. })
    ));
    assert!(matches!(
        next_event(&mut session).await,
        Some(BackendEvent::AgentMessage { .. })
    ));
    // The socket drops while HTTP works; agents write on: more than two
    // pages of 20, so the catch-up pages back with `before`.
    fake.drop_sockets();
    stream_ends(&mut session).await;
    for i in 1..=45 {
        fake.agent_reply(number, "Ann", &format!("reply {i:02}"));
    }
    let mut resumed = backend
        .open_conversation(options(Some(&session)))
        .await
        .unwrap();
    fake.agent_reply(number, "Ann", "reply 46");
    let mut texts = Vec::new();
    while texts.len() < 46 {
        match next_event(&mut resumed).await {
            Some(BackendEvent::AgentMessage { text, .. }) => texts.push(text),
            Some(other) => panic!("unexpected {other:?}"),
            None => panic!("the stream ended"),
        }
    }
    let expected: Vec<String> = (1..=46).map(|i| format!("reply {i:02}")).collect();
    assert_eq!(texts, expected);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_an_ambiguous_failure_the_conversation_is_read_back_and_nothing_is_sent_twice() {
    let mut fake = ChatwootFake::start(fake_config()).await.unwrap();
    let store: Arc<dyn ConversationStore> = Arc::new(MemoryStore::new());
    let secrets = Arc::new(MemorySecrets::new());
    let backend = backend_with(
        quick_config(&fake.url()),
        Arc::clone(&store),
        secrets.clone(),
    );
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    // With the socket down, echo_id never comes back: only reading the
    // conversation back can tell.
    fake.drop_sockets();
    stream_ends(&mut session).await;
    let same_text = message("yes");
    backend
        .send_message(&session.conversation, message("yes"))
        .await
        .unwrap();
    fake.vanish_next_sends(1);
    let error = backend
        .send_message(&session.conversation, same_text.clone())
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    // The app restarts before trying again.
    drop(backend);
    let again = backend_with(quick_config(&fake.url()), store, secrets);
    let receipt = again
        .send_message(&session.conversation, same_text.clone())
        .await
        .unwrap();
    assert!(receipt.duplicate, "{receipt:?}");
    let texts: Vec<String> = fake
        .contact_messages()
        .into_iter()
        .map(|m| m.content)
        .collect();
    assert_eq!(texts, ["yes", "yes"], "the same words twice, each once");
    // A message that never reached Chatwoot is posted on the retry.
    fake.stop().await;
    let lost = message("lost on the way");
    assert!(again
        .send_message(&session.conversation, lost.clone())
        .await
        .is_err());
    fake.start_again().await.unwrap();
    let receipt = again
        .send_message(&session.conversation, lost)
        .await
        .unwrap();
    assert!(!receipt.duplicate);
    assert_eq!(fake.contact_messages().len(), 3);
    // echo_id travelled with every post, and GETs never showed it.
    assert!(fake.contact_messages().iter().all(|m| m.echo_id.is_some()));
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_on_the_socket_settles_a_send_whose_answer_was_lost() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let outgoing = message("Where is my parcel?");
    fake.vanish_next_sends(1);
    assert!(backend
        .send_message(&session.conversation, outgoing.clone())
        .await
        .is_err());
    // The echo's cursor checkpoint shows the socket delivered it.
    loop {
        match tokio::time::timeout(LIMIT, session.events.recv())
            .await
            .unwrap()
        {
            Some(BackendEvent::Checkpoint { .. }) => break,
            Some(_) => continue,
            None => panic!("the stream ended"),
        }
    }
    let receipt = backend
        .send_message(&session.conversation, outgoing)
        .await
        .unwrap();
    assert!(receipt.duplicate);
    assert_eq!(fake.contact_messages().len(), 1);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_resolve_closes_the_session_and_the_next_message_reopens_the_same_conversation() {
    let fake = ChatwootFake::start(FakeConfig {
        auto_resolve_after: Some(Duration::from_millis(300)),
        ..fake_config()
    })
    .await
    .unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    assert_eq!(
        next_event(&mut session).await,
        Some(BackendEvent::ConversationClosed)
    );
    assert_eq!(fake.status(number).as_deref(), Some("resolved"));
    // The engine opens again without resume: it gets the same conversation.
    let continued = backend.open_conversation(options(None)).await.unwrap();
    assert_eq!(continued.conversation, session.conversation);
    backend
        .send_message(&continued.conversation, message("Are you there?"))
        .await
        .unwrap();
    assert_eq!(fake.status(number).as_deref(), Some("open"));
    assert_eq!(fake.conversations(), [number]);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbox_without_messages_after_resolve_gets_a_new_conversation() {
    let fake = ChatwootFake::start(FakeConfig {
        allow_messages_after_resolved: false,
        ..fake_config()
    })
    .await
    .unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    fake.set_status(number, "resolved");
    assert_eq!(
        next_event(&mut session).await,
        Some(BackendEvent::ConversationClosed)
    );
    let continued = backend.open_conversation(options(None)).await.unwrap();
    let error = backend
        .send_message(&continued.conversation, message("Hello?"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, BackendError::UnknownConversation(_)),
        "{error:?}"
    );
    let fresh = backend.open_conversation(options(None)).await.unwrap();
    assert_ne!(fresh.conversation, session.conversation);
    backend
        .send_message(&fresh.conversation, message("Hello?"))
        .await
        .unwrap();
    assert_eq!(fake.contact_messages().len(), 1);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_heartbeats_flow_while_open_and_typing_goes_both_ways() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    until("three presence heartbeats after the subscription", || {
        fake.presence_updates() >= 4
    })
    .await;
    fake.agent_typing(number, "Ann", true);
    assert_eq!(
        next_event(&mut session).await,
        Some(BackendEvent::Typing {
            name: "Ann".into(),
            active: true
        })
    );
    backend
        .set_user_typing(&session.conversation, true)
        .await
        .unwrap();
    backend
        .set_user_typing(&session.conversation, false)
        .await
        .unwrap();
    assert_eq!(fake.contact_typing(), [(number, true), (number, false)]);
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_socket_is_given_up_and_a_cut_one_ends_the_stream() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let proxy = FaultProxy::start(fake.addr()).await.unwrap();
    let url = format!("http://{}", proxy.addr());
    let backend = backend(&url);
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    proxy.stall();
    stream_ends(&mut session).await;
    proxy.resume();
    let mut again = backend
        .open_conversation(options(Some(&session)))
        .await
        .unwrap();
    proxy.cut();
    stream_ends(&mut again).await;
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talk_to_a_person_without_a_bot_posts_the_request_for_the_agents_in_their_language() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let mut config = quick_config(&fake.url());
    config.agent_locale = "zh-CN".into();
    let backend = backend_with(
        config,
        Arc::new(MemoryStore::new()),
        Arc::new(MemorySecrets::new()),
    );
    let session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    assert_eq!(
        fake.status(number).as_deref(),
        Some("open"),
        "no bot: open for people"
    );
    backend
        .request_handoff(
            &session.conversation,
            HandoffRequest {
                reason: HandoffReason::Button,
                urgent_topic: None,
                locale: "en-US".into(),
                summary: HandoffSummary {
                    topic: Some("My card was charged twice".into()),
                    ..HandoffSummary::default()
                },
            },
        )
        .await
        .unwrap();
    let posted = fake.contact_messages();
    let request = &posted.last().expect("the request was posted").content;
    assert!(request.contains("客户想和真人客服说话"), "{request}");
    assert!(request.contains("My card was charged twice"), "{request}");
    assert!(request.ends_with("[warmline:handoff]"), "{request}");
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_contact_websocket_or_a_dead_server_is_an_error_not_a_hang() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let url = fake.url();
    let mut fake = fake;
    fake.stop().await;
    let backend = backend(&url);
    let error = backend.open_conversation(options(None)).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    fake.start_again().await.unwrap();
    backend
        .open_conversation(options(None))
        .await
        .expect("works once the server is back");
    assert_spec_kept(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_written_while_the_socket_was_down_is_not_skipped_by_a_later_post() {
    let fake = ChatwootFake::start(fake_config()).await.unwrap();
    let backend = backend(&fake.url());
    let mut session = backend.open_conversation(options(None)).await.unwrap();
    let number = conversation_number(&session);
    fake.drop_sockets();
    stream_ends(&mut session).await;
    // The reply has a lower id than the user's next message, which the
    // adapter learns of from the post's answer.
    fake.agent_reply(number, "Ann", "Written while you were away");
    backend
        .send_message(&session.conversation, message("Hello?"))
        .await
        .unwrap();
    let mut resumed = backend
        .open_conversation(options(Some(&session)))
        .await
        .unwrap();
    assert!(matches!(
        next_event(&mut resumed).await,
        Some(BackendEvent::AgentJoined { .. })
    ));
    assert!(matches!(
        next_event(&mut resumed).await,
        Some(BackendEvent::AgentMessage { text, .. }) if text == "Written while you were away"
    ));
    assert_spec_kept(&fake);
}
