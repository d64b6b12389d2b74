//! The `openai` assistant against a scripted loopback fake of the
//! chat-completions API, for the failures a real model cannot be made to
//! show on demand: a timeout (tried once more), HTTP 429/500, a broken
//! stream, an empty answer, another language, and markup that must stay
//! text. Each failure ends in a calm notice (`BotTrouble`), which the engine
//! turns into the offer of a person (tiered_engine.rs).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_core::{
    BackendEvent, ConversationId, ConversationOptions, MemorySecrets, MessageId, OutgoingMessage,
    SupportBackend, Timestamp,
};
use warmline_model_server::{FakeApi, Reply};

/// A safety net for a loaded machine, not a measurement.
const LIMIT: Duration = Duration::from_secs(120);

struct Bot {
    backend: OpenAiBackend,
    conversation: ConversationId,
    events: mpsc::Receiver<BackendEvent>,
}

async fn bot(fake: &FakeApi, stream: bool, locale: &str) -> Bot {
    let settings = OpenAiSettings {
        stream,
        request_timeout_secs: 1,
        ..OpenAiSettings::new(fake.base_url(), "fake-model")
    };
    let backend = OpenAiBackend::new(settings, Arc::new(MemorySecrets::new()))
        .unwrap()
        .with_retry_pause(Duration::from_millis(10));
    let mut session = backend
        .open_conversation(ConversationOptions {
            locale: locale.into(),
            resume: None,
        })
        .await
        .unwrap();
    // Warmline's own greeting, labelled like every answer.
    match session.events.recv().await {
        Some(BackendEvent::BotMessage { name, text, .. }) => {
            assert!(!text.is_empty());
            if locale == "en-US" {
                assert_eq!(name, "Automatic assistant");
            }
        }
        other => panic!("expected the greeting, got {other:?}"),
    }
    Bot {
        backend,
        conversation: session.conversation,
        events: session.events,
    }
}

impl Bot {
    async fn ask(&mut self, text: &str) -> Vec<BackendEvent> {
        let message = OutgoingMessage {
            id: MessageId::new(),
            text: text.into(),
            written_at: Timestamp::now(),
        };
        self.backend
            .send_message(&self.conversation, message)
            .await
            .unwrap();
        let mut seen = Vec::new();
        loop {
            let event = tokio::time::timeout(LIMIT, self.events.recv())
                .await
                .expect("the assistant ends every answer")
                .expect("the stream stays open");
            let last = matches!(
                event,
                BackendEvent::BotTrouble { .. } | BackendEvent::Typing { active: false, .. }
            );
            seen.push(event);
            if last {
                return seen;
            }
        }
    }
}

fn answers(events: &[BackendEvent]) -> Vec<&str> {
    events
        .iter()
        .filter_map(|event| match event {
            BackendEvent::BotMessage { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn trouble(events: &[BackendEvent]) -> Option<&str> {
    events.iter().find_map(|event| match event {
        BackendEvent::BotTrouble { notice_id } => Some(notice_id.as_str()),
        _ => None,
    })
}

#[tokio::test]
async fn a_model_that_never_answers_is_asked_once_more_then_a_person_is_offered() {
    for stream in [false, true] {
        let fake = FakeApi::start([Reply::Hang, Reply::Hang]);
        let mut bot = bot(&fake, stream, "en-US").await;
        let events = bot.ask("Where is my parcel?").await;
        assert!(
            matches!(events[0], BackendEvent::Typing { active: true, .. }),
            "the assistant is shown writing meanwhile: {events:?}"
        );
        assert_eq!(
            trouble(&events),
            Some("ai-notice-failed"),
            "stream {stream}"
        );
        assert!(answers(&events).is_empty());
        assert_eq!(fake.requests().len(), 2, "one request and one retry");
    }
}

#[tokio::test]
async fn one_timeout_429_or_500_is_retried_and_the_answer_then_shown() {
    for (first, stream) in [
        (Reply::Hang, false),
        (Reply::Status(429), true),
        (Reply::Status(500), false),
        (Reply::Status(503), true),
    ] {
        let fake = FakeApi::start([
            first.clone(),
            Reply::Answer("Your parcel arrives on Monday.".into()),
        ]);
        let mut bot = bot(&fake, stream, "en-US").await;
        let events = bot.ask("Where is my parcel?").await;
        assert_eq!(
            answers(&events),
            ["Your parcel arrives on Monday."],
            "{first:?}"
        );
        assert_eq!(trouble(&events), None);
        assert_eq!(fake.requests().len(), 2);
    }
}

#[tokio::test]
async fn two_failures_or_a_refusal_end_in_the_notice_without_a_third_try() {
    for (script, requests) in [
        (vec![Reply::Status(500), Reply::Status(500)], 2),
        (vec![Reply::Status(429), Reply::Status(429)], 2),
        (vec![Reply::Status(401)], 1),
        (vec![Reply::Status(400)], 1),
    ] {
        let fake = FakeApi::start(script.clone());
        let mut bot = bot(&fake, false, "en-US").await;
        let events = bot.ask("Where is my parcel?").await;
        assert_eq!(trouble(&events), Some("ai-notice-failed"), "{script:?}");
        assert_eq!(fake.requests().len(), requests, "{script:?}");
    }
}

#[tokio::test]
async fn a_broken_stream_ends_in_the_notice() {
    let broken = [
        "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\n\n",
        "data: {\"choices\":[{\"delta\":{\"content\":\"It is on its way\"}}]}\n\n",
        "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n",
        "<html>502 Bad Gateway</html>",
    ];
    for raw in broken {
        let fake = FakeApi::start([Reply::RawStream(raw.into())]);
        let mut bot = bot(&fake, true, "en-US").await;
        let events = bot.ask("Where is my parcel?").await;
        assert_eq!(trouble(&events), Some("ai-notice-failed"), "{raw}");
        assert!(answers(&events).is_empty(), "{raw}");
        assert_eq!(
            fake.requests().len(),
            1,
            "a broken answer is not asked again"
        );
    }
}

#[tokio::test]
async fn an_empty_or_unreadable_answer_or_another_language_is_noticed() {
    for (answer, locale, notice) in [
        ("", "en-US", "ai-notice-unclear"),
        ("   \n  ", "en-US", "ai-notice-unclear"),
        ("#$%^&*(){}[]<>?/|~~~ ::: ;;;", "en-US", "ai-notice-unclear"),
        (
            "Ваша посылка в пути и придёт в понедельник.",
            "en-US",
            "ai-notice-other-language",
        ),
        (
            "Your parcel arrives on Monday.",
            "zh-CN",
            "ai-notice-other-language",
        ),
        ("您的包裹週一到。", "en-US", "ai-notice-other-language"),
    ] {
        for stream in [false, true] {
            let fake = FakeApi::start([Reply::Answer(answer.into())]);
            let mut bot = bot(&fake, stream, locale).await;
            let events = bot.ask("Where is my parcel?").await;
            assert_eq!(
                trouble(&events),
                Some(notice),
                "{answer:?} for {locale}, stream {stream}"
            );
            assert!(answers(&events).is_empty());
        }
    }
}

#[tokio::test]
async fn markup_in_an_answer_arrives_as_the_same_plain_text() {
    let payload = "<script>alert('x')</script> <b>Your parcel</b> is on its way. <img src=x onerror=alert(1)>";
    for stream in [false, true] {
        let fake = FakeApi::start([Reply::Answer(payload.into())]);
        let mut bot = bot(&fake, stream, "en-US").await;
        let events = bot.ask("Where is my parcel?").await;
        assert_eq!(trouble(&events), None);
        // The text is passed on as written, as text: the UI renders it as a
        // text node (never HTML), so the script is shown, not run.
        assert_eq!(answers(&events).join(" "), payload, "stream {stream}");
    }
}

#[tokio::test]
async fn the_context_grows_with_the_conversation_and_a_stream_shows_its_first_sentence_first() {
    let fake = FakeApi::start([
        Reply::Answer("Your parcel left the depot this morning. It arrives on Monday between nine and twelve.".into()),
        Reply::Answer("Yes, the courier will ring.".into()),
    ]);
    let mut bot = bot(&fake, true, "en-US").await;
    let first = bot.ask("Where is my parcel?").await;
    assert_eq!(
        answers(&first),
        [
            "Your parcel left the depot this morning.",
            "It arrives on Monday between nine and twelve."
        ]
    );
    bot.ask("Will they ring the bell?").await;
    let requests = fake.requests();
    let roles = |i: usize| -> Vec<String> {
        requests[i]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(roles(0), ["system", "user"]);
    assert_eq!(roles(1), ["system", "user", "assistant", "user"]);
    assert_eq!(
        requests[1]["messages"][2]["content"],
        "Your parcel left the depot this morning.\n\nIt arrives on Monday between nine and twelve."
    );
    assert_eq!(requests[1]["model"], "fake-model");
    assert_eq!(requests[1]["stream"], true);
}
