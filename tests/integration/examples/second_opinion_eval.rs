//! Measurement (not a test): what the AI tier's second opinion makes of the
//! sentences the phrase rules could not place, with the real local model
//! (SmolLM2-135M-Instruct on llama.cpp's server, as in the tests) and the
//! opinion's own 4 s bound.
//!
//! `cargo run -p warmline-integration-tests --example second_opinion_eval -- [--all] FILE...`
//!
//! Each FILE is a labelled round (`label<TAB>variant<TAB>family<TAB>text`,
//! `src-tauri/crates/warmline-core/data/intent-eval/`). Only the sentences in
//! which no rule matched are asked (the only ones the engine asks about),
//! or with `--all` every sentence (how well the model tells the classes
//! apart at all, the rules aside); the report counts the yes, no and errors per label (`none` against the
//! rest: a yes to `none` is a request nobody wanted), and the time each
//! question took. `WARMLINE_MODEL_THREADS` sets the model's threads
//! (default 1).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_core::{MemorySecrets, PhraseSet, SecondOpinion};
use warmline_model_server::{ModelServer, MODEL};

#[derive(Default)]
struct Tally {
    yes: usize,
    no: usize,
    unreadable: usize,
    late: usize,
    failed: usize,
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let phrases = PhraseSet::builtin();
    let mut unplaced = Vec::new();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = args.iter().any(|arg| arg == "--all");
    for file in args.iter().filter(|arg| *arg != "--all") {
        let text = std::fs::read_to_string(file).expect("a readable round");
        for line in text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let fields: Vec<&str> = line.split('\t').collect();
            let (label, sentence) = (fields[0], fields[fields.len() - 1]);
            if all || phrases.explain(sentence).nothing_matched() {
                let class = match label {
                    "none" => "none",
                    "person" => "person",
                    _ => "urgent",
                };
                unplaced.push((class, label.to_owned(), sentence.to_owned()));
            }
        }
    }
    assert!(
        !unplaced.is_empty(),
        "no unplaced sentence in the files given"
    );
    let server = tokio::task::spawn_blocking(ModelServer::start)
        .await
        .unwrap()
        .expect("the model server starts");
    let opinion = OpenAiBackend::new(
        OpenAiSettings::new(server.base_url(), MODEL),
        Arc::new(MemorySecrets::new()),
    )
    .expect("the assistant")
    .second_opinion();
    // One question unmeasured: the server's first request warms it up.
    let _ = opinion.asks_for_person("Hello").await;
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut times = Vec::new();
    for (class, label, sentence) in &unplaced {
        let started = Instant::now();
        let result = opinion.asks_for_person(sentence).await;
        times.push(started.elapsed());
        let tally = tallies.entry(class).or_default();
        let verdict = match &result {
            Ok(true) => {
                tally.yes += 1;
                "yes"
            }
            Ok(false) => {
                tally.no += 1;
                "no"
            }
            Err(error) if error.contains("unreadable") => {
                tally.unreadable += 1;
                "unreadable"
            }
            Err(error) if error.contains("within") => {
                tally.late += 1;
                "late"
            }
            Err(_) => {
                tally.failed += 1;
                "failed"
            }
        };
        if !all && (*class != "none" || verdict == "yes") {
            println!("{label:<28} {verdict:<10} {sentence}");
        }
    }
    times.sort();
    println!(
        "\n{} sentences asked; per question: median {:?}, p90 {:?}, max {:?}",
        unplaced.len(),
        percentile(&times, 50),
        percentile(&times, 90),
        times[times.len() - 1]
    );
    println!("class   yes  no  unreadable  late  failed");
    for (class, t) in &tallies {
        println!(
            "{class:<6} {:>4} {:>3} {:>11} {:>5} {:>7}",
            t.yes, t.no, t.unreadable, t.late, t.failed
        );
    }
}
