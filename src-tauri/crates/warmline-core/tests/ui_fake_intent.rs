//! The UI's fake backend recognises requests for a person from a table the
//! real matcher wrote, never from a copy of its rules: this test checks that
//! `data/ui-fake-intent.json` still says, for every sentence in it, exactly
//! what the engine would do (the notes it adds, in order; none for a
//! sentence that asks for nothing).
//!
//! After changing the phrase rules, or to give the fake a new sentence (add
//! it with an empty list), rewrite the table with
//! `WARMLINE_UPDATE_UI_INTENT=1 cargo test -p warmline-core --test ui_fake_intent`
//! and review the diff.

use std::collections::BTreeMap;
use std::path::PathBuf;

use warmline_core::engine::requested_notice_ids;
use warmline_core::intent::PhraseSet;

fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/ui-fake-intent.json")
}

/// What the engine adds to the transcript when the user writes `text`.
fn notices_for(phrases: &PhraseSet, text: &str) -> Vec<String> {
    let decision = phrases.explain(text);
    match decision.handoff_reason() {
        Some(reason) => requested_notice_ids(reason, decision.urgent_topic())
            .iter()
            .map(|id| (*id).to_owned())
            .collect(),
        None => Vec::new(),
    }
}

#[test]
fn the_ui_fake_table_says_what_the_matcher_decides() {
    let text = std::fs::read_to_string(table_path()).expect("the table exists");
    let table: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&text).expect("the table is a JSON object of sentence → notice ids");
    assert!(
        table.len() >= 20,
        "the table covers the sentences the UI tests and the demo use"
    );
    let phrases = PhraseSet::builtin();
    let fresh: BTreeMap<String, Vec<String>> = table
        .keys()
        .map(|sentence| (sentence.clone(), notices_for(&phrases, sentence)))
        .collect();
    if std::env::var_os("WARMLINE_UPDATE_UI_INTENT").is_some() {
        let mut json = serde_json::to_string_pretty(&fresh).expect("serialisable");
        json.push('\n');
        std::fs::write(table_path(), json).expect("the table is writable");
        return;
    }
    let stale: Vec<String> = table
        .iter()
        .filter(|(sentence, notices)| fresh[*sentence] != **notices)
        .map(|(sentence, notices)| {
            format!(
                "{sentence:?}: the table says {notices:?}, the matcher {:?}",
                fresh[sentence]
            )
        })
        .collect();
    assert!(
        stale.is_empty(),
        "data/ui-fake-intent.json is out of date (rewrite it with \
         WARMLINE_UPDATE_UI_INTENT=1 cargo test -p warmline-core --test ui_fake_intent):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_table_holds_requests_urgent_topics_and_sentences_that_ask_nothing() {
    let text = std::fs::read_to_string(table_path()).expect("the table exists");
    let table: BTreeMap<String, Vec<String>> = serde_json::from_str(&text).expect("valid");
    let has = |id: &str| {
        table
            .values()
            .any(|notices| notices.iter().any(|n| n == id))
    };
    for id in [
        "notice-person-requested-words",
        "notice-person-requested-fraud",
        "notice-person-requested-money",
        "notice-person-requested-urgent",
        "notice-call-emergency-number",
        "notice-person-requested-complaint",
    ] {
        assert!(has(id), "no sentence in the table leads to {id}");
    }
    assert!(
        table.values().filter(|notices| notices.is_empty()).count() >= 5,
        "negations and ordinary questions are in the table too"
    );
}
