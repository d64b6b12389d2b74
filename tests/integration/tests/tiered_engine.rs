//! The engine on a tiered backend (the `openai` assistant on a scripted
//! loopback endpoint, the demo as the human tier): a person is one press
//! away even while the bot is in the middle of an answer, urgent words never
//! reach the bot, nothing reaches it after the request, and a failing bot
//! ends in the offer of a person.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_backends::tiered::TieredBackend;
use warmline_core::{
    Author, ConversationSnapshot, EngineConfig, EngineHandle, HandoffReason, HandoffState,
    MemorySecrets, MessageBody, PhraseSet, SupportBackend,
};
use warmline_model_server::{FakeApi, Reply};

fn start(fake: &FakeApi) -> EngineHandle {
    start_with(fake, false)
}

fn start_with(fake: &FakeApi, after_hours: bool) -> EngineHandle {
    let bot = OpenAiBackend::new(
        OpenAiSettings::new(fake.base_url(), "fake-model"),
        Arc::new(MemorySecrets::new()),
    )
    .unwrap();
    let human = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(20),
        queue_start: 1,
        queue_step: Duration::from_millis(50),
        after_hours,
        ..DemoConfig::default()
    });
    let tiered = TieredBackend::new(
        Arc::new(bot),
        Arc::new(human),
        Arc::new(PhraseSet::builtin()),
    );
    EngineHandle::start(
        Arc::new(tiered) as Arc<dyn SupportBackend>,
        EngineConfig::new("en-US"),
    )
}

/// Polls until `done`; the limit is a safety net for a loaded machine.
async fn eventually(
    engine: &EngineHandle,
    what: &str,
    done: impl Fn(&ConversationSnapshot) -> bool,
) -> ConversationSnapshot {
    for _ in 0..2_400 {
        let snapshot = engine.snapshot().await.expect("engine running");
        if done(&snapshot) {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

fn bot_texts(snapshot: &ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter_map(|message| match (&message.author, &message.body) {
            (Author::Bot { name, .. }, MessageBody::Text { text })
                if name == "Automatic assistant" =>
            {
                Some(text.clone())
            }
            _ => None,
        })
        .collect()
}

fn notices(snapshot: &ConversationSnapshot) -> Vec<String> {
    snapshot
        .messages
        .iter()
        .filter_map(|message| match &message.body {
            MessageBody::Notice { notice } => Some(notice.message_id.clone()),
            MessageBody::Text { .. } => None,
        })
        .collect()
}

fn connected(snapshot: &ConversationSnapshot) -> bool {
    matches!(snapshot.handoff, HandoffState::Connected { .. })
}

/// Every user message the endpoint was ever shown.
fn user_words(fake: &FakeApi) -> Vec<String> {
    fake.requests()
        .iter()
        .flat_map(|request| request["messages"].as_array().cloned().unwrap_or_default())
        .filter(|message| message["role"] == "user")
        .filter_map(|message| message["content"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_button_in_the_middle_of_an_answer_reaches_a_person_at_once() {
    // The model writes one sentence, then stalls (for as long as the
    // client waits: a minute by default).
    let fake = FakeApi::start([Reply::StallAfter("Let me look that up for you. ".into())]);
    let engine = start(&fake);
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    // Shown, and the assistant still writing.
    let snapshot = eventually(&engine, "the first sentence", |s| {
        bot_texts(s).len() == 2 && s.typing.is_some()
    })
    .await;
    assert_eq!(bot_texts(&snapshot)[1], "Let me look that up for you.");

    engine.request_person(HandoffReason::Button).await.unwrap();
    let snapshot = eventually(&engine, "a person", connected).await;
    assert_eq!(
        bot_texts(&snapshot).len(),
        2,
        "nothing more of the bot after the press"
    );
    assert!(
        !notices(&snapshot)
            .iter()
            .any(|n| n.starts_with("ai-notice")),
        "no bot notice either"
    );
    // The endpoint still holds the stalled answer: the person did not wait for it.
    assert_eq!(fake.requests().len(), 1);

    engine
        .send_text("It was due on Monday".into())
        .await
        .unwrap();
    eventually(&engine, "the agent's answer", |s| {
        s.messages
            .iter()
            .rev()
            .take(3)
            .any(|m| matches!(m.author, Author::Agent { .. }))
            && s.messages.iter().any(
                |m| matches!(&m.body, MessageBody::Text { text } if text == "It was due on Monday"),
            )
    })
    .await;
    assert_eq!(
        user_words(&fake),
        ["Where is my parcel?"],
        "nothing after the request reached the bot"
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urgent_words_never_reach_the_bot() {
    let fake = FakeApi::start([]);
    let engine = start(&fake);
    eventually(&engine, "the greeting", |s| bot_texts(s).len() == 1).await;
    engine
        .send_text("I've been scammed, they took my savings".into())
        .await
        .unwrap();
    let snapshot = eventually(&engine, "a person", connected).await;
    assert!(
        notices(&snapshot)
            .iter()
            .any(|n| n.starts_with("notice-person-requested")),
        "{:?}",
        notices(&snapshot)
    );
    engine.send_text("Please hurry".into()).await.unwrap();
    eventually(&engine, "sent", |s| {
        s.messages.iter().any(|m| {
            matches!(&m.body, MessageBody::Text { text } if text == "Please hurry")
                && m.delivery == warmline_core::DeliveryState::Sent
        })
    })
    .await;
    assert!(
        fake.requests().is_empty(),
        "the bot was never asked: {:?}",
        fake.requests()
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_request_nothing_goes_to_the_bot_and_the_summary_has_its_answer() {
    let fake = FakeApi::start([Reply::Answer("Your parcel arrives on Monday.".into())]);
    let engine = start(&fake);
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    eventually(&engine, "the answer", |s| bot_texts(s).len() == 2).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    engine
        .send_text("I was not at home on Monday".into())
        .await
        .unwrap();
    engine
        .send_text("Can you deliver on Friday?".into())
        .await
        .unwrap();
    let snapshot = eventually(&engine, "a person, and both messages sent", |s| {
        connected(s)
            && s.messages
                .iter()
                .filter(|m| {
                    m.author == Author::User && m.delivery == warmline_core::DeliveryState::Sent
                })
                .count()
                == 3
    })
    .await;
    assert_eq!(user_words(&fake), ["Where is my parcel?"]);
    assert_eq!(fake.requests().len(), 1);
    // The demo agent repeats the summary's topic: the person got it.
    let agent_said: Vec<_> = snapshot
        .messages
        .iter()
        .filter(|m| matches!(m.author, Author::Agent { .. }))
        .filter_map(|m| match &m.body {
            MessageBody::Text { text } => Some(text.clone()),
            MessageBody::Notice { .. } => None,
        })
        .collect();
    assert!(
        agent_said.iter().any(|t| t.contains("Where is my parcel?")),
        "{agent_said:?}"
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_bot_ends_in_a_calm_notice_and_the_offer_of_a_person() {
    let fake = FakeApi::start([Reply::Status(500), Reply::Status(500)]);
    let engine = start(&fake);
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    let snapshot = eventually(&engine, "the offer", |s| s.person_offered).await;
    let notices = notices(&snapshot);
    assert_eq!(
        notices[notices.len() - 2..],
        ["ai-notice-failed", "notice-offer-person"],
        "{notices:?}"
    );
    assert!(snapshot.typing.is_none(), "no endless typing dots");
    // Accepting the offer reaches a person.
    engine
        .request_person(HandoffReason::BotFailed)
        .await
        .unwrap();
    eventually(&engine, "a person", connected).await;
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_available_offers_the_human_tiers_leave_a_message_path_not_the_bot() {
    let fake = FakeApi::start([Reply::Answer("We open at nine.".into())]);
    let engine = start_with(&fake, true);
    engine
        .send_text("When do you open tomorrow?".into())
        .await
        .unwrap();
    eventually(&engine, "the answer", |s| bot_texts(s).len() == 2).await;
    engine.request_person(HandoffReason::Button).await.unwrap();
    let snapshot = eventually(&engine, "nobody available", |s| {
        matches!(s.handoff, HandoffState::Unavailable)
    })
    .await;
    assert!(
        notices(&snapshot).contains(&"notice-nobody-available-leave-message".to_owned()),
        "{:?}",
        notices(&snapshot)
    );
    engine
        .leave_message("Please call me about my bill".into(), None)
        .await
        .unwrap();
    eventually(&engine, "the message left", |s| {
        matches!(s.handoff, HandoffState::MessageLeft { .. })
    })
    .await;
    assert_eq!(
        user_words(&fake),
        ["When do you open tomorrow?"],
        "the bot did not step in"
    );
    assert_eq!(bot_texts(&engine.snapshot().await.unwrap()).len(), 2);
    engine.shutdown().await;
}
