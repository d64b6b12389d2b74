//! The store's schema: numbered migrations, and the checks that refuse a
//! file this code must not touch.

use rusqlite::{Connection, TransactionBehavior};
use warmline_core::StoreError;

use crate::{classify, corrupt};

/// The schema version this code writes (the last migration's number).
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Migrations in order; `MIGRATIONS[n]` takes the schema from version `n` to
/// version `n + 1`. Never edit a published migration: add a new one.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "
    CREATE TABLE messages (
        -- Insertion order; a message replaced in place keeps its place.
        ord       INTEGER PRIMARY KEY AUTOINCREMENT,
        -- The MessageId (a UUID); UNIQUE gives the index used by updates.
        id        TEXT NOT NULL UNIQUE,
        -- warmline_core::Author as JSON.
        author    TEXT NOT NULL,
        -- warmline_core::MessageBody as JSON.
        body      TEXT NOT NULL,
        -- Milliseconds since the Unix epoch.
        sent_at   INTEGER NOT NULL,
        -- warmline_core::DeliveryState as JSON, e.g. \"sending\".
        delivery  TEXT NOT NULL
    );
    -- The rest of the conversation, one row per key (see the KEY_ constants).
    CREATE TABLE state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ",
    // 2: adapter resume state (cursors, sync tokens), kept apart from the
    // conversation's own state so an adapter can never overwrite it.
    "
    CREATE TABLE resume (
        -- `<adapter kind>/<key>`, see warmline_core::ResumeState.
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    ",
    // 3: why a failed message failed, and the messages left for the company
    // (or call-back requests) that the backend has not confirmed yet.
    "
    -- warmline_core::UiError as JSON; NULL unless the message failed.
    ALTER TABLE messages ADD COLUMN failure TEXT;
    CREATE TABLE left_messages (
        -- The order they were left in.
        ord      INTEGER PRIMARY KEY AUTOINCREMENT,
        -- The MessageId (a UUID), the idempotency key.
        id       TEXT NOT NULL UNIQUE,
        -- warmline_core::QueuedLeftMessage as JSON.
        message  TEXT NOT NULL
    );
    ",
];

/// Refuses, before anything is written, what this code must not touch.
pub(crate) fn check_readable(connection: &Connection, version: i64) -> Result<(), StoreError> {
    if version > SCHEMA_VERSION {
        return Err(corrupt(format!(
            "the store has schema version {version}, this Warmline knows up to \
             {SCHEMA_VERSION}; was it written by a newer Warmline?"
        )));
    }
    let tables: i64 = connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(classify)?;
    if tables == 0 {
        // A new, empty file: nothing to check.
        return Ok(());
    }
    if version == 0 {
        return Err(corrupt(
            "the file is an SQLite database of another program, not a Warmline store",
        ));
    }
    let check: String = connection
        .query_row("PRAGMA quick_check(1)", [], |row| row.get(0))
        .map_err(classify)?;
    if check != "ok" {
        // SQLite's description names pages and tables, not content.
        return Err(corrupt(format!("the store is damaged: {check}")));
    }
    Ok(())
}

/// Runs the migrations the database has not had, each in its own
/// transaction together with the version bump.
pub(crate) fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let to = i64::try_from(index).unwrap_or(i64::MAX) + 1;
        // IMMEDIATE takes the write lock first, and the version is read
        // again under it: two Warmlines opening a new file at once do not
        // both run the same migration.
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(classify)?;
        let current: i64 = transaction
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(classify)?;
        if current > SCHEMA_VERSION {
            return Err(corrupt(format!(
                "the store has schema version {current}, this Warmline knows up to \
                 {SCHEMA_VERSION}; was it written by a newer Warmline?"
            )));
        }
        if current >= to {
            continue;
        }
        transaction.execute_batch(migration).map_err(classify)?;
        transaction
            .execute_batch(&format!("PRAGMA user_version = {to}"))
            .map_err(classify)?;
        transaction.commit().map_err(classify)?;
    }
    Ok(())
}
