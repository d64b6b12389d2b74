//! Trains the intent classifier on the development set and leaves, in
//! `OUT_DIR`, the model file the crate embeds (`intent-classifier.tsv`) and
//! the development set's files as a Rust list (`dev_set_files.rs`).
//!
//! The model is derived from the labelled files of `data/` and nothing else,
//! so it is built, not kept: a change to the development set retrains it
//! (about two seconds, the trainer being optimised in every profile), and
//! the repository holds no multi-megabyte file that could fall out of step.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use warmline_intent_model::{labels, Example, Model};

/// The list of the development set's files, under `data/`.
const LIST: &str = "data/intent-eval/dev-set.txt";

fn main() {
    let crate_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let list_path = crate_dir.join(LIST);
    println!("cargo:rerun-if-changed={}", list_path.display());
    let list = read(&list_path);
    let names: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();

    let mut files = String::from("[\n");
    let mut texts = Vec::with_capacity(names.len());
    for name in &names {
        let path = crate_dir.join("data").join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let path_text = path
            .to_str()
            .unwrap_or_else(|| panic!("{}: not UTF-8", path.display()));
        writeln!(files, "    ({name:?}, include_str!({path_text:?})),").expect("a String");
        texts.push((*name, read(&path)));
    }
    files.push(']');
    write(&out_dir.join("dev_set_files.rs"), &files);

    let mut lines = Vec::new();
    for (name, text) in &texts {
        lines.extend(labels::parse(text).unwrap_or_else(|error| panic!("{name}: {error}")));
    }
    let examples: Vec<Example<'_>> = lines.iter().map(Example::from).collect();
    let model = Model::train(&examples);
    write(&out_dir.join("intent-classifier.tsv"), &model.to_file());
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}
