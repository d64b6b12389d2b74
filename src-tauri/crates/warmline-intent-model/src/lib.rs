//! The model behind Warmline's intent rules: from the way a sentence is
//! written, whether it asks for a person, tells of something urgent (and
//! which topic), or neither.
//!
//! It is a multinomial logistic regression over TF-IDF weights of character
//! n-grams (`features.rs`), fitted by L-BFGS (`train.rs`): one layer decides
//! among [`labels::CLASSES`], a second gives an urgent sentence its topic
//! among [`labels::TOPICS`]. Every judgement names the n-grams that weighed
//! most for it ([`Judgement::evidence`]), so its decisions can be explained.
//!
//! The crate has no dependencies and no I/O. `warmline-core`'s build script
//! trains the built-in model on the development set with it and embeds the
//! model file ([`Model::to_file`]); `warmline-core` reads it back
//! ([`Model::from_file`]) and decides what a judgement means for the user.
//! It is built optimised even in debug builds (the workspace's
//! `[profile.dev.package.warmline-intent-model]`), so that training takes
//! seconds, not a minute, in every build.

mod features;
pub mod labels;
mod train;

pub use train::C as PENALTY_C;

use std::collections::HashMap;
use std::sync::Arc;

/// The index of the class "neither" in [`labels::CLASSES`].
const NONE: usize = 2;

/// The fewest training sentences an n-gram must occur in to be a feature.
/// One seen in a single sentence can only remember that sentence: in
/// cross-validation (session 11, `data/intent-eval/RESULTS.md`) dropping them
/// acted on fewer ordinary messages at the same recall, and the model lost
/// most of its size.
pub const MIN_DF: usize = 2;

/// How many n-grams a judgement names as its evidence.
const EVIDENCE: usize = 3;

/// Weights are kept in thousandths, as the model file writes them, so that
/// a model trained now and one read from its file are the same model.
const SCALE: f64 = 1000.0;

/// The first line of a model file.
const HEADER: &str = "# warmline intent classifier 1";

/// One sentence to learn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example<'a> {
    /// The sentence as written.
    pub text: &'a str,
    /// Index into [`labels::CLASSES`].
    pub class: usize,
    /// Index into [`labels::TOPICS`], for an urgent sentence with a topic.
    pub topic: Option<usize>,
}

impl<'a> From<&labels::Line<'a>> for Example<'a> {
    fn from(line: &labels::Line<'a>) -> Self {
        Example {
            text: line.text,
            class: line.class,
            topic: line.topic,
        }
    }
}

/// What the model made of a sentence it judged to be person or urgent.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// Index into [`labels::CLASSES`]: never "none".
    pub class: usize,
    /// For an urgent sentence, its likeliest topic (index into
    /// [`labels::TOPICS`]).
    pub topic: Option<usize>,
    /// How sure the model is of the class, from 0 to 1.
    pub probability: f64,
    /// The n-grams of the sentence, of two characters or more and trimmed,
    /// that weighed most for the class, most first, each once.
    pub evidence: Vec<String>,
}

/// One linear layer: a score per class for each feature, and an intercept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layer {
    classes: usize,
    /// `weights[feature * classes + class]`, in thousandths.
    weights: Vec<i32>,
    intercepts: Vec<i32>,
}

impl Layer {
    fn empty(classes: usize) -> Layer {
        Layer {
            classes,
            weights: Vec::new(),
            intercepts: Vec::new(),
        }
    }

    fn from_fitted(fitted: &train::Fitted) -> Layer {
        let round = |w: &f64| (w * SCALE).round() as i32;
        Layer {
            classes: fitted.classes,
            weights: fitted.weights.iter().map(round).collect(),
            intercepts: fitted.intercepts.iter().map(round).collect(),
        }
    }

    fn scores(&self, row: &[(u32, f64)]) -> Vec<f64> {
        let mut scores: Vec<f64> = self.intercepts.iter().map(|v| f64::from(*v)).collect();
        for &(f, v) in row {
            for (s, wc) in scores.iter_mut().zip(self.of_feature(f as usize)) {
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

/// An n-gram as a reader sees it: without padding or the word mark.
fn readable(gram: &str) -> &str {
    gram.trim_matches(|c| c == ' ' || c == features::WORD)
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

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Feature by n-gram; the n-grams are shared with `grams`, not copied.
    vocabulary: HashMap<Arc<str>, u32>,
    /// N-gram by feature.
    grams: Vec<Arc<str>>,
    /// In how many training sentences each feature is.
    df: Vec<usize>,
    idf: Vec<f64>,
    /// Person, urgent or none.
    decide: Layer,
    /// The topic of an urgent sentence.
    topic: Layer,
    /// Sentences it was trained on.
    trained_on: usize,
}

impl Model {
    /// Trains on `examples`: the class of each for the first decision, and
    /// the topic of those urgent examples that have one for the second.
    pub fn train(examples: &[Example<'_>]) -> Model {
        Model::train_with_penalty(examples, train::C)
    }

    /// Trains as [`train`](Self::train) does with `c` as the inverse of the
    /// penalty's strength instead of the chosen one (for cross-validation).
    pub fn train_with_penalty(examples: &[Example<'_>], c: f64) -> Model {
        let prepared: Vec<Vec<(String, u32)>> = examples
            .iter()
            .map(|example| {
                let mut counts: Vec<(String, u32)> =
                    features::counts(&features::prepare(example.text))
                        .into_iter()
                        .collect();
                counts.sort();
                counts
            })
            .collect();
        // How many sentences each n-gram occurs in, n-grams in order of
        // first appearance.
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for counts in &prepared {
            for (gram, _) in counts {
                let at = *first_seen.entry(gram.as_str()).or_insert_with(|| {
                    seen.push((gram.as_str(), 0));
                    seen.len() - 1
                });
                seen[at].1 += 1;
            }
        }
        // Features: the n-grams of at least MIN_DF sentences, numbered in
        // order of first appearance (deterministic).
        let mut vocabulary: HashMap<Arc<str>, u32> = HashMap::new();
        let mut grams: Vec<Arc<str>> = Vec::new();
        let mut df: Vec<usize> = Vec::new();
        for (gram, sentences) in seen.into_iter().filter(|(_, n)| *n >= MIN_DF) {
            let shared: Arc<str> = Arc::from(gram);
            vocabulary.insert(shared.clone(), grams.len() as u32);
            grams.push(shared);
            df.push(sentences);
        }
        let idf: Vec<f64> = df
            .iter()
            .map(|d| features::idf(examples.len(), *d))
            .collect();
        let vectors: Vec<train::Row> = prepared
            .iter()
            .map(|counts| {
                features::tfidf(counts.iter().filter_map(|(gram, count)| {
                    let feature = *vocabulary.get(gram.as_str())?;
                    Some((feature, *count, idf[feature as usize]))
                }))
            })
            .collect();
        let labels: Vec<usize> = examples.iter().map(|e| e.class.min(NONE)).collect();
        let decide = train::fit(&vectors, &labels, labels::CLASSES.len(), grams.len(), c);
        let (topic_rows, topic_labels): (Vec<train::Row>, Vec<usize>) = examples
            .iter()
            .zip(&vectors)
            .filter_map(|(example, vector)| {
                let topic = example.topic.filter(|t| *t < labels::TOPICS.len())?;
                Some((vector.clone(), topic))
            })
            .unzip();
        let topic = train::fit(
            &topic_rows,
            &topic_labels,
            labels::TOPICS.len(),
            grams.len(),
            c,
        );
        Model {
            vocabulary,
            grams,
            idf,
            df,
            decide: Layer::from_fitted(&decide),
            topic: Layer::from_fitted(&topic),
            trained_on: examples.len(),
        }
    }

    /// How many sentences the model was trained on.
    pub fn trained_on(&self) -> usize {
        self.trained_on
    }

    fn vector(&self, text: &str) -> train::Row {
        let counts = features::counts(&features::prepare(text));
        features::tfidf(counts.iter().filter_map(|(gram, count)| {
            let feature = *self.vocabulary.get(gram.as_str())?;
            Some((feature, *count, self.idf[feature as usize]))
        }))
    }

    /// The model's judgement of `text`: `None` if it is likeliest to ask
    /// for nothing.
    pub fn judge(&self, text: &str) -> Option<Judgement> {
        let row = self.vector(text);
        let scores = self.decide.scores(&row);
        let chosen = best(&scores);
        if chosen == NONE {
            return None;
        }
        let topic = (labels::CLASSES[chosen] == "urgent").then(|| best(&self.topic.scores(&row)));
        // Evidence a reader can follow: n-grams of two characters or more,
        // trimmed, each named once (" pay" and "pay " are both "pay").
        let mut weighed: Vec<(f64, u32)> = row
            .iter()
            .filter(|(f, _)| readable(&self.grams[*f as usize]).chars().count() >= 2)
            .map(|&(f, v)| (v * self.decide.weight(f, chosen), f))
            .filter(|(w, _)| *w > 0.0)
            .collect();
        weighed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut evidence: Vec<String> = Vec::with_capacity(EVIDENCE);
        for (_, f) in weighed {
            let gram = readable(&self.grams[f as usize]);
            if !evidence.iter().any(|e| e == gram) {
                evidence.push(gram.to_owned());
                if evidence.len() == EVIDENCE {
                    break;
                }
            }
        }
        Some(Judgement {
            class: chosen,
            topic,
            probability: probability(&scores, chosen),
            evidence,
        })
    }

    /// The model as a file: a header, the intercepts, then one line per
    /// n-gram, `gram<TAB>df<TAB>decide weights<TAB>topic weights`, weights in
    /// thousandths.
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
            "\n# Trained on the development set by warmline-core's build script; \
             not kept in the repository.\n",
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

    /// Reads a model written by [`to_file`](Self::to_file); the error names
    /// the line that is wrong.
    pub fn from_file(text: &str) -> Result<Model, String> {
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
        let mut decide = Layer::empty(labels::CLASSES.len());
        let mut topic = Layer::empty(labels::TOPICS.len());
        let mut grams: Vec<Arc<str>> = Vec::new();
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
                    grams.push(Arc::from(gram));
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
        let vocabulary: HashMap<Arc<str>, u32> = grams
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), i as u32))
            .collect();
        if vocabulary.len() != grams.len() {
            return Err("an n-gram is listed twice".into());
        }
        let idf = df.iter().map(|d| features::idf(trained_on, *d)).collect();
        Ok(Model {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> Vec<Example<'static>> {
        let mut examples = Vec::new();
        for text in [
            "please get me a person",
            "a person please",
            "real person now",
        ] {
            examples.push(Example {
                text,
                class: 0,
                topic: None,
            });
        }
        for text in [
            "he took my money pay pay",
            "they took my savings",
            "money gone",
        ] {
            examples.push(Example {
                text,
                class: 1,
                topic: Some(2),
            });
        }
        for text in [
            "what time is it",
            "the weather is nice",
            "thank you",
            "hello",
        ] {
            examples.push(Example {
                text,
                class: 2,
                topic: None,
            });
        }
        examples
    }

    #[test]
    fn it_learns_the_classes_and_names_each_piece_of_evidence_once() {
        let model = Model::train(&toy());
        let person = model.judge("a person please").expect("person");
        assert_eq!((person.class, person.topic), (0, None));
        assert!(person.probability > 0.5, "{person:?}");
        let urgent = model.judge("they took my money").expect("urgent");
        assert_eq!((urgent.class, urgent.topic), (1, Some(2)));
        assert!(!urgent.evidence.is_empty() && urgent.evidence.len() <= EVIDENCE);
        let mut unique = urgent.evidence.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), urgent.evidence.len(), "{:?}", urgent.evidence);
        assert_eq!(model.judge("the weather is nice"), None);
        // " pay" and "pay " are one word to a reader.
        let pay = model
            .judge("pay pay pay pay pay")
            .map(|j| j.evidence)
            .unwrap_or_default();
        assert!(pay.iter().filter(|e| *e == "pay").count() <= 1, "{pay:?}");
    }

    #[test]
    fn an_ngram_of_one_training_sentence_only_is_no_feature() {
        let model = Model::train(&toy());
        // "weather" occurs in one sentence, "person" in three.
        assert!(!model.vocabulary.contains_key("_weather"));
        assert!(model.vocabulary.contains_key("_person"));
        assert!(model.df.iter().all(|df| *df >= MIN_DF), "{:?}", model.df);
        assert_eq!(model.grams.len(), model.vocabulary.len());
    }

    #[test]
    fn a_model_read_from_its_file_is_the_same_model() {
        let model = Model::train(&toy());
        let file = model.to_file();
        assert_eq!(Model::from_file(&file).unwrap(), model);
        assert_eq!(model.trained_on(), 10);
        assert!(Model::from_file("hello").is_err());
        let broken = file.replacen("trained-on\t10", "trained-on\tten", 1);
        assert!(Model::from_file(&broken)
            .unwrap_err()
            .starts_with("line 3:"));
        let twice = format!("{file}{}", file.lines().nth(4).unwrap());
        assert_eq!(
            Model::from_file(&twice).unwrap_err(),
            "an n-gram is listed twice"
        );
    }
}
