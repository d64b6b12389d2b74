//! Settings read once at start-up from the environment.
//!
//! Caregiver settings (backend profile, text size, voice) arrive with their
//! own settings area; these variables exist for tests, demonstrations and
//! diagnosis, and are documented in README.md.

use std::path::{Path, PathBuf};
use std::time::Duration;

use warmline_backends::demo::DemoConfig;

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct StartupSettings {
    /// The UI language: one of `warmline_i18n::SUPPORTED_LOCALES`.
    pub locale: String,
    /// Timing of the built-in demo backend.
    pub demo: DemoConfig,
    /// Where the conversation is kept, from `WARMLINE_DATA_DIR`; otherwise
    /// the platform's app-data directory.
    pub data_dir: Option<PathBuf>,
    /// Read this WAV file instead of the microphone (`WARMLINE_AUDIO_INPUT`):
    /// for tests, and for diagnosing a user's recording.
    pub audio_input: Option<PathBuf>,
    /// Where speech models are kept (`WARMLINE_MODELS_DIR`); otherwise the
    /// `models` folder of the data directory.
    pub models_dir: Option<PathBuf>,
    /// Download speech models from this mirror instead of the default host
    /// (`WARMLINE_MODEL_MIRROR`), which is blocked in some regions.
    pub model_mirror: Option<String>,
    /// Send recognized speech at once instead of putting it in the text box
    /// (`WARMLINE_VOICE_SEND_AT_ONCE=1`).
    pub voice_sends_at_once: bool,
}

impl StartupSettings {
    /// Reads `WARMLINE_LOCALE` (else the system language),
    /// `WARMLINE_DATA_DIR`, and the demo variables `WARMLINE_DEMO_REPLY_DELAY_MS`, `WARMLINE_DEMO_QUEUE_STEP_MS`
    /// `WARMLINE_DEMO_AFTER_HOURS` (`1`: nobody is available) and
    /// `WARMLINE_DEMO_IDLE_CLOSE_MS` (the demo closes a conversation after this
    /// long without a user message, as impatient chat services do), and the
    /// voice variables `WARMLINE_AUDIO_INPUT`, `WARMLINE_MODELS_DIR`,
    /// `WARMLINE_MODEL_MIRROR` and `WARMLINE_VOICE_SEND_AT_ONCE`.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok(), sys_locale::get_locale)
    }

    /// The same, from any source of variables (for tests).
    pub fn from_lookup(
        var: impl Fn(&str) -> Option<String>,
        system_locale: impl FnOnce() -> Option<String>,
    ) -> Self {
        let requested = var("WARMLINE_LOCALE")
            .filter(|value| !value.trim().is_empty())
            .or_else(system_locale)
            .unwrap_or_default();
        let mut demo = DemoConfig::default();
        if let Some(delay) = millis(&var, "WARMLINE_DEMO_REPLY_DELAY_MS") {
            demo.reply_delay = delay;
        }
        if let Some(step) = millis(&var, "WARMLINE_DEMO_QUEUE_STEP_MS") {
            demo.queue_step = step;
        }
        demo.after_hours = var("WARMLINE_DEMO_AFTER_HOURS").is_some_and(|v| v.trim() == "1");
        demo.idle_close = millis(&var, "WARMLINE_DEMO_IDLE_CLOSE_MS");
        Self {
            locale: warmline_i18n::negotiate(&requested).to_owned(),
            demo,
            data_dir: var("WARMLINE_DATA_DIR")
                .filter(|dir| !dir.trim().is_empty())
                .map(PathBuf::from),
            audio_input: path(&var, "WARMLINE_AUDIO_INPUT"),
            models_dir: path(&var, "WARMLINE_MODELS_DIR"),
            model_mirror: var("WARMLINE_MODEL_MIRROR").filter(|url| !url.trim().is_empty()),
            voice_sends_at_once: var("WARMLINE_VOICE_SEND_AT_ONCE")
                .is_some_and(|v| v.trim() == "1"),
        }
    }

    /// How voice input is set up: models in `WARMLINE_MODELS_DIR` or the
    /// `models` folder of the data directory.
    pub fn voice_config(&self, data_dir: Option<&Path>) -> warmline_voice::VoiceConfig {
        let models_dir = self.models_dir.clone().unwrap_or_else(|| {
            data_dir
                .map(|dir| dir.join("models"))
                .unwrap_or_else(|| std::env::temp_dir().join("warmline-models"))
        });
        warmline_voice::VoiceConfig {
            models_dir,
            mirror: self.model_mirror.clone(),
            audio_input_override: self.audio_input.clone(),
            vad_model: None,
            catalogue: None,
        }
    }
}

fn path(var: &impl Fn(&str) -> Option<String>, name: &str) -> Option<PathBuf> {
    var(name)
        .filter(|value| !value.trim().is_empty())
        .map(PathBuf::from)
}

fn millis(var: &impl Fn(&str) -> Option<String>, name: &str) -> Option<Duration> {
    let value = var(name)?;
    match value.trim().parse::<u64>() {
        Ok(ms) => Some(Duration::from_millis(ms)),
        Err(_) => {
            tracing::warn!(
                name,
                value,
                "ignoring a variable that is not a number of milliseconds"
            );
            None
        }
    }
}
