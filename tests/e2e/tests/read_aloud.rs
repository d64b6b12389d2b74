//! Read aloud in the real app: speech-dispatcher with espeak-ng playing
//! into a private PulseAudio null sink whose monitor the test records
//! (`warmline-sound-lab`), the app reaching it through `SPEECHD_ADDRESS`.
//! A caregiver turns read-aloud on in the settings window; a demo reply is
//! then read as speech of plausible length; "Read aloud again" and "Stop
//! reading" work; pressing the microphone stops reading at once and a
//! reply that arrives while it listens is not read. In Chinese, read-aloud
//! is on from the settings file and the reply is read in the Mandarin voice.
//! Asking for a person, the request and the place in the queue are read.
//!
//! Needs what the sound lab needs, `WARMLINE_TEST_MODELS` (the folder
//! `tests/models/fetch-models` fills: the microphone listens only with a
//! speech model) and `espeak-ng` (the recording the microphone "hears").

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use warmline_e2e::caregiver::{close_settings, open_settings};
use warmline_e2e::voice::test_models;
use warmline_e2e::{wait_until, App};
use warmline_sound_lab::SoundLab;

/// Generous bound for the app to react on a loaded machine (not a measurement).
const WAIT: Duration = Duration::from_secs(60);

struct Dirs {
    root: PathBuf,
    data: PathBuf,
    config: PathBuf,
    models: PathBuf,
}

fn dirs(name: &str) -> Dirs {
    let root = std::env::temp_dir().join(format!("warmline-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (data, config, models) = (root.join("data"), root.join("config"), root.join("models"));
    for dir in [&data, &config, &models] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let source = test_models();
    for file in ["ggml-tiny.en.bin", "ggml-base.bin"] {
        std::os::unix::fs::symlink(source.join(file), models.join(file)).unwrap();
    }
    Dirs {
        root,
        data,
        config,
        models,
    }
}

/// What the microphone "hears": a long sentence from espeak-ng, so that it
/// listens for several seconds (the file is read in real time).
fn long_recording(scratch: &Path) -> PathBuf {
    let wav = scratch.join("long.wav");
    let text = "I would like to know where my parcel is. It was sent last week \
        and I have been waiting at home every day since then for the driver.";
    let status = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "110", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .expect("espeak-ng is installed");
    assert!(status.success(), "espeak-ng failed");
    wav
}

fn launch(lab: &SoundLab, dirs: &Dirs, locale: &str, extra: &[(&str, &str)]) -> App {
    let speechd = lab.speechd_address();
    let data = dirs.data.display().to_string();
    let config = dirs.config.display().to_string();
    let models = dirs.models.display().to_string();
    let mut env = vec![
        ("WARMLINE_LOCALE", locale),
        ("WARMLINE_DATA_DIR", data.as_str()),
        ("WARMLINE_CONFIG_DIR", config.as_str()),
        ("WARMLINE_MODELS_DIR", models.as_str()),
        ("SPEECHD_ADDRESS", speechd.as_str()),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "300"),
    ];
    env.extend_from_slice(extra);
    let app = App::launch(&env);
    app.wait_for_attribute("data-loaded", "true");
    app
}

/// True while the chat shows "Stop reading" (the app says it reads).
fn reading(app: &App) -> bool {
    app.driver
        .find_all("#stop-reading")
        .is_ok_and(|found| !found.is_empty())
}

fn until_reading(app: &App, wanted: bool) {
    wait_until(WAIT, "the reading state", || {
        if reading(app) == wanted {
            Ok(Some(()))
        } else {
            Err(format!("reading: {}", !wanted))
        }
    });
}

/// The replies of the bot and of people: (id, text), oldest first.
fn replies(app: &App) -> Vec<(String, String)> {
    let found = app
        .driver
        .execute(
            "return [...document.querySelectorAll(\"#transcript .message[data-author-kind='bot'], #transcript .message[data-author-kind='agent']\")]
               .map((m) => [m.dataset.messageId, m.querySelector('.message__text').textContent]);",
            vec![],
        )
        .expect("reading the replies");
    found
        .as_array()
        .map(|all| {
            all.iter()
                .map(|pair| {
                    let text = |i: usize| pair[i].as_str().unwrap_or_default().to_owned();
                    (text(0), text(1))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Sends `text` and waits for the reply after it; returns the reply.
fn ask(app: &App, text: &str) -> (String, String) {
    let before = replies(app).len();
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, text).unwrap();
    app.driver.click(&app.wait_for("#send-button")).unwrap();
    wait_until(WAIT, "the reply", || {
        let now = replies(app);
        if now.len() > before {
            Ok(now.last().cloned())
        } else {
            Err(format!("{} replies", now.len()))
        }
    })
}

/// Waits until there was speech after `from` and then 1.5 s without any;
/// returns the seconds of speech.
fn until_silent(lab: &SoundLab, from: usize) -> f64 {
    for _ in 0..240 {
        lab.record_for(0.5);
        let now = lab.mark();
        let spoken = lab.voiced_seconds(from, now);
        let tail = now
            .saturating_sub(warmline_sound_lab::RATE * 3 / 2)
            .max(from);
        if spoken > 0.0
            && lab.voiced_seconds(tail, now) == 0.0
            && now - tail >= warmline_sound_lab::RATE
        {
            return spoken;
        }
    }
    panic!("no speech, or speech without end, after two minutes");
}

/// A caregiver's settings file with read-aloud on (as a profile set-up
/// would leave it).
fn read_aloud_on_in_the_file(dirs: &Dirs) {
    let settings = json!({
        "format": "warmline-settings", "version": 1, "profiles": [],
        "activeProfile": "demo", "locale": null, "textScalePercent": 100,
        "showTextSizeButtons": true,
        "voice": { "sendAtOnce": false, "modelMirror": null },
        "readAloud": { "enabled": true, "ratePercent": 100, "voice": null }
    });
    std::fs::write(dirs.config.join("settings.json"), settings.to_string()).unwrap();
}

fn click(app: &App, css: &str) {
    let element = app.wait_for(css);
    app.driver
        .click(&element)
        .unwrap_or_else(|e| panic!("pressing {css}: {e}"));
}

#[test]
fn replies_are_read_aloud_in_the_real_app_and_never_while_the_microphone_listens() {
    let lab = SoundLab::start();
    let dirs = dirs("read-aloud");
    let recording = long_recording(&dirs.root).display().to_string();
    let app = launch(
        &lab,
        &dirs,
        "en-US",
        &[("WARMLINE_AUDIO_INPUT", &recording)],
    );
    // The welcome arrived with read-aloud off: nothing was read.
    let quiet_from = lab.mark();
    lab.record_for(1.0);
    assert_eq!(
        lab.voiced_seconds(quiet_from, lab.mark()),
        0.0,
        "read while off"
    );

    // The caregiver turns it on in the settings window.
    let windows = open_settings(&app, "4711");
    click(&app, "#read-aloud-enabled");
    app.wait_for_element_attribute("#settings-said", "data-message-id", "settings-saved");
    // The engine is asked for its voices as the section opens.
    app.wait_for_element_attribute("#read-aloud-section", "data-engine", "ready");
    let voices = app
        .driver
        .find_all("#read-aloud-voice option")
        .unwrap()
        .len();
    let problem = app.driver.find_all("#read-aloud-problem").unwrap().len();
    println!("settings: {voices} voice choices (with the usual one), {problem} problem shown");
    assert_eq!(problem, 0, "speech-dispatcher answers: no problem to show");
    assert!(voices > 2, "espeak-ng offers several English voices");
    close_settings(&app, &windows);
    let saved: Value =
        serde_json::from_slice(&std::fs::read(dirs.config.join("settings.json")).unwrap()).unwrap();
    assert_eq!(saved["readAloud"]["enabled"], json!(true));

    // A demo reply is read by itself, as speech of plausible length.
    let before = lab.mark();
    let (reply_id, reply) = ask(&app, "Where is my parcel?");
    until_reading(&app, true);
    until_reading(&app, false);
    lab.record_for(0.3);
    let spoken = lab.voiced_seconds(before, lab.mark());
    // Read as "<name> says: <text>": the name and the words around it
    // are a dozen characters more.
    let chars = reply.chars().count() as f64 + 12.0;
    println!("English reply: {chars} characters read as {spoken:.2} s of speech: {reply:?}");
    assert!(
        spoken > chars / 40.0 && spoken < chars / 5.0,
        "{spoken:.2} s of speech for {chars} characters"
    );

    // "Read aloud again", then "Stop reading" in the middle.
    click(&app, &format!("[data-read-for='{reply_id}']"));
    until_reading(&app, true);
    let again_from = lab.mark();
    lab.record_for(1.5);
    let again = lab.voiced_seconds(again_from, lab.mark());
    click(&app, "#stop-reading");
    until_reading(&app, false);
    lab.record_for(0.5);
    let stopped_from = lab.mark();
    lab.record_for(2.0);
    let after_stop = lab.voiced_seconds(stopped_from, lab.mark());
    println!("read again: {again:.2} s of speech in 1.5 s; {after_stop:.2} s after Stop reading");
    assert!(again > 0.3, "Read aloud again reads");
    assert_eq!(after_stop, 0.0, "speech after Stop reading");

    // Reading again, then the microphone is pressed: reading stops at once,
    // and a reply that arrives while it listens is not read.
    click(&app, &format!("[data-read-for='{reply_id}']"));
    until_reading(&app, true);
    lab.record_for(1.0);
    click(&app, "#mic-button");
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "listening");
    // The app stopped reading before the microphone opened.
    until_reading(&app, false);
    lab.record_for(0.5);
    let listening_from = lab.mark();
    let (_, while_listening) = ask(&app, "Where is my card?");
    let state = app
        .driver
        .attribute(&app.wait_for("#mic-button"), "data-voice-state")
        .unwrap();
    assert_eq!(
        state.as_deref(),
        Some("listening"),
        "the reply came while it listened"
    );
    lab.record_for(1.5);
    let listening_to = lab.mark();
    let heard = lab.voiced_seconds(listening_from, listening_to);
    println!("{heard:.2} s of speech while the microphone listened (reply {while_listening:?})");
    assert_eq!(heard, 0.0, "speech while the microphone listened");
    // Not read later either: it is on screen, with its own button.
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    let after_from = lab.mark();
    lab.record_for(2.0);
    assert_eq!(
        lab.voiced_seconds(after_from, lab.mark()),
        0.0,
        "read after listening"
    );
    app.screenshot("read-aloud-english");
    drop(app);
    let _ = std::fs::remove_dir_all(&dirs.root);
}

#[test]
fn a_chinese_reply_is_read_in_the_mandarin_voice_when_the_settings_file_has_it_on() {
    let lab = SoundLab::start();
    let dirs = dirs("read-aloud-zh");
    read_aloud_on_in_the_file(&dirs);
    let start = lab.mark();
    let app = launch(&lab, &dirs, "zh-CN", &[]);
    // On from the start: the welcome is read too. Let it end.
    let welcome = until_silent(&lab, start);
    println!("the welcome: {welcome:.2} s of speech");
    assert!(
        welcome > 1.0,
        "the welcome was read with read-aloud on from the file"
    );
    let before = lab.mark();
    let (_, reply) = ask(&app, "我的快递到哪里了");
    until_reading(&app, true);
    until_reading(&app, false);
    lab.record_for(0.3);
    let spoken = lab.voiced_seconds(before, lab.mark());
    // "<name>说：<text>": a few characters more.
    let chars = reply.chars().count() as f64 + 4.0;
    println!("Chinese reply: {chars} characters read as {spoken:.2} s of speech: {reply:?}");
    // Mandarin: about 3–5 syllables (characters) a second.
    assert!(
        spoken > chars / 12.0 && spoken < chars / 1.0,
        "{spoken:.2} s of speech for {chars} characters"
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dirs.root);
}

#[test]
fn the_request_for_a_person_and_the_place_in_the_queue_are_read() {
    let lab = SoundLab::start();
    let dirs = dirs("read-aloud-queue");
    read_aloud_on_in_the_file(&dirs);
    let start = lab.mark();
    // Slow queue steps, so that each sentence is read before the next.
    let app = launch(
        &lab,
        &dirs,
        "en-US",
        &[("WARMLINE_DEMO_QUEUE_STEP_MS", "6000")],
    );
    until_silent(&lab, start);
    let replies_before = replies(&app).len();
    let before = lab.mark();
    click(&app, "#person-button");
    app.wait_for_attribute("data-handoff-state", "queued");
    // A few seconds of the wait (the demo takes several 6 s steps to
    // bring a person), not the end of it: the queue's sentences may follow
    // one another without a pause.
    lab.record_for(5.0);
    let queued = lab.voiced_seconds(before, lab.mark());
    let replies_now = replies(&app).len();
    let state = app
        .driver
        .attribute(&app.wait_for("#app"), "data-handoff-state")
        .unwrap();
    println!("{queued:.2} s of speech for the request and the queue ({state:?}, replies {replies_before} → {replies_now})");
    assert_eq!(
        replies_now, replies_before,
        "a reply was read, not the queue"
    );
    // "You are number N in the queue." is about 1.5 s of speech.
    assert!(queued > 1.0, "{queued:.2} s of speech for the queue");
    drop(app);
    let _ = std::fs::remove_dir_all(&dirs.root);
}
