//! A profile as a file, without its secrets: a company or a caregiver
//! prepares it remotely and sends it; Warmline imports it (settings area,
//! or `warmline --profile FILE`).
//!
//! Importing validates everything first — the file, the profile, the
//! secrets the caregiver typed, the settings the profile would join — and
//! only then stores the secrets and saves the settings. If saving fails the
//! secrets just stored are removed again, so a failed import changes
//! nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use warmline_backends::profile::{BackendProfile, FieldError, FieldErrorCode};
use warmline_core::{Secret, SecretError};

use crate::file::{SaveError, Settings, SettingsFile};
use crate::keyring::SystemKeyring;

/// Marks an exported profile file.
pub const FORMAT: &str = "warmline-profile";
/// The version written, and the newest read.
pub const VERSION: u32 = 1;

/// The file's contents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileFile {
    format: String,
    version: u32,
    profile: BackendProfile,
}

/// Why a profile could not be imported. Nothing was changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Not a profile file Warmline can read (damaged, foreign, newer).
    #[error("not a Warmline profile file")]
    NotAProfile,
    /// The file could not be read.
    #[error("the profile file cannot be read: {0}")]
    Unreadable(String),
    /// The profile, a secret, or the settings it would join has wrong
    /// fields (a secret's field is `secrets.<name>`).
    #[error("the profile is not valid ({} problems)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The keyring would not take the secrets.
    #[error("the keyring refused the secrets: {0}")]
    Keyring(SecretError),
    /// The settings could not be saved.
    #[error(transparent)]
    Save(SaveError),
}

impl ImportError {
    /// The Fluent message for the caregiver.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotAProfile => "profile-import-not-a-profile",
            Self::Unreadable(_) => "profile-import-unreadable",
            Self::Invalid(_) => "profile-import-invalid",
            Self::Keyring(error) => crate::keyring::message_id(error),
            Self::Save(error) => error.message_id(),
        }
    }
}

/// The profile as an export file's text. Secrets are not part of a
/// profile, so none can be in it.
pub fn export(profile: &BackendProfile) -> String {
    let file = ProfileFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        profile: profile.clone(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads and validates an export file's text.
pub fn parse(text: &str) -> Result<BackendProfile, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| ImportError::NotAProfile)?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT)
        || value
            .get("version")
            .and_then(|v| v.as_u64())
            .is_none_or(|v| v == 0 || v > u64::from(VERSION))
    {
        return Err(ImportError::NotAProfile);
    }
    // An unknown kind (an adapter this build lacks) also lands here.
    let file: ProfileFile = serde_json::from_value(value).map_err(|_| ImportError::NotAProfile)?;
    let errors = file.profile.validate();
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    Ok(file.profile)
}

/// Reads a profile file from disk.
pub fn read(path: &Path) -> Result<BackendProfile, ImportError> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| ImportError::Unreadable(error.to_string()))?;
    parse(&text)
}

/// Adds (or replaces, by id) `profile` in the settings, stores its
/// `secrets`, and makes it active when `activate`. A secret given must be
/// one the kind uses and not blank; one not given is left out (a relay
/// without sign-in, a Matrix account with a password but no token). All
/// checks come before any change.
pub fn import(
    file: &SettingsFile,
    current: &Settings,
    profile: BackendProfile,
    secrets: &BTreeMap<String, Secret>,
    keyring: impl Fn(&BackendProfile) -> SystemKeyring,
    activate: bool,
) -> Result<Settings, ImportError> {
    let mut errors = profile.validate();
    let known = profile.backend.secret_names();
    for (name, value) in secrets {
        let field = format!("secrets.{name}");
        if !known.contains(&name.as_str()) {
            errors.push(FieldError::new(field, FieldErrorCode::Unsupported));
        } else if value.is_blank() {
            errors.push(FieldError::new(field, FieldErrorCode::Required));
        }
    }
    let mut next = current.clone();
    next.profiles.retain(|p| p.id != profile.id);
    next.profiles.push(profile.clone());
    if activate {
        next.active_profile = profile.id.clone();
    }
    errors.extend(next.validate());
    if !errors.is_empty() {
        return Err(ImportError::Invalid(errors));
    }
    let keyring = keyring(&profile);
    let given: Vec<&str> = secrets.keys().map(String::as_str).collect();
    for (name, value) in secrets {
        if let Err(error) = keyring.store(name, value) {
            let _ = keyring.delete_all(&given);
            return Err(ImportError::Keyring(error));
        }
    }
    if let Err(error) = file.save(&next) {
        let _ = keyring.delete_all(&given);
        return Err(ImportError::Save(error));
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_backends::profile::{BackendSettings, ProfileId, RelaySettings};

    fn relay(url: &str) -> BackendProfile {
        BackendProfile {
            id: ProfileId("p-bank".into()),
            name: "My bank".into(),
            backend: BackendSettings::Relay(RelaySettings {
                url: url.into(),
                extra_ca: None,
            }),
        }
    }

    #[test]
    fn an_export_round_trips_and_holds_no_secret() {
        let profile = relay("wss://support.example.com/warmline");
        let text = export(&profile);
        assert!(text.contains("\"format\": \"warmline-profile\""), "{text}");
        assert!(!text.to_lowercase().contains("token\":"), "{text}");
        assert_eq!(parse(&text).unwrap(), profile);
    }

    #[test]
    fn foreign_newer_damaged_and_invalid_files_are_refused() {
        assert!(matches!(parse("{"), Err(ImportError::NotAProfile)));
        assert!(matches!(
            parse(r#"{"format":"something-else","version":1}"#),
            Err(ImportError::NotAProfile)
        ));
        let newer = export(&relay("wss://a.example")).replace("\"version\": 1", "\"version\": 9");
        assert!(matches!(parse(&newer), Err(ImportError::NotAProfile)));
        let unknown_kind =
            export(&relay("wss://a.example")).replace("\"relay\"", "\"carrier-pigeon\"");
        assert!(matches!(
            parse(&unknown_kind),
            Err(ImportError::NotAProfile)
        ));
        match parse(&export(&relay("ws://support.example.com"))) {
            Err(ImportError::Invalid(errors)) => assert_eq!(
                errors,
                [FieldError::new("backend.url", FieldErrorCode::Insecure)]
            ),
            other => panic!("an insecure address was accepted: {other:?}"),
        }
    }

    #[test]
    fn an_import_without_its_secret_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let file = SettingsFile::new(dir.path());
        let current = Settings::default();
        file.save(&current).unwrap();
        let before = std::fs::read(file.path()).unwrap();
        let result = import(
            &file,
            &current,
            relay("wss://support.example.com"),
            &BTreeMap::from([("token".to_owned(), Secret::new("  "))]),
            // The keyring is never reached: validation fails first.
            |p| SystemKeyring::with_service("warmline-never-used", p.id.clone()),
            true,
        );
        match result {
            Err(ImportError::Invalid(errors)) => assert_eq!(
                errors,
                [FieldError::new("secrets.token", FieldErrorCode::Required)]
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(file.path()).unwrap(), before);
    }
}
