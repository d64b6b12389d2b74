//! The classifier behind the rules: what it takes to tell, from the way a
//! sentence is written, that it asks for a person or tells of something
//! urgent, when no rule matched it.
//!
//! The rules are precise but they only know the ways of saying things that
//! someone wrote down, and on sentences nobody tuned them to they miss many
//! (the fresh rounds of `data/intent-eval/RESULTS.md`). This model
//! (`warmline-intent-model`: a multinomial logistic regression over
//! character n-grams) is trained on the same labelled development set
//! ([`super::eval::dev_set`]) by the crate's build script and generalises
//! from it: "說個真人", "kindly arrange a human", "a man says he is from the
//! bank and wants the code" are close, in n-grams, to sentences it was
//! shown. It answers person, urgent or neither, and for an urgent sentence
//! which topic, each with the words that weighed most
//! ([`Verdict::evidence`]), so its decisions are explainable as the rules'
//! are.
//!
//! It is asked about a message in which no rule matched, not even a negated
//! one ([`super::Decision::nothing_matched`]), and about one in which only a
//! request for a person matched, which its urgent verdict raises to urgent
//! (both a request and urgent are urgent). It never overrules a rule: a
//! negation the rules recognised ("I don't need a person") stays an answer
//! of none, a request stays at least a request, and a story an urgent rule
//! found over or negated is never raised.

use std::sync::{Arc, OnceLock};

use warmline_intent_model::{Example, Model};

use super::eval::{Class, Labelled, CLASSES};
use super::normalize::is_cjk;
use super::pattern::units;
use super::{Intent, UrgentTopic};

/// The built-in model's file, trained on the development set by `build.rs`
/// at build time (it is not kept in the repository).
const BUILTIN_MODEL: &str = include_str!(concat!(env!("OUT_DIR"), "/intent-classifier.tsv"));

/// The inverse of the penalty's strength the built-in model is trained
/// with, chosen with [`ACT_AT`] by cross-validation.
pub const PENALTY_C: f64 = warmline_intent_model::PENALTY_C;

/// The start of the rule name of every decision of the classifier.
pub const RULE_PREFIX: &str = "classifier.";

/// The built-in model, read once.
pub(crate) fn builtin() -> Arc<Classifier> {
    static MODEL: OnceLock<Arc<Classifier>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            Arc::new(
                Classifier::from_file(BUILTIN_MODEL)
                    .unwrap_or_else(|error| panic!("the built-in intent model: {error}")),
            )
        })
        .clone()
}

/// The built-in model as its file (what `build.rs` wrote), for tests and
/// tools that compare it with a model trained here.
pub fn builtin_file() -> &'static str {
    BUILTIN_MODEL
}

/// How sure the classifier must be before its verdict counts: below this,
/// a message no rule matched asks for nothing. Chosen by cross-validation
/// on the development set (`examples/intent_cv.rs`, figures in
/// `data/intent-eval/RESULTS.md`), not on any fresh round, by a rule fixed
/// before any table was read: the highest recall with precision at least
/// 0.99 for both classes and action on at most 0.5 % of ordinary messages
/// (0.8 with [`PENALTY_C`] 10 in session 9; 0.9 with 30 when numbers came
/// to read as one; 0.85 with 10 since words are features too, where 30 at
/// 0.9 came level and the lower of the two recalls broke the tie; 0.8 with
/// 10 since n-grams of one training sentence are dropped and runs of three
/// words are features, where 10 with pairs only came level on the lower
/// recall and the higher one broke the tie; 0.85 with 30 once rounds 27–31
/// and chat-7 and chat-8 joined the set, where 0.8 with 10 acted on 18 of
/// 3,360 ordinary messages; 0.8 with 30 once rounds 32–34 and chat-9 had,
/// acting on 17 of 3,520, the most the rule allows).
pub const ACT_AT: f64 = 0.8;

/// Whether `text` says enough for a verdict of the classifier to count: at
/// least [`MIN_WORDS`] words, or [`MIN_CHINESE`] Chinese characters or words
/// and Chinese characters together. A word
/// or two ("again", "my card") gives the n-grams too little to go on (in
/// session 11 the model read "again" as asking for a person and "my card" as
/// an unknown charge), and every short way of asking is a rule's ("agent",
/// 转人工, 有人吗); on the development set no message that short was found
/// by the classifier alone. Counted as the rules count (`pattern::units`:
/// a word, or one Chinese character, each), on the normalized message.
pub fn says_enough(text: &str) -> bool {
    let units = units(text);
    let chinese = text.chars().filter(|c| is_cjk(*c)).count();
    units - chinese >= MIN_WORDS || units >= MIN_CHINESE
}

/// The fewest words a message needs for the classifier's verdict to count.
pub const MIN_WORDS: usize = 3;
/// The fewest Chinese characters a message needs for the same.
pub const MIN_CHINESE: usize = 4;

/// A trained classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    model: Model,
}

/// What the classifier made of a sentence the rules did not place.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Person or urgent (with a topic); the classifier's "neither" is no
    /// verdict.
    pub intent: Intent,
    /// How sure it is of the class, from 0 to 1.
    pub probability: f64,
    /// The n-grams of the sentence that weighed most for the class, most
    /// first, each once (for logs and the hand-over summary's reason).
    pub evidence: Vec<String>,
}

impl Verdict {
    /// The name of the rule this verdict is: `classifier.person`,
    /// `classifier.urgent.fraud`, …
    pub fn rule(&self) -> String {
        let what = match self.intent {
            Intent::AskPerson => "person",
            Intent::Urgent(UrgentTopic::Medical) => "urgent.medical",
            Intent::Urgent(UrgentTopic::Fraud) => "urgent.fraud",
            Intent::Urgent(UrgentTopic::StolenMoney) => "urgent.stolen-money",
            Intent::Urgent(UrgentTopic::UnauthorizedCharge) => "urgent.unauthorized-charge",
        };
        format!("{RULE_PREFIX}{what}")
    }
}

impl Classifier {
    /// Trains on `rows`: the class of each for the first decision, and the
    /// topic of those urgent rows that have one for the second.
    pub fn train(rows: &[Labelled]) -> Classifier {
        Classifier::train_with_penalty(rows, PENALTY_C)
    }

    /// Trains as [`train`](Self::train) does with the penalty's `c` given
    /// (for cross-validation, `examples/intent_cv.rs`).
    pub fn train_with_penalty(rows: &[Labelled], c: f64) -> Classifier {
        let examples: Vec<Example<'_>> = rows
            .iter()
            .map(|row| Example {
                text: &row.text,
                class: CLASSES.iter().position(|c| *c == row.class).unwrap_or(2),
                topic: row
                    .topic
                    .and_then(|topic| UrgentTopic::CHECK_ORDER.iter().position(|t| *t == topic)),
            })
            .collect();
        Classifier {
            model: Model::train_with_penalty(&examples, c),
        }
    }

    /// How many sentences it was trained on.
    pub fn trained_on(&self) -> usize {
        self.model.trained_on()
    }

    /// Whether `text` asks for a person or is urgent, by the model alone.
    pub fn judge(&self, text: &str) -> Option<Verdict> {
        let judgement = self.model.judge(text)?;
        let intent = match CLASSES[judgement.class] {
            Class::Person => Intent::AskPerson,
            Class::Urgent => Intent::Urgent(UrgentTopic::CHECK_ORDER[judgement.topic?]),
            Class::None => return None,
        };
        Some(Verdict {
            intent,
            probability: judgement.probability,
            evidence: judgement.evidence,
        })
    }

    /// The model as a file (the format of `warmline_intent_model::Model`).
    pub fn to_file(&self) -> String {
        self.model.to_file()
    }

    /// Reads a model written by [`to_file`](Self::to_file).
    pub fn from_file(text: &str) -> Result<Classifier, String> {
        Ok(Classifier {
            model: Model::from_file(text)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use warmline_intent_model::labels;

    use super::*;

    /// The model's classes and topics are numbered by name in its crate;
    /// these are the same names in the same order.
    #[test]
    fn the_models_classes_and_topics_are_ours_in_the_same_order() {
        for (class, name) in CLASSES.iter().zip(labels::CLASSES) {
            let parsed = super::super::eval::parse_labelled(&format!("{name}\ten\tx\ty"));
            assert_eq!(parsed.unwrap()[0].class, *class, "{name}");
        }
        for (topic, name) in UrgentTopic::CHECK_ORDER.iter().zip(labels::TOPICS) {
            let verdict = Verdict {
                intent: Intent::Urgent(*topic),
                probability: 1.0,
                evidence: Vec::new(),
            };
            assert_eq!(verdict.rule(), format!("{RULE_PREFIX}urgent.{name}"));
        }
    }

    /// A classifier sure of one urgent story, for the rules to be raised by.
    fn toy_classifier() -> Classifier {
        let rows = super::super::eval::parse_labelled(
            "urgent:stolen-money\ten\tx\tzork\n\
             urgent:stolen-money\ten\tx\tzork zork\n\
             urgent:stolen-money\ten\tx\tzork zork zork\n\
             urgent:stolen-money\ten\tx\tzork zork zork zork\n\
             urgent:stolen-money\ten\tx\tzork zork zork zork zork\n\
             urgent:fraud\ten\tx\tquux\n\
             none\ten\tx\tthe weather is nice\n\
             none\ten\tx\twhat time do you open\n\
             none\ten\tx\tthank you\n\
             person\ten\tx\ta person please\n",
        )
        .unwrap();
        Classifier::train(&rows)
    }

    /// A request the rules found that also tells of something urgent the
    /// urgent rules did not know is raised to urgent by the classifier; a
    /// plain request stays a request, and the rules alone never raise.
    #[test]
    fn a_word_or_two_says_too_little_for_the_classifier() {
        for short in ["again", "my card", "come again?", "我的卡", "再嚟", "ok 好"] {
            assert!(!says_enough(short), "{short:?}");
        }
        for long in [
            "say that again please",
            "我的卡不见了",
            "I don't know",
            "my card 被刷",
        ] {
            assert!(says_enough(long), "{long:?}");
        }
        let phrases = crate::intent::PhraseSet::builtin();
        for short in ["again", "again please", "my card"] {
            assert_eq!(phrases.explain(short).intent(), None, "{short:?}");
        }
    }

    #[test]
    fn the_classifier_raises_a_request_to_urgent_never_the_reverse() {
        let rules = super::super::PhraseSet::builtin().rules_only();
        let with = super::super::PhraseSet {
            classifier: Some(Arc::new(toy_classifier())),
            ..rules.clone()
        };
        let story = "zork zork zork zork, call me back";
        assert_eq!(rules.explain(story).intent(), Some(Intent::AskPerson));
        let raised = with.explain(story);
        assert_eq!(
            raised.intent(),
            Some(Intent::Urgent(UrgentTopic::StolenMoney)),
            "{raised:?}"
        );
        assert_eq!(raised.rule(), Some("classifier.urgent.stolen-money"));
        assert!(
            raised.evidence().iter().any(|e| e.contains("zork")),
            "{raised:?}"
        );
        assert_eq!(
            with.explain("please call me back").intent(),
            Some(Intent::AskPerson)
        );
    }

    #[test]
    fn the_builtin_model_is_trained_on_the_whole_development_set() {
        assert_eq!(builtin().trained_on(), super::super::eval::dev_set().len());
    }
}
