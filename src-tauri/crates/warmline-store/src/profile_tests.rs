//! The store of an earlier Warmline (one file for the whole app) becomes the
//! demo profile's store without losing a row.

use std::path::Path;

use warmline_core::{CallbackRequest, Timestamp};

use super::*;
use crate::tests::a_full_conversation;

/// A store file written by Warmline before stores per profile (schema 3,
/// by the store code of main at f9407cc, which this change does not touch),
/// with something in every table; made by
/// `write_the_fixture_of_an_earlier_warmline` below.
const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/before-profiles.sqlite3"
);

/// Rows per table, read with plain SQL, so that a row the store would
/// skip when loading still counts.
fn rows(path: &Path) -> Vec<(String, i64)> {
    let connection = Connection::open(path).unwrap();
    ["messages", "state", "resume", "left_messages"]
        .into_iter()
        .map(|table| {
            let count = connection
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })
                .unwrap();
            (table.to_owned(), count)
        })
        .collect()
}

fn left_message(text: &str) -> QueuedLeftMessage {
    QueuedLeftMessage {
        id: MessageId::new(),
        text: text.into(),
        callback: Some(CallbackRequest {
            phone: "020 7946 0000".into(),
            preferred_time: "mornings".into(),
        }),
        written_at: Timestamp(1_700_000_100_000),
    }
}

/// Fills a store the way the app of today does, at the old single path.
fn an_earlier_warmlines_file(data_dir: &Path) -> StoredConversation {
    let store = SqliteStore::open(&default_path(data_dir)).unwrap();
    let mut expected = a_full_conversation(&store);
    let left = left_message("请回电话");
    store.save_left_message(&left).unwrap();
    expected.left_messages.push(left);
    assert_eq!(store.load().unwrap(), expected);
    expected
}

#[test]
fn the_file_of_an_earlier_warmline_becomes_the_demo_profiles_without_losing_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let expected = an_earlier_warmlines_file(dir.path());
    let legacy = default_path(dir.path());
    let before = rows(&legacy);
    let dest = profile_path(dir.path(), "demo");
    assert_eq!(
        dest,
        dir.path().join("profiles/demo/conversation.sqlite3"),
        "the documented place"
    );

    assert_eq!(
        adopt_legacy_store(&legacy, &dest).unwrap(),
        Adoption::Adopted
    );
    assert_eq!(rows(&dest), before, "every row of every table");
    let adopted = SqliteStore::open(&dest).unwrap();
    assert_eq!(adopted.load().unwrap(), expected);
    assert_eq!(adopted.skipped_rows(), 0);
    // The old file stays for an older Warmline; the new one is separate.
    adopted.save_draft("only in the profile").unwrap();
    drop(adopted);
    assert_eq!(
        SqliteStore::open(&legacy).unwrap().load().unwrap(),
        expected
    );

    // Once the profile has its file, the old one is never read again.
    assert_eq!(
        adopt_legacy_store(&legacy, &dest).unwrap(),
        Adoption::AlreadyThere
    );
    assert_eq!(
        SqliteStore::open(&dest).unwrap().load().unwrap().draft,
        "only in the profile"
    );
}

#[test]
fn a_committed_file_of_an_earlier_warmline_is_adopted_whole() {
    let dir = tempfile::tempdir().unwrap();
    // A copy: the fixture itself is never opened for writing.
    let legacy = default_path(dir.path());
    std::fs::copy(FIXTURE, &legacy).unwrap();
    let before = rows(&legacy);
    assert_eq!(
        before,
        [
            ("messages".to_owned(), 3),
            ("state".to_owned(), 4),
            ("resume".to_owned(), 1),
            ("left_messages".to_owned(), 1)
        ]
    );
    let expected = SqliteStore::open(&legacy).unwrap().load().unwrap();
    let dest = profile_path(dir.path(), "demo");
    assert_eq!(
        adopt_legacy_store(&legacy, &dest).unwrap(),
        Adoption::Adopted
    );
    assert_eq!(rows(&dest), before);
    let adopted = SqliteStore::open(&dest).unwrap().load().unwrap();
    assert_eq!(adopted, expected);
    assert_eq!(adopted.draft, "half a sentence 😊");
    assert_eq!(
        adopted.messages[0].body,
        warmline_core::MessageBody::Text {
            text: "我的电费单 🧾".into()
        }
    );
    assert_eq!(adopted.left_messages[0].text, "请回电话");
    assert_eq!(
        adopted.resume.get("relay/cursor").map(String::as_str),
        Some("17")
    );
}

#[test]
fn nothing_to_adopt_and_a_damaged_old_file_leave_no_profile_file() {
    let dir = tempfile::tempdir().unwrap();
    let legacy = default_path(dir.path());
    let dest = profile_path(dir.path(), "demo");
    assert_eq!(
        adopt_legacy_store(&legacy, &dest).unwrap(),
        Adoption::NothingToAdopt
    );
    assert!(!dest.exists());

    std::fs::write(&legacy, vec![0x5a_u8; 4096]).unwrap();
    assert!(matches!(
        adopt_legacy_store(&legacy, &dest),
        Err(StoreError::Corrupt(_))
    ));
    assert!(!dest.exists(), "no half copy in the profile's place");
    assert_eq!(std::fs::read(&legacy).unwrap(), vec![0x5a_u8; 4096]);
}

#[test]
fn a_copy_cut_short_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let expected = an_earlier_warmlines_file(dir.path());
    let legacy = default_path(dir.path());
    let dest = profile_path(dir.path(), "demo");
    // What a crash during the copy leaves: a partial file, no profile file.
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    std::fs::write(dest.with_extension("sqlite3-partial"), b"half").unwrap();
    assert_eq!(
        adopt_legacy_store(&legacy, &dest).unwrap(),
        Adoption::Adopted
    );
    assert_eq!(SqliteStore::open(&dest).unwrap().load().unwrap(), expected);
    assert!(!dest.with_extension("sqlite3-partial").exists());
}

/// Writes the committed fixture, with the store code of the version before
/// stores per profile. Run once, by hand, on that version:
/// `WARMLINE_WRITE_FIXTURE=1 cargo test -p warmline-store write_the_fixture -- --ignored`.
#[test]
#[ignore = "writes the committed fixture"]
fn write_the_fixture_of_an_earlier_warmline() {
    if std::env::var_os("WARMLINE_WRITE_FIXTURE").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    an_earlier_warmlines_file(dir.path());
    // One self-contained file (no write-ahead log beside it).
    let connection = Connection::open(default_path(dir.path())).unwrap();
    let _ = std::fs::remove_file(FIXTURE);
    connection.execute("VACUUM INTO ?1", [FIXTURE]).unwrap();
}
