//! [`SqliteStore`]: the [`ConversationStore`] Warmline uses on disk.
//!
//! One SQLite file in the app-data directory ([`default_path`]).
//!
//! # Durability
//!
//! [`ConversationStore`] promises that each call is durable when it returns:
//! the engine stores a user's message *before* sending it, so a message the
//! user saw accepted must still be there after a crash or a power cut.
//!
//! * Every write is one statement or one transaction, committed before the
//!   call returns (SQLite's autocommit), so a crash never leaves half a write.
//! * The journal is in WAL mode: a commit appends to the `-wal` file, and
//!   readers never block the writer.
//! * `synchronous=FULL`. In WAL mode, `NORMAL` syncs only at checkpoints: a
//!   commit that has returned survives a crash of Warmline but may be rolled
//!   back by a power cut or an operating-system crash. `FULL` syncs the WAL
//!   on every commit, which costs one `fsync` per call; Warmline writes a few
//!   times a minute, so that price is nothing next to losing what an older
//!   person typed.
//!
//! # Damaged and foreign files
//!
//! The schema is versioned with `PRAGMA user_version` and brought up to date
//! by numbered migrations. Before anything is written, [`SqliteStore::open`]
//! refuses, with [`StoreError::Corrupt`] and without touching the file, a
//! file that is not an SQLite database, a database from a newer Warmline, a
//! database of another program, and a damaged database (`PRAGMA
//! quick_check`). The app then keeps the conversation in memory and the file
//! stays as it was, for a newer Warmline or a helper to recover.
//!
//! Inside a good database, a row that cannot be read (say, JSON written by a
//! buggy build) is skipped: [`ConversationStore::load`] returns everything
//! else, logs how many rows it skipped (never their content) and
//! [`SqliteStore::skipped_rows`] tells the count.
//!
//! # Privacy
//!
//! Message text is the user's history and is stored, but it is never logged:
//! log lines name keys, counts and error categories only.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, Row};
use warmline_core::{
    ConversationId, ConversationStore, DeliveryState, HandoffState, Message, MessageId,
    PendingHandoff, QueuedLeftMessage, StoreError, StoredConversation, Timestamp, UiError,
};

mod profiles;
mod schema;

pub use profiles::{adopt_legacy_store, profile_dir, profile_path, Adoption};
pub use schema::SCHEMA_VERSION;
use schema::{check_readable, migrate};

/// [`HandoffState`] as JSON.
const KEY_HANDOFF: &str = "handoff";
/// [`PendingHandoff`] as JSON; absent when there is none.
const KEY_PENDING: &str = "pending_handoff";
/// The backend's [`ConversationId`], as plain text; absent when forgotten.
const KEY_CONVERSATION: &str = "conversation";
/// The draft, as plain text.
const KEY_DRAFT: &str = "draft";

/// How long a call waits for another connection to the same file (a second
/// Warmline window, a diagnostic tool) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The single store file of Warmline before profiles (see
/// [`adopt_legacy_store`]); each profile now has its own ([`profile_path`]).
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join("warmline.sqlite3")
}

/// The conversation store on SQLite. See the [crate documentation](crate)
/// for the guarantees.
pub struct SqliteStore {
    /// `rusqlite::Connection` is `Send` but not `Sync`; calls are short, so
    /// one lock serializes them.
    connection: Mutex<Connection>,
    /// Rows the last [`ConversationStore::load`] could not read.
    skipped: AtomicUsize,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.connection().path().map(str::to_owned))
            .field("skipped", &self.skipped_rows())
            .finish()
    }
}

fn io(error: impl fmt::Display) -> StoreError {
    StoreError::Io(error.to_string())
}

fn corrupt(error: impl fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

/// SQLite reports a damaged or foreign file as "not a database" or
/// "malformed"; those are not I/O problems the user can fix by waiting.
fn classify(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => corrupt(
            format!("the file is not a readable Warmline store ({error})"),
        ),
        _ => io(error),
    }
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`, creating its directory, and
    /// brings its schema up to date.
    ///
    /// A file that is not a database, a damaged database, another program's
    /// database or one from a newer Warmline gives [`StoreError::Corrupt`]
    /// and is left exactly as it was.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        Self::prepare(Connection::open(path).map_err(classify)?)
    }

    /// A store that lives only as long as the value (for tests).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::prepare(Connection::open_in_memory().map_err(classify)?)
    }

    /// How many rows the last [`ConversationStore::load`] skipped because
    /// they could not be read (0 before the first load). The app may tell
    /// the user that part of the history could not be shown.
    pub fn skipped_rows(&self) -> usize {
        self.skipped.load(Ordering::Relaxed)
    }

    /// Saves many messages in one transaction (all or none), in order, as
    /// [`ConversationStore::save_message`] would one by one: for importing a
    /// history, and for the benchmark's 10,000-message store, without one
    /// `fsync` per message.
    pub fn save_messages(&self, messages: &[Message]) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let transaction = connection.transaction().map_err(classify)?;
        for message in messages {
            write_message(&transaction, message)?;
        }
        transaction.commit().map_err(classify)
    }

    fn prepare(connection: Connection) -> Result<Self, StoreError> {
        connection.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
        // Look before changing anything (even the journal mode rewrites the
        // file header), so that a file we refuse is left untouched.
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(classify)?;
        check_readable(&connection, version)?;
        // WAL: a commit is an append, and a reader never blocks the writer.
        // FULL: each commit is synced before the call returns (see the crate
        // documentation for why NORMAL is not enough).
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(classify)?;
        if mode != "wal" && connection.path().is_some_and(|p| !p.is_empty()) {
            // Still durable with FULL, only slower; some file systems
            // (network shares) cannot do WAL.
            tracing::warn!(mode, "the conversation store could not switch to WAL");
        }
        connection
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(classify)?;
        let mut connection = connection;
        migrate(&mut connection)?;
        Ok(Self {
            connection: Mutex::new(connection),
            skipped: AtomicUsize::new(0),
        })
    }

    fn connection(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written:
        // every write is one statement or one transaction.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn put(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        write_state(&self.connection(), key, value)
    }
}

/// Adds `message` at the end of the `messages` table, or updates it in place
/// when its id is there already.
fn write_message(connection: &Connection, message: &Message) -> Result<(), StoreError> {
    let author = to_json(&message.author)?;
    let body = to_json(&message.body)?;
    let delivery = to_json(&message.delivery)?;
    let failure = message.failure.as_ref().map(to_json).transpose()?;
    connection
        .prepare_cached(
            "INSERT INTO messages (id, author, body, sent_at, delivery, failure)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(id) DO UPDATE SET author = excluded.author,
                 body = excluded.body, sent_at = excluded.sent_at,
                 delivery = excluded.delivery, failure = excluded.failure",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                message.id.to_string(),
                author,
                body,
                message.sent_at.0,
                delivery,
                failure
            ])
        })
        .map(drop)
        .map_err(classify)
}

/// Sets (or, with `None`, removes) one value of the `state` table.
fn write_state(connection: &Connection, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    match value {
        Some(value) => connection
            .prepare_cached(
                "INSERT INTO state (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )
            .and_then(|mut statement| statement.execute(params![key, value])),
        None => connection
            .prepare_cached("DELETE FROM state WHERE key = ?1")
            .and_then(|mut statement| statement.execute(params![key])),
    }
    .map(drop)
    .map_err(classify)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

/// A column as text, or `None` when it holds anything else (a number, a
/// blob, invalid UTF-8, NULL).
fn text<'row>(row: &'row Row<'_>, column: usize) -> rusqlite::Result<Option<&'row str>> {
    Ok(match row.get_ref(column)? {
        ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok(),
        _ => None,
    })
}

/// One row of `messages`, or `None` when it cannot be read. Only SQLite's
/// own failures (I/O, damage) are errors.
fn decode_message(row: &Row<'_>) -> rusqlite::Result<Option<Message>> {
    let (Some(id), Some(author), Some(body), ValueRef::Integer(sent_at), Some(delivery)) = (
        text(row, 0)?,
        text(row, 1)?,
        text(row, 2)?,
        row.get_ref(3)?,
        text(row, 4)?,
    ) else {
        return Ok(None);
    };
    // Why it failed is a detail: an unreadable reason loses only the reason.
    let failure = text(row, 5)?.and_then(|failure| serde_json::from_str::<UiError>(failure).ok());
    let parse = || -> Result<Message, serde_json::Error> {
        Ok(Message {
            id: serde_json::from_value(serde_json::Value::String(id.to_owned()))?,
            author: serde_json::from_str(author)?,
            body: serde_json::from_str(body)?,
            sent_at: Timestamp(sent_at),
            delivery: serde_json::from_str(delivery)?,
            failure,
        })
    };
    Ok(parse().ok())
}

/// The readable values of the `state` table, and how many were not.
fn read_state(connection: &Connection) -> Result<(HashMap<String, String>, usize), StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT key, value FROM state")
        .map_err(classify)?;
    let rows = statement
        .query_map([], |row| {
            Ok(text(row, 0)?
                .zip(text(row, 1)?)
                .map(|(key, value)| (key.to_owned(), value.to_owned())))
        })
        .map_err(classify)?;
    let mut state = HashMap::new();
    let mut skipped = 0;
    for row in rows {
        match row.map_err(classify)? {
            Some((key, value)) => {
                state.insert(key, value);
            }
            None => skipped += 1,
        }
    }
    Ok((state, skipped))
}

/// Every readable adapter resume value (an unreadable one is left out: the
/// adapter then starts from scratch for that key).
fn read_resume(
    connection: &Connection,
) -> Result<std::collections::BTreeMap<String, String>, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT key, value FROM resume")
        .map_err(classify)?;
    let rows = statement
        .query_map([], |row| {
            Ok(text(row, 0)?
                .zip(text(row, 1)?)
                .map(|(key, value)| (key.to_owned(), value.to_owned())))
        })
        .map_err(classify)?;
    let mut resume = std::collections::BTreeMap::new();
    for row in rows {
        if let Some((key, value)) = row.map_err(classify)? {
            resume.insert(key, value);
        }
    }
    Ok(resume)
}

/// The left messages not confirmed yet, oldest first; an unreadable one is
/// counted in `skipped`.
fn read_left_messages(
    connection: &Connection,
    skipped: &mut usize,
) -> Result<Vec<QueuedLeftMessage>, StoreError> {
    let mut statement = connection
        .prepare_cached("SELECT message FROM left_messages ORDER BY ord")
        .map_err(classify)?;
    let rows = statement
        .query_map([], |row| {
            Ok(text(row, 0)?.and_then(|json| serde_json::from_str(json).ok()))
        })
        .map_err(classify)?;
    let mut messages = Vec::new();
    for row in rows {
        match row.map_err(classify)? {
            Some(message) => messages.push(message),
            None => *skipped += 1,
        }
    }
    Ok(messages)
}

/// Parses an optional JSON value of the `state` table; an unreadable one is
/// counted in `skipped` and logged by key and error category only (serde's
/// message may quote the content).
fn from_json<T: serde::de::DeserializeOwned>(
    state: &HashMap<String, String>,
    key: &str,
    skipped: &mut usize,
) -> Option<T> {
    let value = state.get(key)?;
    match serde_json::from_str(value) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            *skipped += 1;
            tracing::warn!(key, category = ?error.classify(), "skipping an unreadable stored value");
            None
        }
    }
}

impl ConversationStore for SqliteStore {
    fn load(&self) -> Result<StoredConversation, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached(
                "SELECT id, author, body, sent_at, delivery, failure FROM messages ORDER BY ord",
            )
            .map_err(classify)?;
        let rows = statement.query_map([], decode_message).map_err(classify)?;
        let mut messages = Vec::new();
        let mut skipped_messages = 0usize;
        for row in rows {
            match row.map_err(classify)? {
                Some(message) => messages.push(message),
                None => skipped_messages += 1,
            }
        }
        if skipped_messages > 0 {
            // Never log the content: it is the user's conversation.
            tracing::warn!(
                skipped = skipped_messages,
                "skipped unreadable stored messages"
            );
        }
        let (state, mut skipped) = read_state(&connection)?;
        skipped += skipped_messages;
        let handoff = from_json::<HandoffState>(&state, KEY_HANDOFF, &mut skipped);
        let pending_handoff = from_json::<PendingHandoff>(&state, KEY_PENDING, &mut skipped);
        let conversation = state.get(KEY_CONVERSATION).cloned().map(ConversationId);
        let draft = state.get(KEY_DRAFT).cloned().unwrap_or_default();
        let resume = read_resume(&connection)?;
        let left_messages = read_left_messages(&connection, &mut skipped)?;
        self.skipped.store(skipped, Ordering::Relaxed);
        Ok(StoredConversation {
            messages,
            handoff,
            pending_handoff,
            conversation,
            draft,
            resume,
            left_messages,
        })
    }

    fn save_message(&self, message: &Message) -> Result<(), StoreError> {
        write_message(&self.connection(), message)
    }

    fn set_delivery(&self, id: MessageId, delivery: DeliveryState) -> Result<(), StoreError> {
        let delivery = to_json(&delivery)?;
        self.connection()
            .prepare_cached("UPDATE messages SET delivery = ?1 WHERE id = ?2")
            .and_then(|mut statement| statement.execute(params![delivery, id.to_string()]))
            .map(drop)
            .map_err(classify)
    }

    fn save_handoff(
        &self,
        handoff: &HandoffState,
        pending: Option<PendingHandoff>,
    ) -> Result<(), StoreError> {
        let handoff = to_json(handoff)?;
        let pending = pending.as_ref().map(to_json).transpose()?;
        let mut connection = self.connection();
        // Both values or neither.
        let transaction = connection.transaction().map_err(classify)?;
        write_state(&transaction, KEY_HANDOFF, Some(&handoff))?;
        write_state(&transaction, KEY_PENDING, pending.as_deref())?;
        transaction.commit().map_err(classify)
    }

    fn save_conversation_id(
        &self,
        conversation: Option<&ConversationId>,
    ) -> Result<(), StoreError> {
        self.put(KEY_CONVERSATION, conversation.map(|c| c.0.as_str()))
    }

    fn save_draft(&self, draft: &str) -> Result<(), StoreError> {
        self.put(KEY_DRAFT, Some(draft))
    }

    fn save_resume_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        let connection = self.connection();
        match value {
            Some(value) => connection
                .prepare_cached(
                    "INSERT INTO resume (key, value) VALUES (?1, ?2)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                )
                .and_then(|mut statement| statement.execute(params![key, value])),
            None => connection
                .prepare_cached("DELETE FROM resume WHERE key = ?1")
                .and_then(|mut statement| statement.execute(params![key])),
        }
        .map(drop)
        .map_err(classify)
    }

    fn load_resume_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare_cached("SELECT value FROM resume WHERE key = ?1")
            .map_err(classify)?;
        let mut rows = statement.query(params![key]).map_err(classify)?;
        match rows.next().map_err(classify)? {
            Some(row) => Ok(text(row, 0).map_err(classify)?.map(str::to_owned)),
            None => Ok(None),
        }
    }

    fn save_left_message(&self, message: &QueuedLeftMessage) -> Result<(), StoreError> {
        let json = to_json(message)?;
        self.connection()
            .prepare_cached(
                "INSERT INTO left_messages (id, message) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET message = excluded.message",
            )
            .and_then(|mut statement| statement.execute(params![message.id.to_string(), json]))
            .map(drop)
            .map_err(classify)
    }

    fn remove_left_message(&self, id: MessageId) -> Result<(), StoreError> {
        self.connection()
            .prepare_cached("DELETE FROM left_messages WHERE id = ?1")
            .and_then(|mut statement| statement.execute(params![id.to_string()]))
            .map(drop)
            .map_err(classify)
    }
}

#[cfg(test)]
mod profile_tests;
#[cfg(test)]
mod tests;
