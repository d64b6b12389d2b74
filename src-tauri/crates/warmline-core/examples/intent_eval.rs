//! Scores the built-in handoff rules on labelled files (the development set,
//! a fresh evaluation round) and prints precision and recall per class,
//! variant and family, the confusion table and every miss:
//!
//! ```text
//! cargo run -p warmline-core --example intent_eval -- data/intent-eval/round-1.tsv
//! ```
//!
//! It scores what the app decides: the rules, then the classifier where no
//! rule matched. `--rules-only` scores the rules alone.

use warmline_core::intent::eval::{parse_labelled, Report};
use warmline_core::intent::PhraseSet;

fn main() {
    let rules_only = std::env::args().any(|a| a == "--rules-only");
    let phrases = if rules_only {
        PhraseSet::builtin().rules_only()
    } else {
        PhraseSet::builtin()
    };
    let mut rows = Vec::new();
    for path in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        rows.extend(parse_labelled(&text).unwrap_or_else(|error| panic!("{path}: {error}")));
    }
    let report = Report::score(&rows, |text| phrases.explain(text));
    print!("{}", report.table());
}
