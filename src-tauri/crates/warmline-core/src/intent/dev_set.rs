//! The development set: every labelled file the rules and the classifier
//! are built and scored on (`data/handoff-utterances.tsv` and the files of
//! `data/intent-eval/`: the engineers' family set, the self-checks and every
//! fresh evaluation round, added after its first measurement).

use super::eval::{parse_labelled, Labelled};

/// The development set, file by file: (path under `data/`, text), as
/// `data/intent-eval/dev-set.txt` lists them; the build script trains the
/// built-in classifier on exactly these.
pub const DEV_SET: &[(&str, &str)] = &include!(concat!(env!("OUT_DIR"), "/dev_set_files.rs"));

/// Every sentence of the development set, file by file.
pub fn dev_set() -> Vec<Labelled> {
    let mut rows = Vec::new();
    for (name, text) in DEV_SET {
        rows.extend(parse_labelled(text).unwrap_or_else(|error| panic!("{name}: {error}")));
    }
    rows
}
