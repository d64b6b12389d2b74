//! A request said aloud is read like the same request typed, in the real
//! app: the words come from the microphone button (a recording from
//! espeak-ng in place of the microphone, whisper.cpp with real weights), the
//! user sends them, and the same phrase rules decide — a request for a
//! person starts the hand-over, an urgent matter gets a person at once with
//! what to do meanwhile, and plain words ask nothing.
//!
//! Needs `WARMLINE_TEST_MODELS` (`tests/models/fetch-models`) and `espeak-ng`.

use std::path::PathBuf;
use std::time::Duration;

use warmline_e2e::transcript::{messages, wait_for_message};
use warmline_e2e::voice::{dictate, models_folder, speech};
use warmline_e2e::{wait_until, App};

/// The demo's settings for a hand-over that stays "queued" long enough to
/// be seen.
const DEMO: [(&str, &str); 2] = [
    ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
    ("WARMLINE_DEMO_QUEUE_STEP_MS", "4000"),
];

/// A scratch folder with the test models in it, named after `name`.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let scratch =
        std::env::temp_dir().join(format!("warmline-e2e-spoken-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let models = models_folder(&scratch);
    (scratch, models)
}

/// Says `words` in `voice`, dictates them into the window of `locale`,
/// sends what was heard, and returns the app and the heard text.
fn say_and_send(name: &str, locale: &str, voice: &str, words: &str) -> (App, String, PathBuf) {
    let (scratch, models) = scratch(name);
    let wav = speech(&scratch, name, voice, words);
    let mut env = vec![("WARMLINE_LOCALE", locale)];
    env.extend_from_slice(&DEMO);
    let (app, heard) = dictate(&env, &wav, &models, "");
    println!("{name}: said {words:?}, heard {heard:?}");
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    app.driver.click(&app.wait_for("#send-button")).unwrap();
    (app, heard, scratch)
}

#[test]
fn a_spoken_request_for_a_person_starts_the_hand_over_like_a_typed_one() {
    let (app, heard, scratch) = say_and_send(
        "person",
        "en-US",
        "en-us",
        "I want to talk to a real person, please.",
    );
    let lowered = heard.to_lowercase();
    assert!(
        lowered.contains("person"),
        "tiny.en should hear the request: {heard:?}"
    );
    app.wait_for_attribute("data-handoff-state", "queued");
    // The notice of a request in words, not the one of the button: the
    // rules read the dictated sentence (handoff.rs checks the typed one).
    wait_for_message(
        &app,
        "system",
        "You asked for a person, so Warmline is getting you one",
    );
    app.screenshot("spoken-request-person");
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn a_spoken_urgent_matter_gets_a_person_at_once_with_the_advice() {
    let (app, heard, scratch) = say_and_send(
        "urgent",
        "en-US",
        "en-us",
        "Someone took all the money from my bank account.",
    );
    assert!(
        heard.to_lowercase().contains("money"),
        "tiny.en should hear the money: {heard:?}"
    );
    let notice = wait_for_message(&app, "system", "getting you a person right away");
    assert!(notice.contains("back of your card"), "{notice}");
    app.wait_for_attribute("data-handoff-state", "queued");
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn spoken_words_that_ask_nothing_start_nothing() {
    let (app, heard, scratch) = say_and_send(
        "plain",
        "en-US",
        "en-us",
        "What time does the shop open tomorrow?",
    );
    // The sentence is sent and answered by the demo's assistant…
    wait_until(
        Duration::from_secs(60),
        "the demo's answer to the question",
        || {
            let sent = messages(&app, "user")?;
            let answers = messages(&app, "bot")?;
            if sent.iter().any(|t| t.contains(heard.trim())) && !answers.is_empty() {
                Ok(Some(()))
            } else {
                Err(format!("sent {sent:?}, answers {answers:?}"))
            }
        },
    );
    // …and no hand-over was started by it.
    let root = app.wait_for("#app");
    assert_eq!(
        app.driver
            .attribute(&root, "data-handoff-state")
            .unwrap()
            .as_deref(),
        Some("none"),
        "plain words asked for a person: {heard:?}"
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn a_spoken_mandarin_request_for_a_person_starts_the_hand_over() {
    // 我要转人工，谢谢 ("a person, please"), in espeak-ng's Mandarin; the
    // window's language picks whisper base and simplified script. Base
    // writes it with homophone slips ("我邀传人宫鞋鞋" when this test was
    // written, 2026-12-03), which the rules' spoken pairs read back.
    let (app, heard, scratch) = say_and_send(
        "person-zh",
        "zh-CN",
        "cmn-latn-pinyin",
        "wo3 yao4 zhuan3 ren2 gong1, xie4 xie4.",
    );
    app.wait_for_attribute("data-handoff-state", "queued");
    wait_for_message(&app, "system", "您要求人工客服");
    println!("Mandarin request heard as {heard:?}");
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}
