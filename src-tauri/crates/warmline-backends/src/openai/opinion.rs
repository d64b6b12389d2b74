//! The model's second opinion on a message the phrase rules could not place
//! (docs/AI-TIER.md, "The model's second opinion"): does it ask to talk to a
//! person? The engine asks only about a message in which no rule matched
//! and never about an urgent topic, and the answer can only add a request
//! for a person (see [`warmline_core::SecondOpinion`]). So anything doubtful
//! here (an error, no answer in time, anything but a plain yes or no) means
//! "no", and the question is kept small: the message alone, no history, a
//! few tokens, temperature 0, a short timeout.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use warmline_core::{SecondOpinion, SecretError, SecretSource};

use super::api::{ChatApi, Turn};
use super::OpenAiBackend;

/// How long the whole question may take. The conversation goes on while it
/// is asked, but a late yes would surprise the user: a request for a person
/// should follow the words that asked for one closely.
pub const OPINION_TIMEOUT: Duration = Duration::from_secs(4);

/// Longest answer asked for, in tokens: "Yes." or "No." with room for a
/// stray space or quote.
const OPINION_TOKENS: u32 = 4;

/// Longest part of a message the model reads, in characters. A request for
/// a person is said in a sentence; a long letter is cut, not sent whole.
const TEXT_LIMIT: usize = 1000;

/// What the model is told. It sorts one message, it does not answer it.
const OPINION_PROMPT: &str = "You sort messages that customers write to a customer service. \
Decide one thing: does the message ask to talk to a human person (a real agent, an employee, \
an operator) instead of an automatic assistant? Reply with one English word: yes or no. \
If you are not sure, reply no.";

/// Why no opinion was formed. Never holds the user's words or the model's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum OpinionError {
    /// The model could not be asked (an error, a refusal, an unreadable
    /// response, an API key that cannot be read).
    #[error("the model gave no second opinion: {0}")]
    Failed(String),
    /// No answer within [`OPINION_TIMEOUT`] (or the configured bound).
    #[error("the model gave no second opinion within {0:?}")]
    Timeout(Duration),
    /// An answer, but not a plain yes or no.
    #[error("the model's second opinion is unreadable")]
    Unreadable,
}

/// The model's answer as yes (`true`) or no (`false`): its first word,
/// whatever the case, after any spaces, quotes or other marks, must be
/// exactly "yes" or "no". Anything else ("Yesterday", "Maybe", "是", nothing)
/// is unreadable (`None`).
pub(crate) fn read_answer(text: &str) -> Option<bool> {
    let word: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    match word.to_lowercase().as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

/// The question about `text`, its first [`TEXT_LIMIT`] characters.
fn question(text: &str) -> [Turn; 2] {
    let text: String = text.trim().chars().take(TEXT_LIMIT).collect();
    [
        Turn {
            role: "system",
            content: OPINION_PROMPT.to_owned(),
        },
        Turn {
            role: "user",
            // The message quoted and the question after it: SmolLM2-135M
            // answered the message itself when given it bare, and copied a
            // heading ("The customer's message") when the message followed
            // one; this form gave a plain "Yes." or "No." for all of nine
            // test sentences.
            content: format!(
                "Message: \"{text}\"\nQuestion: does this customer ask to talk to a human \
                 person? Answer yes or no."
            ),
        },
    ]
}

/// The bot tier's model as a [`SecondOpinion`] for the engine: the same
/// endpoint, model and API key as the assistant, on the same HTTP client.
/// Made with [`OpenAiBackend::second_opinion`].
pub struct OpenAiSecondOpinion {
    api: ChatApi,
    secrets: Arc<dyn SecretSource>,
    timeout: Duration,
}

impl std::fmt::Debug for OpenAiSecondOpinion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets are left out: nothing of them belongs in a log line.
        f.debug_struct("OpenAiSecondOpinion")
            .field("api", &self.api)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl OpenAiBackend {
    /// This assistant's model as a second opinion, bounded by
    /// [`OPINION_TIMEOUT`].
    pub fn second_opinion(&self) -> OpenAiSecondOpinion {
        OpenAiSecondOpinion {
            api: self.shared.api.with_timeout(OPINION_TIMEOUT),
            secrets: Arc::clone(&self.shared.secrets),
            timeout: OPINION_TIMEOUT,
        }
    }
}

impl OpenAiSecondOpinion {
    /// The same opinion with another bound on the whole question, so tests
    /// of a model that never answers run quickly.
    #[doc(hidden)]
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self {
            api: self.api.with_timeout(timeout),
            timeout,
            ..self
        }
    }

    async fn ask(&self, text: &str) -> Result<bool, OpinionError> {
        let key = match self.secrets.secret(super::API_KEY_SECRET) {
            Ok(key) => Some(key),
            Err(SecretError::Missing(_)) => None,
            Err(error) => return Err(OpinionError::Failed(error.to_string())),
        };
        // One try, no retry: a second attempt would come too late to matter.
        let turns = question(text);
        let call = self
            .api
            .complete_with(key.as_ref(), &turns, OPINION_TOKENS, Some(0.0));
        let answer = tokio::time::timeout(self.timeout, call)
            .await
            .map_err(|_| OpinionError::Timeout(self.timeout))?
            .map_err(|error| OpinionError::Failed(error.to_string()))?;
        read_answer(&answer).ok_or(OpinionError::Unreadable)
    }
}

#[async_trait]
impl SecondOpinion for OpenAiSecondOpinion {
    async fn asks_for_person(&self, text: &str) -> Result<bool, String> {
        let opinion = self.ask(text).await;
        // The outcome only: the words stay out of the log.
        tracing::debug!(?opinion, "the model's second opinion");
        opinion.map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_yes_or_no_at_the_start_is_read() {
        for (answer, read) in [
            ("yes", Some(true)),
            ("Yes.", Some(true)),
            ("  YES\n", Some(true)),
            ("\"Yes\"", Some(true)),
            ("**Yes**, they do", Some(true)),
            ("no", Some(false)),
            ("No.", Some(false)),
            ("No, the customer asks about a bill", Some(false)),
            (" - no", Some(false)),
            ("", None),
            ("   ", None),
            ("...", None),
            ("Yesterday", None),
            ("Not sure", None),
            ("Nobody", None),
            ("Maybe", None),
            ("The answer is yes", None),
            ("是", None),
            ("yes是", None),
        ] {
            assert_eq!(read_answer(answer), read, "{answer:?}");
        }
    }

    #[test]
    fn the_question_holds_the_message_alone_cut_to_the_limit() {
        let [system, user] = question("  I want my money back  ");
        assert_eq!((system.role, user.role), ("system", "user"));
        assert_eq!(system.content, OPINION_PROMPT);
        assert!(user
            .content
            .starts_with("Message: \"I want my money back\"\n"));
        let long = format!("{}TAIL", "字".repeat(TEXT_LIMIT));
        let [_, user] = question(&long);
        assert!(!user.content.contains("TAIL"), "the message was not cut");
        assert!(user.content.contains(&"字".repeat(TEXT_LIMIT)));
    }

    #[test]
    fn errors_name_neither_the_words_nor_the_key() {
        let errors = [
            OpinionError::Failed("the model endpoint answered HTTP 500".into()),
            OpinionError::Timeout(Duration::from_secs(4)),
            OpinionError::Unreadable,
        ];
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "the model gave no second opinion: the model endpoint answered HTTP 500",
                "the model gave no second opinion within 4s",
                "the model's second opinion is unreadable",
            ]
        );
    }
}
