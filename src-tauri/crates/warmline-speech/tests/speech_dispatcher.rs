//! Read aloud for real: speech-dispatcher with espeak-ng, playing into a
//! PulseAudio null sink whose monitor this test records, with replies from
//! the real demo engine.
//!
//! The test starts its own PulseAudio and speech-dispatcher with private
//! runtime directories (`warmline-sound-lab`, shared with the real app's
//! end-to-end test) and stops them at the end (also when it fails).

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_core::{ConversationEvent, EngineConfig, EngineHandle};
use warmline_sound_lab::{wait_up_to, SoundLab};
use warmline_speech::{ReadAloud, ReadAloudOptions};

/// Waits until the engine has finished reading (the engine's own state).
fn until_quiet(read: &ReadAloud) {
    let speaking = read.speaking();
    // Reading started when `speak` returned; wait (up to two minutes) for
    // its end.
    wait_up_to(2400, "the end of reading", || !*speaking.borrow());
}

/// Hands every event to `read` until a bot's reply containing `expected`
/// has been read; returns what was read on the way.
async fn read_until(
    events: &mut tokio::sync::broadcast::Receiver<ConversationEvent>,
    read: &ReadAloud,
    expected: &str,
) -> Vec<String> {
    let mut said = Vec::new();
    loop {
        let event = events.recv().await.unwrap();
        if let Some(text) = read.on_event(&event) {
            let done = text.contains(expected);
            said.push(text);
            if done {
                return said;
            }
        }
    }
}

/// Waits for the demo's welcome with read-aloud off (nothing is read),
/// then turns it on.
async fn past_the_welcome(
    events: &mut tokio::sync::broadcast::Receiver<ConversationEvent>,
    read: &ReadAloud,
    on: &ReadAloudOptions,
) {
    loop {
        let event = events.recv().await.unwrap();
        assert!(read.on_event(&event).is_none(), "read while off");
        if let warmline_core::ConversationChange::MessageAdded { message } = &event.change {
            if matches!(message.author, warmline_core::Author::Bot { .. }) {
                break;
            }
        }
    }
    read.set_options(on.clone());
}

fn demo_engine(
    locale: &str,
) -> (
    EngineHandle,
    tokio::sync::broadcast::Receiver<ConversationEvent>,
) {
    let backend = DemoBackend::new(DemoConfig {
        reply_delay: Duration::from_millis(50),
        ..DemoConfig::default()
    });
    let (engine, events) = EngineHandle::start_subscribed(
        Arc::new(backend),
        Arc::new(warmline_core::MemoryStore::new()),
        EngineConfig::new(locale),
    );
    (engine, events)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_read_aloud_in_english_and_chinese_and_never_while_the_microphone_listens() {
    let lab = SoundLab::start();
    // The one process-wide setting: this test binary has one test.
    std::env::set_var("SPEECHD_ADDRESS", lab.speechd_address());
    let on = ReadAloudOptions {
        enabled: true,
        rate_percent: 100,
        voice: None,
    };

    // English: the demo assistant's answer, read while read-aloud is on.
    let english = ReadAloud::platform("en-US", ReadAloudOptions::default());
    assert_eq!(english.engine_problem(), None, "speech-dispatcher answers");
    let (engine, mut events) = demo_engine("en-US");
    past_the_welcome(&mut events, &english, &on).await;
    let before = lab.mark();
    engine
        .send_text("Where is my parcel?".into())
        .await
        .unwrap();
    let said = read_until(&mut events, &english, "two working days").await;
    until_quiet(&english);
    lab.record_for(0.3);
    let spoken = lab.voiced_seconds(before, lab.mark());
    let chars = said.iter().map(|text| text.chars().count()).sum::<usize>() as f64;
    println!("English: {chars} characters read as {spoken:.2} s of speech: {said:?}");
    // espeak-ng reads English at about 15–20 characters a second at the
    // normal rate (voiced time, without the pauses between words).
    assert!(
        spoken > chars / 40.0 && spoken < chars / 5.0,
        "{spoken:.2} s of speech for {chars} characters"
    );

    // The microphone is pressed in the middle of a reply: reading stops at
    // once, and a reply that arrives while it listens is not read.
    let long = "Thank you for waiting. I am looking at your account now. ".repeat(4);
    english.read_again(&reply(&long)).expect("read aloud again");
    let reading_from = lab.mark();
    lab.record_for(1.5);
    let before_the_press = lab.voiced_seconds(reading_from, lab.mark());
    english.set_listening(true);
    assert!(
        !*english.speaking().borrow(),
        "still reading after the microphone opened"
    );
    // What the sound server had buffered plays out; then silence.
    lab.record_for(0.5);
    let listening_from = lab.mark();
    let arrived =
        ask_and_read_while_listening(&engine, &mut events, &english, "Where is my card?").await;
    lab.record_for(3.0);
    let while_listening = lab.voiced_seconds(listening_from, lab.mark());
    println!(
        "{before_the_press:.2} s of speech before the microphone, {while_listening:.2} s while it listened ({arrived} events)"
    );
    assert!(before_the_press > 0.5, "it was reading before the press");
    assert_eq!(while_listening, 0.0, "speech while the microphone listened");
    english.set_listening(false);
    engine.shutdown().await;

    // Chinese, in the Chinese voice.
    let chinese = ReadAloud::platform("zh-CN", ReadAloudOptions::default());
    let (engine, mut events) = demo_engine("zh-CN");
    past_the_welcome(&mut events, &chinese, &on).await;
    let before = lab.mark();
    engine.send_text("我的快递到哪里了".into()).await.unwrap();
    let said = read_until(&mut events, &chinese, "两个工作日").await;
    until_quiet(&chinese);
    lab.record_for(0.3);
    let spoken = lab.voiced_seconds(before, lab.mark());
    let chars = said.iter().map(|text| text.chars().count()).sum::<usize>() as f64;
    println!("Chinese: {chars} characters read as {spoken:.2} s of speech: {said:?}");
    // Mandarin: about 3–5 syllables (characters) a second.
    assert!(
        spoken > chars / 12.0 && spoken < chars / 1.0,
        "{spoken:.2} s of speech for {chars} characters"
    );
    engine.shutdown().await;
}

/// Asks `question` while the microphone listens: hands every event
/// to `read` until the bot's reply has arrived; returns how many came.
async fn ask_and_read_while_listening(
    engine: &EngineHandle,
    events: &mut tokio::sync::broadcast::Receiver<ConversationEvent>,
    read: &ReadAloud,
    question: &str,
) -> usize {
    engine.send_text(question.to_owned()).await.unwrap();
    let mut seen = 0;
    loop {
        let event = events.recv().await.unwrap();
        seen += 1;
        assert!(read.on_event(&event).is_none(), "read while listening");
        if let warmline_core::ConversationChange::MessageAdded { message } = &event.change {
            if matches!(message.author, warmline_core::Author::Bot { .. }) {
                return seen;
            }
        }
    }
}

fn reply(text: &str) -> warmline_core::Message {
    warmline_core::Message {
        id: warmline_core::MessageId::new(),
        author: warmline_core::Author::Agent {
            name: "Anna".into(),
            demo: true,
        },
        body: warmline_core::MessageBody::Text { text: text.into() },
        sent_at: warmline_core::Timestamp(0),
        delivery: warmline_core::DeliveryState::Sent,
        failure: None,
    }
}
