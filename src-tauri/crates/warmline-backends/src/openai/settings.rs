//! What a caregiver or a company sets for the automatic assistant: where the
//! OpenAI-compatible endpoint is, which model, what it is told, how much of
//! the conversation it sees. The API key is a secret ([`API_KEY_SECRET`]),
//! never a field.

use serde::{Deserialize, Serialize};

use crate::profile::{check_url, FieldError, FieldErrorCode};

/// The keyring name of the endpoint's API key. Optional: a local model
/// server needs none, and without it no `Authorization` header is sent.
pub const API_KEY_SECRET: &str = "apiKey";

/// Longest system prompt, in characters.
const PROMPT_LIMIT: usize = 4000;

/// The automatic assistant's settings (the bot tier of a `tiered` profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OpenAiSettings {
    /// The endpoint's base address; Warmline posts to
    /// `{baseUrl}/v1/chat/completions`. `https://`, or `http://` on this
    /// computer only.
    pub base_url: String,
    /// The model name the endpoint expects.
    pub model: String,
    /// What the model is told before the conversation. Empty: Warmline's
    /// own short instruction (plain text, brief, the user's language).
    #[serde(default)]
    pub system_prompt: String,
    /// Show the answer while the model writes it (server-sent events).
    #[serde(default = "default_stream")]
    pub stream: bool,
    /// How much of the conversation the model sees, in characters of the
    /// latest messages (the system prompt not counted).
    #[serde(default = "default_context_chars")]
    pub context_chars: u32,
    /// How long one request to the model may take before it is tried once
    /// more (for a streamed answer: the wait for each piece). Nothing here
    /// limits the user.
    #[serde(default = "default_request_timeout_secs")]
    pub request_timeout_secs: u32,
    /// The assistant's name, shown with the "automatic assistant" label.
    /// Empty: the label alone.
    #[serde(default)]
    pub assistant_name: String,
    /// Let the model write a short summary for the person who takes over,
    /// in addition to the rule-based one (which always goes first, with the
    /// request, and is never held back for it).
    #[serde(default)]
    pub handoff_summary: bool,
    /// The language the person who takes over reads the model's summary in
    /// (`en-US`, `zh-CN`, `zh-TW`). Empty: the user's language.
    #[serde(default)]
    pub summary_language: String,
    /// When no phrase rule recognised a message, ask the model whether the
    /// user wants a person. A yes offers one (the highlighted button and a
    /// notice); it never sends a request and never overrules a rule. On
    /// unless the caregiver turns it off: a small model says yes now and
    /// then to messages that want nothing (see `docs/AI-TIER.md`).
    #[serde(default = "default_second_opinion")]
    pub second_opinion: bool,
}

fn default_stream() -> bool {
    true
}

fn default_second_opinion() -> bool {
    true
}

fn default_context_chars() -> u32 {
    6000
}

fn default_request_timeout_secs() -> u32 {
    60
}

impl OpenAiSettings {
    /// Settings for `model` at `base_url`, everything else at its default.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            model: model.into(),
            system_prompt: String::new(),
            stream: default_stream(),
            context_chars: default_context_chars(),
            request_timeout_secs: default_request_timeout_secs(),
            assistant_name: String::new(),
            handoff_summary: false,
            summary_language: String::new(),
            second_opinion: default_second_opinion(),
        }
    }

    /// Every problem with the fields, each naming its field.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            check_url(&self.base_url, "baseUrl", &["https"], &["http"])
                .into_iter()
                .collect();
        let model = self.model.trim();
        if model.is_empty() {
            errors.push(FieldError::new("model", FieldErrorCode::Required));
        } else if model.len() > 256 {
            errors.push(FieldError::new("model", FieldErrorCode::TooLong));
        }
        if self.system_prompt.chars().count() > PROMPT_LIMIT {
            errors.push(FieldError::new("systemPrompt", FieldErrorCode::TooLong));
        }
        if !(200..=200_000).contains(&self.context_chars) {
            errors.push(FieldError::new("contextChars", FieldErrorCode::Invalid));
        }
        if !(1..=600).contains(&self.request_timeout_secs) {
            errors.push(FieldError::new(
                "requestTimeoutSecs",
                FieldErrorCode::Invalid,
            ));
        }
        if self.assistant_name.chars().count() > 40 {
            errors.push(FieldError::new("assistantName", FieldErrorCode::TooLong));
        }
        let language = self.summary_language.trim();
        if !language.is_empty() && !warmline_i18n::SUPPORTED_LOCALES.contains(&language) {
            errors.push(FieldError::new("summaryLanguage", FieldErrorCode::Invalid));
        }
        errors
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_a_minimal_profile_and_each_wrong_field_is_named() {
        let minimal: OpenAiSettings =
            serde_json::from_str(r#"{"baseUrl":"http://127.0.0.1:8080","model":"smol"}"#).unwrap();
        assert_eq!(
            minimal,
            OpenAiSettings::new("http://127.0.0.1:8080", "smol")
        );
        assert!(minimal.stream);
        assert!(!minimal.handoff_summary, "the model's summary is asked for");
        assert!(
            minimal.second_opinion,
            "an older profile keeps its second opinion"
        );
        let off: OpenAiSettings = serde_json::from_str(
            r#"{"baseUrl":"http://127.0.0.1:8080","model":"smol","secondOpinion":false}"#,
        )
        .unwrap();
        assert!(!off.second_opinion, "the caregiver's off is read");
        assert!(minimal.validate().is_empty());
        let wrong = OpenAiSettings {
            system_prompt: "x".repeat(PROMPT_LIMIT + 1),
            context_chars: 10,
            request_timeout_secs: 0,
            summary_language: "fr-FR".into(),
            ..OpenAiSettings::new("http://models.example.com", " ")
        };
        let fields: Vec<_> = wrong.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "baseUrl",
                "model",
                "systemPrompt",
                "contextChars",
                "requestTimeoutSecs",
                "summaryLanguage"
            ]
        );
    }
}
