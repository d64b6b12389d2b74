//! Cross-validates the intent classifier on the development set, to choose
//! how sure it must be before it acts ([`ACT_AT`]) without looking at any
//! fresh round:
//!
//! ```text
//! cargo run --release -p warmline-core --example intent_cv
//! ```
//!
//! Each evaluation round (`intent-eval/round-N.tsv`) is held out in turn,
//! and the ordinary messages (`intent-eval/ordinary-*.tsv`, `chat-*.tsv`) in
//! five folds;
//! the model is trained on the rest and judges what was held out. Printed,
//! per threshold: the classifier's own precision and recall on the held-out
//! rounds, and how often it would act on an ordinary message.

use warmline_core::intent::classifier::{Classifier, ACT_AT, PENALTY_C};
use warmline_core::intent::eval::{parse_labelled, Class, Counts, Labelled, DEV_SET};
use warmline_core::intent::Intent;

const FOLDS: usize = 5;

/// The files of ordinary messages: written ones and whole conversations.
fn is_ordinary(name: &str) -> bool {
    name.starts_with("intent-eval/ordinary-") || name.starts_with("intent-eval/chat-")
}

fn main() {
    // `--c N`: the penalty to try instead of the chosen one.
    let args: Vec<String> = std::env::args().collect();
    let penalty = args
        .iter()
        .position(|a| a == "--c")
        .and_then(|i| args.get(i + 1)?.parse::<f64>().ok())
        .unwrap_or(PENALTY_C);
    eprintln!("C = {penalty}");
    let files: Vec<(&str, Vec<Labelled>)> = DEV_SET
        .iter()
        .map(|(name, text)| {
            (
                *name,
                parse_labelled(text).expect("the development set parses"),
            )
        })
        .collect();
    let mut judged: Vec<Judged> = Vec::new();
    let mut folds: Vec<(String, Vec<Labelled>, Vec<Labelled>)> = Vec::new();
    for (name, rows) in &files {
        if name.starts_with("intent-eval/round-") {
            let rest = files
                .iter()
                .filter(|(other, _)| other != name)
                .flat_map(|(_, r)| r.clone())
                .collect();
            folds.push((name.to_string(), rest, rows.clone()));
        }
    }
    for fold in 0..FOLDS {
        let mut rest = Vec::new();
        let mut held = Vec::new();
        for (name, rows) in &files {
            for (i, row) in rows.iter().enumerate() {
                if is_ordinary(name) && i % FOLDS == fold {
                    held.push(row.clone());
                } else {
                    rest.push(row.clone());
                }
            }
        }
        folds.push((format!("ordinary fold {fold}"), rest, held));
    }
    for (name, train, held) in &folds {
        let model = Classifier::train_with_penalty(train, penalty);
        let round = name.starts_with("intent-eval/round-");
        for row in held {
            let (class, probability) = match model.judge(&row.text) {
                Some(v) => (
                    match v.intent {
                        Intent::AskPerson => Class::Person,
                        Intent::Urgent(_) => Class::Urgent,
                    },
                    v.probability,
                ),
                None => (Class::None, 1.0),
            };
            judged.push((round, row.class, class, probability, row.variant.clone()));
        }
        eprintln!("{name}: {} held out", held.len());
    }
    let ordinary = judged.iter().filter(|j| !j.0).count();
    println!("threshold | person P / R  | urgent P / R  | acts on ordinary ({ordinary})");
    for threshold in [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98] {
        let rounds = || judged.iter().filter(|j| j.0);
        let acts = judged
            .iter()
            .filter(|j| !j.0 && decided(j, threshold) != Class::None)
            .count();
        let mark = if (threshold - ACT_AT).abs() < 1e-9 {
            " <- ACT_AT"
        } else {
            ""
        };
        println!(
            "{threshold:>9} | {} | {} | {acts} ({:.1} %){mark}",
            score(rounds(), Class::Person, threshold),
            score(rounds(), Class::Urgent, threshold),
            100.0 * acts as f64 / ordinary.max(1) as f64
        );
    }
    // The held-out rounds at ACT_AT, by variant: where the classifier is weak.
    println!("\nat ACT_AT {ACT_AT}, held-out rounds by variant:");
    println!("variant   | person P / R  | urgent P / R");
    for variant in ["en", "zh-Hans", "zh-Hant", "yue"] {
        let of_variant = || judged.iter().filter(|j| j.0 && j.4 == variant);
        println!(
            "{variant:<9} | {} | {}",
            score(of_variant(), Class::Person, ACT_AT),
            score(of_variant(), Class::Urgent, ACT_AT)
        );
    }
}

/// One held-out sentence: from a round (not an ordinary message)?, the
/// class expected, the class judged, how sure, and the variant.
type Judged = (bool, Class, Class, f64, String);

/// What a judgement decides at `threshold`: its class if sure enough.
fn decided(j: &Judged, threshold: f64) -> Class {
    if j.2 != Class::None && j.3 >= threshold {
        j.2
    } else {
        Class::None
    }
}

/// Precision and recall of `class` over `judged` at `threshold`, "P / R".
fn score<'a>(judged: impl Iterator<Item = &'a Judged>, class: Class, threshold: f64) -> String {
    let mut counts = Counts::default();
    for j in judged {
        counts.add(class, j.1, decided(j, threshold));
    }
    format!("{:.3} / {:.3}", counts.precision(), counts.recall())
}
