//! What the voice service tells the UI: events and status snapshots.

use serde::Serialize;
use specta::Type;

use crate::error::VoiceFailure;

/// Where dictation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DictationState {
    /// Not listening; the button starts dictation.
    Idle,
    /// The microphone (or the override file) is open.
    Listening,
    /// Capture has stopped and the recognizer is working on the audio.
    Working,
}

/// Whether a model's file is present and usable.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum ModelStatus {
    /// No file (or only a partial download).
    Missing,
    /// Being downloaded.
    Downloading {
        /// Bytes on disk so far (including a resumed part).
        #[specta(type = f64)]
        received: u64,
        /// Size of the whole file, when the server said so.
        #[specta(type = Option<f64>)]
        total: Option<u64>,
    },
    /// On disk; its checksum matched (or it was imported as unverified).
    Ready {
        /// True when the file was imported by the user and could not be
        /// checked against a pinned checksum.
        unverified: bool,
    },
    /// On disk but whisper.cpp could not load it, or its checksum is wrong.
    Corrupt,
}

/// One catalogue model and its status, as the settings screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelSummary {
    /// Catalogue id, e.g. `"small"`.
    pub id: String,
    /// Languages it covers (`"en"`, `"zh"`, `"yue"`).
    pub languages: Vec<String>,
    /// Download size in bytes.
    #[specta(type = f64)]
    pub size_bytes: u64,
    /// Present, missing, downloading or damaged.
    pub status: ModelStatus,
}

/// A snapshot of the voice service, for the UI to draw the microphone button
/// and the model settings.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VoiceServiceStatus {
    /// Current dictation state.
    pub dictation: DictationState,
    /// Every catalogue model with its status.
    pub models: Vec<ModelSummary>,
    /// The model that dictation in English would use, if one is ready.
    pub english_model: Option<String>,
    /// The model that dictation in Chinese would use, if one is ready.
    pub chinese_model: Option<String>,
    /// True when audio comes from a file (`WARMLINE_AUDIO_INPUT`) instead of
    /// the microphone.
    pub file_input: bool,
}

/// Everything the voice service broadcasts.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum VoiceEvent {
    /// Dictation moved to another state.
    State {
        /// The new state.
        state: DictationState,
    },
    /// Loudness while listening, 0..=1, about 20 per second.
    Level {
        /// 0 is silence, 1 is very loud.
        level: f32,
    },
    /// Text recognised so far while the user is still speaking. Replaced by
    /// the next `partial` and finally by `final`. Not sent at present: on a
    /// 2-core machine re-transcribing the growing recording every 2 s would
    /// keep both cores busy and delay the final text (see the crate README).
    Partial {
        /// Recognised text so far.
        text: String,
    },
    /// The recognised text of one dictation. Empty when nothing was said
    /// (silence, or only hallucinations were heard): insert nothing.
    Final {
        /// Recognised text, in the script of the UI language.
        text: String,
    },
    /// Dictation or a download failed. When the microphone was lost mid
    /// sentence, a `final` with what was heard comes *before* this event.
    Failed {
        /// What went wrong.
        error: VoiceFailure,
    },
    /// A model's status changed (download progress, finished, damaged).
    Model {
        /// Catalogue id.
        id: String,
        /// Its new status.
        status: ModelStatus,
    },
}
