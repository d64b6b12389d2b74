use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use warmline_core::{
    BackendEvent, ConversationOptions, HandoffReason, HandoffRequest, HandoffSummary, LeftMessage,
    MessageId, OutgoingMessage, SupportBackend, Timestamp,
};
use warmline_i18n::{Localizer, SUPPORTED_LOCALES};

use super::{faq, DemoBackend, DemoConfig};

warmline_core::backend_conformance_tests!(async {
    Arc::new(DemoBackend::new(fast())) as Arc<dyn SupportBackend>
});

fn fast() -> DemoConfig {
    DemoConfig {
        reply_delay: Duration::from_millis(1),
        queue_start: 3,
        queue_step: Duration::from_millis(5),
        after_hours: false,
        idle_close: None,
    }
}

/// A press of "Talk to a person" in English, with the summary's topic.
fn button_request(topic: Option<&str>) -> HandoffRequest {
    HandoffRequest {
        reason: HandoffReason::Button,
        urgent_topic: None,
        locale: "en-US".into(),
        summary: HandoffSummary {
            topic: topic.map(str::to_owned),
            ..HandoffSummary::default()
        },
    }
}

fn options(locale: &str) -> ConversationOptions {
    ConversationOptions {
        locale: locale.to_owned(),
        resume: None,
    }
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.to_owned(),
        written_at: Timestamp::now(),
    }
}

/// The next event that is not a typing indicator.
async fn next_said(events: &mut mpsc::Receiver<BackendEvent>) -> BackendEvent {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(600), events.recv())
            .await
            .expect("the demo went quiet")
            .expect("the demo closed its stream");
        if !matches!(event, BackendEvent::Typing { .. }) {
            return event;
        }
    }
}

fn bot_text(event: BackendEvent) -> String {
    match event {
        BackendEvent::BotMessage { text, .. } => text,
        other => panic!("expected a bot message, got {other:?}"),
    }
}

#[tokio::test]
async fn greets_in_the_ui_language() {
    let demo = DemoBackend::new(fast());
    let mut session = demo.open_conversation(options("zh-TW")).await.unwrap();
    let welcome = bot_text(next_said(&mut session.events).await);
    assert_eq!(
        welcome,
        Localizer::new("zh-TW").format("demo-bot-welcome", None)
    );
}

#[tokio::test]
async fn answers_in_the_language_the_user_writes_in() {
    let demo = DemoBackend::new(fast());
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    next_said(&mut session.events).await; // welcome

    demo.send_message(&session.conversation, message("我的快递到哪里了"))
        .await
        .unwrap();
    let reply = bot_text(next_said(&mut session.events).await);
    assert_eq!(
        reply,
        Localizer::new("zh-CN").format("demo-faq-delivery", None)
    );
    assert!(reply.contains("包裹"), "{reply}");

    demo.send_message(&session.conversation, message("Where is my parcel?"))
        .await
        .unwrap();
    let reply = bot_text(next_said(&mut session.events).await);
    assert_eq!(
        reply,
        Localizer::new("en-US").format("demo-faq-delivery", None)
    );

    demo.send_message(&session.conversation, message("我的包裹到哪裡了"))
        .await
        .unwrap();
    let reply = bot_text(next_said(&mut session.events).await);
    assert_eq!(
        reply,
        Localizer::new("zh-TW").format("demo-faq-delivery", None)
    );
}

#[tokio::test]
async fn says_plainly_when_it_does_not_understand() {
    let demo = DemoBackend::new(fast());
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    next_said(&mut session.events).await;
    demo.send_message(&session.conversation, message("purple elephants sing"))
        .await
        .unwrap();
    let reply = bot_text(next_said(&mut session.events).await);
    assert!(
        reply.starts_with("I am sorry, I did not understand"),
        "{reply}"
    );
    assert!(reply.contains("Talk to a person"), "{reply}");
}

#[tokio::test(start_paused = true)]
async fn the_queue_counts_down_then_a_named_demo_agent_joins_and_answers() {
    let demo = DemoBackend::new(DemoConfig {
        queue_step: Duration::from_secs(5),
        ..fast()
    });
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    next_said(&mut session.events).await;
    let asked_at = tokio::time::Instant::now();
    demo.request_handoff(
        &session.conversation,
        button_request(Some("My bill is wrong")),
    )
    .await
    .unwrap();

    for expected in [3, 2, 1] {
        match next_said(&mut session.events).await {
            BackendEvent::QueueUpdate {
                position,
                estimated_wait_secs,
            } => {
                assert_eq!(position, Some(expected));
                assert_eq!(estimated_wait_secs, Some(5 * expected), "step × position");
            }
            other => panic!("expected queue position {expected}, got {other:?}"),
        }
    }
    assert_eq!(
        next_said(&mut session.events).await,
        BackendEvent::AgentJoined { name: "Mei".into() }
    );
    // Three steps of five seconds on the paused clock: the countdown is paced.
    assert!(asked_at.elapsed() >= Duration::from_secs(15));
    match next_said(&mut session.events).await {
        BackendEvent::AgentMessage { name, text } => {
            assert_eq!(name, "Mei");
            assert!(text.contains("Mei"), "{text}");
            // The agent's first words show it received the summary.
            assert!(text.contains("My bill is wrong"), "{text}");
        }
        other => panic!("expected the agent's greeting, got {other:?}"),
    }

    // Once connected, the agent (not the bot) answers.
    demo.send_message(&session.conversation, message("My bill is wrong"))
        .await
        .unwrap();
    assert!(matches!(
        next_said(&mut session.events).await,
        BackendEvent::AgentMessage { .. }
    ));

    demo.cancel_handoff(&session.conversation).await.unwrap();
    assert_eq!(
        next_said(&mut session.events).await,
        BackendEvent::AgentLeft { name: "Mei".into() }
    );
}

#[tokio::test(start_paused = true)]
async fn cancelling_while_queued_stops_the_countdown() {
    let demo = DemoBackend::new(fast());
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    next_said(&mut session.events).await;
    let request = button_request(None);
    demo.request_handoff(&session.conversation, request)
        .await
        .unwrap();
    assert!(matches!(
        next_said(&mut session.events).await,
        BackendEvent::QueueUpdate {
            position: Some(3),
            ..
        }
    ));
    demo.cancel_handoff(&session.conversation).await.unwrap();
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(
        session.events.try_recv().is_err(),
        "nothing may arrive after cancelling"
    );
}

#[tokio::test]
async fn a_resumed_conversation_keeps_its_id_and_receives_new_events() {
    let demo = DemoBackend::new(fast());
    let first = demo.open_conversation(options("en-US")).await.unwrap();
    drop(first.events);
    let mut resumed = demo
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: Some(first.conversation.clone()),
        })
        .await
        .unwrap();
    assert_eq!(resumed.conversation, first.conversation);
    demo.send_message(&resumed.conversation, message("hello"))
        .await
        .unwrap();
    let reply = bot_text(next_said(&mut resumed.events).await);
    assert_eq!(
        reply,
        Localizer::new("en-US").format("demo-faq-greeting", None)
    );
}

#[test]
fn every_demo_sentence_exists_in_every_locale() {
    let mut ids: Vec<&str> = faq::all_answers().collect();
    ids.extend([
        "demo-bot-name",
        "demo-agent-name",
        "demo-bot-welcome",
        "demo-bot-not-understood",
        "demo-agent-greeting",
        "demo-agent-greeting-topic",
        "demo-agent-reply",
    ]);
    for locale in SUPPORTED_LOCALES {
        let localizer = Localizer::new(locale);
        for id in &ids {
            let text = localizer.format(id, None);
            assert_ne!(&text, id, "{locale} lacks {id}");
        }
    }
}

#[tokio::test]
async fn after_hours_nobody_comes_but_a_message_can_be_left() {
    let demo = DemoBackend::new(DemoConfig {
        after_hours: true,
        ..fast()
    });
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    next_said(&mut session.events).await;
    demo.request_handoff(&session.conversation, button_request(None))
        .await
        .unwrap();
    assert_eq!(
        next_said(&mut session.events).await,
        BackendEvent::HandoffUnavailable {
            can_leave_message: true
        }
    );
    let receipt = demo
        .leave_message(
            &session.conversation,
            LeftMessage {
                id: MessageId::new(),
                text: "Please call me".into(),
                callback: None,
                summary: HandoffSummary::default(),
            },
        )
        .await
        .unwrap();
    assert!(
        receipt.reference.starts_with("DEMO-"),
        "{}",
        receipt.reference
    );
}

#[tokio::test(start_paused = true)]
async fn an_idle_conversation_is_closed_and_forgotten_but_activity_keeps_it_open() {
    let demo = DemoBackend::new(DemoConfig {
        idle_close: Some(Duration::from_secs(300)),
        ..fast()
    });
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    let _welcome = next_said(&mut session.events).await;
    // A message four minutes in resets the clock: still open at minute eight.
    tokio::time::sleep(Duration::from_secs(240)).await;
    demo.send_message(&session.conversation, message("hello"))
        .await
        .unwrap();
    let _answer = next_said(&mut session.events).await;
    tokio::time::sleep(Duration::from_secs(240)).await;
    demo.send_message(&session.conversation, message("still here"))
        .await
        .expect("activity keeps the conversation open");
    let _answer = next_said(&mut session.events).await;

    let closed = next_said(&mut session.events).await;
    assert!(
        matches!(closed, BackendEvent::ConversationClosed),
        "{closed:?}"
    );
    let error = demo
        .send_message(&session.conversation, message("are you there?"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, warmline_core::BackendError::UnknownConversation(_)),
        "{error:?}"
    );
    let resumed = demo
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: Some(session.conversation.clone()),
        })
        .await
        .unwrap();
    assert_ne!(resumed.conversation, session.conversation);
    // The continued conversation does not greet the user a second time.
    let mut resumed = resumed;
    demo.send_message(&resumed.conversation, message("hello"))
        .await
        .unwrap();
    let first = bot_text(next_said(&mut resumed.events).await);
    assert_eq!(
        first,
        Localizer::new("en-US").format("demo-faq-greeting", None)
    );
}

/// The demo's side of the stream checks: one demo service shared by every
/// adapter the checks start (clones share their conversations, as two
/// starts of the app share one real service).
struct DemoHarness {
    demo: DemoBackend,
    welcome: String,
}

#[async_trait::async_trait]
impl warmline_core::stream_conformance::StreamHarness for DemoHarness {
    async fn backend(&self, _resume: warmline_core::ResumeState) -> Arc<dyn SupportBackend> {
        Arc::new(self.demo.clone())
    }

    async fn cut_connection(&self) {
        self.demo.cut_connections();
    }

    async fn support_writes(&self, conversation: &warmline_core::ConversationId, text: &str) {
        self.demo
            .agent_writes(conversation, text)
            .expect("a conversation the demo knows");
    }

    fn answers(&self, _sent: &str, event: &BackendEvent) -> bool {
        matches!(event, BackendEvent::BotMessage { text, .. } if *text != self.welcome)
    }
}

mod stream {
    use super::*;
    warmline_core::stream_conformance_tests!(Arc::new(DemoHarness {
        demo: DemoBackend::new(fast()),
        welcome: Localizer::new("en-US").format("demo-bot-welcome", None),
    }));
}

/// Issue 9, item 3: a request for a person in words is not a question.
#[tokio::test]
async fn a_request_for_a_person_in_words_is_not_answered_as_a_question() {
    let demo = DemoBackend::new(fast());
    for (locale, request, next, answer) in [
        ("en-US", "I want a human", "hello", "demo-faq-greeting"),
        ("zh-CN", "转人工", "我的快递到哪里了", "demo-faq-delivery"),
        (
            "zh-TW",
            "我要真人客服",
            "我的包裹到哪裡了",
            "demo-faq-delivery",
        ),
    ] {
        let mut session = demo.open_conversation(options(locale)).await.unwrap();
        next_said(&mut session.events).await; // welcome
        demo.send_message(&session.conversation, message(request))
            .await
            .unwrap();
        demo.send_message(&session.conversation, message(next))
            .await
            .unwrap();
        // The demo answers in order: the first thing it says after the
        // request is the answer to the next question, not "did not understand".
        let reply = bot_text(next_said(&mut session.events).await);
        assert_eq!(
            reply,
            Localizer::new(locale).format(answer, None),
            "{request:?} was answered"
        );
    }
}

/// Issue 9, item 8: after an idle close the user keeps their place and is
/// not welcomed a second time.
#[tokio::test(start_paused = true)]
async fn after_an_idle_close_the_user_keeps_their_place_in_the_queue_and_is_not_greeted_again() {
    let demo = DemoBackend::new(DemoConfig {
        queue_start: 3,
        queue_step: Duration::from_secs(200),
        idle_close: Some(Duration::from_secs(300)),
        ..fast()
    });
    let mut session = demo.open_conversation(options("en-US")).await.unwrap();
    let _welcome = next_said(&mut session.events).await;
    demo.request_handoff(&session.conversation, button_request(Some("my bill")))
        .await
        .unwrap();
    let mut positions = Vec::new();
    loop {
        match next_said(&mut session.events).await {
            BackendEvent::QueueUpdate { position, .. } => positions.push(position),
            BackendEvent::ConversationClosed => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(
        positions,
        [Some(3), Some(2)],
        "moved up once before the close"
    );

    // The engine opens a new conversation and asks for the person again.
    let mut next = demo.open_conversation(options("en-US")).await.unwrap();
    demo.request_handoff(&next.conversation, button_request(Some("my bill")))
        .await
        .unwrap();
    match next_said(&mut next.events).await {
        BackendEvent::QueueUpdate { position, .. } => {
            assert_eq!(
                position,
                Some(2),
                "the same place, not the back of the queue"
            )
        }
        other => panic!("expected the queue place first (no second welcome), got {other:?}"),
    }
}

/// Issue 9, item 8: misspellings and short forms, and what to do about a high bill.
#[test]
fn tolerates_misspellings_and_says_what_to_do_about_a_high_bill() {
    for (text, expected) in [
        ("my bil is to hi", "demo-faq-bill-too-high"),
        ("my bill is too high", "demo-faq-bill-too-high"),
        ("my bill is wrong, too much", "demo-faq-bill-too-high"),
        ("i forgot my pasword", "demo-faq-password"),
        ("wheres my parcle", "demo-faq-delivery"),
        ("how much is my bil", "demo-faq-balance"),
        ("我的账单太高了", "demo-faq-bill-too-high"),
        ("hi", "demo-faq-greeting"),
    ] {
        assert_eq!(faq::answer_for(text), Some(expected), "{text:?}");
    }
    for locale in SUPPORTED_LOCALES {
        let answer = Localizer::new(locale).format("demo-faq-bill-too-high", None);
        assert!(
            answer.contains("Talk to a person") || answer.contains("找真人客服"),
            "{locale}: the answer says what to do: {answer}"
        );
    }
}
