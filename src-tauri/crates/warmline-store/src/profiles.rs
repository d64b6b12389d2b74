//! One store per backend profile, and the move of the single store of
//! earlier Warmlines into the demo profile's.
//!
//! Each profile keeps its own conversation (history, outbox, handoff, draft,
//! adapter resume state, left messages) in
//! `<data dir>/profiles/<profile id>/conversation.sqlite3`, so nothing one
//! company's service is owed is ever sent to another.
//!
//! Warmline before profiles kept one file, `<data dir>/warmline.sqlite3`,
//! always on the demo backend. [`adopt_legacy_store`] copies it whole into
//! the demo profile's place the first time that place is empty. The old file
//! is left where it was (an older Warmline started again still finds its
//! history); once the profile's file exists it is never read again.

use std::path::{Path, PathBuf};

use warmline_core::StoreError;

use crate::{classify, io, SqliteStore};

/// The folder of profile `profile` inside Warmline's data directory. The id
/// must be file-name safe (`ProfileId::is_valid` in warmline-backends).
pub fn profile_dir(data_dir: &Path, profile: &str) -> PathBuf {
    data_dir.join("profiles").join(profile)
}

/// The store file of profile `profile`.
pub fn profile_path(data_dir: &Path, profile: &str) -> PathBuf {
    profile_dir(data_dir, profile).join("conversation.sqlite3")
}

/// What [`adopt_legacy_store`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adoption {
    /// The profile has its own file already: nothing was read.
    AlreadyThere,
    /// There is no file of an earlier Warmline.
    NothingToAdopt,
    /// The earlier file was copied whole to the profile's place.
    Adopted,
}

/// Copies the store at `legacy` (a file of an earlier Warmline) to `dest`,
/// unless `dest` exists already or there is nothing at `legacy`.
///
/// The old file is opened as the store always opens it (refused untouched
/// when damaged, foreign or newer, otherwise brought up to the current
/// schema), then copied by SQLite itself (`VACUUM INTO`, which reads through
/// the write-ahead log, so a commit not yet checkpointed is copied too) into
/// a temporary file beside `dest`, synced, and renamed into place: a crash
/// at any point leaves either no `dest` (and the copy is made again at the
/// next start) or a complete one. `legacy` stays where it is.
///
/// An error leaves `dest` absent; the caller keeps the conversation in
/// memory, as for any store that cannot be opened.
pub fn adopt_legacy_store(legacy: &Path, dest: &Path) -> Result<Adoption, StoreError> {
    if dest.exists() {
        return Ok(Adoption::AlreadyThere);
    }
    if !legacy.exists() {
        return Ok(Adoption::NothingToAdopt);
    }
    let parent = dest
        .parent()
        .ok_or_else(|| io("the profile store has no folder"))?;
    std::fs::create_dir_all(parent).map_err(io)?;
    let partial = dest.with_extension("sqlite3-partial");
    // Left by a copy cut short; VACUUM INTO refuses an existing file.
    match std::fs::remove_file(&partial) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(io(error)),
    }
    {
        let old = SqliteStore::open(legacy)?;
        let partial_name = partial
            .to_str()
            .ok_or_else(|| io("the data directory's path is not valid Unicode"))?;
        old.connection()
            .execute("VACUUM INTO ?1", [partial_name])
            .map_err(classify)?;
    }
    std::fs::File::open(&partial)
        .and_then(|file| file.sync_all())
        .map_err(io)?;
    std::fs::rename(&partial, dest).map_err(io)?;
    sync_dir(parent);
    tracing::info!("the conversation of an earlier Warmline now belongs to the demo profile");
    Ok(Adoption::Adopted)
}

/// Makes a rename durable where the platform can (Unix); elsewhere the
/// file system orders it itself.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(error) = std::fs::File::open(dir).and_then(|dir| dir.sync_all()) {
        tracing::warn!(%error, "could not sync the profile folder");
    }
    #[cfg(not(unix))]
    let _ = dir;
}
