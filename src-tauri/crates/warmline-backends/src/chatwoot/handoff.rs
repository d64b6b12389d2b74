//! The messages Warmline posts for the company's agents: the request for a
//! person with its summary, and its withdrawal. They are written in the
//! agents' language (the profile's `agent_locale`), and they end with a
//! machine tag the companion agent bot recognises.

use warmline_core::{HandoffReason, HandoffRequest, SummaryAuthor, UrgentTopic};
use warmline_i18n::{Args, Localizer};

/// Ends a request for a person; the companion looks for it.
pub const HANDOFF_TAG: &str = "[warmline:handoff]";
/// Ends a withdrawn request.
pub const CANCEL_TAG: &str = "[warmline:handoff-cancelled]";

fn urgent_topic_id(topic: UrgentTopic) -> &'static str {
    match topic {
        UrgentTopic::Fraud => "chatwoot-urgent-fraud",
        UrgentTopic::StolenMoney => "chatwoot-urgent-stolen-money",
        UrgentTopic::UnauthorizedCharge => "chatwoot-urgent-unauthorized-charge",
        UrgentTopic::Medical => "chatwoot-urgent-medical",
    }
}

fn reason_id(reason: HandoffReason) -> &'static str {
    match reason {
        HandoffReason::Button => "chatwoot-handoff-reason-button",
        HandoffReason::UserAsked => "chatwoot-handoff-reason-asked",
        HandoffReason::BotFailed => "chatwoot-handoff-reason-bot-failed",
        HandoffReason::Urgent => "chatwoot-handoff-reason-urgent",
        HandoffReason::Complaint => "chatwoot-handoff-reason-complaint",
    }
}

/// The request for a person, as an agent reads it in the dashboard.
pub fn request_text(agent_locale: &str, request: &HandoffRequest) -> String {
    let l = Localizer::new(agent_locale);
    let mut lines = vec![l.format("chatwoot-handoff-request", None)];
    lines.push(l.format(reason_id(request.reason), None));
    if let Some(topic) = request.urgent_topic {
        let mut args = Args::new();
        args.set("topic", l.format(urgent_topic_id(topic), None));
        lines.push(l.format("chatwoot-handoff-urgent", Some(&args)));
    }
    let mut args = Args::new();
    args.set("language", request.locale.clone());
    lines.push(l.format("chatwoot-handoff-language", Some(&args)));
    let summary = &request.summary;
    if let Some(topic) = &summary.topic {
        let mut args = Args::new();
        args.set("topic", topic.clone());
        lines.push(l.format("chatwoot-handoff-topic", Some(&args)));
    }
    if !summary.recent.is_empty() {
        lines.push(l.format("chatwoot-handoff-recent", None));
        for line in &summary.recent {
            let who = match line.author {
                SummaryAuthor::User => "chatwoot-summary-user",
                SummaryAuthor::Bot => "chatwoot-summary-bot",
                SummaryAuthor::Agent => "chatwoot-summary-agent",
            };
            lines.push(format!("- {}: {}", l.format(who, None), line.text));
        }
    }
    lines.push(HANDOFF_TAG.to_owned());
    lines.join("\n")
}

/// The withdrawal of a request for a person.
pub fn cancel_text(agent_locale: &str) -> String {
    let l = Localizer::new(agent_locale);
    format!(
        "{}\n{CANCEL_TAG}",
        l.format("chatwoot-handoff-cancelled", None)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_core::{HandoffSummary, SummaryLine};

    fn request() -> HandoffRequest {
        HandoffRequest {
            reason: HandoffReason::Urgent,
            urgent_topic: Some(UrgentTopic::Fraud),
            locale: "zh-CN".into(),
            summary: HandoffSummary {
                language: "zh-CN".into(),
                topic: Some("我的银行卡被盗刷了".into()),
                user_asked: vec![],
                matched_rule: None,
                matched_evidence: vec![],
                bot_answered: vec![],
                recent: vec![SummaryLine {
                    author: SummaryAuthor::User,
                    text: "我的银行卡被盗刷了".into(),
                }],
            },
        }
    }

    #[test]
    fn the_request_is_in_the_agents_language_with_the_summary_and_the_tag() {
        for locale in ["en-US", "zh-CN", "zh-TW"] {
            let text = request_text(locale, &request());
            assert!(text.ends_with(HANDOFF_TAG), "{text}");
            assert!(text.contains("我的银行卡被盗刷了"), "{text}");
            assert!(!text.contains("chatwoot-"), "a message id leaked: {text}");
        }
        assert!(request_text("en-US", &request()).contains("fraud"));
        assert!(request_text("zh-CN", &request()).contains("诈骗"));
        assert!(cancel_text("zh-TW").ends_with(CANCEL_TAG));
        assert!(!cancel_text("zh-TW").contains("chatwoot-"));
    }

    /// Issue 17: a complaint reaches the agent as a complaint.
    #[test]
    fn a_complaint_is_named_as_one_for_the_agent() {
        let complaint = HandoffRequest {
            reason: HandoffReason::Complaint,
            urgent_topic: None,
            ..request()
        };
        for (locale, words) in [
            ("en-US", "They want to make a complaint."),
            ("zh-CN", "客户想投诉"),
            ("zh-TW", "客戶想投訴"),
        ] {
            let text = request_text(locale, &complaint);
            assert!(text.contains(words), "{locale}: {text}");
        }
    }
}
