//! Sign-in secrets (passwords, tokens, keys) as adapters receive them.
//!
//! A [`Secret`] never shows its value: not in `Debug`, not in a log line, not
//! in an error message. Adapters read secrets through a [`SecretSource`] when
//! they connect, never at construction, so a keyring that is locked at start-up
//! only delays the connection (the engine retries) instead of breaking the
//! profile. The app plugs the operating system's keyring in behind
//! [`SecretSource`]; adapters never know where a secret is kept.

use std::collections::HashMap;
use std::fmt;

use crate::backend::BackendError;

/// A password, token or key. Its value is only reachable through
/// [`Secret::expose`], which names the one place it is needed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one call that sends it (an HTTP header, a login
    /// body). Never log or format the result.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the value is empty or only spaces.
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Why a secret could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No secret of this name was ever stored (the caregiver has to enter it).
    #[error("no secret named `{0}` is stored")]
    Missing(String),
    /// The keyring exists but is locked; it may be unlocked later.
    #[error("the keyring is locked")]
    Locked,
    /// There is no keyring service, or it refused or failed. The text names
    /// the failure, never a value.
    #[error("the keyring is not available: {0}")]
    Unavailable(String),
}

impl From<SecretError> for BackendError {
    fn from(error: SecretError) -> Self {
        match error {
            // A secret nobody entered cannot become right by waiting: the
            // caregiver must enter it, exactly as for a refused sign-in.
            SecretError::Missing(name) => {
                BackendError::Unauthorized(format!("no `{name}` is stored for this service"))
            }
            other => BackendError::CredentialsUnavailable(other.to_string()),
        }
    }
}

/// Where an adapter reads the secrets of its profile, by name (the names an
/// adapter uses are declared with its profile kind, e.g. `token`).
pub trait SecretSource: Send + Sync {
    /// The secret called `name`.
    fn secret(&self, name: &str) -> Result<Secret, SecretError>;
}

/// Secrets held in memory: for tests and for profiles that need none.
#[derive(Default, Clone)]
pub struct MemorySecrets {
    values: HashMap<String, Secret>,
}

impl fmt::Debug for MemorySecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<_> = self.values.keys().collect();
        names.sort();
        f.debug_struct("MemorySecrets")
            .field("names", &names)
            .finish()
    }
}

impl MemorySecrets {
    /// No secrets at all.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one secret.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.values.insert(name.to_owned(), Secret::new(value));
        self
    }
}

impl SecretSource for MemorySecrets {
    fn secret(&self, name: &str) -> Result<Secret, SecretError> {
        self.values
            .get(name)
            .cloned()
            .ok_or_else(|| SecretError::Missing(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("hunter2-very-secret");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(secret.expose(), "hunter2-very-secret");
        let source = MemorySecrets::new().with("token", "tok-abc-123");
        let shown = format!("{source:?}");
        assert!(
            shown.contains("token") && !shown.contains("tok-abc"),
            "{shown}"
        );
    }

    #[test]
    fn a_missing_secret_is_a_sign_in_problem_and_a_locked_keyring_is_transient() {
        let missing = MemorySecrets::new().secret("token").unwrap_err();
        let error = BackendError::from(missing);
        assert!(matches!(error, BackendError::Unauthorized(_)));
        assert!(!error.is_transient());
        let locked = BackendError::from(SecretError::Locked);
        assert!(matches!(locked, BackendError::CredentialsUnavailable(_)));
        assert!(locked.is_transient());
    }
}
