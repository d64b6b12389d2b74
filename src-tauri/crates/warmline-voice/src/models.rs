//! The model catalogue and the on-disk model store: download with resume
//! and checksum, import from a file, status.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Deserialize;
use sha1::Digest as _;

use crate::error::VoiceError;
use crate::events::ModelStatus;
use crate::recognizer::{Language, ModelCapabilities};

/// The default download base: whisper.cpp's own model repository.
pub const DEFAULT_BASE_URL: &str = "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/";

/// The built-in catalogue (`models.toml` in this crate).
const BUILTIN: &str = include_str!("../models.toml");

/// What a catalogue model is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    /// A whisper speech recognition model.
    #[default]
    Whisper,
    /// whisper.cpp's ggml Silero voice activity detector.
    Vad,
}

/// One downloadable model.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CatalogueEntry {
    /// Stable id, e.g. `"small"`.
    pub id: String,
    /// File name on the server and on disk.
    pub file: String,
    /// False for English-only models.
    pub multilingual: bool,
    /// True when the model's vocabulary has Cantonese (`yue`).
    pub cantonese: bool,
    /// Approximate size from the model card.
    pub size_mib: u64,
    /// Published SHA-1 (hex), checked when no SHA-256 is pinned.
    #[serde(default)]
    pub sha1: String,
    /// Pinned SHA-256 (hex); empty when not yet pinned.
    #[serde(default)]
    pub sha256: String,
    /// Speech model or VAD.
    #[serde(default)]
    pub kind: ModelKind,
    /// Where the file is downloaded from when no mirror is set, if not
    /// [`DEFAULT_BASE_URL`] (the VAD lives in another repository).
    #[serde(default)]
    pub base_url: Option<String>,
}

impl CatalogueEntry {
    /// What the model can recognise.
    pub fn capabilities(&self) -> ModelCapabilities {
        ModelCapabilities {
            multilingual: self.multilingual,
            cantonese: self.cantonese,
        }
    }

    /// Language codes it covers (`en`, `zh`, `yue`); none for the VAD.
    pub fn languages(&self) -> Vec<String> {
        if self.kind == ModelKind::Vad {
            return Vec::new();
        }
        let mut out = vec!["en".to_owned()];
        if self.multilingual {
            out.push("zh".to_owned());
        }
        if self.cantonese {
            out.push("yue".to_owned());
        }
        out
    }

    /// Whether a checksum is pinned at all.
    pub fn is_pinned(&self) -> bool {
        !self.sha256.is_empty() || !self.sha1.is_empty()
    }
}

#[derive(Debug, Deserialize)]
struct CatalogueFile {
    choice: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    vad: Option<String>,
    model: Vec<CatalogueEntry>,
}

/// The models Warmline knows and which to prefer per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    entries: Vec<CatalogueEntry>,
    choice: BTreeMap<String, Vec<String>>,
    vad: Option<String>,
}

impl Catalogue {
    /// The catalogue built into this crate.
    pub fn builtin() -> Self {
        Self::from_toml(BUILTIN).expect("the built-in models.toml is valid")
    }

    /// Parses a catalogue in the format of `models.toml`.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let file: CatalogueFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let catalogue = Self {
            entries: file.model,
            choice: file.choice,
            vad: file.vad,
        };
        for (language, ids) in &catalogue.choice {
            for id in ids {
                match catalogue.get(id) {
                    None => return Err(format!("choice.{language} names unknown model {id}")),
                    Some(e) if e.kind != ModelKind::Whisper => {
                        return Err(format!(
                            "choice.{language} names {id}, which is not a speech model"
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        if let Some(id) = &catalogue.vad {
            if catalogue.get(id).map(|e| e.kind) != Some(ModelKind::Vad) {
                return Err(format!("vad names {id}, which is not a VAD model"));
            }
        }
        Ok(catalogue)
    }

    /// Every model.
    pub fn entries(&self) -> &[CatalogueEntry] {
        &self.entries
    }

    /// The model with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogueEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The VAD model downloaded along with the first speech model.
    pub fn vad(&self) -> Option<&CatalogueEntry> {
        self.vad.as_deref().and_then(|id| self.get(id))
    }

    /// Models usable for `language`, best first.
    pub fn preference(&self, language: Language) -> &[String] {
        let key = match language {
            Language::English => "en",
            Language::Mandarin => "zh",
            Language::Cantonese => "yue",
        };
        self.choice.get(key).map_or(&[], Vec::as_slice)
    }
}

/// Marker written next to a model once its checksum matched (or it was
/// imported without one); its content is `verified` or `unverified`.
fn marker_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(".ok");
    PathBuf::from(name)
}

fn part_path(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// SHA-1 and SHA-256 of a file, hex.
pub fn file_digests(path: &Path) -> std::io::Result<(String, String)> {
    let mut file = File::open(path)?;
    let mut sha1 = sha1::Sha1::new();
    let mut sha256 = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        sha1.update(&buffer[..n]);
        sha256.update(&buffer[..n]);
    }
    Ok((hex(&sha1.finalize()), hex(&sha256.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares a file with the entry's pinned checksum (SHA-256 if pinned, else
/// SHA-1). `Ok(true)`: verified; `Ok(false)`: nothing pinned to check.
fn verify(entry: &CatalogueEntry, path: &Path) -> Result<bool, VoiceError> {
    if !entry.is_pinned() {
        return Ok(false);
    }
    let (sha1, sha256) = file_digests(path)
        .map_err(|e| VoiceError::DownloadFailed(format!("reading {}: {e}", path.display())))?;
    let (expected, actual) = if entry.sha256.is_empty() {
        (&entry.sha1, sha1)
    } else {
        (&entry.sha256, sha256)
    };
    if expected.eq_ignore_ascii_case(&actual) {
        Ok(true)
    } else {
        Err(VoiceError::ChecksumMismatch {
            expected: expected.clone(),
            actual,
        })
    }
}

/// Models on disk under one directory (the app-data `models` folder).
#[derive(Debug, Clone)]
pub struct ModelStore {
    dir: PathBuf,
    catalogue: Catalogue,
    base_url: String,
    mirrored: bool,
}

impl ModelStore {
    /// A store in `dir`, downloading from `mirror` (a base URL ending in the
    /// folder that holds the `ggml-*.bin` files) or the default base.
    ///
    /// A mirror holds every file in that one folder, the VAD too; without
    /// one, an entry's own `base_url` (the VAD's repository) is used.
    pub fn new(dir: impl Into<PathBuf>, catalogue: Catalogue, mirror: Option<&str>) -> Self {
        let mirror = mirror.filter(|m| !m.trim().is_empty());
        let mirrored = mirror.is_some();
        let mut base_url = mirror.unwrap_or(DEFAULT_BASE_URL).trim().to_owned();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        Self {
            dir: dir.into(),
            catalogue,
            base_url,
            mirrored,
        }
    }

    /// The catalogue this store uses.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// Where the model with `id` lives (whether or not it is there).
    pub fn path(&self, id: &str) -> Result<PathBuf, VoiceError> {
        let entry = self
            .catalogue
            .get(id)
            .ok_or_else(|| VoiceError::UnknownModel(id.to_owned()))?;
        Ok(self.dir.join(&entry.file))
    }

    /// The URL the model is downloaded from.
    pub fn url(&self, id: &str) -> Result<String, VoiceError> {
        let entry = self
            .catalogue
            .get(id)
            .ok_or_else(|| VoiceError::UnknownModel(id.to_owned()))?;
        let base = match &entry.base_url {
            Some(own) if !self.mirrored => own.as_str(),
            _ => self.base_url.as_str(),
        };
        let slash = if base.ends_with('/') { "" } else { "/" };
        Ok(format!("{base}{slash}{}", entry.file))
    }

    /// Present and checked, present but unchecked, or missing. (Whether
    /// whisper.cpp can load it is only known when it is loaded.)
    pub fn status(&self, id: &str) -> ModelStatus {
        let Ok(path) = self.path(id) else {
            return ModelStatus::Missing;
        };
        if !path.is_file() {
            return ModelStatus::Missing;
        }
        // A file put there by hand (or by the test set-up) has no marker:
        // usable, but not checked.
        let verified = fs::read_to_string(marker_path(&path)).is_ok_and(|m| m.trim() == "verified");
        ModelStatus::Ready {
            unverified: !verified,
        }
    }

    /// Bytes of an interrupted download waiting to be resumed.
    pub fn partial_bytes(&self, id: &str) -> u64 {
        self.path(id)
            .ok()
            .and_then(|p| fs::metadata(part_path(&p)).ok())
            .map_or(0, |m| m.len())
    }

    /// Downloads the model, resuming a `.part` file left by an earlier
    /// attempt, then checks it against the pinned checksum.
    ///
    /// `progress(received, total)` is called as bytes arrive; `cancel` stops
    /// the download (the part is kept for a later resume). A checksum
    /// mismatch deletes the part: the next attempt starts from zero.
    pub fn download(
        &self,
        id: &str,
        cancel: &AtomicBool,
        mut progress: impl FnMut(u64, Option<u64>),
    ) -> Result<PathBuf, VoiceError> {
        let entry = self
            .catalogue
            .get(id)
            .ok_or_else(|| VoiceError::UnknownModel(id.to_owned()))?
            .clone();
        let target = self.dir.join(&entry.file);
        let part = part_path(&target);
        let failed = |what: &str, e: &dyn std::fmt::Display| {
            VoiceError::DownloadFailed(format!("{what}: {e}"))
        };
        fs::create_dir_all(&self.dir).map_err(|e| failed("creating the models folder", &e))?;
        let url = self.url(id)?;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(15))
            .timeout_read(Duration::from_secs(30))
            .build();
        let mut offset = fs::metadata(&part).map_or(0, |m| m.len());
        let mut request = agent.get(&url);
        if offset > 0 {
            request = request.set("Range", &format!("bytes={offset}-"));
        }
        let response = match request.call() {
            Ok(response) => response,
            // The part is already complete: go on to the checksum.
            Err(ureq::Error::Status(416, _)) if offset > 0 => {
                return self.finish_download(&entry, &part, &target);
            }
            Err(ureq::Error::Status(code, _)) => {
                return Err(VoiceError::DownloadFailed(format!("{url}: HTTP {code}")))
            }
            Err(e) => return Err(failed(&url, &e)),
        };
        let total = if response.status() == 206 {
            // "bytes 100-999/1000"
            response
                .header("Content-Range")
                .and_then(|r| r.rsplit('/').next())
                .and_then(|t| t.trim().parse::<u64>().ok())
        } else {
            // The server ignored the range: start over.
            offset = 0;
            response
                .header("Content-Length")
                .and_then(|l| l.trim().parse::<u64>().ok())
        };
        let mut file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(offset > 0)
            .truncate(offset == 0)
            .open(&part)
            .map_err(|e| failed("opening the part file", &e))?;
        let mut reader = response.into_reader();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut received = offset;
        let mut reported = 0u64;
        progress(received, total);
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Err(VoiceError::DownloadFailed("cancelled".into()));
            }
            let n = match reader.read(&mut buffer) {
                Ok(n) => n,
                Err(e) => {
                    let _ = file.flush();
                    return Err(failed(
                        "connection lost (the download resumes next time)",
                        &e,
                    ));
                }
            };
            if n == 0 {
                break;
            }
            file.write_all(&buffer[..n])
                .map_err(|e| failed("writing the part file", &e))?;
            received += n as u64;
            if received - reported >= 256 * 1024 {
                reported = received;
                progress(received, total);
            }
        }
        file.sync_all()
            .map_err(|e| failed("writing the part file", &e))?;
        drop(file);
        progress(received, total);
        if let Some(total) = total {
            if received < total {
                return Err(VoiceError::DownloadFailed(format!(
                    "connection closed after {received} of {total} bytes (the download resumes next time)"
                )));
            }
        }
        self.finish_download(&entry, &part, &target)
    }

    fn finish_download(
        &self,
        entry: &CatalogueEntry,
        part: &Path,
        target: &Path,
    ) -> Result<PathBuf, VoiceError> {
        let verified = match verify(entry, part) {
            Ok(verified) => verified,
            Err(error) => {
                let _ = fs::remove_file(part);
                return Err(error);
            }
        };
        fs::rename(part, target)
            .map_err(|e| VoiceError::DownloadFailed(format!("moving the model in place: {e}")))?;
        self.write_marker(target, verified)?;
        Ok(target.to_path_buf())
    }

    fn write_marker(&self, target: &Path, verified: bool) -> Result<(), VoiceError> {
        fs::write(
            marker_path(target),
            if verified {
                "verified\n"
            } else {
                "unverified\n"
            },
        )
        .map_err(|e| VoiceError::DownloadFailed(format!("writing the marker: {e}")))
    }

    /// Copies a model file the user has (e.g. from a USB stick) into the
    /// store. A known id with a pinned checksum must match it; otherwise the
    /// file is accepted and marked unverified. Returns whether it was verified.
    pub fn import(&self, id: &str, from: &Path) -> Result<bool, VoiceError> {
        let entry = self
            .catalogue
            .get(id)
            .ok_or_else(|| VoiceError::UnknownModel(id.to_owned()))?
            .clone();
        let failed = |e: std::io::Error| VoiceError::AudioFile(format!("{}: {e}", from.display()));
        if !from.is_file() {
            return Err(failed(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file",
            )));
        }
        let verified = verify(&entry, from)?;
        fs::create_dir_all(&self.dir).map_err(failed)?;
        let target = self.dir.join(&entry.file);
        let staging = part_path(&target);
        fs::copy(from, &staging).map_err(failed)?;
        fs::rename(&staging, &target).map_err(failed)?;
        self.write_marker(&target, verified)?;
        if !verified {
            tracing::warn!(
                id,
                "imported a model without a pinned checksum; not verified"
            );
        }
        Ok(verified)
    }

    /// Removes a model that turned out to be damaged, so it can be fetched
    /// again.
    pub fn remove(&self, id: &str) -> Result<(), VoiceError> {
        let path = self.path(id)?;
        let _ = fs::remove_file(marker_path(&path));
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(VoiceError::DownloadFailed(format!(
                "removing {}: {e}",
                path.display()
            ))),
        }
    }
}
