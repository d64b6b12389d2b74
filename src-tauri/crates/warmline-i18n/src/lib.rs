//! Warmline's Fluent files, for Rust code.
//!
//! `locales/<lang>/*.ftl` at the root of the repository is the one source of
//! every user-facing sentence. The web front end loads the same files; Rust
//! uses them only where it must produce text itself (the demo backend's
//! replies). Files are embedded at compile time, so a build cannot run with
//! missing translations.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::FluentArgs as Args;

/// The locale every chain ends in, and the reference all others are checked
/// against.
pub const FALLBACK_LOCALE: &str = "en-US";

/// Locales Warmline ships, in the order offered to users.
pub const SUPPORTED_LOCALES: [&str; 3] = ["en-US", "zh-CN", "zh-TW"];

macro_rules! locale_files {
    ($($locale:literal => [$($file:literal),*]),* $(,)?) => {
        /// Every embedded Fluent file as `(locale, file name, source)`.
        pub const SOURCES: &[(&str, &str, &str)] = &[
            $($(
                (
                    $locale,
                    $file,
                    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../locales/", $locale, "/", $file)),
                ),
            )*)*
        ];
    };
}

// Every file of every locale folder; a test checks nothing is left out.
locale_files! {
    "en-US" => ["warmline.ftl", "demo.ftl", "settings.ftl", "engine.ftl", "intent.ftl", "matrix.ftl", "chatwoot.ftl", "window.ftl", "ai.ftl", "caregiver.ftl", "speech.ftl", "notification.ftl"],
    "zh-CN" => ["warmline.ftl", "demo.ftl", "settings.ftl", "engine.ftl", "intent.ftl", "matrix.ftl", "chatwoot.ftl", "window.ftl", "ai.ftl", "caregiver.ftl", "speech.ftl", "notification.ftl"],
    "zh-TW" => ["warmline.ftl", "demo.ftl", "settings.ftl", "engine.ftl", "intent.ftl", "matrix.ftl", "chatwoot.ftl", "window.ftl", "ai.ftl", "caregiver.ftl", "speech.ftl", "notification.ftl"],
}

/// Picks the supported locale closest to a requested one (a BCP 47 tag or a
/// POSIX locale such as `zh_TW.UTF-8`).
///
/// Traditional-script and Hong Kong, Macau and Taiwan Chinese map to `zh-TW`,
/// other Chinese to `zh-CN`, everything else to `en-US`.
pub fn negotiate(requested: &str) -> &'static str {
    let tag = requested
        .split(['.', '@'])
        .next()
        .unwrap_or_default()
        .replace('_', "-");
    let Ok(id) = tag.parse::<LanguageIdentifier>() else {
        return FALLBACK_LOCALE;
    };
    match id.language.as_str() {
        "zh" | "yue" => {
            let traditional = id.script.is_some_and(|s| s.as_str() == "Hant")
                || id
                    .region
                    .is_some_and(|r| matches!(r.as_str(), "TW" | "HK" | "MO"))
                || (id.language.as_str() == "yue"
                    && id.script.is_none_or(|s| s.as_str() != "Hans"));
            if traditional {
                "zh-TW"
            } else {
                "zh-CN"
            }
        }
        _ => FALLBACK_LOCALE,
    }
}

/// Formats Fluent messages in one locale, falling back to `en-US` for any
/// message the locale lacks.
pub struct Localizer {
    locale: &'static str,
    chain: Vec<FluentBundle<FluentResource>>,
}

impl Localizer {
    /// A localizer for the supported locale closest to `requested`.
    pub fn new(requested: &str) -> Self {
        let locale = negotiate(requested);
        let mut chain = vec![bundle(locale)];
        if locale != FALLBACK_LOCALE {
            chain.push(bundle(FALLBACK_LOCALE));
        }
        Self { locale, chain }
    }

    /// The locale this localizer formats in.
    pub fn locale(&self) -> &'static str {
        self.locale
    }

    /// True if the locale or its fallback has the message.
    pub fn has(&self, id: &str) -> bool {
        self.chain.iter().any(|bundle| bundle.has_message(id))
    }

    /// Formats a message. A missing message yields its id, which a test of
    /// every caller prevents from ever reaching a user.
    pub fn format(&self, id: &str, args: Option<&FluentArgs>) -> String {
        for bundle in &self.chain {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                return text.into_owned();
            }
        }
        id.to_owned()
    }
}

fn bundle(locale: &'static str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = locale.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks would end up inside chat text and break
    // copy-and-paste and screen readers' reading of names.
    bundle.set_use_isolating(false);
    for (_, _, source) in SOURCES.iter().filter(|(l, _, _)| *l == locale) {
        // The files are embedded and checked by the tests below, so a parse
        // error is a build defect; still, keep what parsed rather than panic.
        let resource = FluentResource::try_new((*source).to_owned()).unwrap_or_else(|(r, _)| r);
        if let Err(errors) = bundle.add_resource(resource) {
            debug_assert!(
                errors.is_empty(),
                "duplicate Fluent ids in {locale}: {errors:?}"
            );
        }
    }
    bundle
}

#[cfg(test)]
mod tests;
