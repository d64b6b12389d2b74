//! Speaking instead of typing, in the real app: the microphone button reads
//! a recording (`WARMLINE_AUDIO_INPUT`) instead of the microphone, whisper.cpp
//! turns it into text with real weights, and the words appear in the text box
//! for the user to check, not sent.
//!
//! Needs `WARMLINE_TEST_MODELS`, the folder `tests/models/fetch-models`
//! fills (`ggml-tiny.en.bin`, `ggml-base.bin`), and `espeak-ng`.

use std::path::Path;

use warmline_e2e::voice::{dictate, edit_distance, han, models_folder, speech, words};
use warmline_e2e::App;

fn nothing_was_sent(app: &App) {
    let sent = app
        .driver
        .find_all("#transcript .message[data-author-kind='user']")
        .unwrap();
    assert!(
        sent.is_empty(),
        "recognized words are not sent without the user"
    );
}

#[test]
fn edit_distance_counts_substitutions_insertions_and_deletions() {
    assert_eq!(edit_distance(&words("a b c"), &words("a b c")), 0);
    assert_eq!(edit_distance(&words("a b c"), &words("a x c d")), 2);
    assert_eq!(edit_distance(&han("你好我想"), &han("你我想人")), 2);
}

#[test]
fn a_spoken_english_sentence_lands_in_the_text_box_after_what_was_typed() {
    const SAID: &str = "I would like to check the balance of my bank account. \
        My card was not working at the shop this morning.";
    let scratch =
        std::env::temp_dir().join(format!("warmline-e2e-voice-en-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let models = models_folder(&scratch);
    let wav = speech(&scratch, "en", "en-us", SAID);
    let (app, text) = dictate(&[("WARMLINE_LOCALE", "en-US")], &wav, &models, "Hello.");
    let recognized = text
        .strip_prefix("Hello. ")
        .unwrap_or_else(|| panic!("the typed words come first, then a space: {text:?}"));
    let reference = words(SAID);
    let wer = edit_distance(&reference, &words(recognized)) as f64 / reference.len() as f64;
    println!(
        "English (tiny.en) heard {recognized:?}: WER {:.1}%",
        wer * 100.0
    );
    assert!(wer <= 0.3, "WER {wer}: {recognized:?}");
    app.wait_for_text("#voice-status", "the done message", |t| t.contains("Done"));
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    nothing_was_sent(&app);
    app.screenshot("voice-english");
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}

/// A real recorded voice (LibriVox, from Debian's pocketsphinx-testdata).
#[test]
fn a_real_recorded_english_sentence_becomes_the_right_text() {
    const RECORDING: &str =
        "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav";
    const SAID: &str =
        "had he married a more amiable woman he might have been made still more respectable than he was";
    let scratch =
        std::env::temp_dir().join(format!("warmline-e2e-voice-real-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let models = models_folder(&scratch);
    let (app, text) = dictate(
        &[("WARMLINE_LOCALE", "en-US")],
        Path::new(RECORDING),
        &models,
        "",
    );
    let reference = words(SAID);
    let wer = edit_distance(&reference, &words(&text)) as f64 / reference.len() as f64;
    println!(
        "LibriVox 0920 (tiny.en) heard {text:?}: WER {:.1}%",
        wer * 100.0
    );
    assert!(wer <= 0.1, "WER {wer}: {text:?}");
    nothing_was_sent(&app);
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn a_spoken_mandarin_sentence_lands_in_the_text_box_in_simplified_characters() {
    const SAID: &str = "我要打电话给我的儿子。";
    let scratch =
        std::env::temp_dir().join(format!("warmline-e2e-voice-zh-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let models = models_folder(&scratch);
    let wav = speech(
        &scratch,
        "zh",
        "cmn-latn-pinyin",
        "wo3 yao4 da3 dian4 hua4 gei3 wo3 de er2 zi.",
    );
    let (app, text) = dictate(&[("WARMLINE_LOCALE", "zh-CN")], &wav, &models, "");
    let reference = han(SAID);
    let cer = edit_distance(&reference, &han(&text)) as f64 / reference.len() as f64;
    println!("Mandarin (base) heard {text:?}: CER {:.1}%", cer * 100.0);
    // espeak-ng's robotic Mandarin costs whisper base a fifth to a half of
    // the characters (the real recording in the closing note of the voice
    // issue: 2 of 19); the bound, the same as the voice crate's, catches a
    // broken pipeline (wrong language, script or audio), not base's accuracy.
    assert!(cer <= 0.6, "CER {cer}: {text:?}");
    for traditional in ['電', '話', '給', '兒'] {
        assert!(
            !text.contains(traditional),
            "simplified script expected: {text:?}"
        );
    }
    app.wait_for_element_attribute("#mic-button", "data-voice-state", "idle");
    nothing_was_sent(&app);
    app.screenshot("voice-mandarin");
    drop(app);
    let _ = std::fs::remove_dir_all(&scratch);
}
