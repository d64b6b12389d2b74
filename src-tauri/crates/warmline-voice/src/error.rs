//! What can go wrong with voice input, and the Fluent message for each.

use serde::Serialize;
use specta::Type;

/// Everything voice input can fail with.
///
/// Each variant maps to one Fluent message id ([`VoiceError::message_id`]) and
/// one stable [`VoiceErrorCode`]; the `detail` strings are for logs only and
/// never shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VoiceError {
    /// The computer has no microphone (no default input device).
    #[error("no microphone: {0}")]
    NoMicrophone(String),
    /// The operating system refused access to the microphone.
    #[error("microphone permission denied: {0}")]
    PermissionDenied(String),
    /// The microphone went away while listening (unplugged). Audio captured
    /// before that is kept and still transcribed.
    #[error("microphone lost: {0}")]
    DeviceLost(String),
    /// No speech model is installed for this language.
    #[error("no speech model installed for {0}")]
    NoModel(String),
    /// The model file exists but whisper.cpp cannot load it.
    #[error("speech model is damaged: {0}")]
    ModelCorrupt(String),
    /// Not enough memory to load the model or run recognition.
    #[error("out of memory: {0}")]
    OutOfMemory(String),
    /// Downloading a model failed (network, disk, HTTP status).
    #[error("download failed: {0}")]
    DownloadFailed(String),
    /// A downloaded or imported model does not have the pinned checksum.
    #[error("checksum mismatch: expected {expected}, got {actual}")]
    ChecksumMismatch {
        /// The pinned sha256 (hex).
        expected: String,
        /// The sha256 of the file we got (hex).
        actual: String,
    },
    /// The recognizer failed on audio it was given.
    #[error("recognition failed: {0}")]
    RecognitionFailed(String),
    /// The audio file given instead of the microphone cannot be read.
    #[error("audio file unreadable: {0}")]
    AudioFile(String),
    /// The model id is not in the catalogue.
    #[error("unknown model: {0}")]
    UnknownModel(String),
    /// Dictation is already running (start pressed twice) or not running
    /// (stop without start).
    #[error("dictation is {0}")]
    WrongState(&'static str),
}

/// Stable code of a [`VoiceError`], for programs (tests, logs, the UI's
/// state machine). Serialised in camelCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum VoiceErrorCode {
    /// See [`VoiceError::NoMicrophone`].
    NoMicrophone,
    /// See [`VoiceError::PermissionDenied`].
    PermissionDenied,
    /// See [`VoiceError::DeviceLost`].
    DeviceLost,
    /// See [`VoiceError::NoModel`].
    NoModel,
    /// See [`VoiceError::ModelCorrupt`].
    ModelCorrupt,
    /// See [`VoiceError::OutOfMemory`].
    OutOfMemory,
    /// See [`VoiceError::DownloadFailed`].
    DownloadFailed,
    /// See [`VoiceError::ChecksumMismatch`].
    ChecksumMismatch,
    /// See [`VoiceError::RecognitionFailed`].
    RecognitionFailed,
    /// See [`VoiceError::AudioFile`].
    AudioFile,
    /// See [`VoiceError::UnknownModel`].
    UnknownModel,
    /// See [`VoiceError::WrongState`].
    WrongState,
}

impl VoiceError {
    /// The stable code of this error.
    pub fn code(&self) -> VoiceErrorCode {
        match self {
            Self::NoMicrophone(_) => VoiceErrorCode::NoMicrophone,
            Self::PermissionDenied(_) => VoiceErrorCode::PermissionDenied,
            Self::DeviceLost(_) => VoiceErrorCode::DeviceLost,
            Self::NoModel(_) => VoiceErrorCode::NoModel,
            Self::ModelCorrupt(_) => VoiceErrorCode::ModelCorrupt,
            Self::OutOfMemory(_) => VoiceErrorCode::OutOfMemory,
            Self::DownloadFailed(_) => VoiceErrorCode::DownloadFailed,
            Self::ChecksumMismatch { .. } => VoiceErrorCode::ChecksumMismatch,
            Self::RecognitionFailed(_) => VoiceErrorCode::RecognitionFailed,
            Self::AudioFile(_) => VoiceErrorCode::AudioFile,
            Self::UnknownModel(_) => VoiceErrorCode::UnknownModel,
            Self::WrongState(_) => VoiceErrorCode::WrongState,
        }
    }

    /// The Fluent message id the UI shows for this error.
    pub fn message_id(&self) -> &'static str {
        self.code().message_id()
    }

    /// The serialisable form sent to the UI in [`crate::VoiceEvent::Failed`].
    pub fn to_failure(&self) -> VoiceFailure {
        VoiceFailure {
            code: self.code(),
            message_id: self.message_id().to_owned(),
            detail: self.to_string(),
        }
    }
}

impl VoiceErrorCode {
    /// The Fluent message id the UI shows for this code.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::NoMicrophone => "voice-error-no-microphone",
            Self::PermissionDenied => "voice-error-permission-denied",
            Self::DeviceLost => "voice-error-device-lost",
            Self::NoModel => "voice-error-no-model",
            Self::ModelCorrupt => "voice-error-model-corrupt",
            Self::OutOfMemory => "voice-error-out-of-memory",
            Self::DownloadFailed => "voice-error-download-failed",
            Self::ChecksumMismatch => "voice-error-checksum-mismatch",
            Self::RecognitionFailed => "voice-error-recognition-failed",
            Self::AudioFile => "voice-error-audio-file",
            Self::UnknownModel => "voice-error-unknown-model",
            Self::WrongState => "voice-error-busy",
        }
    }
}

/// A [`VoiceError`] as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct VoiceFailure {
    /// Stable code.
    pub code: VoiceErrorCode,
    /// Fluent message id to render.
    pub message_id: String,
    /// English detail for logs; never shown to the user.
    pub detail: String,
}
