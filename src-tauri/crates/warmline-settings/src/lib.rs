//! The caregiver's set-up, without Tauri: the settings file ([`file`]),
//! secrets in the system keyring ([`keyring`]), the PIN that guards the
//! settings area ([`pin`]), a profile as a file without its secrets
//! ([`transfer`]) and "check everything" ([`check`]).
//!
//! Everything a caregiver sets lives in the config directory
//! (`WARMLINE_CONFIG_DIR` overrides it), apart from the conversation in the
//! data directory, so resetting the set-up (`warmline --reset-pin`) never
//! touches what the elder wrote. Errors carry Fluent message ids
//! (`locales/*/caregiver.ftl`), never English for the screen.

pub mod check;
pub mod file;
pub mod keyring;
pub mod pin;
pub mod transfer;

pub use file::{
    Loaded, ReadAloudSettings, Settings, SettingsFile, SettingsProblem, SettingsProblemCode,
    VoiceSettings,
};
pub use keyring::SystemKeyring;
pub use pin::{PinError, PinLock};

/// The recovery path: removes the PIN and every profile's secrets from the
/// keyring, and nothing else (the settings file keeps the profiles, the
/// data directory the conversation). Returns the profiles whose secrets
/// could not be removed (a locked keyring), so the caller can say so.
pub fn reset_pin_and_secrets(file: &SettingsFile) -> std::io::Result<Vec<String>> {
    PinLock::new(file.dir()).clear()?;
    let settings = file.load().settings;
    let mut left = Vec::new();
    for profile in &settings.profiles {
        let keyring = SystemKeyring::new(profile.id.clone());
        if let Err(error) = keyring.delete_all(profile.backend.secret_names()) {
            tracing::error!(%error, profile = %profile.id, "secrets could not be removed");
            left.push(profile.id.to_string());
        }
    }
    Ok(left)
}
