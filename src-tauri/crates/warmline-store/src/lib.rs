//! [`SqliteStore`]: the [`ConversationStore`] Warmline uses on disk.
//!
//! One SQLite file in the app-data directory, in WAL mode with
//! `synchronous=FULL`, so every call is durable when it returns, even on a
//! power cut. The schema is versioned with `PRAGMA user_version`; a file from
//! a newer Warmline is refused and left untouched.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};
use warmline_core::{
    ConversationId, ConversationStore, DeliveryState, HandoffState, Message, MessageId,
    PendingHandoff, StoreError, StoredConversation,
};

/// The schema version this code writes.
const SCHEMA_VERSION: i64 = 1;

/// Migrations by the version they lead to; `MIGRATIONS[0]` makes version 1.
const MIGRATIONS: &[&str] = &["
    CREATE TABLE messages (
        -- Insertion order; a message replaced in place keeps its place.
        ord       INTEGER PRIMARY KEY AUTOINCREMENT,
        id        TEXT NOT NULL UNIQUE,
        author    TEXT NOT NULL,
        body      TEXT NOT NULL,
        sent_at   INTEGER NOT NULL,
        delivery  TEXT NOT NULL
    );
    CREATE TABLE state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
"];

const KEY_HANDOFF: &str = "handoff";
const KEY_PENDING: &str = "pending_handoff";
const KEY_CONVERSATION: &str = "conversation";
const KEY_DRAFT: &str = "draft";

/// The file name of the store inside Warmline's data directory.
pub fn default_path(data_dir: &Path) -> PathBuf {
    data_dir.join("warmline.sqlite3")
}

/// The conversation store on SQLite.
pub struct SqliteStore {
    connection: Mutex<Connection>,
}

fn io(error: impl std::fmt::Display) -> StoreError {
    StoreError::Io(error.to_string())
}

fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

/// SQLite reports a damaged or foreign file as "not a database" or
/// "malformed"; those are not I/O problems the user can fix by waiting.
fn classify(error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            corrupt(error)
        }
        _ => io(error),
    }
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`, creating its directory, and
    /// brings its schema up to date.
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

    fn prepare(connection: Connection) -> Result<Self, StoreError> {
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(classify)?;
        // Read the version before changing anything, so that a foreign or
        // newer file is refused untouched.
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(classify)?;
        if version > SCHEMA_VERSION {
            return Err(corrupt(format!(
                "the store has schema version {version}, this Warmline knows up to {SCHEMA_VERSION}; was it written by a newer Warmline?"
            )));
        }
        // WAL lets a reader (a diagnostic) look while Warmline writes;
        // FULL makes each commit durable before the call returns.
        connection
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(classify)?;
        connection
            .execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(classify)?;
        let mut store = Self {
            connection: Mutex::new(connection),
        };
        store.migrate(version)?;
        Ok(store)
    }

    fn migrate(&mut self, from: i64) -> Result<(), StoreError> {
        let connection = self
            .connection
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            let to = i64::try_from(index).unwrap_or(i64::MAX) + 1;
            if to <= from {
                continue;
            }
            let transaction = connection.transaction().map_err(classify)?;
            transaction.execute_batch(migration).map_err(classify)?;
            transaction
                .execute_batch(&format!("PRAGMA user_version = {to}"))
                .map_err(classify)?;
            transaction.commit().map_err(classify)?;
        }
        Ok(())
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

    fn get(connection: &Connection, key: &str) -> Result<Option<String>, StoreError> {
        connection
            .query_row(
                "SELECT value FROM state WHERE key = ?1",
                params![key],
                |row| row.get(0),
            )
            .optional()
            .map_err(classify)
    }
}

/// Sets (or, with `None`, removes) one value of the `state` table.
fn write_state(connection: &Connection, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    match value {
        Some(value) => connection.execute(
            "INSERT INTO state (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        ),
        None => connection.execute("DELETE FROM state WHERE key = ?1", params![key]),
    }
    .map(drop)
    .map_err(classify)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(corrupt)
}

/// Reads an optional JSON value; unreadable data is dropped with a warning
/// rather than losing everything else.
fn from_json<T: serde::de::DeserializeOwned>(key: &str, value: Option<String>) -> Option<T> {
    let value = value?;
    match serde_json::from_str(&value) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            tracing::warn!(key, %error, "skipping unreadable stored value");
            None
        }
    }
}

impl ConversationStore for SqliteStore {
    fn load(&self) -> Result<StoredConversation, StoreError> {
        let connection = self.connection();
        let mut statement = connection
            .prepare("SELECT id, author, body, sent_at, delivery FROM messages ORDER BY ord")
            .map_err(classify)?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })
            .map_err(classify)?;
        let mut messages = Vec::new();
        let mut skipped = 0usize;
        for row in rows {
            let (id, author, body, sent_at, delivery) = row.map_err(classify)?;
            let message = (|| -> Result<Message, serde_json::Error> {
                Ok(Message {
                    id: serde_json::from_value(serde_json::Value::String(id))?,
                    author: serde_json::from_str(&author)?,
                    body: serde_json::from_str(&body)?,
                    sent_at: warmline_core::Timestamp(sent_at),
                    delivery: serde_json::from_str(&delivery)?,
                })
            })();
            match message {
                Ok(message) => messages.push(message),
                Err(_) => skipped += 1,
            }
        }
        if skipped > 0 {
            // Never log the content: it is the user's conversation.
            tracing::warn!(skipped, "skipped unreadable stored messages");
        }
        let handoff = from_json::<HandoffState>(KEY_HANDOFF, Self::get(&connection, KEY_HANDOFF)?);
        let pending_handoff =
            from_json::<PendingHandoff>(KEY_PENDING, Self::get(&connection, KEY_PENDING)?);
        let conversation = Self::get(&connection, KEY_CONVERSATION)?.map(ConversationId);
        let draft = Self::get(&connection, KEY_DRAFT)?.unwrap_or_default();
        Ok(StoredConversation {
            messages,
            handoff,
            pending_handoff,
            conversation,
            draft,
        })
    }

    fn save_message(&self, message: &Message) -> Result<(), StoreError> {
        let author = to_json(&message.author)?;
        let body = to_json(&message.body)?;
        let delivery = to_json(&message.delivery)?;
        self.connection()
            .execute(
                "INSERT INTO messages (id, author, body, sent_at, delivery)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET author = excluded.author,
                     body = excluded.body, sent_at = excluded.sent_at,
                     delivery = excluded.delivery",
                params![
                    message.id.to_string(),
                    author,
                    body,
                    message.sent_at.0,
                    delivery
                ],
            )
            .map(drop)
            .map_err(classify)
    }

    fn set_delivery(&self, id: MessageId, delivery: DeliveryState) -> Result<(), StoreError> {
        let delivery = to_json(&delivery)?;
        self.connection()
            .execute(
                "UPDATE messages SET delivery = ?1 WHERE id = ?2",
                params![delivery, id.to_string()],
            )
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
}

#[cfg(test)]
mod tests;
