//! What the voice tests share: the test models folder, generated speech, the
//! text box, and error rates.

use std::path::{Path, PathBuf};

use crate::App;

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
