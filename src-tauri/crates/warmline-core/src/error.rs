//! Errors as the UI receives them: a stable code, the Fluent message id that
//! explains it in the user's language, and the message's arguments.

use serde::{Deserialize, Serialize};

use crate::backend::BackendError;
use crate::domain::{LocalizedText, MessageArgs};

/// Every error code the UI can receive. The UI maps each one to the Fluent
/// message [`ErrorCode::message_id`] names; `locales/*/warmline.ftl` must have
/// all of them (a test checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The message box was empty.
    EmptyMessage,
    /// The backend cannot be reached right now.
    BackendUnreachable,
    /// The backend sent data Warmline could not read.
    BackendMalformed,
    /// The backend refused the request.
    BackendRejected,
    /// The backend does not offer this.
    Unsupported,
    /// The conversation engine has stopped (the app is closing).
    EngineStopped,
    /// The conversation could not be saved on this computer.
    StorageFailed,
    /// Voice input: no microphone is connected.
    NoMicrophone,
    /// Voice input: the system does not let Warmline use the microphone.
    MicrophonePermissionDenied,
    /// Voice input: the microphone stopped working while the user spoke.
    MicrophoneLost,
    /// Voice input: no speech model is installed yet.
    NoSpeechModel,
    /// Voice input: the speech model file is damaged.
    SpeechModelCorrupt,
    /// Voice input: the computer does not have enough memory for the model.
    OutOfMemory,
    /// Voice input: the speech model could not be downloaded.
    ModelDownloadFailed,
    /// Voice input: the downloaded or imported model is not the expected file.
    ModelChecksumMismatch,
    /// Voice input: the speech could not be turned into text.
    RecognitionFailed,
    /// Voice input: the audio file given instead of the microphone cannot be read.
    AudioFileUnreadable,
    /// The service refused Warmline's sign-in; the caregiver must enter new
    /// sign-in details.
    SignInRefused,
    /// Warmline cannot read its sign-in details (the system keyring is
    /// locked or missing); it keeps trying.
    CredentialsUnavailable,
    /// Read aloud: this computer has no speech engine.
    NoSpeechEngine,
    /// Read aloud: the speech engine has no voice for the UI language.
    NoSpeechVoice,
    /// Read aloud: the speech engine failed.
    SpeechFailed,
    /// Read aloud: nothing is read while the microphone listens.
    SpeechWhileListening,
    /// Read aloud: the message has nothing to read (the user's own).
    NothingToRead,
}

impl ErrorCode {
    /// All codes, for tests that check every code has a message.
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::EmptyMessage,
        ErrorCode::BackendUnreachable,
        ErrorCode::BackendMalformed,
        ErrorCode::BackendRejected,
        ErrorCode::Unsupported,
        ErrorCode::EngineStopped,
        ErrorCode::StorageFailed,
        ErrorCode::NoMicrophone,
        ErrorCode::MicrophonePermissionDenied,
        ErrorCode::MicrophoneLost,
        ErrorCode::NoSpeechModel,
        ErrorCode::SpeechModelCorrupt,
        ErrorCode::OutOfMemory,
        ErrorCode::ModelDownloadFailed,
        ErrorCode::ModelChecksumMismatch,
        ErrorCode::RecognitionFailed,
        ErrorCode::AudioFileUnreadable,
        ErrorCode::SignInRefused,
        ErrorCode::CredentialsUnavailable,
        ErrorCode::NoSpeechEngine,
        ErrorCode::NoSpeechVoice,
        ErrorCode::SpeechFailed,
        ErrorCode::SpeechWhileListening,
        ErrorCode::NothingToRead,
    ];

    /// The Fluent message id that explains this error to the user.
    pub fn message_id(self) -> &'static str {
        match self {
            ErrorCode::EmptyMessage => "error-empty-message",
            ErrorCode::BackendUnreachable => "error-backend-unreachable",
            ErrorCode::BackendMalformed => "error-backend-malformed",
            ErrorCode::BackendRejected => "error-backend-rejected",
            ErrorCode::Unsupported => "error-unsupported",
            ErrorCode::EngineStopped => "error-engine-stopped",
            ErrorCode::StorageFailed => "error-storage-failed",
            ErrorCode::NoMicrophone => "voice-error-no-microphone",
            ErrorCode::MicrophonePermissionDenied => "voice-error-permission-denied",
            ErrorCode::MicrophoneLost => "voice-error-device-lost",
            ErrorCode::NoSpeechModel => "voice-error-no-model",
            ErrorCode::SpeechModelCorrupt => "voice-error-model-corrupt",
            ErrorCode::OutOfMemory => "voice-error-out-of-memory",
            ErrorCode::ModelDownloadFailed => "voice-error-download-failed",
            ErrorCode::ModelChecksumMismatch => "voice-error-checksum-mismatch",
            ErrorCode::RecognitionFailed => "voice-error-recognition-failed",
            ErrorCode::AudioFileUnreadable => "voice-error-audio-file",
            ErrorCode::SignInRefused => "error-sign-in-refused",
            ErrorCode::CredentialsUnavailable => "error-credentials-unavailable",
            ErrorCode::NoSpeechEngine => "speech-no-engine",
            ErrorCode::NoSpeechVoice => "speech-no-voice",
            ErrorCode::SpeechFailed => "speech-failed",
            ErrorCode::SpeechWhileListening => "speech-while-listening",
            ErrorCode::NothingToRead => "speech-nothing-to-read",
        }
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UiError {
    /// Stable code for programs (tests, logs).
    pub code: ErrorCode,
    /// Fluent message id the UI renders.
    pub message_id: String,
    /// Arguments of that message.
    pub args: MessageArgs,
}

impl From<ErrorCode> for UiError {
    fn from(code: ErrorCode) -> Self {
        Self {
            code,
            message_id: code.message_id().to_owned(),
            args: MessageArgs::new(),
        }
    }
}

impl UiError {
    /// The error as a sentence for the transcript or the status line.
    pub fn to_localized(&self) -> LocalizedText {
        LocalizedText {
            message_id: self.message_id.clone(),
            args: self.args.clone(),
        }
    }
}

/// What can go wrong when the UI asks the engine for something.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The user tried to send an empty message.
    #[error("the message is empty")]
    EmptyMessage,
    /// The engine task has ended.
    #[error("the conversation engine has stopped")]
    Stopped,
    /// The backend failed.
    #[error(transparent)]
    Backend(#[from] BackendError),
}

impl EngineError {
    /// The code the UI receives for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            EngineError::EmptyMessage => ErrorCode::EmptyMessage,
            EngineError::Stopped => ErrorCode::EngineStopped,
            EngineError::Backend(error) => backend_error_code(error),
        }
    }
}

/// The code the UI receives for a backend error.
pub fn backend_error_code(error: &BackendError) -> ErrorCode {
    match error {
        BackendError::Unreachable(_) | BackendError::UnknownConversation(_) => {
            ErrorCode::BackendUnreachable
        }
        BackendError::Malformed(_) => ErrorCode::BackendMalformed,
        BackendError::Rejected(_) => ErrorCode::BackendRejected,
        BackendError::Unsupported(_) => ErrorCode::Unsupported,
        BackendError::Unauthorized(_) => ErrorCode::SignInRefused,
        BackendError::CredentialsUnavailable(_) => ErrorCode::CredentialsUnavailable,
    }
}

impl From<EngineError> for UiError {
    fn from(error: EngineError) -> Self {
        UiError::from(error.code())
    }
}
