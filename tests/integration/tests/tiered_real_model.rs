//! The tiered backend with a real model: llama.cpp's server (pinned
//! llama-cpp-python[server]) serving SmolLM2-135M-Instruct on loopback as
//! the bot tier, the demo as the human tier. A small model's words are not
//! judged: the tests check the protocol (an answer arrives, labelled, as
//! text, streamed and whole; the context grows; nothing after the request
//! for a person reaches the model, as the server's request log shows), and
//! the model's summary for the person follows the request with the user's
//! last words as written, and the model's second opinion is a yes, a no or
//! a clean error within its bound.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::mpsc;
use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_backends::tiered::TieredBackend;
use warmline_core::{
    BackendEvent, ConversationOptions, HandoffReason, HandoffRequest, HandoffSummary,
    MemorySecrets, MessageId, OutgoingMessage, PhraseSet, SecondOpinion, SummaryAuthor,
    SummaryLine, SupportBackend, Timestamp,
};
use warmline_model_server::{ModelServer, MODEL};

/// A safety net for a loaded 2-core machine, not a measurement.
const LIMIT: Duration = Duration::from_secs(300);

fn server() -> &'static ModelServer {
    static SERVER: OnceLock<ModelServer> = OnceLock::new();
    SERVER.get_or_init(|| ModelServer::start().expect("the model server starts"))
}

fn tiered(stream: bool) -> TieredBackend {
    let bot = OpenAiBackend::new(
        OpenAiSettings {
            stream,
            ..OpenAiSettings::new(server().base_url(), MODEL)
        },
        Arc::new(MemorySecrets::new()),
    )
    .expect("the assistant");
    let human = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(20),
        queue_start: 1,
        queue_step: Duration::from_millis(50),
        ..DemoConfig::default()
    });
    TieredBackend::new(
        Arc::new(bot),
        Arc::new(human),
        Arc::new(PhraseSet::builtin()),
    )
}

mod conformance {
    use super::*;

    warmline_core::backend_conformance_tests!(async {
        Arc::new(tokio::task::spawn_blocking(|| tiered(true)).await.unwrap())
            as Arc<dyn SupportBackend>
    });
}

fn message(text: &str) -> OutgoingMessage {
    OutgoingMessage {
        id: MessageId::new(),
        text: text.into(),
        written_at: Timestamp::now(),
    }
}

/// The assistant's answer to one message: its pieces, as shown.
async fn answer(events: &mut mpsc::Receiver<BackendEvent>) -> Vec<(String, String)> {
    let mut pieces = Vec::new();
    loop {
        let event = tokio::time::timeout(LIMIT, events.recv())
            .await
            .expect("the model answers")
            .expect("the stream stays open");
        match event {
            BackendEvent::BotMessage { name, text, .. } => pieces.push((name, text)),
            BackendEvent::Typing { active: false, .. } => return pieces,
            BackendEvent::BotTrouble { notice_id } => {
                // A small model may answer in a jumble; that is the notice's
                // job, and still the protocol working. Recorded as such.
                pieces.push(("trouble".into(), notice_id));
                return pieces;
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_model_answers_labelled_as_text_streamed_and_whole_and_its_context_grows() {
    let server = tokio::task::spawn_blocking(server).await.unwrap();
    for stream in [true, false] {
        let backend = tokio::task::spawn_blocking(move || tiered(stream))
            .await
            .unwrap();
        let mut session = backend
            .open_conversation(ConversationOptions {
                locale: "en-US".into(),
                resume: None,
            })
            .await
            .unwrap();
        let greeting = session.events.recv().await;
        assert!(
            matches!(greeting, Some(BackendEvent::BotMessage { ref name, .. }) if name == "Automatic assistant")
        );

        let first = format!(
            "What are your opening hours? ({})",
            if stream { "streamed" } else { "whole" }
        );
        backend
            .send_message(&session.conversation, message(&first))
            .await
            .unwrap();
        let pieces = answer(&mut session.events).await;
        eprintln!("stream {stream}: {pieces:?}");
        assert!(!pieces.is_empty(), "an answer arrives");
        for (name, text) in &pieces {
            assert!(
                name == "Automatic assistant" || name == "trouble",
                "labelled: {name}"
            );
            assert!(!text.trim().is_empty());
        }
        backend
            .send_message(&session.conversation, message("And on Sunday?"))
            .await
            .unwrap();
        answer(&mut session.events).await;

        // This conversation's requests (other tests share the server).
        let requests: Vec<_> = server
            .requests()
            .into_iter()
            .filter(|r| r["messages"][1]["content"] == first.as_str())
            .collect();
        assert_eq!(requests.len(), 2, "one request per message");
        let sizes: Vec<usize> = requests
            .iter()
            .map(|r| r["messages"].as_array().unwrap().len())
            .collect();
        assert_eq!(sizes[0], 2, "system and the question");
        assert!(sizes[1] >= 3, "the context grows: {sizes:?}");
        assert_eq!(requests[0]["stream"], stream);
        assert_eq!(requests[0]["model"], MODEL);

        // A person is requested: nothing after it reaches the model.
        backend
            .request_handoff(
                &session.conversation,
                HandoffRequest {
                    reason: HandoffReason::Button,
                    urgent_topic: None,
                    locale: "en-US".into(),
                    summary: HandoffSummary::default(),
                },
            )
            .await
            .unwrap();
        let secret_words = format!("my account number is 12345 ({stream})");
        backend
            .send_message(&session.conversation, message(&secret_words))
            .await
            .unwrap();
        loop {
            let event = tokio::time::timeout(LIMIT, session.events.recv())
                .await
                .unwrap()
                .unwrap();
            if matches!(event, BackendEvent::AgentJoined { .. }) {
                break;
            }
        }
        eprintln!(
            "the model server's request log, user words: {:?}",
            server.user_words()
        );
        assert!(
            !server.user_words().contains(&secret_words),
            "the model's request log has nothing written after the request"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_models_summary_follows_the_request_with_the_users_last_words_as_written() {
    let model = tokio::task::spawn_blocking(server).await.unwrap();
    let (backend, demo) = tokio::task::spawn_blocking(|| {
        let bot = Arc::new(
            OpenAiBackend::new(
                OpenAiSettings {
                    handoff_summary: true,
                    ..OpenAiSettings::new(server().base_url(), MODEL)
                },
                Arc::new(MemorySecrets::new()),
            )
            .expect("the assistant"),
        );
        let demo = DemoBackend::new(DemoConfig {
            reply_delay: Duration::from_millis(20),
            queue_start: 1,
            queue_step: Duration::from_millis(50),
            ..DemoConfig::default()
        });
        let backend = TieredBackend::new(
            Arc::clone(&bot) as Arc<dyn SupportBackend>,
            Arc::new(demo.clone()),
            Arc::new(PhraseSet::builtin()),
        )
        // Other tests share the server and its one worker: room to queue.
        .with_summary(bot, None, LIMIT);
        (backend, demo)
    })
    .await
    .unwrap();
    let mut session = backend
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: None,
        })
        .await
        .unwrap();
    session.events.recv().await; // the greeting
    let question = "My electricity bill doubled this month, why is that? (summary)";
    backend
        .send_message(&session.conversation, message(question))
        .await
        .unwrap();
    let answered: Vec<String> = answer(&mut session.events)
        .await
        .into_iter()
        .filter(|(name, _)| name != "trouble")
        .map(|(_, text)| text)
        .collect();
    let mut recent = vec![SummaryLine {
        author: SummaryAuthor::User,
        text: question.into(),
    }];
    recent.extend(answered.iter().map(|text| SummaryLine {
        author: SummaryAuthor::Bot,
        text: text.clone(),
    }));
    let summary = HandoffSummary {
        language: "en-US".into(),
        topic: Some(question.into()),
        user_asked: vec![question.into()],
        bot_answered: answered,
        recent,
        matched_rule: None,
        matched_evidence: vec![],
    };
    backend
        .request_handoff(
            &session.conversation,
            HandoffRequest {
                reason: HandoffReason::Button,
                urgent_topic: None,
                locale: "en-US".into(),
                summary,
            },
        )
        .await
        .unwrap();
    let greeting = loop {
        let event = tokio::time::timeout(LIMIT, session.events.recv())
            .await
            .unwrap()
            .unwrap();
        if let BackendEvent::AgentMessage { text, .. } = event {
            break text;
        }
    };
    assert!(greeting.contains(question), "the rule summary: {greeting}");

    let waited = std::time::Instant::now();
    let addition = loop {
        if let Some((_, addition)) = demo.summary_additions().into_iter().next() {
            break addition;
        }
        assert!(waited.elapsed() < LIMIT, "the model's summary arrives");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("the model's summary: {addition:?}");
    assert!(!addition.text.trim().is_empty());
    assert_eq!(addition.language, "en-US");
    assert_eq!(addition.last_words.as_deref(), Some(question), "verbatim");
    let asked: Vec<_> = model
        .requests()
        .into_iter()
        .filter(|r| {
            r["messages"][0]["content"]
                .as_str()
                .is_some_and(|prompt| prompt.contains("agent who takes over"))
                && r["messages"][1]["content"]
                    .as_str()
                    .is_some_and(|chat| chat.contains(&format!("Customer: {question}")))
        })
        .collect();
    assert_eq!(asked.len(), 1, "one summary request, with the conversation");
    assert_eq!(asked[0]["stream"], false);
}

/// The second opinion on the real model. A 135M model's yes or no is not
/// judged (docs/AI-TIER.md has what it answers to the rounds' sentences):
/// each question ends as a yes or a no, or as one of the opinion's own
/// errors (its 4 s bound on a busy machine), and each reached the server
/// once, small and at temperature 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_models_second_opinion_is_a_yes_a_no_or_a_clean_error() {
    let model = tokio::task::spawn_blocking(server).await.unwrap();
    let opinion = OpenAiBackend::new(
        OpenAiSettings::new(model.base_url(), MODEL),
        Arc::new(MemorySecrets::new()),
    )
    .expect("the assistant")
    .second_opinion();
    let questions = [
        "Could I talk this over with one of your staff?",
        "What time does the branch open on Saturday?",
    ];
    for text in questions {
        match opinion.asks_for_person(text).await {
            Ok(asks) => eprintln!("the model's second opinion on {text:?}: {asks}"),
            Err(error) => {
                eprintln!("no second opinion on {text:?}: {error}");
                assert!(
                    error.starts_with("the model gave no second opinion")
                        || error == "the model's second opinion is unreadable",
                    "{error}"
                );
            }
        }
    }
    for text in questions {
        let asked: Vec<_> = model
            .requests()
            .into_iter()
            .filter(|r| {
                r["messages"][1]["content"]
                    .as_str()
                    .is_some_and(|question| question.contains(text))
            })
            .collect();
        assert_eq!(asked.len(), 1, "{text}: asked once, never again");
        assert_eq!(asked[0]["temperature"], 0.0);
        assert_eq!(asked[0]["stream"], false);
        assert!(asked[0]["max_tokens"].as_u64().is_some_and(|n| n <= 8));
    }
}
