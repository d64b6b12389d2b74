//! The AI tier's second opinion (docs/AI-TIER.md) against a scripted
//! loopback fake of the chat-completions API: every request is checked
//! against what the opinion must send (the path, the model, the message
//! alone, a few tokens, temperature 0, no stream), and each answer of the
//! fake (yes, no, a jumble, HTTP 500, nothing) gives its result. Then the
//! session on a tiered profile: the fake's yes to words no rule places
//! offers a person (and requests none).

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::demo::DemoConfig;
use warmline_backends::openai::{OpenAiBackend, OpenAiSecondOpinion, OpenAiSettings};
use warmline_backends::profile::{BackendProfile, BackendSettings, DemoSettings, ProfileId};
use warmline_backends::tiered::TieredSettings;
use warmline_core::{
    ConversationSnapshot, EngineConfig, HandoffState, MemorySecrets, SecondOpinion,
};
use warmline_model_server::{FakeApi, Reply};
use warmline_session::{Session, SessionConfig};

const MODEL: &str = "fake-model";

/// Words the phrase rules do not place (the engine's own test of the hook
/// uses them too), so the opinion is what decides.
const UNPLACED: &str = "My bill is wrong again and nobody fixes it";

fn opinion(fake: &FakeApi) -> OpenAiSecondOpinion {
    OpenAiBackend::new(
        OpenAiSettings::new(fake.base_url(), MODEL),
        Arc::new(MemorySecrets::new()),
    )
    .unwrap()
    .second_opinion()
    // The fake that never answers must not hold the test for long.
    .with_timeout(Duration::from_millis(500))
}

/// Checks one request body as the opinion must send it, and returns the
/// user's turn.
fn check_request(body: &serde_json::Value) -> String {
    assert_eq!(body["model"], MODEL, "{body}");
    assert_eq!(body["stream"], false, "{body}");
    assert_eq!(body["temperature"], 0.0, "{body}");
    let max_tokens = body["max_tokens"].as_u64().expect("max_tokens");
    assert!((1..=8).contains(&max_tokens), "{body}");
    let messages = body["messages"].as_array().expect("messages");
    let roles: Vec<_> = messages.iter().map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, [Some("system"), Some("user")], "no history: {body}");
    let system = messages[0]["content"].as_str().expect("system content");
    assert!(system.contains("yes or no"), "{system}");
    messages[1]["content"]
        .as_str()
        .expect("user content")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_answer_of_the_model_gives_its_opinion_and_each_request_is_small() {
    let fake = FakeApi::start([
        Reply::Answer("Yes.".into()),
        Reply::Answer("No, the customer asks about a bill.".into()),
        Reply::Answer("Perhaps they do.".into()),
        Reply::Answer(String::new()),
        Reply::Status(500),
        Reply::Hang,
    ]);
    let opinion = opinion(&fake);
    assert_eq!(opinion.asks_for_person(UNPLACED).await, Ok(true));
    assert_eq!(opinion.asks_for_person(UNPLACED).await, Ok(false));
    let mut errors = Vec::new();
    for _jumble_then_empty in 0..2 {
        let error = opinion.asks_for_person(UNPLACED).await.unwrap_err();
        assert!(error.contains("unreadable"), "{error}");
        errors.push(error);
    }
    let error = opinion.asks_for_person(UNPLACED).await.unwrap_err();
    assert!(error.contains("500"), "{error}");
    errors.push(error);
    let error = opinion.asks_for_person(UNPLACED).await.unwrap_err();
    assert!(error.contains("within"), "{error}");
    errors.push(error);
    for error in errors {
        assert!(
            !error.contains("bill"),
            "the words reached an error: {error}"
        );
    }
    let requests = fake.requests();
    // One request per question: nothing is tried again.
    assert_eq!(requests.len(), 6);
    for body in &requests {
        let user = check_request(body);
        assert!(user.contains(UNPLACED), "{user}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_message_is_cut_before_it_is_sent() {
    let fake = FakeApi::start([Reply::Answer("no".into())]);
    let long = format!(
        "{}THE END",
        "I have a question about my account. ".repeat(200)
    );
    assert_eq!(opinion(&fake).asks_for_person(&long).await, Ok(false));
    let user = check_request(&fake.requests()[0]);
    assert!(user.chars().count() < 1200, "{} characters", user.len());
    assert!(!user.contains("THE END"));
}

/// Polls until `done`; the limit is a safety net for a loaded machine.
async fn eventually(session: &Session, what: &str, done: impl Fn(&ConversationSnapshot) -> bool) {
    for _ in 0..2_400 {
        let snapshot = session.snapshot().await.expect("engine running");
        if done(&snapshot) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_tiered_profile_the_models_yes_offers_a_person() {
    // The assistant's answer and the opinion ask the same fake in either
    // order; both are told yes.
    let fake = FakeApi::start([Reply::Answer("Yes.".into()), Reply::Answer("Yes.".into())]);
    let profile = BackendProfile {
        id: ProfileId("p-tiered".into()),
        name: "Assistant, then the demo".into(),
        backend: BackendSettings::Tiered(TieredSettings {
            bot: OpenAiSettings::new(fake.base_url(), MODEL),
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        }),
    };
    let config = SessionConfig {
        data_dir: None,
        engine: EngineConfig::new("en-US"),
        demo: DemoConfig {
            reply_delay: Duration::from_millis(20),
            queue_start: 1,
            queue_step: Duration::from_millis(50),
            ..DemoConfig::default()
        },
    };
    let session = Session::start(config, profile, Arc::new(MemorySecrets::new())).unwrap();
    let engine = session.engine();
    engine.send_text(UNPLACED.into()).await.unwrap();
    eventually(&session, "a person offered", |snapshot| {
        snapshot.person_offered
    })
    .await;
    let snapshot = session.snapshot().await.expect("engine running");
    assert_eq!(
        snapshot.handoff,
        HandoffState::None,
        "a yes requests nobody"
    );
    let asked: Vec<String> = fake
        .requests()
        .iter()
        .filter(|body| body["stream"] == false)
        .map(check_request)
        .collect();
    assert_eq!(asked.len(), 1, "the opinion was asked once");
    assert!(asked[0].contains(UNPLACED));
    session.shutdown().await;
}
