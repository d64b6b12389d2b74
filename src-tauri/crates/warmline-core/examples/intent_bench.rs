//! Measures what the phrase rules cost: compiling the built-in data, and
//! reading one message (median and 90th percentile over the labelled files
//! given, each sentence read `ROUNDS` times):
//!
//! ```text
//! cargo run --release -p warmline-core --example intent_bench -- \
//!     src-tauri/crates/warmline-core/data/handoff-utterances.tsv \
//!     src-tauri/crates/warmline-core/data/intent-eval/*.tsv
//! ```

use std::time::{Duration, Instant};

use warmline_core::intent::eval::parse_labelled;
use warmline_core::intent::PhraseSet;

const ROUNDS: usize = 20;

fn main() {
    let mut texts = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        texts.extend(
            parse_labelled(&text)
                .unwrap_or_else(|error| panic!("{path}: {error}"))
                .into_iter()
                .map(|row| row.text),
        );
    }
    let started = Instant::now();
    let phrases = PhraseSet::builtin();
    let first = started.elapsed();
    let started = Instant::now();
    let _again = PhraseSet::with_extra("").expect("the built-in data compiles");
    let compile = started.elapsed();

    let mut times: Vec<Duration> = Vec::with_capacity(texts.len() * ROUNDS);
    for _ in 0..ROUNDS {
        for text in &texts {
            let started = Instant::now();
            std::hint::black_box(phrases.explain(text));
            times.push(started.elapsed());
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{} sentences x {ROUNDS}: explain median {:?}, p90 {:?}, max {:?}; \
         first builtin() {:?} (with the script tables), compile {:?}",
        texts.len(),
        at(0.5),
        at(0.9),
        times[times.len() - 1],
        first,
        compile
    );
}
