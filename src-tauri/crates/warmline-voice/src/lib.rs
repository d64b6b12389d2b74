//! Offline voice input for Warmline: capture, resampling, end-of-speech
//! detection and speech recognition with whisper.cpp, plus the model store.
//!
//! The app talks to one type, [`VoiceService`]: `start_dictation(locale)`,
//! `stop_dictation()`, `cancel_dictation()`, `subscribe()` for
//! [`VoiceEvent`]s, `status()`, `download_model(id)`, `import_model(id, path)`.
//! Nothing here needs a window or Tauri.
//!
//! # Pieces
//! * [`capture`]: the [`AudioSource`] trait; [`CpalMicrophone`] (default
//!   input device, any native format), [`WavFileSource`] and [`FakeSource`].
//!   Every source delivers 16 kHz mono `f32` ([`resample::MonoResampler`],
//!   `rubato`).
//! * [`endpoint`]: an energy-based detector that ends listening after a pause.
//! * [`recognizer`]: the [`SpeechRecognizer`] trait, the locale → language
//!   mapping, the hallucination filter and the conversion of Chinese output
//!   to the UI's script. [`WhisperRecognizer`] is the whisper.cpp engine,
//!   with whisper.cpp's Silero VAD when its ggml model is available.
//! * [`models`]: the catalogue (`models.toml`) and [`ModelStore`]: download
//!   with resume and checksum, configurable mirror, import.
//!
//! # `WARMLINE_AUDIO_INPUT`
//! When the environment variable `WARMLINE_AUDIO_INPUT=/path/to/file.wav` is
//! set, the app passes it as [`VoiceConfig::audio_input_override`]: pressing
//! the microphone button then plays that WAV file (any sample rate, channel
//! count and sample format) in real time instead of opening the microphone —
//! the level meter moves and the pause detector ends listening as it would
//! live. Used by the end-to-end tests and to diagnose a user's recording.
//!
//! # Building whisper.cpp for any CPU
//! whisper.cpp must be built with `GGML_NATIVE=OFF` so a binary runs on CPUs
//! other than the build machine's. `whisper-rs-sys` passes every `GGML_*`
//! environment variable to CMake, and has no feature for it, so the variable
//! must be in the environment of the build: `[env] GGML_NATIVE = "OFF"` in
//! the workspace's `.cargo/config.toml`. (With NATIVE off, ggml still enables
//! AVX/AVX2/FMA/F16C by default; add `GGML_AVX2 = "OFF"` and friends there
//! for pre-2013 CPUs.)

pub mod capture;
pub mod decode_guard;
pub mod endpoint;
pub mod error;
pub mod events;
mod logits_ffi;
pub mod models;
pub mod recognizer;
pub mod resample;
pub mod service;
pub mod whisper;

pub use capture::{
    AudioSource, CaptureEvent, CpalMicrophone, FakeEnding, FakeSource, Pacing, WavFileSource,
};
pub use decode_guard::DecodeStats;
pub use endpoint::{Endpoint, EndpointConfig, EndpointDetector};
pub use error::{VoiceError, VoiceErrorCode, VoiceFailure};
pub use events::{DictationState, ModelStatus, ModelSummary, VoiceEvent, VoiceServiceStatus};
pub use models::{Catalogue, CatalogueEntry, ModelStore};
pub use recognizer::{
    clean_transcript, ChineseScript, DictationLanguage, Language, ModelCapabilities,
    SpeechRecognizer,
};
pub use service::{RecognizerFactory, SourceFactory, VoiceConfig, VoiceService};
pub use whisper::{WhisperOptions, WhisperRecognizer};
