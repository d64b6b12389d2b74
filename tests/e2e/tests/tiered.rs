//! Issue 14 in the real app: a tiered profile, a real local model
//! (llama.cpp's server with SmolLM2-135M-Instruct, `tests/model-server`)
//! answering first and the demo's people behind it. The user asks, an
//! answer labelled as automatic arrives; "Talk to a person": the demo agent
//! joins and quotes the summary; nothing the user wrote after the request
//! reached the model, read from the model server's request log.

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

#[test]
#[ignore = "not yet passing: with the portable model-server build the model answers (labelled) and the demo agent joins quoting the summary, but the message typed after the join never shows in the transcript within 120 s; to be found. Run with --ignored."]
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
    let greeting = wait_for_message(&app, "agent", "demo agent");
    assert!(
        greeting.contains(QUESTION),
        "the agent quotes the summary: {greeting}"
    );
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

    let requests = model.requests();
    let user_words = model.user_words();
    let last_user = requests
        .last()
        .and_then(|request| request["messages"].as_array())
        .and_then(|messages| messages.iter().rev().find(|m| m["role"] == "user"))
        .and_then(|message| message["content"].as_str())
        .unwrap_or_default()
        .to_owned();
    println!(
        "tiered e2e: the model server's request log: {} requests ({} before the request for a \
         person); the last user content it saw: {last_user:?}",
        requests.len(),
        requests_before
    );
    for words in [AFTER_REQUEST, AFTER_JOIN] {
        assert!(
            !user_words.iter().any(|w| w.contains(words)),
            "{words:?} reached the model: {user_words:#?}"
        );
    }
    assert_eq!(
        requests.len(),
        requests_before,
        "no request after the handoff"
    );
    assert!(last_user.contains(QUESTION), "{last_user:?}");
    let leaks = caregiver.files_with_secrets(&app);
    assert!(leaks.is_empty(), "the API key is in {leaks:?}");
    drop(app);
    println!("tiered e2e took {:?}", started.elapsed());
}
