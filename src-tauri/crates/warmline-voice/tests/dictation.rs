//! The dictation facade with a fake microphone and a fake recognizer: every
//! error case, nothing lost, silence and hallucinations dropped.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{events_until_idle, failures, finals, quiet, speech};
use warmline_voice::{
    CatalogueEntry, DictationLanguage, DictationState, EndpointConfig, FakeEnding, FakeSource,
    ModelCapabilities, ModelStatus, RecognizerFactory, SourceFactory, SpeechRecognizer,
    VoiceConfig, VoiceError, VoiceEvent, VoiceService,
};

/// Answers with fixed segments and remembers how much audio it was given.
struct ScriptedRecognizer {
    segments: Vec<String>,
    heard: Arc<Mutex<Vec<usize>>>,
}

impl SpeechRecognizer for ScriptedRecognizer {
    fn name(&self) -> String {
        "scripted".into()
    }
    fn capabilities(&self) -> ModelCapabilities {
        ModelCapabilities {
            multilingual: true,
            cantonese: false,
        }
    }
    fn transcribe(
        &self,
        samples: &[f32],
        _language: DictationLanguage,
    ) -> Result<Vec<String>, VoiceError> {
        self.heard.lock().unwrap().push(samples.len());
        Ok(self.segments.clone())
    }
}

struct Setup {
    service: VoiceService,
    heard: Arc<Mutex<Vec<usize>>>,
    _dir: tempfile::TempDir,
}

/// A service whose microphone is `source` (made fresh each time) and whose
/// recognizer answers `segments`; base.en and small are "installed".
fn setup(source: impl Fn() -> FakeSource + Send + Sync + 'static, segments: &[&str]) -> Setup {
    setup_with(source, segments, true)
}

fn setup_with(
    source: impl Fn() -> FakeSource + Send + Sync + 'static,
    segments: &[&str],
    install: bool,
) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    if install {
        for file in ["ggml-base.en.bin", "ggml-small.bin"] {
            std::fs::write(dir.path().join(file), b"weights").unwrap();
        }
    }
    let heard = Arc::new(Mutex::new(Vec::new()));
    let segments: Vec<String> = segments.iter().map(|s| s.to_string()).collect();
    let recorded = heard.clone();
    let recognizers: RecognizerFactory = Arc::new(move |_: &CatalogueEntry, _: &Path| {
        Ok(Arc::new(ScriptedRecognizer {
            segments: segments.clone(),
            heard: recorded.clone(),
        }) as Arc<dyn SpeechRecognizer>)
    });
    let sources: SourceFactory = Arc::new(move || Box::new(source()));
    let service = VoiceService::with_engines(
        VoiceConfig {
            models_dir: dir.path().to_path_buf(),
            ..VoiceConfig::default()
        },
        sources,
        recognizers,
        EndpointConfig::default(),
    );
    Setup {
        service,
        heard,
        _dir: dir,
    }
}

const WAIT: Duration = Duration::from_secs(10);

#[test]
fn no_microphone_is_a_clear_error_and_stays_idle() {
    let s = setup(
        || FakeSource::failing(VoiceError::NoMicrophone("none".into())),
        &[],
    );
    let error = s.service.start_dictation("en-US").unwrap_err();
    assert_eq!(error.message_id(), "voice-error-no-microphone");
    assert_eq!(s.service.status().dictation, DictationState::Idle);
    // And it can be tried again.
    assert!(s.service.start_dictation("en-US").is_err());
}

#[test]
fn permission_denied_is_a_clear_error() {
    let s = setup(
        || FakeSource::failing(VoiceError::PermissionDenied("denied".into())),
        &[],
    );
    let error = s.service.start_dictation("zh-CN").unwrap_err();
    assert_eq!(error.message_id(), "voice-error-permission-denied");
    assert_eq!(s.service.status().dictation, DictationState::Idle);
}

#[test]
fn unplugged_mid_sentence_keeps_and_transcribes_what_was_said() {
    let mut audio = speech(2_000);
    audio.extend(speech(500));
    let played = audio.len();
    let s = setup(
        move || FakeSource::playing(audio.clone(), FakeEnding::Unplugged),
        &[" I need help with my"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    let events = events_until_idle(&mut rx, WAIT);
    assert_eq!(finals(&events), ["I need help with my"]);
    assert_eq!(failures(&events), ["voice-error-device-lost"]);
    // The final text comes before the failure, so the UI inserts it first.
    let final_at = events
        .iter()
        .position(|e| matches!(e, VoiceEvent::Final { .. }));
    let failed_at = events
        .iter()
        .position(|e| matches!(e, VoiceEvent::Failed { .. }));
    assert!(final_at < failed_at);
    assert_eq!(*s.heard.lock().unwrap(), [played]);
}

#[test]
fn level_events_come_about_twenty_a_second() {
    let s = setup(
        || FakeSource::playing(speech(3_000), FakeEnding::Ended),
        &["hello"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    let events = events_until_idle(&mut rx, WAIT);
    let levels: Vec<f32> = events
        .iter()
        .filter_map(|e| match e {
            VoiceEvent::Level { level } => Some(*level),
            _ => None,
        })
        .collect();
    assert!((58..=61).contains(&levels.len()), "{} levels", levels.len());
    assert!(levels.iter().all(|l| (0.0..=1.0).contains(l)));
    assert!(levels.iter().any(|l| *l > 0.5));
}

#[test]
fn silence_inserts_nothing_and_never_reaches_the_recognizer() {
    let s = setup(
        || FakeSource::playing(quiet(3_000), FakeEnding::Ended),
        &["Thank you."],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    let events = events_until_idle(&mut rx, WAIT);
    assert_eq!(finals(&events), [""]);
    assert!(failures(&events).is_empty());
    assert!(s.heard.lock().unwrap().is_empty());
}

#[test]
fn hallucinations_are_dropped() {
    let s = setup(
        || FakeSource::playing(speech(1_500), FakeEnding::Ended),
        &["[BLANK_AUDIO]", " Thank you for watching!"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    assert_eq!(finals(&events_until_idle(&mut rx, WAIT)), [""]);
    assert_eq!(s.heard.lock().unwrap().len(), 1);
}

#[test]
fn a_pause_after_speech_ends_listening_by_itself() {
    let mut audio = quiet(300);
    audio.extend(speech(1_500));
    audio.extend(quiet(2_500));
    // The fake keeps the "microphone" open after the audio: only the pause
    // detector can end this dictation.
    let s = setup(
        move || FakeSource::playing(audio.clone(), FakeEnding::WaitForStop),
        &["Hello"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    let events = events_until_idle(&mut rx, WAIT);
    assert_eq!(finals(&events), ["Hello"]);
    let heard = s.heard.lock().unwrap()[0];
    // It stopped 1.8 s into the pause, not at the end of the audio.
    assert!(heard < 16 * (300 + 1_500 + 2_000), "heard {heard} samples");
}

#[test]
fn pressing_stop_transcribes_and_cancel_does_not() {
    let s = setup(
        || FakeSource::playing(speech(1_000), FakeEnding::WaitForStop),
        &["Hello"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("en-US").unwrap();
    assert!(
        s.service.start_dictation("en-US").is_err(),
        "already running"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.service.status().dictation, DictationState::Listening);
    s.service.stop_dictation().unwrap();
    assert_eq!(finals(&events_until_idle(&mut rx, WAIT)), ["Hello"]);

    s.service.start_dictation("en-US").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    s.service.cancel_dictation();
    assert!(finals(&events_until_idle(&mut rx, WAIT)).is_empty());
    assert_eq!(s.service.status().dictation, DictationState::Idle);
    assert!(s.service.stop_dictation().is_err(), "not running");
}

#[test]
fn chinese_comes_out_in_the_ui_script() {
    let s = setup(
        || FakeSource::playing(speech(1_500), FakeEnding::Ended),
        &["我想查询银行账户"],
    );
    let mut rx = s.service.subscribe();
    s.service.start_dictation("zh-TW").unwrap();
    assert_eq!(
        finals(&events_until_idle(&mut rx, WAIT)),
        ["我想查詢銀行帳戶"]
    );
}

#[test]
fn without_a_model_dictation_says_so_and_typing_is_unaffected() {
    let s = setup_with(
        || FakeSource::playing(speech(1_000), FakeEnding::Ended),
        &["x"],
        false,
    );
    let error = s.service.start_dictation("en-US").unwrap_err();
    assert_eq!(error.message_id(), "voice-error-no-model");
    let status = s.service.status();
    assert_eq!(status.english_model, None);
    assert!(status
        .models
        .iter()
        .all(|m| m.status == ModelStatus::Missing));
}

#[test]
fn an_english_only_model_is_never_used_for_chinese() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ggml-tiny.en.bin"), b"weights").unwrap();
    let service = VoiceService::new(VoiceConfig {
        models_dir: dir.path().to_path_buf(),
        ..VoiceConfig::default()
    });
    assert_eq!(service.status().english_model.as_deref(), Some("tiny.en"));
    assert_eq!(service.status().chinese_model, None);
    let error = service.start_dictation("zh-CN").unwrap_err();
    assert_eq!(error.message_id(), "voice-error-no-model");
}

#[test]
fn a_corrupt_model_is_reported_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ggml-base.en.bin"), b"not a model at all").unwrap();
    let audio = speech(1_000);
    let sources: SourceFactory =
        Arc::new(move || Box::new(FakeSource::playing(audio.clone(), FakeEnding::Ended)));
    let real = VoiceService::new(VoiceConfig {
        models_dir: dir.path().to_path_buf(),
        ..VoiceConfig::default()
    });
    drop(real);
    // The real whisper loader, a fake microphone.
    let recognizers: RecognizerFactory = Arc::new(|entry: &CatalogueEntry, path: &Path| {
        warmline_voice::WhisperRecognizer::load(path, entry.capabilities(), Default::default())
            .map(|r| Arc::new(r) as Arc<dyn SpeechRecognizer>)
    });
    let service = VoiceService::with_engines(
        VoiceConfig {
            models_dir: dir.path().to_path_buf(),
            ..VoiceConfig::default()
        },
        sources,
        recognizers,
        EndpointConfig::default(),
    );
    let mut rx = service.subscribe();
    service.start_dictation("en-US").unwrap();
    let events = events_until_idle(&mut rx, WAIT);
    assert_eq!(failures(&events), ["voice-error-model-corrupt"]);
    let base_en = service
        .status()
        .models
        .into_iter()
        .find(|m| m.id == "base.en")
        .unwrap();
    assert_eq!(base_en.status, ModelStatus::Corrupt);
    // A corrupt model is not chosen again.
    assert_eq!(
        service.start_dictation("en-US").unwrap_err().message_id(),
        "voice-error-no-model"
    );
}

#[test]
fn events_serialise_with_a_kind_tag_in_camel_case() {
    let json = |e: &VoiceEvent| serde_json::to_value(e).unwrap();
    assert_eq!(
        json(&VoiceEvent::Level { level: 0.5 }),
        serde_json::json!({"kind": "level", "level": 0.5})
    );
    assert_eq!(
        json(&VoiceEvent::State {
            state: DictationState::Working
        }),
        serde_json::json!({"kind": "state", "state": "working"})
    );
    assert_eq!(
        json(&VoiceEvent::Model {
            id: "small".into(),
            status: ModelStatus::Downloading {
                received: 5,
                total: Some(10)
            }
        }),
        serde_json::json!({"kind": "model", "id": "small",
            "status": {"kind": "downloading", "received": 5, "total": 10}})
    );
    let failed = json(&VoiceEvent::Failed {
        error: VoiceError::DeviceLost("x".into()).to_failure(),
    });
    assert_eq!(failed["kind"], "failed");
    assert_eq!(failed["error"]["code"], "deviceLost");
    assert_eq!(failed["error"]["messageId"], "voice-error-device-lost");
}
