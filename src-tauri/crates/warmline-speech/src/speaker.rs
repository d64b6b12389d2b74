//! The [`Speaker`] trait: one speech engine, whatever the platform.

use serde::{Deserialize, Serialize};

/// The slowest and fastest reading rate, in percent of the engine's normal rate.
pub const RATE_RANGE: std::ops::RangeInclusive<u16> = 50..=200;

/// Something to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Utterance {
    /// What to say.
    pub text: String,
    /// The UI language (`en-US`, `zh-CN`, `zh-TW`): the voice is one for it.
    pub locale: String,
    /// Percent of the engine's normal rate, within [`RATE_RANGE`].
    pub rate_percent: u16,
    /// The caregiver's choice of voice (an id from [`Speaker::voices`]), if
    /// any; ignored when it does not speak the UI language.
    pub voice: Option<String>,
    /// Stop whatever is being read first ("Read aloud again"); otherwise it
    /// is read after what is being read now.
    pub interrupt: bool,
}

/// A voice the engine offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VoiceInfo {
    /// What to store to choose it again.
    pub id: String,
    /// Its name, as the engine gives it.
    pub name: String,
    /// Its language as a BCP 47 tag (`en-US`, `cmn`, `zh-CN`…).
    pub language: String,
}

/// Why the engine did not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpeechError {
    /// This computer has no speech engine Warmline can use (on Linux:
    /// speech-dispatcher is not installed or does not start).
    #[error("no speech engine: {0}")]
    NoEngine(String),
    /// The engine has no voice for this language.
    #[error("no voice for {0}")]
    NoVoice(String),
    /// The engine refused or failed.
    #[error("the speech engine failed: {0}")]
    Failed(String),
}

impl SpeechError {
    /// The code the window receives (its Fluent message is in
    /// `locales/*/speech.ftl`).
    pub fn code(&self) -> warmline_core::ErrorCode {
        use warmline_core::ErrorCode;
        match self {
            Self::NoEngine(_) => ErrorCode::NoSpeechEngine,
            Self::NoVoice(_) => ErrorCode::NoSpeechVoice,
            Self::Failed(_) => ErrorCode::SpeechFailed,
        }
    }
}

/// A speech engine. Implementations are cheap to share between threads;
/// reading happens in the background, and whether it is reading goes to
/// the `watch` channel it was started with (see [`SpeakerFactory`]).
pub trait Speaker: Send + Sync {
    /// Starts reading (after what is being read, unless `interrupt`).
    fn speak(&self, utterance: &Utterance) -> Result<(), SpeechError>;
    /// Stops reading at once and forgets anything waiting to be read.
    fn stop(&self) -> Result<(), SpeechError>;
    /// The voices the engine offers.
    fn voices(&self) -> Result<Vec<VoiceInfo>, SpeechError>;
}

/// Starts a speech engine that reports on `speaking` whether it is reading.
pub type SpeakerFactory = Box<
    dyn Fn(
            std::sync::Arc<tokio::sync::watch::Sender<bool>>,
        ) -> Result<std::sync::Arc<dyn Speaker>, SpeechError>
        + Send
        + Sync,
>;

/// Maps a rate in percent ([`RATE_RANGE`], 100 = normal) onto an engine's
/// own scale: the slowest percent to its minimum, 100 to its normal rate,
/// the fastest to its maximum, linearly in between.
pub fn engine_rate(percent: u16, min: f32, normal: f32, max: f32) -> f32 {
    let percent = f32::from(percent.clamp(*RATE_RANGE.start(), *RATE_RANGE.end()));
    if percent >= 100.0 {
        let span = f32::from(*RATE_RANGE.end()) - 100.0;
        normal + (max - normal) * (percent - 100.0) / span
    } else {
        let span = 100.0 - f32::from(*RATE_RANGE.start());
        normal - (normal - min) * (100.0 - percent) / span
    }
}

/// The voice to read `locale` with: the caregiver's choice if it speaks
/// that language, else the first voice that does.
pub fn choose_voice<'a>(
    voices: &'a [VoiceInfo],
    locale: &str,
    chosen: Option<&str>,
) -> Option<&'a VoiceInfo> {
    let speaks = |voice: &&VoiceInfo| same_language(&voice.language, locale);
    chosen
        .and_then(|id| voices.iter().filter(speaks).find(|voice| voice.id == id))
        .or_else(|| {
            // The exact region first (en-US before en-GB), then any.
            voices
                .iter()
                .filter(speaks)
                .find(|voice| voice.language.eq_ignore_ascii_case(locale))
        })
        .or_else(|| voices.iter().find(speaks))
}

/// True if a voice's language tag reads the UI language: the same primary
/// language, with Mandarin (`cmn`) counted as Chinese (`zh`).
pub fn same_language(voice: &str, locale: &str) -> bool {
    fn primary(tag: &str) -> String {
        let first = tag.split(['-', '_']).next().unwrap_or_default();
        let first = first.to_ascii_lowercase();
        if first == "cmn" {
            "zh".to_owned()
        } else {
            first
        }
    }
    primary(voice) == primary(locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice(id: &str, language: &str) -> VoiceInfo {
        VoiceInfo {
            id: id.to_owned(),
            name: id.to_owned(),
            language: language.to_owned(),
        }
    }

    #[test]
    fn rates_map_onto_the_engine_scale() {
        assert_eq!(engine_rate(100, -100.0, 0.0, 100.0), 0.0);
        assert_eq!(engine_rate(50, -100.0, 0.0, 100.0), -100.0);
        assert_eq!(engine_rate(200, -100.0, 0.0, 100.0), 100.0);
        assert_eq!(engine_rate(150, -100.0, 0.0, 100.0), 50.0);
        assert_eq!(engine_rate(75, 0.1, 1.0, 10.0), 0.55);
        // Out of range is clamped, never faster than the engine allows.
        assert_eq!(engine_rate(1000, -100.0, 0.0, 100.0), 100.0);
        assert_eq!(engine_rate(0, -100.0, 0.0, 100.0), -100.0);
    }

    #[test]
    fn a_voice_is_one_of_the_ui_language() {
        let voices = [
            voice("Afrikaans", "af"),
            voice("English (Great Britain)", "en-GB"),
            voice("English (America)", "en-US"),
            voice("Chinese (Mandarin)", "cmn"),
            voice("Chinese (Cantonese)", "yue"),
        ];
        assert_eq!(
            choose_voice(&voices, "en-US", None).unwrap().id,
            "English (America)"
        );
        assert_eq!(
            choose_voice(&voices, "zh-CN", None).unwrap().id,
            "Chinese (Mandarin)"
        );
        assert_eq!(
            choose_voice(&voices, "zh-TW", None).unwrap().id,
            "Chinese (Mandarin)"
        );
        assert_eq!(
            choose_voice(&voices, "en-US", Some("English (Great Britain)"))
                .unwrap()
                .id,
            "English (Great Britain)"
        );
        // A chosen voice of another language is not used for this one.
        assert_eq!(
            choose_voice(&voices, "zh-CN", Some("English (America)"))
                .unwrap()
                .id,
            "Chinese (Mandarin)"
        );
        assert!(choose_voice(&voices[..1], "zh-CN", None).is_none());
    }
}
