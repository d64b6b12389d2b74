//! Read aloud for Warmline, without Tauri.
//!
//! - [`Speaker`]: a speech engine; [`PlatformSpeaker`] is the system's own
//!   through the `tts` crate (speech-dispatcher on Linux, WinRT/SAPI on
//!   Windows, AVFoundation on macOS), so the Chinese and English voices the
//!   computer has are used.
//! - [`ReadAloud`]: what is read and when (each new reply and queue change
//!   once while the caregiver has it on, "Read aloud again", never while
//!   the microphone listens).
//! - [`announce`]: the sentence for a reply or a queue change in the user's
//!   language, shared with the system notifications.
//!
//! Errors carry Fluent message ids (`locales/*/speech.ftl`), never English
//! for the screen.

pub mod announce;
mod platform;
mod read_aloud;
mod speaker;

pub use platform::PlatformSpeaker;
pub use read_aloud::{ReadAloud, ReadAloudError, ReadAloudOptions};
pub use speaker::{
    choose_voice, engine_rate, same_language, Speaker, SpeakerFactory, SpeechError, Utterance,
    VoiceInfo, RATE_RANGE,
};
