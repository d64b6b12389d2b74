//! Scoring the rules against labelled sentences: the development set's test
//! and the fresh evaluation rounds (`data/intent-eval/`) share this code.
//!
//! A labelled file is UTF-8, one sentence a line, `#` lines are comments:
//! `label<TAB>variant<TAB>family<TAB>text` (the rounds' format), or the older
//! `label<TAB>variant<TAB>text` (family `-`). A label is `person`, `none`,
//! `urgent` or `urgent:<topic>` (`medical`, `fraud`, `stolen-money`,
//! `unauthorized-charge`).

use std::collections::BTreeMap;
use std::fmt::Write;

pub use super::dev_set::{dev_set, DEV_SET};
use warmline_intent_model::labels;

use super::{Decision, Intent, UrgentTopic};

/// The class of a sentence, as scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Asks for a person (a complaint included).
    Person,
    /// Urgent.
    Urgent,
    /// Neither.
    None,
}

impl Class {
    /// The classes precision and recall are reported for.
    pub const SCORED: [Class; 2] = [Class::Person, Class::Urgent];

    /// The class of a matcher's answer.
    pub fn of(intent: Option<Intent>) -> Class {
        match intent {
            Some(Intent::AskPerson) => Class::Person,
            Some(Intent::Urgent(_)) => Class::Urgent,
            None => Class::None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Class::Person => "person",
            Class::Urgent => "urgent",
            Class::None => "none",
        }
    }
}

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    /// Line in its file, from 1.
    pub line: usize,
    /// What a careful human decided.
    pub class: Class,
    /// For urgent sentences labelled with a topic, the topic.
    pub topic: Option<UrgentTopic>,
    /// `en`, `zh-Hans`, `zh-Hant` or `yue`.
    pub variant: String,
    /// What the sentence tests (`negation`, `scam-story`, …), `-` if unsaid.
    pub family: String,
    /// The sentence.
    pub text: String,
}

/// The language variants a labelled file may use.
pub const VARIANTS: [&str; 4] = labels::VARIANTS;

/// Reads a labelled file (the format of `warmline_intent_model::labels`);
/// the error names the line that is wrong.
pub fn parse_labelled(text: &str) -> Result<Vec<Labelled>, String> {
    Ok(labels::parse(text)?
        .into_iter()
        .map(|line| Labelled {
            line: line.line,
            class: CLASSES[line.class],
            topic: line.topic.map(|t| UrgentTopic::CHECK_ORDER[t]),
            variant: line.variant.to_owned(),
            family: line.family.to_owned(),
            text: line.text.to_owned(),
        })
        .collect())
}

/// The classes in the order of `labels::CLASSES`.
pub(crate) const CLASSES: [Class; 3] = [Class::Person, Class::Urgent, Class::None];

/// True and false positives and false negatives of one class.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Found and right.
    pub tp: usize,
    /// Found but wrong.
    pub fp: usize,
    /// Missed.
    pub fn_: usize,
}

impl Counts {
    /// Counts one sentence labelled `expected` and decided `got`, as far as
    /// `class` goes.
    pub fn add(&mut self, class: Class, expected: Class, got: Class) {
        match (expected == class, got == class) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// Precision; 1 when nothing was predicted (nothing was wrong).
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall; 1 when there was nothing to find.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        1.0
    } else {
        numerator as f64 / denominator as f64
    }
}

/// A sentence the matcher got wrong.
#[derive(Debug, Clone)]
pub struct Miss {
    /// The sentence and its label.
    pub row: Labelled,
    /// What the matcher said.
    pub got: Class,
    /// The topic it gave, for urgent answers.
    pub got_topic: Option<UrgentTopic>,
    /// The rule that decided (or was negated).
    pub rule: Option<String>,
}

/// The scores of the matcher on a set of labelled sentences.
#[derive(Debug, Default)]
pub struct Report {
    /// Per class, over everything.
    pub overall: BTreeMap<Class, Counts>,
    /// Per language variant, then class.
    pub by_variant: BTreeMap<String, BTreeMap<Class, Counts>>,
    /// Per family, then class.
    pub by_family: BTreeMap<String, BTreeMap<Class, Counts>>,
    /// Per family: (expected, got) → count.
    pub confusion: BTreeMap<String, BTreeMap<(Class, Class), usize>>,
    /// Urgent sentences found urgent whose label has a topic, and how many
    /// of those got that topic.
    pub topics: (usize, usize),
    /// Sentences scored.
    pub total: usize,
    /// Every sentence whose class was wrong, and urgent ones with the wrong
    /// topic.
    pub misses: Vec<Miss>,
}

impl Report {
    /// Scores `decide` on `rows`.
    pub fn score(rows: &[Labelled], decide: impl Fn(&str) -> Decision) -> Report {
        let mut report = Report {
            total: rows.len(),
            ..Report::default()
        };
        for row in rows {
            let decision = decide(&row.text);
            let got = Class::of(decision.intent());
            let got_topic = match decision.intent() {
                Some(Intent::Urgent(topic)) => Some(topic),
                _ => None,
            };
            for class in Class::SCORED {
                for counts in [
                    report.overall.entry(class).or_default(),
                    report
                        .by_variant
                        .entry(row.variant.clone())
                        .or_default()
                        .entry(class)
                        .or_default(),
                    report
                        .by_family
                        .entry(row.family.clone())
                        .or_default()
                        .entry(class)
                        .or_default(),
                ] {
                    counts.add(class, row.class, got);
                }
            }
            *report
                .confusion
                .entry(row.family.clone())
                .or_default()
                .entry((row.class, got))
                .or_default() += 1;
            let mut wrong_topic = false;
            if let (Class::Urgent, Some(topic)) = (got, row.topic) {
                if row.class == Class::Urgent {
                    report.topics.0 += 1;
                    if got_topic == Some(topic) {
                        report.topics.1 += 1;
                    } else {
                        wrong_topic = true;
                    }
                }
            }
            if got != row.class || wrong_topic {
                report.misses.push(Miss {
                    row: row.clone(),
                    got,
                    got_topic,
                    rule: decision.rule().map(str::to_owned),
                });
            }
        }
        report
    }

    /// The counts of one class over everything.
    pub fn counts(&self, class: Class) -> Counts {
        self.overall.get(&class).copied().unwrap_or_default()
    }

    /// One line: precision and recall of both classes, topic accuracy.
    pub fn summary(&self) -> String {
        let person = self.counts(Class::Person);
        let urgent = self.counts(Class::Urgent);
        format!(
            "{} sentences; person P={:.3} R={:.3}; urgent P={:.3} R={:.3}; \
             urgent topic right {}/{}; {} wrong",
            self.total,
            person.precision(),
            person.recall(),
            urgent.precision(),
            urgent.recall(),
            self.topics.1,
            self.topics.0,
            self.misses.len(),
        )
    }

    /// Precision and recall per variant and per family, the confusion table
    /// per family (expected → got), and every miss with the rule that made
    /// it.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let header = |out: &mut String, what: &str| {
            let _ = writeln!(
                out,
                "{what:<12} {:<7} {:>4} {:>4} {:>4} {:>9} {:>7}",
                "class", "tp", "fp", "fn", "precision", "recall"
            );
        };
        let rows = |out: &mut String, name: &str, counts: &BTreeMap<Class, Counts>| {
            for class in Class::SCORED {
                let c = counts.get(&class).copied().unwrap_or_default();
                if c.tp + c.fp + c.fn_ == 0 {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "{name:<12} {:<7} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
                    class.name(),
                    c.tp,
                    c.fp,
                    c.fn_,
                    c.precision(),
                    c.recall()
                );
            }
        };
        header(&mut out, "variant");
        for (variant, counts) in &self.by_variant {
            rows(&mut out, variant, counts);
        }
        rows(&mut out, "ALL", &self.overall);
        out.push('\n');
        header(&mut out, "family");
        for (family, counts) in &self.by_family {
            rows(&mut out, family, counts);
        }
        out.push('\n');
        let classes = [Class::Person, Class::Urgent, Class::None];
        let _ = write!(out, "confusion    expected→got:");
        for expected in classes {
            for got in classes {
                let _ = write!(
                    out,
                    " {:>5}",
                    format!("{}→{}", initial(expected), initial(got))
                );
            }
        }
        out.push('\n');
        for (family, cells) in &self.confusion {
            let _ = write!(out, "{family:<25}");
            for expected in classes {
                for got in classes {
                    let _ = write!(out, " {:>5}", cells.get(&(expected, got)).unwrap_or(&0));
                }
            }
            out.push('\n');
        }
        if !self.misses.is_empty() {
            out.push_str("\nwrong:\n");
            for miss in &self.misses {
                let _ = writeln!(
                    out,
                    "  line {:>4} [{} {}] expected {}{}, got {}{} by {}: {:?}",
                    miss.row.line,
                    miss.row.variant,
                    miss.row.family,
                    miss.row.class.name(),
                    miss.row
                        .topic
                        .map(|t| format!(":{t:?}"))
                        .unwrap_or_default(),
                    miss.got.name(),
                    miss.got_topic
                        .map(|t| format!(":{t:?}"))
                        .unwrap_or_default(),
                    miss.rule.as_deref().unwrap_or("-"),
                    miss.row.text,
                );
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }
}

fn initial(class: Class) -> char {
    match class {
        Class::Person => 'P',
        Class::Urgent => 'U',
        Class::None => 'N',
    }
}
