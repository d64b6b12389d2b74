//! When the bot did not help: pure rules over plain data, so they can be
//! checked case by case.
//!
//! The numbers live in `data/frustration-rules.json`, which the UI's fake
//! backend reads too; `data/frustration-cases.json` holds the cases both
//! implementations are tested against, so neither can drift from the other
//! unnoticed.

use serde::Deserialize;

/// The rules as data (`data/frustration-rules.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct FrustrationRules {
    /// Bot answers in a row that did not help before Warmline offers a
    /// person.
    pub(super) misses_before_offer: u32,
    /// The user asking the same question again offers a person at once.
    pub(super) offer_on_repeated_question: bool,
}

impl FrustrationRules {
    /// The rules Warmline ships with.
    pub(super) fn builtin() -> Self {
        serde_json::from_str(include_str!("../../data/frustration-rules.json"))
            .expect("data/frustration-rules.json is valid (checked by a test)")
    }
}

/// What Warmline does after a bot answer or a user message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) enum Verdict {
    /// Offer a person.
    Offer,
    /// The bot helped: withdraw an offer that stands.
    Withdraw,
    /// Nothing changes.
    None,
}

/// What the rules remember between messages.
#[derive(Debug, Clone)]
pub(super) struct Frustration {
    rules: FrustrationRules,
    /// Bot answers in a row that did not help (fallbacks or repeats).
    bot_misses: u32,
    last_bot_text: Option<String>,
    /// The user's last message, normalized, to notice a repeated question.
    last_user_text: Option<String>,
}

impl Default for Frustration {
    fn default() -> Self {
        Self::new(FrustrationRules::builtin())
    }
}

impl Frustration {
    pub(super) fn new(rules: FrustrationRules) -> Self {
        Self {
            rules,
            bot_misses: 0,
            last_bot_text: None,
            last_user_text: None,
        }
    }

    /// Judges a bot answer: fallbacks ("I did not understand", `understood:
    /// false`) and the same answer twice are misses.
    pub(super) fn bot_answered(&mut self, text: &str, understood: bool) -> Verdict {
        let repeated = self.last_bot_text.as_deref() == Some(text);
        self.last_bot_text = Some(text.to_owned());
        if understood && !repeated {
            self.bot_misses = 0;
            return Verdict::Withdraw;
        }
        // A canned answer given twice failed both times.
        self.bot_misses = if repeated {
            self.bot_misses.max(1) + 1
        } else {
            self.bot_misses + 1
        };
        if self.bot_misses >= self.rules.misses_before_offer {
            Verdict::Offer
        } else {
            Verdict::None
        }
    }

    /// Judges what the user wrote: the same question again means the answer
    /// did not help. Returns true when a person should be offered.
    pub(super) fn user_wrote(&mut self, text: &str) -> bool {
        let normalized = normalize_for_repeat(text);
        let repeated = self.last_user_text.as_deref() == Some(normalized.as_str());
        self.last_user_text = Some(normalized);
        repeated && self.rules.offer_on_repeated_question
    }
}

/// Lowercase, without punctuation or spacing: "Where is my parcel?" and
/// "where is my parcel" are the same question.
fn normalize_for_repeat(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Cases {
        cases: Vec<Case>,
    }

    #[derive(Deserialize)]
    struct Case {
        name: String,
        steps: Vec<Step>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Step {
        Bot {
            bot: String,
            understood: bool,
            expect: Verdict,
        },
        User {
            user: String,
            expect: Verdict,
        },
    }

    #[test]
    fn the_shipped_rules_offer_a_person_after_two_misses() {
        assert_eq!(
            FrustrationRules::builtin(),
            FrustrationRules {
                misses_before_offer: 2,
                offer_on_repeated_question: true
            }
        );
    }

    /// The same cases run against the UI's fake (ui/tests/frustration.test.mjs).
    #[test]
    fn every_shared_case_gives_the_expected_verdicts() {
        let cases: Cases =
            serde_json::from_str(include_str!("../../data/frustration-cases.json")).unwrap();
        assert!(cases.cases.len() >= 5, "the cases file lost its cases");
        for case in cases.cases {
            let mut frustration = Frustration::default();
            for (number, step) in case.steps.iter().enumerate() {
                let (got, expected) = match step {
                    Step::Bot {
                        bot,
                        understood,
                        expect,
                    } => (frustration.bot_answered(bot, *understood), *expect),
                    Step::User { user, expect } => {
                        let offer = frustration.user_wrote(user);
                        (if offer { Verdict::Offer } else { Verdict::None }, *expect)
                    }
                };
                assert_eq!(got, expected, "{}: step {}", case.name, number + 1);
            }
        }
    }
}
