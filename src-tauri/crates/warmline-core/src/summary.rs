//! The hand-over summary: what the person who takes over receives, so the
//! user never has to explain everything again.

use serde::{Deserialize, Serialize};

use crate::domain::{Author, HandoffReason, Message, MessageBody};

/// How many of the user's messages the summary quotes.
const USER_MESSAGES: usize = 5;
/// How many of the bot's answers the summary quotes.
const BOT_ANSWERS: usize = 3;
/// How many of the last messages the summary repeats verbatim.
const RECENT_MESSAGES: usize = 6;
/// Longest quote, in characters; longer text is cut with an ellipsis.
const QUOTE_LIMIT: usize = 280;

/// Who wrote a line of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SummaryAuthor {
    /// The user.
    User,
    /// A bot.
    Bot,
    /// A person.
    Agent,
}

/// One quoted message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SummaryLine {
    /// Who wrote it.
    pub author: SummaryAuthor,
    /// What they wrote (possibly shortened).
    pub text: String,
}

/// A short account of the conversation so far, sent with every request for
/// a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HandoffSummary {
    /// The user's interface language (BCP 47), for routing to someone who
    /// speaks it.
    pub language: String,
    /// What the conversation is about: the user's first substantial message.
    pub topic: Option<String>,
    /// What the user asked, oldest first (the last few).
    pub user_asked: Vec<String>,
    /// What the bot answered, oldest first (the last few).
    pub bot_answered: Vec<String>,
    /// The last messages of the conversation, oldest first.
    pub recent: Vec<SummaryLine>,
    /// When the user asked in words (or wrote of something urgent): the
    /// name of the phrase rule that recognised it, e.g. `person.complaint`
    /// or `urgent.fraud.relative-in-trouble`, so the person who takes over
    /// knows why at a glance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched_rule: Option<String>,
    /// When the rule is the classifier's (`classifier.urgent.fraud`): the
    /// pieces of the user's words that weighed most for it, most first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched_evidence: Vec<String>,
}

impl HandoffSummary {
    /// Builds the summary from the conversation's messages.
    ///
    /// The topic is the first user message that is more than a greeting: at
    /// least three words, or four characters of Chinese text, counted from
    /// the last fresh start (the conversation continued after a restart or a
    /// closed chat, a cancelled request, an agent who left), so that a person
    /// who takes over later quotes today's question, not an old one. Without
    /// such a message since then it is the latest substantial one. Notices
    /// from Warmline itself are left out of the lines; they say nothing about
    /// the user's problem.
    pub fn from_messages(messages: &[Message], language: &str) -> Self {
        let fresh_start = messages
            .iter()
            .rposition(is_fresh_start)
            .map_or(0, |index| index + 1);
        let topic = messages[fresh_start..]
            .iter()
            .filter_map(user_text)
            .find(|t| is_substantial(t))
            .or_else(|| {
                messages
                    .iter()
                    .filter_map(user_text)
                    .rfind(|t| is_substantial(t))
            })
            .map(shorten);
        let lines: Vec<SummaryLine> = messages.iter().filter_map(summary_line).collect();
        let user: Vec<&str> = lines
            .iter()
            .filter(|l| l.author == SummaryAuthor::User)
            .map(|l| l.text.as_str())
            .collect();
        let bot: Vec<&str> = lines
            .iter()
            .filter(|l| l.author == SummaryAuthor::Bot)
            .map(|l| l.text.as_str())
            .collect();
        Self {
            language: language.to_owned(),
            topic,
            user_asked: last(&user, USER_MESSAGES),
            bot_answered: last(&bot, BOT_ANSWERS),
            recent: lines[lines.len().saturating_sub(RECENT_MESSAGES)..].to_vec(),
            matched_rule: None,
            matched_evidence: Vec::new(),
        }
    }

    /// The summary as plain text for backends that take only text (an agent
    /// note, a ticket body). Labels are for the company's staff, not for the
    /// user, and are kept short and language-neutral.
    pub fn to_plain_text(&self, reason: HandoffReason) -> String {
        let mut out = format!("[Warmline] reason: {reason:?}");
        if let Some(rule) = &self.matched_rule {
            if self.matched_evidence.is_empty() {
                out.push_str(&format!(" ({rule})"));
            } else {
                out.push_str(&format!(" ({rule}: {})", self.matched_evidence.join(", ")));
            }
        }
        out.push_str(&format!("; language: {}\n", self.language));
        if let Some(topic) = &self.topic {
            out.push_str(&format!("topic: {topic}\n"));
        }
        for line in &self.recent {
            let who = match line.author {
                SummaryAuthor::User => "user",
                SummaryAuthor::Bot => "bot",
                SummaryAuthor::Agent => "agent",
            };
            out.push_str(&format!("{who}: {}\n", line.text));
        }
        out
    }
}

/// What the automatic assistant adds to a hand-over summary that already
/// went with the request for a person (tiered profiles whose bot writes a
/// summary, docs/AI-TIER.md). The rule-based [`HandoffSummary`] is never
/// replaced: this comes after it, or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryAddition {
    /// The model's short account of the conversation, in `language`.
    pub text: String,
    /// The language it is written in (the agent's), BCP 47.
    pub language: String,
    /// The user's own last words before the request, exactly as the
    /// rule-based summary quotes them (never the model's rendering).
    pub last_words: Option<String>,
}

impl SummaryAddition {
    /// The addition as plain text for backends that take only text, labelled
    /// for the company's staff like [`HandoffSummary::to_plain_text`].
    pub fn to_plain_text(&self) -> String {
        let mut out = format!(
            "[Warmline] the automatic assistant's summary ({}):\n{}\n",
            self.language, self.text
        );
        if let Some(words) = &self.last_words {
            out.push_str(&format!("the user's last words: \"{words}\"\n"));
        }
        out
    }
}

fn summary_line(message: &Message) -> Option<SummaryLine> {
    let MessageBody::Text { text } = &message.body else {
        return None;
    };
    let author = match message.author {
        Author::User => SummaryAuthor::User,
        Author::Bot { .. } => SummaryAuthor::Bot,
        Author::Agent { .. } => SummaryAuthor::Agent,
        Author::System => return None,
    };
    Some(SummaryLine {
        author,
        text: shorten(text),
    })
}

fn last(items: &[&str], count: usize) -> Vec<String> {
    items[items.len().saturating_sub(count)..]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= QUOTE_LIMIT {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(QUOTE_LIMIT - 1).collect();
    cut.push('…');
    cut
}

/// A notice after which the user's problem may be a new one.
fn is_fresh_start(message: &Message) -> bool {
    matches!(&message.body, MessageBody::Notice { notice } if matches!(
        notice.message_id.as_str(),
        "notice-conversation-continues" | "notice-person-cancelled" | "notice-agent-left"
    ))
}

fn user_text(message: &Message) -> Option<&str> {
    match (&message.author, &message.body) {
        (Author::User, MessageBody::Text { text }) => Some(text.as_str()),
        _ => None,
    }
}

fn is_substantial(text: &str) -> bool {
    let cjk = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    cjk >= 4 || text.split_whitespace().count() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DeliveryState, LocalizedText, MessageId, Timestamp};

    fn message(author: Author, text: &str) -> Message {
        Message {
            id: MessageId::new(),
            author,
            body: MessageBody::Text { text: text.into() },
            sent_at: Timestamp(0),
            delivery: DeliveryState::Received,
            failure: None,
        }
    }

    fn bot() -> Author {
        Author::Bot {
            name: "Sunny".into(),
            demo: true,
        }
    }

    #[test]
    fn names_the_topic_and_quotes_both_sides() {
        let messages = vec![
            message(bot(), "Hello, how can I help?"),
            message(Author::User, "hello"),
            message(bot(), "Hello! Ask me anything."),
            message(Author::User, "My bill is twice as high as usual"),
            message(bot(), "Your latest bill is 42.50 dollars."),
            Message {
                body: MessageBody::Notice {
                    notice: LocalizedText::new("notice-person-requested"),
                },
                ..message(Author::System, "")
            },
        ];
        let summary = HandoffSummary::from_messages(&messages, "en-US");
        assert_eq!(summary.language, "en-US");
        assert_eq!(
            summary.topic.as_deref(),
            Some("My bill is twice as high as usual")
        );
        assert_eq!(
            summary.user_asked,
            ["hello", "My bill is twice as high as usual"]
        );
        assert_eq!(summary.bot_answered.len(), 3);
        assert_eq!(summary.recent.len(), 5, "the notice is left out");
        assert_eq!(summary.recent[4].author, SummaryAuthor::Bot);
        let text = summary.to_plain_text(HandoffReason::Button);
        assert!(
            text.contains("topic: My bill is twice as high as usual"),
            "{text}"
        );
    }

    /// Issue 9, item 8: after a restart the person quotes today's question.
    #[test]
    fn the_topic_is_counted_from_the_last_fresh_start() {
        let notice = |id: &str| Message {
            body: MessageBody::Notice {
                notice: LocalizedText::new(id),
            },
            ..message(Author::System, "")
        };
        let messages = vec![
            message(Author::User, "My bill is too high this month"),
            notice("notice-conversation-continues"),
            message(Author::User, "hello"),
            message(Author::User, "Where is my parcel please"),
            message(Author::User, "It was due on Monday"),
        ];
        let summary = HandoffSummary::from_messages(&messages, "en-US");
        assert_eq!(summary.topic.as_deref(), Some("Where is my parcel please"));
        // Nothing substantial since: the latest substantial question.
        let messages = vec![
            message(Author::User, "My bill is too high this month"),
            message(Author::User, "Where is my parcel please"),
            notice("notice-person-cancelled"),
            message(Author::User, "ok"),
        ];
        let summary = HandoffSummary::from_messages(&messages, "en-US");
        assert_eq!(summary.topic.as_deref(), Some("Where is my parcel please"));
    }

    #[test]
    fn chinese_topics_count_characters_and_long_text_is_shortened() {
        let long = "很".repeat(400);
        let messages = vec![
            message(Author::User, "你好"),
            message(Author::User, "我的快递到哪里了"),
            message(Author::User, &long),
        ];
        let summary = HandoffSummary::from_messages(&messages, "zh-CN");
        assert_eq!(summary.topic.as_deref(), Some("我的快递到哪里了"));
        let quoted = &summary.user_asked[2];
        assert_eq!(quoted.chars().count(), QUOTE_LIMIT);
        assert!(quoted.ends_with('…'));
    }

    #[test]
    fn the_plain_text_names_the_reason_and_the_rule_that_recognised_it() {
        let summary = HandoffSummary {
            matched_rule: Some("person.complaint".into()),
            ..HandoffSummary::from_messages(&[message(Author::User, "我要投诉")], "zh-CN")
        };
        let text = summary.to_plain_text(HandoffReason::Complaint);
        assert!(
            text.starts_with("[Warmline] reason: Complaint (person.complaint); language: zh-CN\n"),
            "{text}"
        );
        let plain =
            HandoffSummary::from_messages(&[], "en-US").to_plain_text(HandoffReason::Button);
        assert!(
            plain.starts_with("[Warmline] reason: Button; language"),
            "{plain}"
        );
        // The classifier's rule comes with what weighed most for it.
        let learnt = HandoffSummary {
            matched_rule: Some("classifier.urgent.fraud".into()),
            matched_evidence: vec!["验证码".into(), "银行".into()],
            ..HandoffSummary::from_messages(&[message(Author::User, "…")], "zh-CN")
        };
        assert!(
            learnt
                .to_plain_text(HandoffReason::Urgent)
                .starts_with("[Warmline] reason: Urgent (classifier.urgent.fraud: 验证码, 银行);"),
            "{}",
            learnt.to_plain_text(HandoffReason::Urgent)
        );
        // The rule travels to backends that take the summary as data, too.
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["matchedRule"], "person.complaint");
        assert!(serde_json::to_value(HandoffSummary::default())
            .unwrap()
            .get("matchedRule")
            .is_none());
    }

    #[test]
    fn keeps_only_the_last_messages() {
        let messages: Vec<_> = (0..20)
            .map(|i| message(Author::User, &format!("question number {i}")))
            .collect();
        let summary = HandoffSummary::from_messages(&messages, "en-US");
        assert_eq!(summary.topic.as_deref(), Some("question number 0"));
        assert_eq!(summary.user_asked.len(), USER_MESSAGES);
        assert_eq!(summary.user_asked[4], "question number 19");
        assert_eq!(summary.recent.len(), RECENT_MESSAGES);
        assert!(HandoffSummary::from_messages(&[], "en-US").topic.is_none());
    }
}
