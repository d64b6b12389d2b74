//! The settings file: what the caregiver set, kept apart from the conversation.
//!
//! One JSON file, `settings.json`, in the platform's config directory
//! (`WARMLINE_CONFIG_DIR` overrides it). It is versioned and marked with a
//! format name, so a file from another program or a newer Warmline is
//! recognised and never overwritten: a file that cannot be used is renamed
//! aside (`settings.json.kept-…`) and Warmline starts on the last good
//! settings (`settings.last-good.json`, written after every save) or, failing
//! those, on the demo. The reason is a [`SettingsProblem`] the app can put
//! into words. Every write is atomic ([`write_atomic`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use warmline_backends::profile::{
    check_url, BackendProfile, FieldError, FieldErrorCode, ProfileId,
};

/// The name of the settings file in the config directory.
pub const FILE_NAME: &str = "settings.json";
/// The copy of the settings last saved successfully.
pub const LAST_GOOD_FILE_NAME: &str = "settings.last-good.json";
/// Marks a Warmline settings file (a foreign JSON file lacks it).
pub const FORMAT: &str = "warmline-settings";
/// The version this Warmline writes and the newest it reads.
pub const VERSION: u32 = 1;
/// The smallest and largest text size, in percent.
pub const TEXT_SCALE_RANGE: std::ops::RangeInclusive<u16> = 100..=300;

/// Everything the caregiver sets, except secrets (keyring) and the PIN
/// (its own file, see [`crate::pin`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Always [`FORMAT`].
    pub format: String,
    /// The version the file was written in.
    pub version: u32,
    /// The profiles besides the built-in demo, which always exists.
    pub profiles: Vec<BackendProfile>,
    /// The profile the elder's window talks to.
    pub active_profile: ProfileId,
    /// The UI language (`en-US`, `zh-CN`, `zh-TW`); `None`: the system's.
    pub locale: Option<String>,
    /// Text size in percent, 100–300.
    pub text_scale_percent: u16,
    /// Whether the elder's window shows "Smaller text / Bigger text".
    pub show_text_size_buttons: bool,
    /// Voice input options.
    pub voice: VoiceSettings,
    /// Reading replies aloud (absent in files written before it existed).
    #[serde(default)]
    pub read_aloud: ReadAloudSettings,
}

/// The slowest and fastest reading rate, in percent of the speech engine's
/// normal rate (the app's speech crate clamps to the same range).
pub const READ_ALOUD_RATE_RANGE: std::ops::RangeInclusive<u16> = 50..=200;

/// Reading replies aloud with the system's speech engine. The settings
/// crate knows no speech library: the app passes these to its speaker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReadAloudSettings {
    /// Read each new reply and each change of the queue by itself.
    pub enabled: bool,
    /// Percent of the engine's normal rate ([`READ_ALOUD_RATE_RANGE`]).
    pub rate_percent: u16,
    /// The chosen voice's id, as the engine lists it; `None`: the system's
    /// first voice for the UI language.
    pub voice: Option<String>,
}

impl Default for ReadAloudSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            rate_percent: 100,
            voice: None,
        }
    }
}

/// Voice options that were environment variables before (the variables
/// still win, for tests; see README).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct VoiceSettings {
    /// Send recognised speech at once instead of putting it in the text box.
    pub send_at_once: bool,
    /// Download speech models from this mirror (`https://…`).
    pub model_mirror: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            profiles: Vec::new(),
            active_profile: ProfileId::demo(),
            locale: None,
            text_scale_percent: 100,
            show_text_size_buttons: true,
            voice: VoiceSettings::default(),
            read_aloud: ReadAloudSettings::default(),
        }
    }
}

impl Settings {
    /// The profile with this id; the demo is always found.
    pub fn profile(&self, id: &ProfileId) -> Option<BackendProfile> {
        if *id == ProfileId::demo() {
            return Some(BackendProfile::demo());
        }
        self.profiles.iter().find(|p| p.id == *id).cloned()
    }

    /// The profile the elder's window uses.
    pub fn active(&self) -> BackendProfile {
        self.profile(&self.active_profile)
            .unwrap_or_else(BackendProfile::demo)
    }

    /// Every problem, each naming its field (`textScalePercent`,
    /// `profiles[1].backend.url`…); empty when the settings can be used.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (index, profile) in self.profiles.iter().enumerate() {
            let prefix = format!("profiles[{index}]");
            errors.extend(profile.validate().into_iter().map(|mut e| {
                e.field = format!("{prefix}.{}", e.field);
                e
            }));
            // The demo's id is taken; two profiles with one id would share a
            // store and keyring entries.
            if profile.id == ProfileId::demo() || !seen.insert(profile.id.clone()) {
                errors.push(FieldError::new(
                    format!("{prefix}.id"),
                    FieldErrorCode::Duplicate,
                ));
            }
        }
        if self.profile(&self.active_profile).is_none() {
            errors.push(FieldError::new("activeProfile", FieldErrorCode::NotFound));
        }
        if let Some(locale) = &self.locale {
            if !warmline_i18n::SUPPORTED_LOCALES.contains(&locale.as_str()) {
                errors.push(FieldError::new("locale", FieldErrorCode::Unsupported));
            }
        }
        if !TEXT_SCALE_RANGE.contains(&self.text_scale_percent) {
            errors.push(FieldError::new(
                "textScalePercent",
                FieldErrorCode::OutOfRange,
            ));
        }
        if !READ_ALOUD_RATE_RANGE.contains(&self.read_aloud.rate_percent) {
            errors.push(FieldError::new(
                "readAloud.ratePercent",
                FieldErrorCode::OutOfRange,
            ));
        }
        if let Some(mirror) = &self.voice.model_mirror {
            errors.extend(check_url(
                mirror,
                "voice.modelMirror",
                &["https"],
                &["http"],
            ));
        }
        errors
    }
}

/// Why the settings file was not used. The app shows
/// [`SettingsProblem::message_id`] and the settings area the field errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SettingsProblem {
    /// What was wrong.
    pub code: SettingsProblemCode,
    /// For [`SettingsProblemCode::Invalid`]: each wrong field.
    pub fields: Vec<FieldError>,
    /// Where the unusable file was put aside (never deleted).
    pub kept_as: Option<PathBuf>,
    /// True when the last good settings were used, false: the demo.
    pub used_last_good: bool,
}

/// What can be wrong with a settings file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SettingsProblemCode {
    /// Not readable JSON (cut short, damaged on disk).
    Damaged,
    /// JSON, but not a Warmline settings file.
    Foreign,
    /// Written by a newer Warmline.
    Newer,
    /// A Warmline settings file with wrong fields.
    Invalid,
    /// The file or directory could not be read at all (permissions).
    Unreadable,
}

impl SettingsProblemCode {
    /// Every code, for the test that each has a sentence.
    pub const ALL: [Self; 5] = [
        Self::Damaged,
        Self::Foreign,
        Self::Newer,
        Self::Invalid,
        Self::Unreadable,
    ];

    /// The Fluent message explaining it to the elder and the caregiver.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Damaged => "settings-problem-damaged",
            Self::Foreign => "settings-problem-foreign",
            Self::Newer => "settings-problem-newer",
            Self::Invalid => "settings-problem-invalid",
            Self::Unreadable => "settings-problem-unreadable",
        }
    }
}

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The settings have wrong fields; nothing was written.
    #[error("the settings are not valid ({} problems)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The disk refused; the old file is still in place.
    #[error("the settings could not be written: {0}")]
    Io(#[from] io::Error),
}

impl SaveError {
    /// The Fluent message for the caregiver.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "settings-save-invalid",
            Self::Io(_) => "settings-save-failed",
        }
    }
}

/// What loading found: the settings to run on, and why they are not the
/// file's, if they are not.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The settings to start with.
    pub settings: Settings,
    /// Set when the settings file could not be used.
    pub problem: Option<SettingsProblem>,
}

/// The settings file in one directory.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    dir: PathBuf,
}

impl SettingsFile {
    /// The settings in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The settings in `WARMLINE_CONFIG_DIR`, else the platform's config
    /// directory (`~/.config/warmline`, `%APPDATA%\warmline`…).
    pub fn from_env() -> Option<Self> {
        config_dir().map(Self::new)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The settings file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Reads the settings. Never fails: a missing file is the defaults, an
    /// unusable one is put aside and reported, and the last good settings
    /// (or the defaults) are used instead.
    pub fn load(&self) -> Loaded {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // After a file was put aside the last good copy carries on.
                let settings = self.last_good().unwrap_or_default();
                return Loaded {
                    settings,
                    problem: None,
                };
            }
            Err(error) => {
                tracing::error!(%error, path = %path.display(), "the settings file cannot be read");
                return self.fallback(SettingsProblemCode::Unreadable, Vec::new(), None);
            }
        };
        match parse(&bytes) {
            Ok(settings) => Loaded {
                settings,
                problem: None,
            },
            Err((code, fields)) => {
                let kept_as = self.keep_aside(&path);
                tracing::error!(?code, ?fields, kept_as = ?kept_as, "the settings file is not usable");
                self.fallback(code, fields, kept_as)
            }
        }
    }

    /// Validates and writes `settings` atomically, then refreshes the last
    /// good copy. Nothing is written when a field is wrong.
    pub fn save(&self, settings: &Settings) -> Result<(), SaveError> {
        let errors = settings.validate();
        if !errors.is_empty() {
            return Err(SaveError::Invalid(errors));
        }
        let mut bytes = serde_json::to_vec_pretty(settings).map_err(io::Error::other)?;
        bytes.push(b'\n');
        fs::create_dir_all(&self.dir)?;
        write_atomic(&self.path(), &bytes)?;
        if let Err(error) = write_atomic(&self.dir.join(LAST_GOOD_FILE_NAME), &bytes) {
            // The settings themselves are saved; only the spare copy is old.
            tracing::warn!(%error, "the last good copy of the settings was not refreshed");
        }
        Ok(())
    }

    fn last_good(&self) -> Option<Settings> {
        let bytes = fs::read(self.dir.join(LAST_GOOD_FILE_NAME)).ok()?;
        parse(&bytes).ok()
    }

    fn fallback(
        &self,
        code: SettingsProblemCode,
        fields: Vec<FieldError>,
        kept_as: Option<PathBuf>,
    ) -> Loaded {
        let last_good = self.last_good();
        let used_last_good = last_good.is_some();
        Loaded {
            settings: last_good.unwrap_or_default(),
            problem: Some(SettingsProblem {
                code,
                fields,
                kept_as,
                used_last_good,
            }),
        }
    }

    /// Renames an unusable file to a name no other file has, so it is never
    /// overwritten by the next save and the caregiver (or support) can look
    /// at it.
    fn keep_aside(&self, path: &Path) -> Option<PathBuf> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        for n in 0..100u32 {
            let aside = self.dir.join(format!("{FILE_NAME}.kept-{stamp}-{n}"));
            if aside.exists() {
                continue;
            }
            return match fs::rename(path, &aside) {
                Ok(()) => Some(aside),
                Err(error) => {
                    tracing::error!(%error, "the unusable settings file could not be put aside");
                    None
                }
            };
        }
        None
    }
}

/// Parses and validates a settings file's bytes.
fn parse(bytes: &[u8]) -> Result<Settings, (SettingsProblemCode, Vec<FieldError>)> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| (SettingsProblemCode::Damaged, Vec::new()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err((SettingsProblemCode::Foreign, Vec::new()));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(version) if version > u64::from(VERSION) => {
            return Err((SettingsProblemCode::Newer, Vec::new()))
        }
        Some(version) if version >= 1 => {}
        _ => {
            return Err((
                SettingsProblemCode::Invalid,
                vec![FieldError::new("version", FieldErrorCode::Invalid)],
            ))
        }
    }
    let settings: Settings = serde_json::from_value(value).map_err(|error| {
        // serde names the first field it could not read; the settings area
        // can at least point at the file as a whole.
        tracing::warn!(%error, "the settings file has a field of the wrong type");
        (
            SettingsProblemCode::Invalid,
            vec![FieldError::new("", FieldErrorCode::Invalid)],
        )
    })?;
    let errors = settings.validate();
    if errors.is_empty() {
        Ok(settings)
    } else {
        Err((SettingsProblemCode::Invalid, errors))
    }
}

/// `WARMLINE_CONFIG_DIR`, else the platform's config directory + `warmline`.
pub fn config_dir() -> Option<PathBuf> {
    std::env::var_os("WARMLINE_CONFIG_DIR")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|dir| dir.join("warmline")))
}

/// Writes `bytes` to `path` so that a reader (or a crash) sees either the
/// old file or the whole new one: write a temporary file beside it, fsync
/// it, rename it over `path`, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, || Ok(()))
}

/// [`write_atomic`] with a step run between the fsync and the rename, where
/// a test makes the write fail as a crash there would.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce() -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        before_rename()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // The rename itself is durable only once the directory is synced
    // (POSIX); Windows cannot open a directory this way and needs no sync.
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
