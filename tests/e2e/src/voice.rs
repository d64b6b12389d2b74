//! What the voice tests share: the test models folder, generated speech, the
//! text box, and error rates.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{wait_until, App};

/// `WARMLINE_TEST_MODELS`, checked to hold tiny.en and base.
///
/// # Panics
/// When it is unset or a model is missing.
pub fn test_models() -> PathBuf {
    let dir = PathBuf::from(
        std::env::var_os("WARMLINE_TEST_MODELS")
            .expect("WARMLINE_TEST_MODELS must name the folder tests/models/fetch-models fills"),
    );
    for file in ["ggml-tiny.en.bin", "ggml-base.bin"] {
        assert!(
            dir.join(file).is_file(),
            "{} is missing",
            dir.join(file).display()
        );
    }
    dir
}

/// A models folder as a caregiver's import would leave it: the files under
/// the names the app's catalogue knows, and the Silero VAD model.
pub fn models_folder(scratch: &Path) -> PathBuf {
    let source = test_models();
    let models = scratch.join("models");
    std::fs::create_dir_all(&models).unwrap();
    let vad = std::fs::read_dir(&source)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .find(|name| name.starts_with("ggml-silero-") && name.ends_with(".bin"))
        .expect("the Silero VAD model is in WARMLINE_TEST_MODELS");
    for file in ["ggml-tiny.en.bin", "ggml-base.bin", vad.as_str()] {
        let link = models.join(file);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(source.join(file), &link).unwrap();
    }
    models
}

/// Speech from espeak-ng, a little slower than its default (as an older
/// speaker would talk). Listening ends with the file, as it would after the
/// user's pause.
pub fn speech(scratch: &Path, name: &str, voice: &str, text: &str) -> PathBuf {
    let wav = scratch.join(format!("{name}.wav"));
    let status = std::process::Command::new("espeak-ng")
        .args(["-v", voice, "-s", "130", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .expect("espeak-ng is installed");
    assert!(status.success(), "espeak-ng failed");
    wav
}

/// Starts the app with `env` (the locale, and whatever else the test needs)
/// and `recording` in place of the microphone, types `typed`, presses the
/// microphone, lets the recording play, and returns the app and what lands
/// in the text box.
pub fn dictate(
    env: &[(&str, &str)],
    recording: &Path,
    models: &Path,
    typed: &str,
) -> (App, String) {
    let recording = recording.to_string_lossy().into_owned();
    let models = models.to_string_lossy().into_owned();
    let mut all = vec![
        ("WARMLINE_AUDIO_INPUT", recording.as_str()),
        ("WARMLINE_MODELS_DIR", models.as_str()),
    ];
    all.extend_from_slice(env);
    let app = App::launch(&all);
    app.wait_for_attribute("data-loaded", "true");
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    let input = app.wait_for("#composer-input");
    if !typed.is_empty() {
        app.driver.send_keys(&input, typed).unwrap();
    }
    app.driver.click(&app.wait_for("#mic-button")).unwrap();
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "listening");
    let text = wait_until(
        Duration::from_secs(120),
        "recognized words in the text box",
        || {
            let text = text_box(&app);
            if text.trim() != typed.trim() {
                Ok(Some(text))
            } else {
                Err(format!("text box: {text:?}"))
            }
        },
    );
    (app, text)
}

/// What the text box holds now.
pub fn text_box(app: &App) -> String {
    app.driver
        .execute(
            "return document.querySelector('#composer-input').value;",
            vec![],
        )
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Edit distance between two sequences, for word and character error rates.
pub fn edit_distance<T: PartialEq>(reference: &[T], heard: &[T]) -> usize {
    let mut previous: Vec<usize> = (0..=heard.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, h) in heard.iter().enumerate() {
            let substitution = previous[j] + usize::from(r != h);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[heard.len()]
}

/// Lower-case words without punctuation, for word error rates.
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The Chinese characters of `text`, for character error rates.
pub fn han(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .collect()
}
