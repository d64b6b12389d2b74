//! The bot's summary for the person who takes over: asked beside the
//! request for a person, never before it (docs/AI-TIER.md, "The model's
//! summary").
//!
//! The request goes to the human tier at once with the rule-based summary.
//! The model is asked at the same moment; what it writes follows as a
//! [`SummaryAddition`] if it arrives within the bound and passes the same
//! checks as an answer, and is skipped otherwise. So a slow, failing or
//! confused model costs the person an extra note at most, and the user
//! nothing.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::task::JoinHandle;
use warmline_core::{HandoffRequest, HandoffSummary, SummaryAddition};

use crate::openai::{OpenAiBackend, SummaryError};

/// How long the model's summary may take: past this the person has likely
/// started reading the rule-based one, and a note arriving later would only
/// interrupt.
pub const SUMMARY_BOUND: Duration = Duration::from_secs(30);

/// Something that writes a short account of a conversation: the bot tier's
/// model.
#[async_trait]
pub trait Summarizer: Send + Sync {
    /// A short, factual account of `summary`'s conversation in `locale`.
    async fn summarize(
        &self,
        summary: &HandoffSummary,
        locale: &str,
    ) -> Result<String, SummaryError>;
}

#[async_trait]
impl Summarizer for OpenAiBackend {
    async fn summarize(
        &self,
        summary: &HandoffSummary,
        locale: &str,
    ) -> Result<String, SummaryError> {
        self.write_summary(summary, locale).await
    }
}

/// Who writes the summary, in which language, within how long.
#[derive(Clone)]
pub(super) struct SummaryPlan {
    pub(super) writer: Arc<dyn Summarizer>,
    /// The agent's language; `None`: the user's.
    pub(super) language: Option<String>,
    pub(super) bound: Duration,
}

impl SummaryPlan {
    /// Starts writing the addition to `request`'s summary. The task ends
    /// with `None` when the model fails, is too slow or writes something
    /// unusable.
    pub(super) fn start(&self, request: &HandoffRequest) -> JoinHandle<Option<SummaryAddition>> {
        let writer = Arc::clone(&self.writer);
        let language = self
            .language
            .clone()
            .unwrap_or_else(|| warmline_i18n::negotiate(&request.locale).to_owned());
        let summary = request.summary.clone();
        let bound = self.bound;
        tokio::spawn(async move {
            let written = tokio::time::timeout(bound, writer.summarize(&summary, &language)).await;
            match written {
                Ok(Ok(text)) => Some(SummaryAddition {
                    text,
                    language,
                    // Quoted from the rule-based summary, never from the
                    // model: the user's own words reach the person as
                    // written.
                    last_words: summary.user_asked.last().cloned(),
                }),
                Ok(Err(error)) => {
                    tracing::info!(%error, "no summary from the model; the rule-based one stands");
                    None
                }
                Err(_) => {
                    tracing::info!(?bound, "the model's summary came too late; skipped");
                    None
                }
            }
        })
    }
}
