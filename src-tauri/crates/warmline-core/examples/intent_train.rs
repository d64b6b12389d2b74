//! Trains the intent classifier on the development set and writes the
//! model file the app reads (`data/intent-classifier.tsv`):
//!
//! ```text
//! cargo run --release -p warmline-core --example intent_train -- --write
//! ```
//!
//! Without `--write` it only says whether the file is fresh. The test
//! `the_model_file_is_trained_on_the_development_set_as_it_is` checks the
//! same, so a change to the development set without a new model fails.

use std::time::Instant;

use warmline_core::intent::classifier::{Classifier, MODEL_PATH};
use warmline_core::intent::eval::dev_set;

fn main() {
    let rows = dev_set();
    let started = Instant::now();
    let model = Classifier::train(&rows).to_file();
    eprintln!(
        "trained on {} sentences in {:.2} s",
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL_PATH);
    let fresh = std::fs::read_to_string(&path).is_ok_and(|old| old == model);
    if std::env::args().any(|a| a == "--write") {
        std::fs::write(&path, &model).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        eprintln!("wrote {} ({} bytes)", path.display(), model.len());
    } else if fresh {
        eprintln!("{} is fresh", path.display());
    } else {
        eprintln!("{} is stale: run with --write", path.display());
        std::process::exit(1);
    }
}
