//! Scores the built-in handoff rules, alone and with the classifier behind
//! them, against the development set: the
//! labelled sentences of `data/handoff-utterances.tsv` and
//! `data/intent-eval/*.tsv` (the engineers' family set and self-checks and
//! every fresh evaluation round, added after its first measurement; see
//! `data/intent-eval/RESULTS.md`). The figures may not fall below the
//! recorded ones, so a regression fails.
//!
//! Run with `cargo test -p warmline-core --test handoff_phrases -- --nocapture`
//! to see the figures per class, variant and family, the confusion table per
//! family and every miss with the rule that made it.

use warmline_core::intent::classifier::{self, Classifier};
use warmline_core::intent::eval::{dev_set, Class, Labelled, Report, VARIANTS};
use warmline_core::intent::{Decision, PhraseSet};

/// Precision and recall the development set must keep, per class: the
/// figures recorded in `data/intent-eval/RESULTS.md`, rounded down.
/// Since session 9 the set holds training sentences written for the
/// classifier that the rules were never tuned on (1,520; in session 10
/// 1,799 hard ones: grievances without a request word, requests to a role,
/// subtle urgent stories; and 1,598 about calls and visits; in session 11
/// 3,144 more: long English grievances, English scam stories told as they
/// happen, Cantonese scams, roundabout mainland requests, each with its
/// look-alikes), so the rules' figures here are theirs on a good deal of
/// unseen, deliberately hard text (person recall 0.818 before the session-10
/// sentences, 0.599 with them, 0.566 with session 11's; their precision fell
/// with the look-alikes, 0.994 to 0.987 for person, 0.987 to 0.975 urgent).
const FLOORS: [(Class, f64, f64); 2] = [(Class::Person, 0.985, 0.56), (Class::Urgent, 0.97, 0.74)];
/// The same for what the app decides (the rules, then the classifier).
const WITH_CLASSIFIER_FLOORS: [(Class, f64, f64); 2] =
    [(Class::Person, 0.99, 0.98), (Class::Urgent, 0.98, 0.99)];
const MIN_SENTENCES: usize = 17778;
const MIN_PER_VARIANT: usize = 30;

#[test]
fn builtin_rules_keep_their_development_set_figures() {
    let rows = dev_set();
    let phrases = PhraseSet::builtin().rules_only();
    let report = Report::score(&rows, |text| phrases.explain(text));
    println!("{}", report.table());

    assert!(
        rows.len() >= MIN_SENTENCES,
        "only {} sentences, want at least {MIN_SENTENCES}",
        rows.len()
    );
    for variant in VARIANTS {
        let of_variant: Vec<&Labelled> = rows.iter().filter(|r| r.variant == variant).collect();
        assert!(
            of_variant.len() >= MIN_PER_VARIANT,
            "variant {variant} has {} sentences, want at least {MIN_PER_VARIANT}",
            of_variant.len()
        );
        for class in [Class::Person, Class::Urgent, Class::None] {
            assert!(
                of_variant.iter().any(|r| r.class == class),
                "variant {variant} has no {class:?} sentence"
            );
        }
    }
    for (class, precision, recall) in FLOORS {
        let c = report.counts(class);
        assert!(
            c.precision() >= precision,
            "{class:?} precision {:.3} fell below {precision}: {}",
            c.precision(),
            report.summary()
        );
        assert!(
            c.recall() >= recall,
            "{class:?} recall {:.3} fell below {recall}: {}",
            c.recall(),
            report.summary()
        );
    }
    // 97 %, not 98 % since session 11: the rounds' writers label a wallet
    // stolen and its card then used as stolen money, where the rules keep
    // the project's convention that a card used by someone else is a charge
    // (RESULTS.md, "The 盗刷 convention"); 2,972 of 3,034 are right.
    let (with_topic, right) = report.topics;
    assert!(
        right * 100 >= with_topic * 97,
        "urgent topics right {right}/{with_topic}"
    );
}

/// Every decision names the rule that made it, and every rule of the data
/// decides at least one sentence of the development set (a rule nothing
/// needs is a rule nobody checked).
#[test]
fn every_decision_names_its_rule_and_every_rule_is_used() {
    let phrases = PhraseSet::builtin().rules_only();
    let mut used = std::collections::BTreeSet::new();
    for row in dev_set() {
        let decision = phrases.explain(&row.text);
        if decision.intent().is_some() {
            let rule = decision.rule().expect("a decision names its rule");
            used.insert(rule.to_owned());
        }
    }
    let unused: Vec<&str> = phrases
        .rule_names()
        .filter(|name| !used.contains(*name))
        .collect();
    assert!(unused.is_empty(), "rules no sentence needs: {unused:?}");
}

/// The floors above must be able to fail: classifiers that ignore the text,
/// or half of the rules, do not pass them on this data.
#[test]
fn the_floors_reject_classifiers_that_ignore_the_text() {
    let rows = dev_set();
    let phrases = PhraseSet::builtin().rules_only();
    let person = phrases.explain("I want a person");
    let nothing = phrases.explain("hello");
    let passes = |report: &Report| {
        FLOORS.iter().all(|(class, precision, recall)| {
            let c = report.counts(*class);
            c.precision() >= *precision && c.recall() >= *recall
        })
    };
    let always_person = Report::score(&rows, |_| person.clone());
    let never = Report::score(&rows, |_| nothing.clone());
    let urgent_only = Report::score(&rows, |text| {
        let decision = phrases.explain(text);
        if matches!(Class::of(decision.intent()), Class::Urgent) {
            decision
        } else {
            nothing.clone()
        }
    });
    let no_negation = Report::score(&rows, |text| {
        let decision: Decision = phrases.explain(text);
        if decision.negated() {
            person.clone()
        } else {
            decision
        }
    });
    for (name, report) in [
        ("always person", always_person),
        ("never", never),
        ("urgent only", urgent_only),
        ("negation ignored", no_negation),
    ] {
        assert!(!passes(&report), "{name} passes: {}", report.summary());
    }
}

/// What the app decides (the rules, then the classifier where no rule
/// matched) on the development set it was trained on: the sentences the
/// rules miss are learnt, and none the rules get right is lost, since the
/// classifier is never asked about those. Of the ordinary messages of a
/// conversation (`intent-eval/ordinary-*.tsv`), it may act on fewer than one
/// in a hundred.
#[test]
fn rules_with_the_classifier_keep_their_development_set_figures() {
    let rows = dev_set();
    let phrases = PhraseSet::builtin();
    let report = Report::score(&rows, |text| phrases.explain(text));
    println!("{}", report.summary());
    for (class, precision, recall) in WITH_CLASSIFIER_FLOORS {
        let c = report.counts(class);
        assert!(
            c.precision() >= precision && c.recall() >= recall,
            "{class:?} {:.3} / {:.3} under {precision} / {recall}: {}",
            c.precision(),
            c.recall(),
            report.summary()
        );
    }
    let ordinary: Vec<&Labelled> = rows.iter().filter(|r| r.family == "ordinary").collect();
    assert!(
        ordinary.len() >= 1000,
        "{} ordinary messages",
        ordinary.len()
    );
    let acted: Vec<&str> = ordinary
        .iter()
        .filter(|r| phrases.explain(&r.text).intent().is_some())
        .map(|r| r.text.as_str())
        .collect();
    assert!(
        acted.len() * 100 < ordinary.len(),
        "acts on {} of {} ordinary messages: {acted:?}",
        acted.len(),
        ordinary.len()
    );
}

/// The model the app embeds (trained by the build script) is the one that
/// training on the development set as this crate reads it gives, and its
/// file reads back to the same model: the build is deterministic and the
/// build script and the library see the same sentences.
#[test]
fn the_builtin_model_is_the_one_training_on_the_development_set_gives() {
    let file = classifier::builtin_file();
    let trained = Classifier::train(&dev_set());
    assert_eq!(trained.trained_on(), dev_set().len());
    assert!(
        trained.to_file() == file,
        "the build script's model differs from one trained on dev_set()"
    );
    assert_eq!(
        Classifier::from_file(file)
            .expect("the model file reads")
            .to_file(),
        file,
        "reading and writing the model loses nothing"
    );
}
