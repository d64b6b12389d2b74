//! Issue 14 in the real app: a tiered profile, a real local model
//! (llama.cpp's server with SmolLM2-135M-Instruct, `tests/model-server`)
//! answering first and the demo's people behind it. The user asks, an
//! answer labelled as automatic arrives; "Talk to a person": the demo agent
//! joins and quotes the summary; nothing the user wrote after the request
//! reached the model, read from the model server's request log. The
//! profile lets the model write its summary for the person too: the one
//! request after the request for a person is that summary's, and it holds
//! only what was written before.

use warmline_backends::openai::OpenAiSettings;
use warmline_backends::profile::{BackendProfile, BackendSettings, DemoSettings, ProfileId};
use warmline_backends::tiered::TieredSettings;
use warmline_e2e::profile_setup::Caregiver;
use warmline_e2e::transcript::MESSAGE_WAIT;
use warmline_e2e::transcript::{messages, send, wait_for_message};
use warmline_e2e::wait_until;
use warmline_model_server::{ModelServer, MODEL};

const QUESTION: &str = "What time does the shop open on Monday?";
const AFTER_REQUEST: &str = "I am still here waiting for someone";
const AFTER_JOIN: &str = "Thank you for taking my call";

/// True for the model's summary request (its system prompt), as opposed
/// to a request for an answer.
fn is_summary_request(request: &serde_json::Value) -> bool {
    request["messages"][0]["content"]
        .as_str()
        .is_some_and(|prompt| prompt.contains("agent who takes over"))
}

/// The user contents of one request, as the model saw them.
fn user_contents(request: &serde_json::Value) -> Vec<String> {
    request["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|message| message["role"] == "user")
        .filter_map(|message| message["content"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn the_model_answers_first_a_person_takes_over_and_nothing_after_the_request_reaches_the_model() {
    let started = std::time::Instant::now();
    let model = ModelServer::start().expect("the real model server (tests/model-server)");
    let profile = BackendProfile {
        id: ProfileId("tiered-e2e".into()),
        name: "My shop".into(),
        backend: BackendSettings::Tiered(TieredSettings {
            bot: OpenAiSettings {
                base_url: model.base_url(),
                model: MODEL.into(),
                system_prompt: String::new(),
                stream: true,
                context_chars: 6000,
                request_timeout_secs: 120,
                assistant_name: "Shop helper".into(),
                handoff_summary: true,
                summary_language: String::new(),
                second_opinion: true,
            },
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        }),
    };
    let mut caregiver = Caregiver::new();
    let app = caregiver.set_up_profile(
        &profile,
        &[("apiKey", "local-model-key-e2e-never-logged")],
        &[
            ("WARMLINE_LOCALE", "en-US"),
            ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
            ("WARMLINE_DEMO_QUEUE_STEP_MS", "1500"),
        ],
    );
    app.wait_for_attribute("data-connection", "online");
    send(&app, QUESTION);
    wait_until(MESSAGE_WAIT, "the model's answer", || {
        let user_words = model.user_words();
        let answered = user_words.iter().any(|w| w.contains(QUESTION));
        let bots = messages(&app, "bot")?;
        // The greeting is a bot message too; an answer comes after the
        // question reached the model.
        match bots
            .iter()
            .rev()
            .find(|text| !text.contains("not a person"))
        {
            Some(text) if answered && !text.trim().is_empty() => Ok(Some(text.clone())),
            _ => Err(format!("{bots:?}")),
        }
    });
    let bots = messages(&app, "bot").unwrap();
    assert!(
        bots.iter()
            .all(|text| text.to_lowercase().contains("automatic assistant")),
        "every bot message is labelled as automatic: {bots:#?}"
    );
    app.screenshot("tiered-bot-answer");

    let requests_before = model.requests().len();
    app.driver.click(&app.wait_for("#person-button")).unwrap();
    send(&app, AFTER_REQUEST);
    // The agent quotes the summary. (Not labelled "demo agent": a tiered
    // profile is a demo only when both tiers are.)
    wait_for_message(&app, "agent", QUESTION);
    app.wait_for_attribute("data-handoff-state", "connected");
    send(&app, AFTER_JOIN);
    wait_for_message(&app, "user", AFTER_JOIN);
    // The demo agent answers what it is sent: when it has answered the last
    // message, that message went to the human tier.
    wait_until(
        MESSAGE_WAIT,
        "the demo agent's answer to the last message",
        || {
            let agent = messages(&app, "agent")?;
            (agent.len() >= 2)
                .then_some(Some(()))
                .ok_or(format!("{agent:?}"))
        },
    );
    app.screenshot("tiered-person-connected");

    // The model's summary was asked beside the request; it may still be on
    // its way to the log.
    wait_until(MESSAGE_WAIT, "the model's summary request", || {
        let requests = model.requests();
        (requests.iter().filter(|r| is_summary_request(r)).count() == 1)
            .then_some(Some(()))
            .ok_or(format!("{} requests", requests.len()))
    });
    let requests = model.requests();
    println!(
        "tiered e2e: the model server's request log: {} requests ({} before the request for a \
         person)",
        requests.len(),
        requests_before
    );
    for (index, request) in requests.iter().enumerate() {
        let kind = if is_summary_request(request) {
            "summary"
        } else {
            "answer"
        };
        println!(
            "  request {}: {kind}, user contents {:?}",
            index + 1,
            user_contents(request)
        );
    }
    let user_words = model.user_words();
    for words in [AFTER_REQUEST, AFTER_JOIN] {
        assert!(
            !user_words.iter().any(|w| w.contains(words)),
            "{words:?} reached the model: {user_words:#?}"
        );
    }
    assert!(
        requests[..requests_before]
            .iter()
            .all(|r| !is_summary_request(r)),
        "before the request, only answers were asked"
    );
    assert_eq!(
        requests.len(),
        requests_before + 1,
        "after the request for a person, only its summary was asked"
    );
    assert!(
        user_contents(&requests[requests_before - 1])
            .last()
            .is_some_and(|words| words.contains(QUESTION)),
        "the model answered the question"
    );
    let summary_chat = user_contents(&requests[requests_before]).join("\n");
    assert!(summary_chat.contains(QUESTION), "{summary_chat}");
    let leaks = caregiver.files_with_secrets(&app);
    assert!(leaks.is_empty(), "the API key is in {leaks:?}");
    drop(app);
    println!("tiered e2e took {:?}", started.elapsed());
}
