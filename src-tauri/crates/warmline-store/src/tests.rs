use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

use warmline_core::{Author, HandoffReason, MessageBody};

use super::*;
use crate::schema::MIGRATIONS;

fn message(author: Author, text: &str, delivery: DeliveryState) -> Message {
    Message {
        id: MessageId::new(),
        author,
        body: MessageBody::Text { text: text.into() },
        sent_at: Timestamp(1_700_000_000_000),
        delivery,
        failure: None,
    }
}

mod sqlite_store_conformance {
    use crate::SqliteStore;
    warmline_core::store_conformance_tests!(SqliteStore::open_in_memory().unwrap());
}

/// A whole conversation, with something in every field.
pub(crate) fn a_full_conversation(store: &dyn ConversationStore) -> StoredConversation {
    let messages = [
        message(Author::User, "我的电费单 🧾", DeliveryState::Sent),
        message(
            Author::Agent {
                name: "Mei".into(),
                demo: false,
            },
            "Let me look.",
            DeliveryState::Received,
        ),
        message(Author::User, "thank you", DeliveryState::WillRetry),
    ];
    for m in &messages {
        store.save_message(m).unwrap();
    }
    let handoff = HandoffState::Queued {
        position: Some(2),
        estimated_wait_secs: Some(120),
    };
    let pending = PendingHandoff {
        reason: HandoffReason::Button,
        urgent_topic: None,
    };
    store.save_handoff(&handoff, Some(pending)).unwrap();
    let conversation = ConversationId("conv-42".into());
    store.save_conversation_id(Some(&conversation)).unwrap();
    store.save_draft("half a sentence 😊").unwrap();
    store.save_resume_value("relay/cursor", Some("17")).unwrap();
    StoredConversation {
        messages: messages.to_vec(),
        handoff: Some(handoff),
        pending_handoff: Some(pending),
        conversation: Some(conversation),
        draft: "half a sentence 😊".into(),
        resume: [("relay/cursor".to_owned(), "17".to_owned())].into(),
        left_messages: Vec::new(),
    }
}

#[test]
fn everything_is_there_after_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_path(&dir.path().join("nested/data"));
    let expected = {
        let store = SqliteStore::open(&path).unwrap();
        let expected = a_full_conversation(&store);
        assert_eq!(store.load().unwrap(), expected);
        expected
    };
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(reopened.load().unwrap(), expected);
    assert_eq!(reopened.skipped_rows(), 0);
    // And a third time, after the reopened store has written.
    reopened
        .set_delivery(expected.messages[2].id, DeliveryState::Sent)
        .unwrap();
    drop(reopened);
    let again = SqliteStore::open(&path).unwrap().load().unwrap();
    assert_eq!(again.messages[2].delivery, DeliveryState::Sent);
    assert_eq!(again.unsent().count(), 0);
}

#[test]
fn the_file_is_in_wal_mode_with_full_sync_at_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&default_path(dir.path())).unwrap();
    let connection = store.connection();
    let pragma = |name: &str| -> String {
        connection
            .query_row(&format!("PRAGMA {name}"), [], |row| {
                Ok(match row.get_ref(0)? {
                    ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned(),
                    ValueRef::Integer(number) => number.to_string(),
                    other => format!("{other:?}"),
                })
            })
            .unwrap()
    };
    assert_eq!(pragma("journal_mode"), "wal");
    assert_eq!(pragma("synchronous"), "2", "2 is FULL");
    assert_eq!(pragma("foreign_keys"), "1");
    assert_eq!(pragma("user_version"), SCHEMA_VERSION.to_string());
    assert_eq!(SCHEMA_VERSION, 3);
}

/// A file written at schema 1 (before adapter resume state existed) opens
/// at schema 2 with every row still there.
#[test]
fn a_schema_1_file_is_migrated_without_losing_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_path(dir.path());
    let kept = message(Author::User, "我的电费单 🧾", DeliveryState::WillRetry);
    {
        let connection = Connection::open(&path).unwrap();
        connection.execute_batch(MIGRATIONS[0]).unwrap();
        connection.execute_batch("PRAGMA user_version = 1").unwrap();
        connection
            .execute(
                "INSERT INTO messages (id, author, body, sent_at, delivery) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    kept.id.to_string(),
                    serde_json::to_string(&kept.author).unwrap(),
                    serde_json::to_string(&kept.body).unwrap(),
                    kept.sent_at.0,
                    serde_json::to_string(&kept.delivery).unwrap()
                ],
            )
            .unwrap();
        connection
            .execute(
                "INSERT INTO state (key, value) VALUES ('draft', 'half')",
                [],
            )
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let loaded = store.load().unwrap();
    assert_eq!(loaded.messages, [kept]);
    assert_eq!(loaded.draft, "half");
    assert!(loaded.resume.is_empty());
    store.save_resume_value("relay/cursor", Some("3")).unwrap();
    drop(store);
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(
        reopened
            .load_resume_value("relay/cursor")
            .unwrap()
            .as_deref(),
        Some("3")
    );
}

#[test]
fn a_thousand_messages_come_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = default_path(dir.path());
    let messages: Vec<_> = (0..1000)
        .map(|i| {
            let author = if i % 3 == 0 {
                Author::System
            } else {
                Author::User
            };
            Message {
                sent_at: Timestamp(1_700_000_000_000 - i64::from(i)),
                ..message(author, &format!("message {i}"), DeliveryState::Sent)
            }
        })
        .collect();
    {
        let store = SqliteStore::open(&path).unwrap();
        for m in &messages {
            store.save_message(m).unwrap();
        }
    }
    // Ids are random and the timestamps run backwards: only the insertion
    // order gives this order.
    let loaded = SqliteStore::open(&path).unwrap().load().unwrap();
    assert_eq!(loaded.messages, messages);
}

#[test]
fn messages_saved_at_once_come_back_in_order_after_the_ones_before() {
    let store = SqliteStore::open_in_memory().unwrap();
    let first = message(Author::User, "first", DeliveryState::Sent);
    store.save_message(&first).unwrap();
    let batch: Vec<_> = (0..50)
        .map(|i| message(Author::User, &format!("batch {i}"), DeliveryState::Sent))
        .collect();
    // One of them again, changed: updated in place, not added twice.
    let mut again = first.clone();
    again.delivery = DeliveryState::Received;
    let mut all = batch.clone();
    all.push(again.clone());
    store.save_messages(&all).unwrap();

    let mut expected = vec![again];
    expected.extend(batch);
    assert_eq!(store.load().unwrap().messages, expected);
}

#[test]
fn a_store_from_a_newer_warmline_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite3");
    {
        let store = SqliteStore::open(&path).unwrap();
        a_full_conversation(&store);
        store
            .connection()
            .execute_batch(&format!(
                // Out of WAL, so that even switching the journal mode back
                // would change the file.
                "PRAGMA journal_mode = DELETE; CREATE TABLE future (x); PRAGMA user_version = {};",
                SCHEMA_VERSION + 1
            ))
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(message)) => {
            assert!(message.contains("newer Warmline"), "{message}");
            assert!(
                message.contains(&(SCHEMA_VERSION + 1).to_string()),
                "{message}"
            );
        }
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.sqlite3");
    // Deterministic noise (xorshift), so a failure can be reproduced.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let garbage: Vec<u8> = (0..8192)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(message)) => {
            assert!(
                message.contains("not a readable Warmline store"),
                "{message}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn a_damaged_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.sqlite3");
    {
        let store = SqliteStore::open(&path).unwrap();
        for i in 0..300 {
            store
                .save_message(&message(
                    Author::User,
                    &format!("a longer message to fill pages {i:>40}"),
                    DeliveryState::Sent,
                ))
                .unwrap();
        }
    }
    // Closing the last connection checkpointed the WAL into the file.
    let mut bytes = std::fs::read(&path).unwrap();
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(bytes.len() >= 4 * page_size, "several pages were written");
    // Scribble over the b-tree header of page 3.
    for byte in &mut bytes[2 * page_size..2 * page_size + 64] {
        *byte = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(_)) => {}
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn another_programs_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite3");
    {
        let connection = Connection::open(&path).unwrap();
        connection
            .execute_batch("CREATE TABLE messages (x); INSERT INTO messages VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt(message)) => assert!(message.contains("another program")),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn unreadable_rows_are_skipped_and_the_rest_is_kept() {
    let store = SqliteStore::open_in_memory().unwrap();
    let first = message(Author::User, "keep me", DeliveryState::Sent);
    store.save_message(&first).unwrap();
    let bad_rows = [
        // Not a UUID, and broken JSON.
        "('not-a-uuid', '{broken', '{}', 0, '\"sent\"')",
        // An unknown delivery state.
        "('6f1c8c2e-7a43-4c1e-9d8e-000000000001', '{\"kind\":\"user\"}',
          '{\"kind\":\"text\",\"text\":\"x\"}', 0, '\"teleported\"')",
        // A time that is not a number.
        "('6f1c8c2e-7a43-4c1e-9d8e-000000000002', '{\"kind\":\"user\"}',
          '{\"kind\":\"text\",\"text\":\"x\"}', 'yesterday', '\"sent\"')",
        // A body that is not UTF-8.
        "('6f1c8c2e-7a43-4c1e-9d8e-000000000003', '{\"kind\":\"user\"}',
          CAST(X'FFFE' AS TEXT), 0, '\"sent\"')",
    ];
    for row in bad_rows {
        store
            .connection()
            .execute(
                &format!("INSERT INTO messages (id, author, body, sent_at, delivery) VALUES {row}"),
                [],
            )
            .unwrap();
    }
    let last = message(Author::User, "and me", DeliveryState::Sending);
    store.save_message(&last).unwrap();
    store.save_draft("still here").unwrap();
    store
        .connection()
        .execute_batch(
            "INSERT INTO state (key, value) VALUES ('handoff', 'not json');
             INSERT INTO state (key, value) VALUES ('pending_handoff', '{\"reason\":\"x\"}');",
        )
        .unwrap();

    let loaded = store.load().unwrap();
    assert_eq!(loaded.messages, vec![first, last.clone()]);
    assert_eq!(loaded.handoff, None);
    assert_eq!(loaded.pending_handoff, None);
    assert_eq!(loaded.draft, "still here");
    assert_eq!(loaded.unsent().map(|m| m.id).collect::<Vec<_>>(), [last.id]);
    assert_eq!(store.skipped_rows(), bad_rows.len() + 2);

    // Writing the state again repairs it, and the count follows the load.
    store.save_handoff(&HandoffState::Requested, None).unwrap();
    assert_eq!(store.load().unwrap().handoff, Some(HandoffState::Requested));
    assert_eq!(store.skipped_rows(), bad_rows.len());
}

/// The variable that makes [`crash_child_writer`] write.
const CRASH_CHILD_DB: &str = "WARMLINE_STORE_CRASH_CHILD_DB";
/// What the child prints after each save has returned.
const SAVED: &str = "saved ";

/// Not a check of its own: the writer that
/// `every_message_reported_saved_survives_a_kill` runs in a child process
/// and kills. Without the variable it returns at once.
#[test]
fn crash_child_writer() {
    let Some(path) = std::env::var_os(CRASH_CHILD_DB) else {
        return;
    };
    let store = SqliteStore::open(Path::new(&path)).unwrap();
    let mut out = std::io::stdout().lock();
    // Bounded, in case the parent dies before it kills us.
    for i in 0..20_000 {
        let m = message(Author::User, &format!("crash {i}"), DeliveryState::Sending);
        store.save_message(&m).unwrap();
        // An update and a state write in between, so the kill can land in
        // any kind of write.
        store.set_delivery(m.id, DeliveryState::Sent).unwrap();
        store.save_draft(&format!("draft {i}")).unwrap();
        writeln!(out, "{SAVED}{}", m.id).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn every_message_reported_saved_survives_a_kill() {
    // How many saves to wait for before killing.
    const BEFORE_KILL: usize = 150;
    let dir = tempfile::tempdir().unwrap();
    let path = default_path(dir.path());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "tests::crash_child_writer",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CRASH_CHILD_DB, &path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines, reported) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut saved: Vec<MessageId> = Vec::new();
    let mut record = |line: std::io::Result<String>| {
        // libtest may print "test tests::crash_child_writer ... " first on
        // the same line.
        let line = line.unwrap();
        if let Some((_, id)) = line.split_once(SAVED) {
            saved.push(serde_json::from_value(serde_json::Value::String(id.into())).unwrap());
        }
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen = 0;
    while seen < BEFORE_KILL {
        match reported.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => {
                seen += usize::from(line.as_ref().is_ok_and(|l| l.contains(SAVED)));
                record(line);
            }
            Err(_) => {
                let _ = child.kill();
                panic!("the writer stopped after {seen} saves");
            }
        }
    }
    // Child::kill is SIGKILL on Unix: no destructor, no checkpoint.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status:?}");
    }
    assert!(!status.success());
    // Lines written before the kill, still in the pipe.
    for line in reported.iter() {
        record(line);
    }
    assert!(saved.len() >= BEFORE_KILL);

    let store = SqliteStore::open(&path).unwrap();
    let check: String = store
        .connection()
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let loaded = store.load().unwrap();
    assert_eq!(store.skipped_rows(), 0);
    // Every reported message is there, in order, with its update; at most
    // one more (saved, not yet reported) may follow.
    let loaded_ids: Vec<_> = loaded.messages.iter().map(|m| m.id).collect();
    let first_difference = saved
        .iter()
        .zip(&loaded_ids)
        .position(|(reported, stored)| reported != stored);
    assert_eq!(
        (first_difference, loaded_ids.len() >= saved.len()),
        (None, true),
        "{} reported, {} stored",
        saved.len(),
        loaded_ids.len()
    );
    assert!(loaded_ids.len() <= saved.len() + 1, "{}", loaded_ids.len());
    let unique: HashSet<_> = loaded_ids.iter().collect();
    assert_eq!(unique.len(), loaded_ids.len());
    assert!(loaded.messages[..saved.len()]
        .iter()
        .all(|m| m.delivery == DeliveryState::Sent));
    assert!(loaded.draft.starts_with("draft "), "{}", loaded.draft);
}
