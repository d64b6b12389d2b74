//! Reads sentences, one a line, from standard input and prints what the
//! built-in handoff rules make of each, with the rule that decided:
//!
//! ```text
//! echo "我不需要人工" | cargo run -p warmline-core --example intent_explain
//! ```
//!
//! A tab-separated line (a round or development-set line) is read as its
//! last field.

use std::io::BufRead;

use warmline_core::intent::PhraseSet;

fn main() {
    let phrases = PhraseSet::builtin();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let text = line.rsplit('\t').next().unwrap_or(&line);
        let decision = phrases.explain(text);
        let outcome = match decision.intent() {
            Some(intent) => format!("{intent:?}"),
            None if decision.over() => "None (over)".to_owned(),
            None if decision.negated() => "None (negated)".to_owned(),
            None => "None".to_owned(),
        };
        println!(
            "{outcome:<28} {:<40} {text}\n{:<28} normalized {:?}",
            decision.rule().unwrap_or("-"),
            "",
            phrases.normalize(text)
        );
    }
}
