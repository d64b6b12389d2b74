//! Secrets in the operating system's keyring, never in a file.
//!
//! [`SystemKeyring`] is warmline-core's [`SecretSource`] over the `keyring`
//! crate: the Secret Service (gnome-keyring, KWallet) over D-Bus on Linux,
//! Credential Manager on Windows, Keychain on macOS. Each secret is one
//! entry: service `warmline`, user `<profile id>/<secret name>`. A keyring
//! that is missing, locked or refusing is an error
//! ([`SecretError::Locked`] / [`SecretError::Unavailable`], which adapters
//! turn into `BackendError::CredentialsUnavailable`); there is no plaintext
//! fallback anywhere.

use warmline_backends::profile::ProfileId;
use warmline_core::{Secret, SecretError, SecretSource};

/// The keyring service name under which Warmline keeps its entries.
pub const SERVICE: &str = "warmline";

/// One profile's secrets in the system keyring.
#[derive(Debug, Clone)]
pub struct SystemKeyring {
    service: String,
    profile: ProfileId,
}

impl SystemKeyring {
    /// The secrets of `profile` under [`SERVICE`].
    pub fn new(profile: ProfileId) -> Self {
        Self::with_service(SERVICE, profile)
    }

    /// The secrets of `profile` under another service name (tests, or two
    /// Warmline installations side by side).
    pub fn with_service(service: &str, profile: ProfileId) -> Self {
        Self {
            service: service.to_owned(),
            profile,
        }
    }

    /// The profile whose secrets these are.
    pub fn profile(&self) -> &ProfileId {
        &self.profile
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &format!("{}/{name}", self.profile))
            .map_err(|error| map_error(error, name))
    }

    /// Stores (or replaces) the secret `name`.
    pub fn store(&self, name: &str, value: &Secret) -> Result<(), SecretError> {
        self.entry(name)?
            .set_password(value.expose())
            .map_err(|error| map_error(error, name))
    }

    /// Deletes the secret `name`; deleting one that is not there succeeds.
    pub fn delete(&self, name: &str) -> Result<(), SecretError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(map_error(error, name)),
        }
    }

    /// Deletes every secret in `names` (a profile's
    /// `BackendSettings::secret_names`), stopping at the first failure.
    pub fn delete_all(&self, names: &[&str]) -> Result<(), SecretError> {
        names.iter().try_for_each(|name| self.delete(name))
    }

    /// Whether the keyring takes, gives back and deletes an entry (reading
    /// alone is not enough: a locked Secret Service collection answers a
    /// search with "nothing there"). Used by "check everything".
    pub fn probe(&self) -> Result<(), SecretError> {
        const PROBE: &str = "keyring-check";
        self.store(PROBE, &Secret::new("probe"))?;
        let read = self.secret(PROBE).map(|_| ());
        let deleted = self.delete(PROBE);
        read.and(deleted)
    }
}

impl SecretSource for SystemKeyring {
    fn secret(&self, name: &str) -> Result<Secret, SecretError> {
        self.entry(name)?
            .get_password()
            .map(Secret::new)
            .map_err(|error| map_error(error, name))
    }
}

/// Turns a keyring failure into a [`SecretError`]. The texts name the
/// failure only: the keyring crate never puts a value into its errors.
fn map_error(error: keyring::Error, name: &str) -> SecretError {
    match error {
        keyring::Error::NoEntry => SecretError::Missing(name.to_owned()),
        keyring::Error::NoStorageAccess(inner) => {
            let text = inner.to_string();
            if looks_locked(&text) {
                SecretError::Locked
            } else {
                SecretError::Unavailable(text)
            }
        }
        keyring::Error::PlatformFailure(inner) => {
            let text = inner.to_string();
            if looks_locked(&text) {
                SecretError::Locked
            } else {
                SecretError::Unavailable(text)
            }
        }
        other => SecretError::Unavailable(other.to_string()),
    }
}

/// The Secret Service reports a locked collection (and a dismissed unlock
/// prompt) only in its message text.
fn looks_locked(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    text.contains("locked") || text.contains("prompt") || text.contains("dismissed")
}

/// The Fluent message for a keyring problem, shown in settings and in
/// "check everything".
pub fn message_id(error: &SecretError) -> &'static str {
    match error {
        SecretError::Missing(_) => "keyring-secret-missing",
        SecretError::Locked => "keyring-locked",
        _ => "keyring-unavailable",
    }
}
