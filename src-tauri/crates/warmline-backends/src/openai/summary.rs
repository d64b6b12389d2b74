//! The model writes the hand-over summary for the person who takes over
//! (docs/AI-TIER.md, "The model's summary"): short, factual, in the agent's
//! language. It only ever adds to the rule-based summary, so anything
//! doubtful about it (an error, nothing readable, the wrong language) means
//! no addition rather than a worse one.

use warmline_core::{HandoffSummary, SummaryAuthor};

use super::answer;
use super::api::Turn;
use super::OpenAiBackend;

/// Longest summary asked for, in tokens: three short sentences.
const SUMMARY_TOKENS: u32 = 160;

/// What the model is told: a note for a colleague, not an answer to the user.
const SUMMARY_PROMPT: &str = "You write a note for the customer-service agent who takes over \
a chat from an automatic assistant. In at most three short sentences, say plainly what the \
customer needs and what the assistant already answered. Use only what the chat says and add \
nothing. Plain text, no markup, no greeting.";

/// The language the note is asked in, by Warmline locale.
fn note_language(locale: &str) -> &'static str {
    match locale {
        "zh-CN" => "Write in Simplified Chinese.",
        "zh-TW" => "Write in Traditional Chinese.",
        _ => "Write in English.",
    }
}

/// Why the model wrote no summary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    /// The model could not be asked (an error, a timeout, a refusal, an
    /// unreadable response, an API key that cannot be read).
    #[error("the model wrote no summary: {0}")]
    Failed(String),
    /// What it wrote is empty, a jumble, or in another language.
    #[error("the model's summary is not usable")]
    Unusable,
}

/// The chat as the model reads it: one labelled line per message of the
/// rule-based summary, the topic first when the last lines no longer hold it.
fn transcript(summary: &HandoffSummary) -> String {
    let mut out = String::new();
    if let Some(topic) = &summary.topic {
        if !summary.recent.iter().any(|line| &line.text == topic) {
            out.push_str(&format!("Customer (earlier): {topic}\n"));
        }
    }
    for line in &summary.recent {
        let who = match line.author {
            SummaryAuthor::User => "Customer",
            SummaryAuthor::Bot => "Assistant",
            SummaryAuthor::Agent => "Agent",
        };
        out.push_str(&format!("{who}: {}\n", line.text));
    }
    out
}

impl OpenAiBackend {
    /// Asks the model once (no retry: a late summary is worth little) for a
    /// note on `summary`'s conversation in `locale` (a Warmline locale).
    /// What it sends is what the rule-based summary already holds: nothing
    /// the user writes after the request for a person.
    pub async fn write_summary(
        &self,
        summary: &HandoffSummary,
        locale: &str,
    ) -> Result<String, SummaryError> {
        let key = match self.shared.secrets.secret(super::API_KEY_SECRET) {
            Ok(key) => Some(key),
            Err(warmline_core::SecretError::Missing(_)) => None,
            Err(error) => return Err(SummaryError::Failed(error.to_string())),
        };
        let turns = [
            Turn {
                role: "system",
                content: format!("{SUMMARY_PROMPT}\n{}", note_language(locale)),
            },
            Turn {
                role: "user",
                content: transcript(summary),
            },
        ];
        let text = self
            .shared
            .api
            .complete_within(key.as_ref(), &turns, SUMMARY_TOKENS)
            .await
            .map_err(|error| SummaryError::Failed(error.to_string()))?;
        let text = answer::clean(&text);
        answer::check(&text, locale).map_err(|_| SummaryError::Unusable)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_core::SummaryLine;

    #[test]
    fn the_model_reads_labelled_lines_and_an_earlier_topic_once() {
        let line = |author, text: &str| SummaryLine {
            author,
            text: text.into(),
        };
        let mut summary = HandoffSummary {
            topic: Some("My card was swallowed".into()),
            recent: vec![
                line(SummaryAuthor::Bot, "Hello"),
                line(SummaryAuthor::User, "Can you help?"),
            ],
            ..HandoffSummary::default()
        };
        assert_eq!(
            transcript(&summary),
            "Customer (earlier): My card was swallowed\nAssistant: Hello\nCustomer: Can you help?\n"
        );
        summary.topic = Some("Can you help?".into());
        assert_eq!(
            transcript(&summary),
            "Assistant: Hello\nCustomer: Can you help?\n"
        );
        assert_eq!(note_language("zh-TW"), "Write in Traditional Chinese.");
    }
}
