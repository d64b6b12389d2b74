//! The classifier behind the rules: what it takes to tell, from the way a
//! sentence is written, that it asks for a person or tells of something
//! urgent, when no rule matched it.
//!
//! The rules are precise but they only know the ways of saying things that
//! someone wrote down, and on sentences nobody tuned them to they miss many
//! (the fresh rounds of `data/intent-eval/RESULTS.md`). This model is trained on the same labelled development set
//! ([`super::eval::dev_set`]) and generalises from it by its character
//! n-grams (`features.rs`): "說個真人", "kindly arrange a human", "a man says
//! he is from the bank and wants the code" are close, in n-grams, to
//! sentences it was shown. It is a multinomial logistic regression
//! (`train.rs`): person, urgent or neither, and for an urgent sentence which
//! topic, each with the words that weighed most ([`Verdict::evidence`]),
//! so its decisions are explainable as the rules' are.
//!
//! It is only asked about a message in which no rule matched, not even a
//! negated one ([`super::Decision::nothing_matched`]): it never overrules a
//! rule, and a negation the rules recognised ("I don't need a person")
//! stays an answer of none.

mod features;
mod train;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::eval::{Class, Labelled};
use super::{Intent, UrgentTopic};

/// The model file, under the crate: trained on the development set by the
/// `intent_train` example and embedded at build time.
pub const MODEL_PATH: &str = "data/intent-classifier.tsv";

/// The built-in model's file.
pub(crate) const BUILTIN_MODEL: &str = include_str!("../../data/intent-classifier.tsv");

/// The start of the rule name of every decision of the classifier.
pub const RULE_PREFIX: &str = "classifier.";

/// The built-in model ([`MODEL_PATH`]), read once.
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

/// The classes of the first decision, in the model's order.
const CLASSES: [Class; 3] = [Class::Person, Class::Urgent, Class::None];

/// How sure the classifier must be before its verdict counts: below this,
/// a message no rule matched asks for nothing. Chosen by cross-validation
/// on the development set (`examples/intent_cv.rs`, figures in
/// `data/intent-eval/RESULTS.md`), not on any fresh round.
pub const ACT_AT: f64 = 0.8;

/// How many n-grams a verdict names as its evidence.
const EVIDENCE: usize = 3;

/// Weights are kept in thousandths, as the model file writes them, so that
/// a model trained now and one read from the file are the same model.
const SCALE: f64 = 1000.0;

/// One linear layer: a score per class for each feature, and an intercept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layer {
    classes: usize,
    /// `weights[feature * classes + class]`, in thousandths.
    weights: Vec<i32>,
    intercepts: Vec<i32>,
}

impl Layer {
    fn from_fitted(fitted: &train::Fitted) -> Layer {
        let round = |w: &f64| (w * SCALE).round() as i32;
        Layer {
            classes: fitted.classes,
            weights: fitted.weights.iter().map(round).collect(),
            intercepts: fitted.intercepts.iter().map(round).collect(),
        }
    }

    fn scores(&self, row: &[(u32, f64)]) -> Vec<f64> {
        let k = self.classes;
        let mut scores: Vec<f64> = self.intercepts.iter().map(|v| f64::from(*v)).collect();
        for &(f, v) in row {
            let w = &self.weights[f as usize * k..f as usize * k + k];
            for (s, wc) in scores.iter_mut().zip(w) {
                *s += v * f64::from(*wc);
            }
        }
        scores.iter().map(|s| s / SCALE).collect()
    }

    fn weight(&self, feature: u32, class: usize) -> f64 {
        f64::from(self.weights[feature as usize * self.classes + class]) / SCALE
    }

    fn of_feature(&self, feature: usize) -> &[i32] {
        &self.weights[feature * self.classes..(feature + 1) * self.classes]
    }
}

/// The index of the largest score (the first of equals).
fn best(scores: &[f64]) -> usize {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate() {
        if *s > scores[best] {
            best = i;
        }
    }
    best
}

/// The probability of class `chosen` from `scores` (softmax).
fn probability(scores: &[f64], chosen: usize) -> f64 {
    let top = scores[best(scores)];
    let sum: f64 = scores.iter().map(|s| (s - top).exp()).sum();
    (scores[chosen] - top).exp() / sum
}

/// A trained classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    vocabulary: HashMap<String, u32>,
    /// By feature.
    grams: Vec<String>,
    /// In how many training sentences each feature is.
    df: Vec<usize>,
    idf: Vec<f64>,
    /// Person, urgent or none.
    decide: Layer,
    /// For an urgent sentence: [`UrgentTopic::CHECK_ORDER`].
    topic: Layer,
    /// Sentences it was trained on.
    trained_on: usize,
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
    /// first (for logs and the hand-over summary's reason).
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
        let prepared: Vec<Vec<(String, u32)>> = rows
            .iter()
            .map(|row| {
                let mut counts: Vec<(String, u32)> =
                    features::counts(&features::prepare(&row.text))
                        .into_iter()
                        .collect();
                counts.sort();
                counts
            })
            .collect();
        // Features numbered in order of first appearance: deterministic.
        let mut vocabulary = HashMap::new();
        let mut grams = Vec::new();
        let mut df: Vec<usize> = Vec::new();
        for counts in &prepared {
            for (gram, _) in counts {
                let next = grams.len() as u32;
                let feature = *vocabulary.entry(gram.clone()).or_insert_with(|| {
                    grams.push(gram.clone());
                    df.push(0);
                    next
                });
                df[feature as usize] += 1;
            }
        }
        let idf: Vec<f64> = df.iter().map(|d| features::idf(rows.len(), *d)).collect();
        let vectors: Vec<train::Row> = prepared
            .iter()
            .map(|counts| {
                features::tfidf(counts.iter().map(|(gram, count)| {
                    let feature = vocabulary[gram];
                    (feature, *count, idf[feature as usize])
                }))
            })
            .collect();
        let labels: Vec<usize> = rows
            .iter()
            .map(|row| CLASSES.iter().position(|c| *c == row.class).unwrap_or(2))
            .collect();
        let decide = train::fit(&vectors, &labels, CLASSES.len(), grams.len());
        let (topic_rows, topic_labels): (Vec<train::Row>, Vec<usize>) = rows
            .iter()
            .zip(&vectors)
            .filter_map(|(row, vector)| {
                let topic = row.topic?;
                let index = UrgentTopic::CHECK_ORDER.iter().position(|t| *t == topic)?;
                Some((vector.clone(), index))
            })
            .unzip();
        let topic = train::fit(
            &topic_rows,
            &topic_labels,
            UrgentTopic::CHECK_ORDER.len(),
            grams.len(),
        );
        Classifier {
            vocabulary,
            grams,
            idf,
            df,
            decide: Layer::from_fitted(&decide),
            topic: Layer::from_fitted(&topic),
            trained_on: rows.len(),
        }
    }

    fn vector(&self, text: &str) -> train::Row {
        let counts = features::counts(&features::prepare(text));
        features::tfidf(counts.iter().filter_map(|(gram, count)| {
            let feature = *self.vocabulary.get(gram)?;
            Some((feature, *count, self.idf[feature as usize]))
        }))
    }

    /// Whether `text` asks for a person or is urgent, by the model alone.
    pub fn judge(&self, text: &str) -> Option<Verdict> {
        let row = self.vector(text);
        let scores = self.decide.scores(&row);
        let chosen = best(&scores);
        let intent = match CLASSES[chosen] {
            Class::Person => Intent::AskPerson,
            Class::Urgent => {
                Intent::Urgent(UrgentTopic::CHECK_ORDER[best(&self.topic.scores(&row))])
            }
            Class::None => return None,
        };
        // Evidence a reader can follow: n-grams of two characters or more.
        let mut weighed: Vec<(f64, u32)> = row
            .iter()
            .filter(|(f, _)| self.grams[*f as usize].trim().chars().count() >= 2)
            .map(|&(f, v)| (v * self.decide.weight(f, chosen), f))
            .filter(|(w, _)| *w > 0.0)
            .collect();
        weighed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let evidence = weighed
            .iter()
            .take(EVIDENCE)
            .map(|(_, f)| self.grams[*f as usize].trim().to_owned())
            .collect();
        Some(Verdict {
            intent,
            probability: probability(&scores, chosen),
            evidence,
        })
    }
}

/// The first line of a model file.
const HEADER: &str = "# warmline intent classifier 1";

impl Classifier {
    /// The model as a file: a header, the intercepts, then one line per
    /// n-gram, `gram<TAB>df<TAB>decide weights<TAB>topic weights`, weights in
    /// thousandths. Written by the `intent_train` example.
    pub fn to_file(&self) -> String {
        let join = |values: &[i32]| {
            values
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = String::new();
        out.push_str(HEADER);
        out.push_str(
            "\n# Generated from the development set by \
             `cargo run --release -p warmline-core --example intent_train -- --write`; \
             do not edit.\n",
        );
        out.push_str(&format!("trained-on\t{}\n", self.trained_on));
        out.push_str(&format!(
            "intercepts\t{}\t{}\n",
            join(&self.decide.intercepts),
            join(&self.topic.intercepts)
        ));
        for (feature, gram) in self.grams.iter().enumerate() {
            out.push_str(&format!(
                "{gram}\t{}\t{}\t{}\n",
                self.df[feature],
                join(self.decide.of_feature(feature)),
                join(self.topic.of_feature(feature))
            ));
        }
        out
    }

    /// Reads a model written by [`to_file`](Self::to_file).
    pub fn from_file(text: &str) -> Result<Classifier, String> {
        let mut lines = text.lines().enumerate();
        if lines.next().map(|(_, l)| l) != Some(HEADER) {
            return Err("not a Warmline intent classifier file".into());
        }
        let numbers = |line: usize, field: &str, want: usize| -> Result<Vec<i32>, String> {
            let values = field
                .split(' ')
                .map(str::parse)
                .collect::<Result<Vec<i32>, _>>()
                .map_err(|error| format!("line {}: {error}", line + 1))?;
            if values.len() == want {
                Ok(values)
            } else {
                Err(format!(
                    "line {}: {} weights, want {want}",
                    line + 1,
                    values.len()
                ))
            }
        };
        let mut trained_on = None;
        let mut decide = Layer {
            classes: CLASSES.len(),
            weights: Vec::new(),
            intercepts: Vec::new(),
        };
        let mut topic = Layer {
            classes: UrgentTopic::CHECK_ORDER.len(),
            weights: Vec::new(),
            intercepts: Vec::new(),
        };
        let mut grams = Vec::new();
        let mut df = Vec::new();
        for (line, text) in lines {
            if text.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = text.split('\t').collect();
            match fields[..] {
                ["trained-on", n] => {
                    trained_on = Some(
                        n.parse::<usize>()
                            .map_err(|e| format!("line {}: {e}", line + 1))?,
                    )
                }
                ["intercepts", d, t] => {
                    decide.intercepts = numbers(line, d, decide.classes)?;
                    topic.intercepts = numbers(line, t, topic.classes)?;
                }
                [gram, count, d, t] => {
                    grams.push(gram.to_owned());
                    df.push(
                        count
                            .parse::<usize>()
                            .map_err(|e| format!("line {}: {e}", line + 1))?,
                    );
                    decide.weights.extend(numbers(line, d, decide.classes)?);
                    topic.weights.extend(numbers(line, t, topic.classes)?);
                }
                _ => {
                    return Err(format!(
                        "line {}: expected 4 tab-separated fields",
                        line + 1
                    ))
                }
            }
        }
        let trained_on = trained_on.ok_or("no trained-on line")?;
        if decide.intercepts.is_empty() {
            return Err("no intercepts line".into());
        }
        let vocabulary = grams
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), i as u32))
            .collect::<HashMap<_, _>>();
        if vocabulary.len() != grams.len() {
            return Err("an n-gram is listed twice".into());
        }
        let idf = df.iter().map(|d| features::idf(trained_on, *d)).collect();
        Ok(Classifier {
            vocabulary,
            grams,
            df,
            idf,
            decide,
            topic,
            trained_on,
        })
    }
}
