//! Scores the built-in handoff rules on labelled files (the development set,
//! a fresh evaluation round) and prints precision and recall per class,
//! variant and family, the confusion table and every miss:
//!
//! ```text
//! cargo run -p warmline-core --example intent_eval -- data/intent-eval/round-1.tsv
//! ```

use warmline_core::intent::eval::{parse_labelled, Report};
use warmline_core::intent::PhraseSet;

fn main() {
    let phrases = PhraseSet::builtin();
    let mut rows = Vec::new();
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("cannot read {path}: {error}"));
        rows.extend(parse_labelled(&text).unwrap_or_else(|error| panic!("{path}: {error}")));
    }
    let report = Report::score(&rows, |text| phrases.explain(text));
    print!("{}", report.table());
}
