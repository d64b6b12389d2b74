//! Voice input as the window sees it: the microphone button's state, the
//! speech model's state and what was recognized. The work is done by
//! `warmline-voice`; this module only translates its events into typed
//! window events and its errors into [`UiError`]s.

use serde::{Deserialize, Serialize};
use specta::Type;
use warmline_core::{ErrorCode, UiError};

/// Whether a speech model is there, on its way, or unusable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum VoiceModelState {
    /// No model on this computer; typing works, speaking needs a download.
    Missing {
        /// The size of the default model, so the user knows what to expect.
        megabytes: u32,
    },
    /// Being downloaded.
    Downloading {
        /// How far, when the server said how big the file is.
        percent: Option<u8>,
    },
    /// Ready to turn speech into text.
    Ready,
    /// A model file is there but cannot be used; it must be fetched again.
    Corrupt {
        /// The size of the default model, for the "get it again" button.
        megabytes: u32,
    },
}

/// What the microphone button is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DictationPhase {
    /// Waiting for a press.
    Idle,
    /// Capturing speech (a second press stops).
    Listening,
    /// Turning the captured speech into text.
    Working,
}

/// The whole voice state, as the window draws it (the voice crate's
/// `VoiceServiceStatus` is the service's own, fuller snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VoiceUiStatus {
    /// The speech model.
    pub model: VoiceModelState,
    /// The microphone button.
    pub phase: DictationPhase,
    /// Send recognized text at once instead of putting it in the text box
    /// (a caregiver's setting, `WARMLINE_VOICE_SEND_AT_ONCE=1`).
    pub send_at_once: bool,
}

/// One voice event, pushed to the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum VoiceUpdate {
    /// The model or the button changed state.
    Status {
        /// The new state.
        status: VoiceUiStatus,
    },
    /// How loud the microphone is, 0 to 1, many times a second while listening.
    Level {
        /// Loudness, 0 (silence) to 1.
        level: f32,
    },
    /// Text recognized so far while the user is still speaking.
    Partial {
        /// The text so far.
        text: String,
    },
    /// The final text of one utterance.
    Final {
        /// What the user said, in the script of the UI language.
        text: String,
    },
    /// The capture ended without any speech in it.
    NothingHeard,
    /// Something went wrong; whatever was said or typed is kept.
    Failed {
        /// What happened, for the user.
        error: UiError,
    },
}

/// Voice input, as managed Tauri state: the service, the UI language it
/// listens in, and the caregiver's "send at once" setting.
pub struct Voice {
    service: warmline_voice::VoiceService,
    locale: String,
    send_at_once: std::sync::atomic::AtomicBool,
    /// The model fetched on first use for the UI language (the catalogue's
    /// first choice), worked out once: status is asked for on every
    /// download progress event.
    first_use_model: Option<String>,
}

impl Voice {
    /// Wraps a voice service for the given UI language.
    pub fn new(service: warmline_voice::VoiceService, locale: String, send_at_once: bool) -> Self {
        let first_use_model = warmline_voice::Catalogue::builtin()
            .preference(language_of(&locale))
            .first()
            .cloned();
        Self {
            service,
            locale,
            send_at_once: std::sync::atomic::AtomicBool::new(send_at_once),
            first_use_model,
        }
    }

    /// The state the window draws.
    pub fn status(&self) -> VoiceUiStatus {
        let raw = self.service.status();
        let ready = match language_of(&self.locale) {
            warmline_voice::Language::English => raw.english_model.is_some(),
            _ => raw.chinese_model.is_some(),
        };
        let summary = raw
            .models
            .iter()
            .find(|model| Some(&model.id) == self.first_use_model.as_ref());
        let megabytes = summary.map_or(0, |model| {
            u32::try_from(model.size_bytes.div_ceil(1 << 20)).unwrap_or(u32::MAX)
        });
        let model = if ready {
            VoiceModelState::Ready
        } else {
            match summary.map(|model| &model.status) {
                Some(warmline_voice::ModelStatus::Downloading { received, total }) => {
                    VoiceModelState::Downloading {
                        percent: total.filter(|total| *total > 0).map(|total| {
                            u8::try_from((received.saturating_mul(100) / total).min(100))
                                .unwrap_or(100)
                        }),
                    }
                }
                Some(warmline_voice::ModelStatus::Corrupt) => {
                    VoiceModelState::Corrupt { megabytes }
                }
                _ => VoiceModelState::Missing { megabytes },
            }
        };
        VoiceUiStatus {
            model,
            phase: match raw.dictation {
                warmline_voice::DictationState::Idle => DictationPhase::Idle,
                warmline_voice::DictationState::Listening => DictationPhase::Listening,
                warmline_voice::DictationState::Working => DictationPhase::Working,
            },
            send_at_once: self.send_at_once.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Starts listening; pressing while already listening is not an error.
    pub fn start(&self) -> Result<(), UiError> {
        match self.service.start_dictation(&self.locale) {
            Err(error) if error.code() == warmline_voice::VoiceErrorCode::WrongState => Ok(()),
            other => other.map_err(|error| ui_error(&error)),
        }
    }

    /// Stops listening and transcribes; a stop after the end is not an error.
    pub fn stop(&self) -> Result<(), UiError> {
        match self.service.stop_dictation() {
            Err(error) if error.code() == warmline_voice::VoiceErrorCode::WrongState => Ok(()),
            other => other.map_err(|error| ui_error(&error)),
        }
    }

    /// Fetches the model for this UI language in the background.
    pub fn download(&self) -> Result<(), UiError> {
        let Some(id) = self.first_use_model.as_deref() else {
            return Err(UiError::from(ErrorCode::NoSpeechModel));
        };
        self.service
            .download_model(id)
            .map_err(|error| ui_error(&error))
    }

    /// The caregiver changed "send at once" in the settings area.
    pub fn set_send_at_once(&self, at_once: bool) {
        self.send_at_once
            .store(at_once, std::sync::atomic::Ordering::Relaxed);
    }

    /// Imports a model file the caregiver chose as the model for this UI
    /// language; it is checked before it replaces anything.
    pub fn import(&self, path: &std::path::Path) -> Result<(), UiError> {
        let Some(id) = self.first_use_model.as_deref() else {
            return Err(UiError::from(ErrorCode::NoSpeechModel));
        };
        self.service
            .import_model(id, path)
            .map_err(|error| ui_error(&error))
    }

    /// Translates one service event into what the window is told.
    pub fn update_for(&self, event: warmline_voice::VoiceEvent) -> VoiceUpdate {
        use warmline_voice::VoiceEvent;
        match event {
            VoiceEvent::Level { level } => VoiceUpdate::Level { level },
            VoiceEvent::Partial { text } => VoiceUpdate::Partial { text },
            VoiceEvent::Final { text } if text.trim().is_empty() => VoiceUpdate::NothingHeard,
            VoiceEvent::Final { text } => VoiceUpdate::Final { text },
            VoiceEvent::Failed { error } => VoiceUpdate::Failed {
                error: UiError::from(error_code(error.code)),
            },
            VoiceEvent::State { .. } | VoiceEvent::Model { .. } => VoiceUpdate::Status {
                status: self.status(),
            },
        }
    }

    /// Every event of the service, for forwarding to the window.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<warmline_voice::VoiceEvent> {
        self.service.subscribe()
    }
}

/// The language dictation uses for a UI language.
fn language_of(locale: &str) -> warmline_voice::Language {
    if locale.starts_with("zh") {
        warmline_voice::Language::Mandarin
    } else {
        warmline_voice::Language::English
    }
}

/// The code the window receives for a voice error.
fn error_code(code: warmline_voice::VoiceErrorCode) -> ErrorCode {
    use warmline_voice::VoiceErrorCode as Voice;
    match code {
        Voice::NoMicrophone => ErrorCode::NoMicrophone,
        Voice::PermissionDenied => ErrorCode::MicrophonePermissionDenied,
        Voice::DeviceLost => ErrorCode::MicrophoneLost,
        Voice::NoModel | Voice::UnknownModel => ErrorCode::NoSpeechModel,
        Voice::ModelCorrupt => ErrorCode::SpeechModelCorrupt,
        Voice::OutOfMemory => ErrorCode::OutOfMemory,
        Voice::DownloadFailed => ErrorCode::ModelDownloadFailed,
        Voice::ChecksumMismatch => ErrorCode::ModelChecksumMismatch,
        Voice::AudioFile => ErrorCode::AudioFileUnreadable,
        Voice::RecognitionFailed | Voice::WrongState => ErrorCode::RecognitionFailed,
    }
}

fn ui_error(error: &warmline_voice::VoiceError) -> UiError {
    // The detail is for the log; the window gets the code and its message.
    tracing::warn!(%error, "voice input");
    UiError::from(error_code(error.code()))
}
