//! Settings read once at start-up from the environment.
//!
//! Caregiver settings (backend profile, text size, voice) arrive with their
//! own settings area; these variables exist for tests, demonstrations and
//! diagnosis, and are documented in README.md.

use std::sync::Arc;
use std::time::Duration;

use warmline_backends::demo::{DemoBackend, DemoConfig};
use warmline_core::SupportBackend;

/// What the app starts with.
#[derive(Debug, Clone)]
pub struct StartupSettings {
    /// The UI language: one of `warmline_i18n::SUPPORTED_LOCALES`.
    pub locale: String,
    /// Timing of the built-in demo backend.
    pub demo: DemoConfig,
}

impl StartupSettings {
    /// Reads `WARMLINE_LOCALE` (else the system language) and the demo
    /// variables `WARMLINE_DEMO_REPLY_DELAY_MS`, `WARMLINE_DEMO_QUEUE_STEP_MS`
    /// and `WARMLINE_DEMO_AFTER_HOURS` (`1`: nobody is available).
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
        Self {
            locale: warmline_i18n::negotiate(&requested).to_owned(),
            demo,
        }
    }

    /// The backend to talk to. Today that is always the built-in demo.
    pub fn backend(&self) -> Arc<dyn SupportBackend> {
        Arc::new(DemoBackend::new(self.demo.clone()))
    }
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
