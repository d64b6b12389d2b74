//! The model's summary for the person (issue 14, item 4) against the
//! scripted loopback fake of the chat-completions API, the demo as the human
//! tier: a usable summary follows the request with the user's last words
//! quoted as written; a failing, slow, garbled or other-language model
//! leaves the rule-based summary alone, and the request never waits for it.
//! (The real model: tiered_real_model.rs.)

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_backends::tiered::TieredBackend;
use warmline_core::{
    BackendEvent, ConversationOptions, HandoffReason, HandoffRequest, HandoffSummary,
    MemorySecrets, PhraseSet, SummaryAuthor, SummaryLine, SupportBackend,
};
use warmline_model_server::{FakeApi, Reply};

/// A safety net for a loaded machine, not a measurement.
const LIMIT: Duration = Duration::from_secs(120);
const TOPIC: &str = "My card was swallowed by the cash machine";
const LAST_WORDS: &str = "It happened at the station, can someone block it?";

struct Setup {
    backend: TieredBackend,
    demo: DemoBackend,
}

/// The tiered backend on `fake` with the model's summary on, cut off after
/// `bound`; the demo's person joins after one short queue step.
fn setup(fake: &FakeApi, bound: Duration) -> Setup {
    let bot = Arc::new(
        OpenAiBackend::new(
            OpenAiSettings {
                handoff_summary: true,
                // Longer than any bound here: the bound is what cuts.
                request_timeout_secs: 600,
                ..OpenAiSettings::new(fake.base_url(), "fake-model")
            },
            Arc::new(MemorySecrets::new()),
        )
        .unwrap(),
    );
    let demo = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(20),
        queue_start: 1,
        queue_step: Duration::from_millis(300),
        ..DemoConfig::default()
    });
    let backend = TieredBackend::new(
        Arc::clone(&bot) as Arc<dyn SupportBackend>,
        Arc::new(demo.clone()),
        Arc::new(PhraseSet::builtin()),
    )
    .with_summary(bot, None, bound);
    Setup { backend, demo }
}

fn request() -> HandoffRequest {
    let line = |author, text: &str| SummaryLine {
        author,
        text: text.into(),
    };
    HandoffRequest {
        reason: HandoffReason::Button,
        urgent_topic: None,
        locale: "en-US".into(),
        summary: HandoffSummary {
            language: "en-US".into(),
            topic: Some(TOPIC.into()),
            user_asked: vec![TOPIC.into(), LAST_WORDS.into()],
            bot_answered: vec!["Please call your bank's card line.".into()],
            recent: vec![
                line(SummaryAuthor::User, TOPIC),
                line(SummaryAuthor::Bot, "Please call your bank's card line."),
                line(SummaryAuthor::User, LAST_WORDS),
            ],
            matched_rule: None,
            matched_evidence: vec![],
        },
    }
}

/// What the human tier did with the request: the queue it announced (the
/// request reached it), then the agent's greeting.
struct Handled {
    queued: bool,
    greeting: String,
}

async fn until_the_agent_greets(events: &mut mpsc::Receiver<BackendEvent>) -> Handled {
    let mut queued = false;
    loop {
        let event = tokio::time::timeout(LIMIT, events.recv())
            .await
            .expect("the person joins")
            .expect("the stream stays open");
        match event {
            BackendEvent::QueueUpdate { .. } => queued = true,
            BackendEvent::AgentMessage { text, .. } => {
                return Handled {
                    queued,
                    greeting: text,
                }
            }
            _ => {}
        }
    }
}

/// Asks for a person and returns what the human tier did, with how many
/// requests the fake had when the request had gone (the summary's, under way
/// or answered).
async fn ask_for_a_person(setup: &Setup, fake: &FakeApi) -> Handled {
    let mut session = setup
        .backend
        .open_conversation(ConversationOptions {
            locale: "en-US".into(),
            resume: None,
        })
        .await
        .unwrap();
    setup
        .backend
        .request_handoff(&session.conversation, request())
        .await
        .expect("the request goes");
    let handled = until_the_agent_greets(&mut session.events).await;
    assert!(handled.queued, "the request reached the human tier");
    assert!(
        handled.greeting.contains(TOPIC),
        "the rule-based summary reached the person: {}",
        handled.greeting
    );
    // The model was asked beside the request, once (no retry for a summary).
    wait_for(|| !fake.requests().is_empty()).await;
    handled
}

async fn wait_for(done: impl Fn() -> bool) {
    for _ in 0..2_400 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_usable_summary_follows_the_request_with_the_users_last_words_as_written() {
    let note = "The customer's card was swallowed by a cash machine at the station. \
                The assistant advised calling the card line.";
    let fake = FakeApi::start([Reply::Answer(note.into())]);
    let setup = setup(&fake, Duration::from_secs(60));
    ask_for_a_person(&setup, &fake).await;
    wait_for(|| !setup.demo.summary_additions().is_empty()).await;
    let additions = setup.demo.summary_additions();
    assert_eq!(additions.len(), 1, "{additions:?}");
    let addition = &additions[0].1;
    assert_eq!(addition.text, note);
    assert_eq!(addition.language, "en-US");
    assert_eq!(addition.last_words.as_deref(), Some(LAST_WORDS));

    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "one summary request");
    let messages = requests[0]["messages"].as_array().unwrap();
    assert_eq!(messages[0]["role"], "system");
    assert!(messages[0]["content"]
        .as_str()
        .unwrap()
        .contains("Write in English."));
    let chat = messages[1]["content"].as_str().unwrap();
    assert!(chat.contains(&format!("Customer: {LAST_WORDS}")), "{chat}");
    assert_eq!(requests[0]["stream"], false);
    assert_eq!(requests[0]["max_tokens"], 160);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_never_answers_holds_nothing_back_and_is_skipped_after_the_bound() {
    let fake = FakeApi::start([Reply::Hang]);
    let bound = Duration::from_secs(2);
    let setup = setup(&fake, bound);
    // The person joins with the rule-based summary while the model has not
    // written a word: the request did not wait for it.
    ask_for_a_person(&setup, &fake).await;
    assert!(setup.demo.summary_additions().is_empty());
    tokio::time::sleep(bound + Duration::from_secs(1)).await;
    assert!(
        setup.demo.summary_additions().is_empty(),
        "nothing after the bound"
    );
    assert_eq!(fake.requests().len(), 1, "no retry for a summary");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_garbled_or_other_language_model_leaves_the_rule_summary_alone() {
    for reply in [
        Reply::Status(500),
        Reply::Status(429),
        Reply::Answer("@@ ## $$ %% ^^ && ** (( )) !! ~~ ++ == <> ??".into()),
        Reply::Answer("   ".into()),
        Reply::Answer("客户的银行卡被取款机吞了，助手建议打电话给银行。".into()),
    ] {
        let fake = FakeApi::start([reply.clone()]);
        let setup = setup(&fake, Duration::from_secs(60));
        ask_for_a_person(&setup, &fake).await;
        // The fake answered at once; a summary it led to would have been
        // added before the person's greeting, one queue step later. Give it
        // a moment more all the same.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(
            setup.demo.summary_additions().is_empty(),
            "{reply:?} added {:?}",
            setup.demo.summary_additions()
        );
        assert_eq!(fake.requests().len(), 1, "{reply:?}: no retry");
    }
}
