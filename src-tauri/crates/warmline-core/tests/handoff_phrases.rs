//! Scores the built-in handoff phrases against the labelled utterances in
//! `data/handoff-utterances.tsv` and fails below 95 % precision or recall.
//!
//! Run with `cargo test -p warmline-core --test handoff_phrases -- --nocapture`
//! to see the figures per class and language variant, and every miss.

use std::collections::BTreeMap;
use std::fmt;

use warmline_core::intent::{normalize, Intent, PhraseSet};

const UTTERANCES: &str = include_str!("../data/handoff-utterances.tsv");

/// Required precision and recall for `person` and `urgent`, overall.
const MIN_SCORE: f64 = 0.95;
const MIN_UTTERANCES: usize = 150;
const MIN_PER_VARIANT: usize = 30;
const VARIANTS: [&str; 4] = ["en", "zh-Hans", "zh-Hant", "yue"];
/// The classes scored; `none` is what is left.
const CLASSES: [Label; 2] = [Label::Person, Label::Urgent];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    Person,
    Urgent,
    None,
}

impl Label {
    fn parse(text: &str) -> Option<Label> {
        match text {
            "person" => Some(Label::Person),
            "urgent" => Some(Label::Urgent),
            "none" => Some(Label::None),
            _ => None,
        }
    }

    fn of(intent: Option<Intent>) -> Label {
        match intent {
            Some(Intent::AskPerson) => Label::Person,
            Some(Intent::Urgent(_)) => Label::Urgent,
            None => Label::None,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Label::Person => "person",
            Label::Urgent => "urgent",
            Label::None => "none",
        })
    }
}

struct Utterance {
    line: usize,
    label: Label,
    variant: &'static str,
    text: &'static str,
}

fn utterances() -> Vec<Utterance> {
    UTTERANCES
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let line_no = index + 1;
            let fields: Vec<&str> = line.split('\t').collect();
            let [label, variant, text] = fields[..] else {
                panic!("line {line_no}: expected label<TAB>variant<TAB>utterance, got {line:?}");
            };
            let label = Label::parse(label)
                .unwrap_or_else(|| panic!("line {line_no}: unknown label {label:?}"));
            assert!(
                VARIANTS.contains(&variant),
                "line {line_no}: unknown variant {variant:?}, expected one of {VARIANTS:?}"
            );
            assert!(!text.trim().is_empty(), "line {line_no}: empty utterance");
            Utterance {
                line: line_no,
                label,
                variant,
                text,
            }
        })
        .collect()
}

/// True/false positives and false negatives of one class.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn add(&mut self, class: Label, expected: Label, got: Label) {
        match (expected == class, got == class) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => {}
        }
    }

    /// Precision; 0 when nothing was predicted, so an empty class fails.
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }

    /// Recall; 0 when there is nothing to find, so an empty class fails.
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(numerator: usize, denominator: usize) -> f64 {
    if denominator == 0 {
        0.0
    } else {
        numerator as f64 / denominator as f64
    }
}

struct Miss {
    line: usize,
    variant: &'static str,
    expected: Label,
    got: Label,
    text: &'static str,
}

/// Scores of one classifier over the utterances.
struct Report {
    overall: BTreeMap<Label, Counts>,
    by_variant: BTreeMap<&'static str, BTreeMap<Label, Counts>>,
    correct: usize,
    total: usize,
    misses: Vec<Miss>,
}

impl Report {
    fn score(rows: &[Utterance], classify: impl Fn(&str) -> Option<Intent>) -> Report {
        let mut report = Report {
            overall: BTreeMap::new(),
            by_variant: BTreeMap::new(),
            correct: 0,
            total: rows.len(),
            misses: Vec::new(),
        };
        for row in rows {
            let got = Label::of(classify(row.text));
            for class in CLASSES {
                report
                    .overall
                    .entry(class)
                    .or_default()
                    .add(class, row.label, got);
                report
                    .by_variant
                    .entry(row.variant)
                    .or_default()
                    .entry(class)
                    .or_default()
                    .add(class, row.label, got);
            }
            if got == row.label {
                report.correct += 1;
            } else {
                report.misses.push(Miss {
                    line: row.line,
                    variant: row.variant,
                    expected: row.label,
                    got,
                    text: row.text,
                });
            }
        }
        report
    }

    fn counts(&self, class: Label) -> Counts {
        self.overall.get(&class).copied().unwrap_or_default()
    }

    /// Whether every scored class reaches [`MIN_SCORE`] overall.
    fn passes(&self) -> bool {
        CLASSES.iter().all(|class| {
            let counts = self.counts(*class);
            counts.precision() >= MIN_SCORE && counts.recall() >= MIN_SCORE
        })
    }

    fn summary(&self) -> String {
        let person = self.counts(Label::Person);
        let urgent = self.counts(Label::Urgent);
        format!(
            "handoff phrases: {} utterances, {} correct ({:.1}%); person P={:.3} R={:.3}; \
             urgent P={:.3} R={:.3}; {} misclassified",
            self.total,
            self.correct,
            100.0 * ratio(self.correct, self.total),
            person.precision(),
            person.recall(),
            urgent.precision(),
            urgent.recall(),
            self.misses.len(),
        )
    }

    fn print(&self) {
        println!(
            "{:<10} {:<7} {:>4} {:>4} {:>4} {:>9} {:>7}",
            "variant", "class", "tp", "fp", "fn", "precision", "recall"
        );
        let rows = self
            .by_variant
            .iter()
            .map(|(variant, counts)| (*variant, counts))
            .chain(std::iter::once(("ALL", &self.overall)));
        for (variant, counts) in rows {
            for class in CLASSES {
                let c = counts.get(&class).copied().unwrap_or_default();
                println!(
                    "{:<10} {:<7} {:>4} {:>4} {:>4} {:>9.3} {:>7.3}",
                    variant,
                    class.to_string(),
                    c.tp,
                    c.fp,
                    c.fn_,
                    c.precision(),
                    c.recall()
                );
            }
        }
        if self.misses.is_empty() {
            println!("no misclassified utterances");
        } else {
            println!("misclassified utterances:");
            for miss in &self.misses {
                println!(
                    "  line {:>3} [{}] expected {}, got {}: {:?} (normalized {:?})",
                    miss.line,
                    miss.variant,
                    miss.expected,
                    miss.got,
                    miss.text,
                    normalize(miss.text)
                );
            }
        }
        println!("{}", self.summary());
    }
}

#[test]
fn builtin_phrases_reach_the_required_precision_and_recall() {
    let rows = utterances();

    let mut counts: BTreeMap<(&str, Label), usize> = BTreeMap::new();
    for row in &rows {
        *counts.entry((row.variant, row.label)).or_default() += 1;
    }
    println!("utterances per variant and label:");
    for variant in VARIANTS {
        let per_label: Vec<String> = [Label::Person, Label::Urgent, Label::None]
            .iter()
            .map(|label| format!("{label} {}", counts.get(&(variant, *label)).unwrap_or(&0)))
            .collect();
        let total: usize = rows.iter().filter(|r| r.variant == variant).count();
        println!("  {variant:<8} {total:>4}: {}", per_label.join(", "));
    }

    let phrases = PhraseSet::builtin();
    let report = Report::score(&rows, |text| phrases.classify(text));
    report.print();

    assert!(
        rows.len() >= MIN_UTTERANCES,
        "only {} utterances, want at least {MIN_UTTERANCES}",
        rows.len()
    );
    for variant in VARIANTS {
        let n = rows.iter().filter(|r| r.variant == variant).count();
        assert!(
            n >= MIN_PER_VARIANT,
            "variant {variant} has {n} utterances, want at least {MIN_PER_VARIANT}"
        );
        for label in [Label::Person, Label::Urgent, Label::None] {
            assert!(
                counts.contains_key(&(variant, label)),
                "variant {variant} has no `{label}` utterance"
            );
        }
    }
    for class in CLASSES {
        let c = report.counts(class);
        assert!(
            c.precision() >= MIN_SCORE,
            "{class} precision {:.3} is below {MIN_SCORE}",
            c.precision()
        );
        assert!(
            c.recall() >= MIN_SCORE,
            "{class} recall {:.3} is below {MIN_SCORE}",
            c.recall()
        );
    }
}

/// The bounds above must be able to fail: classifiers that ignore the text
/// do not pass them on this data.
#[test]
fn the_bounds_reject_classifiers_that_ignore_the_text() {
    let rows = utterances();
    let always_person = Report::score(&rows, |_| Some(Intent::AskPerson));
    let never = Report::score(&rows, |_| None);
    let phrases = PhraseSet::builtin();
    let urgent_only = Report::score(&rows, |text| match phrases.classify(text) {
        Some(Intent::Urgent(topic)) => Some(Intent::Urgent(topic)),
        _ => None,
    });
    for (name, report) in [
        ("always person", always_person),
        ("never", never),
        ("urgent only", urgent_only),
    ] {
        assert!(!report.passes(), "{name} passes: {}", report.summary());
    }
}
