//! Spotting, in what the user types or says, a request for a person and
//! urgent topics that must go to a person first.
//!
//! The rules are data, not code: the default set is
//! `data/handoff-phrases.toml` and the files of `data/handoff-phrases/`, one
//! per family ([`BUILTIN_PHRASE_FILES`]), embedded at build time, and a
//! caregiver or a deploying company can add to it with a file of the same
//! layout ([`PhraseSet::with_extra`]). The first file's comments explain the
//! matching in full; in short, a message is [normalized](normalize) (script, width, case,
//! punctuation, repeats, speech-recognition slips), and then each named rule
//! is tried on each sentence:
//!
//! * `phrases` match anywhere; `all_of` groups when each of their words
//!   (often a `@concept`: any money word, any body part) is in the sentence;
//!   `in_order` sequences when their words follow each other closely;
//! * `short_only` triggers ("agent", "人工", "315") only as the main content
//!   of a short sentence, or after one of the rule's `frames`;
//! * a match inside the scope of a negation ("I don't need a person",
//!   "不用转人工"), or an `in_order` match with a negation between its
//!   words ("胸口不痛"), does not count, unless the negation is part of the
//!   match ("I don't want a robot");
//! * a symptom that is over does not count either: matched by a rule marked
//!   `over`, with a past time word and then a recovery after it ("I was
//!   short of breath last week but the doctor says I'm fine"), and no word
//!   of it going on ("still", "since", 到而家) anywhere in the message
//!   ([`Decision::over`]).
//!
//! Urgent rules are checked before the request for a person and win over it.
//! Where no rule matched at all (not even a negated one), a [`classifier`]
//! trained on the labelled development set decides from the way the message
//! is written: it catches ways of asking that no rule lists, and it never
//! overrules a rule. Every decision names the rule that made it
//! ([`PhraseSet::explain`]): a rule of the data, or `classifier.person` and
//! `classifier.urgent.<topic>` with the n-grams that weighed most
//! ([`Decision::evidence`]).
//!
//! ```
//! use warmline_core::intent::{Intent, PhraseSet, UrgentTopic};
//!
//! let phrases = PhraseSet::builtin();
//! assert_eq!(phrases.classify("轉 人 工！！"), Some(Intent::AskPerson));
//! assert_eq!(phrases.classify("Can I speak to a real person?"), Some(Intent::AskPerson));
//! assert_eq!(phrases.classify("I've been scammed, get me a human"),
//!            Some(Intent::Urgent(UrgentTopic::Fraud)));
//! assert_eq!(phrases.classify("人工智能是什么？"), None);
//! assert_eq!(phrases.classify("I don't need a person, thanks"), None);
//! assert_eq!(phrases.classify("My address is 315 Main Street"), None);
//! let decision = phrases.explain("我要投訴");
//! assert_eq!(decision.rule(), Some("person.complaint"));
//! ```

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::domain::HandoffReason;

pub mod classifier;
mod data;
mod dev_set;
pub mod eval;
mod normalize;
mod pattern;
mod rules;
mod second_opinion;

pub use second_opinion::{SecondOpinion, SECOND_OPINION_RULE};

use classifier::Classifier;
use rules::{Match, Rule, Shared};

/// The first file of the built-in phrase data, `data/handoff-phrases.toml`:
/// how text is read, negation, and the concepts several families share.
pub const BUILTIN_PHRASES_TOML: &str = include_str!("../data/handoff-phrases.toml");

/// Every file of the built-in phrase data, in the order they are read
/// (within a topic, rules are tried in this order): the first file, then
/// one file per family. Each has the layout of the first; a concept named in
/// two files gets the words of both.
pub const BUILTIN_PHRASE_FILES: [(&str, &str); 9] = [
    ("handoff-phrases.toml", BUILTIN_PHRASES_TOML),
    (
        "handoff-phrases/medical.toml",
        include_str!("../data/handoff-phrases/medical.toml"),
    ),
    (
        "handoff-phrases/medical-poison.toml",
        include_str!("../data/handoff-phrases/medical-poison.toml"),
    ),
    (
        "handoff-phrases/fraud-people.toml",
        include_str!("../data/handoff-phrases/fraud-people.toml"),
    ),
    (
        "handoff-phrases/fraud-devices.toml",
        include_str!("../data/handoff-phrases/fraud-devices.toml"),
    ),
    (
        "handoff-phrases/fraud.toml",
        include_str!("../data/handoff-phrases/fraud.toml"),
    ),
    (
        "handoff-phrases/money.toml",
        include_str!("../data/handoff-phrases/money.toml"),
    ),
    (
        "handoff-phrases/person.toml",
        include_str!("../data/handoff-phrases/person.toml"),
    ),
    (
        "handoff-phrases/complaint.toml",
        include_str!("../data/handoff-phrases/complaint.toml"),
    ),
];

/// The built-in files, parsed.
fn builtin_sources() -> Vec<(&'static str, data::Data)> {
    BUILTIN_PHRASE_FILES
        .iter()
        .map(|(name, text)| {
            let data = data::parse(text)
                .unwrap_or_else(|error| panic!("the built-in {name} does not parse: {error}"));
            (*text, data)
        })
        .collect()
}

/// Stands in for an excluded span; normalization never produces it, so no
/// phrase can match across it.
const EXCLUDED: &str = "#";

/// An urgent topic that goes to a person before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum UrgentTopic {
    /// A scam or fraud: someone tricked, or is trying to trick, the user.
    Fraud,
    /// Money taken from the user's account, or the account taken over.
    StolenMoney,
    /// A charge or payment the user did not make.
    UnauthorizedCharge,
    /// A medical emergency.
    Medical,
}

impl UrgentTopic {
    /// Every topic, in the order [`PhraseSet::classify`] checks them: a
    /// medical emergency first.
    pub const CHECK_ORDER: [UrgentTopic; 4] = [
        UrgentTopic::Medical,
        UrgentTopic::Fraud,
        UrgentTopic::StolenMoney,
        UrgentTopic::UnauthorizedCharge,
    ];
}

/// What a message asks for, as far as reaching a person goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", content = "topic", rename_all = "camelCase")]
pub enum Intent {
    /// The user asked, in words, to talk to a person.
    AskPerson,
    /// The message is about an urgent topic; a person should take over even
    /// if the user did not ask for one.
    Urgent(UrgentTopic),
}

impl Intent {
    /// The reason to give the backend when this intent leads to a handoff.
    pub fn handoff_reason(self) -> HandoffReason {
        match self {
            Intent::AskPerson => HandoffReason::UserAsked,
            Intent::Urgent(_) => HandoffReason::Urgent,
        }
    }
}

/// Why phrase data could not be used. Line and column numbers count from 1
/// and refer to the TOML text that was passed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhraseSetError {
    /// The text is not valid TOML, or does not have the expected layout
    /// (including an unknown key, such as a misspelled list name).
    #[error("handoff phrases, line {line}, column {column}: {message}")]
    Syntax {
        /// Line of the error.
        line: usize,
        /// Column of the error, in characters.
        column: usize,
        /// What is wrong, as the TOML reader put it.
        message: String,
    },
    /// An entry of `[variants] pairs` is not two characters.
    #[error(
        "handoff phrases, line {line}: `{entry}` in [variants] must be two \
         characters, the variant and then the form it is read as"
    )]
    BadPair {
        /// Line of the entry.
        line: usize,
        /// The entry as written.
        entry: String,
    },
    /// Two entries of one file map the same character differently.
    #[error(
        "handoff phrases, line {line}: `{entry}` maps `{character}`, which line \
         {first_line} already maps to something else"
    )]
    ConflictingPair {
        /// Line of the second entry.
        line: usize,
        /// The second entry as written.
        entry: String,
        /// The character mapped twice.
        character: char,
        /// Line of the first entry.
        first_line: usize,
    },
    /// A phrase is nothing but punctuation or spaces, so it would match
    /// nothing (or, worse, everything).
    #[error("handoff phrases, line {line}: `{phrase}` has nothing left to match once normalized")]
    EmptyPhrase {
        /// Line of the phrase.
        line: usize,
        /// The phrase as written.
        phrase: String,
    },
    /// An `all_of` or `in_order` group with no words in it.
    #[error("handoff phrases, line {line}: a group needs at least one phrase")]
    EmptyGroup {
        /// Line of the group.
        line: usize,
    },
    /// A `[spoken] pairs` entry is not two non-empty phrases.
    #[error("handoff phrases, line {line}: a spoken form is [\"heard\", \"meant\"]")]
    BadSpokenForm {
        /// Line of the entry.
        line: usize,
    },
    /// An `@name` that no `[concepts]` list defines.
    #[error("handoff phrases, line {line}: no concept is called `{name}`")]
    UnknownConcept {
        /// Line of the reference.
        line: usize,
        /// The name referred to.
        name: String,
    },
    /// Concepts that name each other too deeply (or in a circle).
    #[error("handoff phrases, line {line}: concept `{name}` refers to others too deeply")]
    ConceptTooDeep {
        /// Line of the reference.
        line: usize,
        /// The concept.
        name: String,
    },
    /// A rule whose `intent`, `topic` and `reason` do not fit together: an
    /// urgent rule needs a topic, a person rule has none.
    #[error("handoff phrases, line {line}: rule `{name}`: `intent = \"urgent\"` needs a `topic`, `intent = \"person\"` takes none")]
    BadRule {
        /// Line of the rule.
        line: usize,
        /// Its name.
        name: String,
    },
    /// Two rules with the same name.
    #[error("handoff phrases, line {line}: there is already a rule called `{name}`")]
    DuplicateRule {
        /// Line of the second rule.
        line: usize,
        /// The name.
        name: String,
    },
}

/// Why the user asked for a person, as far as the words tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PersonReason {
    /// They asked for a person (or to be contacted by one).
    Asked,
    /// They want to complain ("投诉", "315"); a complaint goes to a person.
    Complaint,
}

/// What a rule decides when it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Person(PersonReason),
    Urgent(UrgentTopic),
}

/// What the matcher made of a message, and which rule made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    intent: Option<Intent>,
    complaint: bool,
    rule: Option<String>,
    negated: bool,
    over: bool,
    evidence: Vec<String>,
}

impl Decision {
    /// What the message asks for, if anything.
    pub fn intent(&self) -> Option<Intent> {
        self.intent
    }

    /// The name of the rule that decided (`"urgent.fraud.safe-account"`,
    /// `"person.request"`), for tests, logs and the hand-over summary. When
    /// nothing was decided but a rule matched inside a negation, that rule
    /// (see [`negated`](Self::negated)); otherwise `None`.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// True when the only rules that matched were negated ("I don't need a
    /// person"): the message asks for nothing.
    pub fn negated(&self) -> bool {
        self.negated
    }

    /// True when the rule named by [`rule`](Self::rule) matched only a
    /// symptom that is over: told with a past time and followed by a
    /// recovery ("I was short of breath last week but the doctor says I'm
    /// fine", "我昨天胸口有点闷，今天已经好了"). Such a decision is also
    /// [`negated`](Self::negated): it asks for nothing.
    pub fn over(&self) -> bool {
        self.over
    }

    /// True when no rule matched at all, not even a negated one, and the
    /// classifier saw nothing either: the only kind of message a
    /// [`SecondOpinion`] is asked about.
    pub fn nothing_matched(&self) -> bool {
        self.intent.is_none() && !self.negated
    }

    /// For a decision of the classifier, the n-grams of the message that
    /// weighed most for it, most first; empty for the rules' decisions.
    pub fn evidence(&self) -> &[String] {
        &self.evidence
    }

    /// True for a request for a person that is a complaint.
    pub fn is_complaint(&self) -> bool {
        self.complaint
    }

    /// The reason to give the backend when this decision leads to a handoff:
    /// a complaint is [`HandoffReason::Complaint`].
    pub fn handoff_reason(&self) -> Option<HandoffReason> {
        self.intent.map(|intent| match intent {
            Intent::AskPerson if self.complaint => HandoffReason::Complaint,
            intent => intent.handoff_reason(),
        })
    }

    /// The urgent topic, for urgent decisions.
    pub fn urgent_topic(&self) -> Option<UrgentTopic> {
        match self.intent {
            Some(Intent::Urgent(topic)) => Some(topic),
            _ => None,
        }
    }
}

/// A compiled set of handoff rules: the built-in data plus any extra data,
/// normalized once so that [`classify`](Self::classify) only searches.
///
/// Build it once and keep it; classification is cheap enough to run on every
/// message.
#[derive(Debug, Clone)]
pub struct PhraseSet {
    /// Asked where no rule matched; `None` for the rules alone.
    classifier: Option<std::sync::Arc<Classifier>>,
    fold: std::collections::HashMap<char, char>,
    spoken: normalize::Spoken,
    shared: Shared,
    /// Urgent rules in [`UrgentTopic::CHECK_ORDER`], then the person rules,
    /// each group in file order.
    rules: Vec<Rule>,
}

impl Default for PhraseSet {
    fn default() -> Self {
        Self::builtin()
    }
}

impl PhraseSet {
    /// Compiles the built-in rules now, so the first [`builtin`](Self::builtin)
    /// does not wait for them (call it on a thread of its own at start).
    pub fn warm_up() {
        builtin_ref();
    }

    /// The built-in rules ([`BUILTIN_PHRASE_FILES`]).
    pub fn builtin() -> PhraseSet {
        builtin_ref().clone()
    }

    /// The built-in rules with `toml` (same layout as the built-in files,
    /// every key optional) added on top: its rules and lists extend the
    /// built-in ones (a concept of the same name gets more words), its
    /// `[variants]` pairs override built-in pairs for the same character,
    /// and its `max_gap` and negation `scope`, if set, replace the built-in
    /// ones.
    pub fn with_extra(toml: &str) -> Result<PhraseSet, PhraseSetError> {
        let extra = data::parse(toml)?;
        let mut sources = builtin_sources();
        sources.push((toml, extra));
        PhraseSet::compile(&sources)
    }

    /// Normalizes `text` the way this set's phrases were normalized, with
    /// its own variants and spoken forms. See [`normalize`].
    pub fn normalize(&self, text: &str) -> String {
        normalize::normalize_with(text, &self.fold, &self.spoken)
    }

    /// What `text` asks for, if anything: an urgent topic, else a request
    /// for a person, else `None`.
    pub fn classify(&self, text: &str) -> Option<Intent> {
        self.explain(text).intent
    }

    /// What `text` asks for and the rule that decided it.
    pub fn explain(&self, text: &str) -> Decision {
        let message = self.normalize(text);
        let mut negated_rule: Option<(&str, bool)> = None;
        if !message.is_empty() {
            // Looked for only when a rule that can be over holds.
            let may_be_over = std::cell::OnceCell::new();
            for rule in &self.rules {
                match rule.check(&self.shared, &message, &may_be_over) {
                    Match::Holds => {
                        let (intent, complaint) = match rule.outcome {
                            Outcome::Urgent(topic) => (Intent::Urgent(topic), false),
                            Outcome::Person(reason) => {
                                // A request that also tells of something urgent
                                // the urgent rules did not know ("my card was
                                // stolen and used, please ring me") is urgent:
                                // the classifier may raise it, never lower it,
                                // and not where an urgent rule was negated or
                                // over.
                                if negated_rule.is_none() {
                                    if let Some(raised) = self.raised_to_urgent(text) {
                                        return raised;
                                    }
                                }
                                (Intent::AskPerson, reason == PersonReason::Complaint)
                            }
                        };
                        return Decision {
                            intent: Some(intent),
                            complaint,
                            rule: Some(rule.name.clone()),
                            negated: false,
                            over: false,
                            evidence: Vec::new(),
                        };
                    }
                    Match::Negated => {
                        negated_rule.get_or_insert((&rule.name, false));
                    }
                    Match::Over => {
                        negated_rule.get_or_insert((&rule.name, true));
                    }
                    Match::No => {}
                }
            }
        }
        if negated_rule.is_none() && !message.is_empty() && classifier::says_enough(&message) {
            if let Some(verdict) = self
                .classifier
                .as_ref()
                .and_then(|c| c.judge(text))
                .filter(|v| v.probability >= classifier::ACT_AT)
            {
                return Decision {
                    intent: Some(verdict.intent),
                    complaint: false,
                    rule: Some(verdict.rule()),
                    negated: false,
                    over: false,
                    evidence: verdict.evidence,
                };
            }
        }
        Decision {
            intent: None,
            complaint: false,
            negated: negated_rule.is_some(),
            over: negated_rule.is_some_and(|(_, over)| over),
            rule: negated_rule.map(|(name, _)| name.to_owned()),
            evidence: Vec::new(),
        }
    }

    /// The classifier's urgent verdict on `text`, as a decision, if it is
    /// sure enough ([`classifier::ACT_AT`]).
    fn raised_to_urgent(&self, text: &str) -> Option<Decision> {
        let verdict = self
            .classifier
            .as_ref()?
            .judge(text)
            .filter(|v| v.probability >= classifier::ACT_AT)?;
        matches!(verdict.intent, Intent::Urgent(_)).then(|| Decision {
            intent: Some(verdict.intent),
            complaint: false,
            rule: Some(verdict.rule()),
            negated: false,
            over: false,
            evidence: verdict.evidence,
        })
    }

    /// The same rules without the classifier: what the rules alone decide
    /// (for their own tests and figures).
    pub fn rules_only(&self) -> PhraseSet {
        PhraseSet {
            classifier: None,
            ..self.clone()
        }
    }

    /// The names of every rule, in the order they are tried.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|rule| rule.name.as_str())
    }

    fn compile(sources: &[(&str, data::Data)]) -> Result<PhraseSet, PhraseSetError> {
        let compiled = data::compile(sources)?;
        let mut rules = compiled.rules;
        // A stable sort keeps file order within each group.
        rules.sort_by_key(|rule| match rule.outcome {
            Outcome::Urgent(topic) => UrgentTopic::CHECK_ORDER
                .iter()
                .position(|t| *t == topic)
                .unwrap_or(0),
            Outcome::Person(_) => UrgentTopic::CHECK_ORDER.len(),
        });
        Ok(PhraseSet {
            classifier: Some(classifier::builtin()),
            fold: compiled.fold,
            spoken: compiled.spoken,
            shared: compiled.shared,
            rules,
        })
    }
}

/// Normalizes `text` for matching, with the built-in variants and spoken
/// forms:
///
/// 1. full-width ASCII (U+FF01–U+FF5E) becomes half-width, the ideographic
///    space (U+3000) a space;
/// 2. lower case;
/// 3. traditional Chinese becomes simplified ([`crate::script::to_simplified`],
///    the program's one script conversion), then the data's `[variants]` are
///    folded onto one form ("帐" → "账");
/// 4. apostrophes are dropped ("don't" → "dont"); commas and semicolons
///    end a clause (`|`), full stops, question and exclamation
///    marks and line breaks a sentence (a line break); other punctuation and
///    symbols separate words;
/// 5. whitespace is collapsed, and removed next to a Chinese character
///    ("转 人 工" → "转人工");
/// 6. immediate repetitions collapse ("人工人工人工" → "人工",
///    "human human" → "human"); a single Chinese character on its own is kept
///    ("谢谢" stays);
/// 7. the data's `[spoken]` slips of speech recognition are replaced with
///    what was meant.
///
/// ```
/// use warmline_core::intent::normalize;
///
/// assert_eq!(normalize("轉 人 工！！！"), "转人工");
/// assert_eq!(normalize("ＨＵＭＡＮ，　please"), "human|please");
/// assert_eq!(normalize("I don't want a robot. Agent!"), "i dont want a robot\nagent");
/// ```
pub fn normalize(text: &str) -> String {
    builtin_ref().normalize(text)
}

fn builtin_ref() -> &'static PhraseSet {
    static BUILTIN: OnceLock<PhraseSet> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        PhraseSet::compile(&builtin_sources()).expect("the built-in handoff phrases compile")
    })
}

#[cfg(test)]
mod eighth_pass_tests;
#[cfg(test)]
mod family_tests;
#[cfg(test)]
mod grievance_tests;
#[cfg(test)]
mod tests;
