//! What Warmline posts for the support side besides the user's messages: a
//! readable `m.notice` for agents on any Matrix client (Element), and the
//! machine-readable custom event beside it (docs/MATRIX.md).
//!
//! The notices are written in the user's language (the agents who take a
//! Chinese-speaking user read Chinese), from `locales/*/matrix.ftl`.

use serde_json::{json, Value};
use warmline_core::{HandoffReason, HandoffRequest, LeftMessage};
use warmline_i18n::{Args as FluentArgs, Localizer};

/// The wire name of a reason or topic (its serde name: `button`,
/// `userAsked`, `fraud`…), so a variant added to the core is named without
/// a change here.
fn wire_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `id` if the locale has it, else the general `fallback`.
fn line_or(localizer: &Localizer, id: &str, fallback: &str, arg: Option<(&str, &str)>) -> String {
    if localizer.has(id) {
        line(localizer, id, arg)
    } else {
        line(localizer, fallback, arg)
    }
}

fn line(localizer: &Localizer, id: &str, arg: Option<(&str, &str)>) -> String {
    let mut args = FluentArgs::new();
    if let Some((name, value)) = arg {
        args.set(name, value.to_owned());
    }
    localizer.format(id, Some(&args))
}

fn quoted(lines: &mut Vec<String>, heading: String, quotes: &[String]) {
    if quotes.is_empty() {
        return;
    }
    lines.push(heading);
    lines.extend(quotes.iter().map(|quote| format!("  • {quote}")));
}

/// The notice an agent reads when the user asks for a person: why, what
/// about, what the user asked and what the bot said.
pub fn handoff_notice(request: &HandoffRequest) -> String {
    let localizer = Localizer::new(&request.locale);
    let mut lines = vec![line(&localizer, "matrix-handoff-title", None)];
    let reason = match (request.reason, request.urgent_topic) {
        (HandoffReason::Urgent, Some(topic)) => {
            let topic = line_or(
                &localizer,
                &format!("matrix-urgent-{}", wire_name(&topic)),
                "matrix-urgent-other",
                None,
            );
            line(&localizer, "matrix-handoff-urgent", Some(("topic", &topic)))
        }
        (reason, _) => line_or(
            &localizer,
            &format!("matrix-handoff-reason-{}", wire_name(&reason)),
            "matrix-handoff-reason-other",
            None,
        ),
    };
    lines.push(reason);
    let summary = &request.summary;
    if let Some(topic) = &summary.topic {
        lines.push(line(
            &localizer,
            "matrix-handoff-topic",
            Some(("topic", topic)),
        ));
    }
    quoted(
        &mut lines,
        line(&localizer, "matrix-handoff-user-asked", None),
        &summary.user_asked,
    );
    quoted(
        &mut lines,
        line(&localizer, "matrix-handoff-bot-answered", None),
        &summary.bot_answered,
    );
    lines.push(line(
        &localizer,
        "matrix-handoff-language",
        Some(("language", &request.locale)),
    ));
    lines.join("\n")
}

/// The `org.warmline.handoff` content: the request for support tools.
pub fn handoff_content(request: &HandoffRequest, notice_event: &str) -> Value {
    json!({
        "reason": wire_name(&request.reason),
        "urgent_topic": request.urgent_topic.as_ref().map(wire_name),
        "locale": request.locale,
        "summary": request.summary,
        "notice_event_id": notice_event,
    })
}

/// The notice that the user no longer needs a person.
pub fn cancel_notice(locale: &str) -> String {
    line(&Localizer::new(locale), "matrix-handoff-cancelled", None)
}

/// The `org.warmline.handoff.cancel` content.
pub fn cancel_content(request_event: Option<&str>) -> Value {
    json!({ "request_event_id": request_event })
}

/// The notice with a message the user left, and the call-back request.
pub fn left_message_notice(locale: &str, message: &LeftMessage, reference: &str) -> String {
    let localizer = Localizer::new(locale);
    let mut lines = vec![
        line(
            &localizer,
            "matrix-left-message-title",
            Some(("reference", reference)),
        ),
        message.text.clone(),
    ];
    if let Some(callback) = &message.callback {
        let mut args = FluentArgs::new();
        args.set("phone", callback.phone.clone());
        args.set("time", callback.preferred_time.clone());
        lines.push(localizer.format("matrix-left-message-callback", Some(&args)));
    }
    lines.join("\n")
}

/// The `org.warmline.left_message` content.
pub fn left_message_content(message: &LeftMessage, reference: &str, notice_event: &str) -> Value {
    json!({
        "reference": reference,
        "message_id": message.id,
        "text": message.text,
        "callback": message.callback.as_ref().map(|callback| json!({
            "phone": callback.phone,
            "preferred_time": callback.preferred_time,
        })),
        "summary": message.summary,
        "notice_event_id": notice_event,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_core::{HandoffSummary, UrgentTopic};

    fn request(locale: &str) -> HandoffRequest {
        HandoffRequest {
            reason: HandoffReason::Urgent,
            urgent_topic: Some(UrgentTopic::Fraud),
            locale: locale.into(),
            summary: HandoffSummary {
                language: locale.into(),
                topic: Some("A call from the bank asking for my PIN".into()),
                user_asked: vec!["Was that call really you?".into()],
                bot_answered: vec!["We never ask for your PIN.".into()],
                recent: Vec::new(),
                ..HandoffSummary::default()
            },
        }
    }

    #[test]
    fn the_notice_says_why_what_about_and_what_was_said_in_every_language() {
        for locale in warmline_i18n::SUPPORTED_LOCALES {
            let notice = handoff_notice(&request(locale));
            assert!(
                !notice.contains("matrix-"),
                "{locale}: a message id leaked: {notice}"
            );
            assert!(
                notice.contains("A call from the bank asking for my PIN"),
                "{notice}"
            );
            assert!(notice.contains("Was that call really you?"), "{notice}");
            assert!(notice.contains("We never ask for your PIN."), "{notice}");
            assert!(notice.lines().count() >= 6, "{notice}");
        }
        let english = handoff_notice(&request("en-US"));
        assert!(english.to_lowercase().contains("fraud"), "{english}");
        for reason in [
            HandoffReason::Button,
            HandoffReason::UserAsked,
            HandoffReason::BotFailed,
        ] {
            let notice = handoff_notice(&HandoffRequest {
                reason,
                urgent_topic: None,
                ..request("zh-TW")
            });
            assert!(!notice.contains("matrix-"), "{notice}");
        }
    }

    /// Issue 17: a complaint reaches the agent as a complaint, in the
    /// notice and in the event for support tools.
    #[test]
    fn a_complaint_is_named_as_one_in_the_notice_and_the_event() {
        for (locale, words) in [
            ("en-US", "They want to make a complaint."),
            ("zh-CN", "用户要投诉。"),
            ("zh-TW", "使用者要投訴。"),
        ] {
            let complaint = HandoffRequest {
                reason: HandoffReason::Complaint,
                urgent_topic: None,
                ..request(locale)
            };
            assert!(
                handoff_notice(&complaint).contains(words),
                "{locale}: {}",
                handoff_notice(&complaint)
            );
            assert_eq!(handoff_content(&complaint, "$n")["reason"], "complaint");
        }
    }

    #[test]
    fn the_custom_event_carries_reason_topic_and_summary() {
        let content = handoff_content(&request("zh-CN"), "$notice");
        assert_eq!(content["reason"], "urgent");
        assert_eq!(content["urgent_topic"], "fraud");
        assert_eq!(content["locale"], "zh-CN");
        assert_eq!(
            content["summary"]["userAsked"][0],
            "Was that call really you?"
        );
        assert_eq!(content["notice_event_id"], "$notice");
    }

    #[test]
    fn a_left_message_names_its_reference_and_the_call_back() {
        let message = LeftMessage {
            id: warmline_core::MessageId::new(),
            text: "Please call me about my bill".into(),
            callback: Some(warmline_core::CallbackRequest {
                phone: "+44 20 7946 0000".into(),
                preferred_time: "after 10 in the morning".into(),
            }),
            summary: HandoffSummary::default(),
        };
        for locale in warmline_i18n::SUPPORTED_LOCALES {
            let notice = left_message_notice(locale, &message, "WL-1A2B3C4D");
            assert!(!notice.contains("matrix-"), "{notice}");
            for part in [
                "WL-1A2B3C4D",
                "Please call me about my bill",
                "+44 20 7946 0000",
                "after 10",
            ] {
                assert!(
                    notice.contains(part),
                    "{locale}: {part} missing from {notice}"
                );
            }
        }
    }
}
