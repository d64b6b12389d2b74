//! What a relay profile holds, and how its fields are checked.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::profile::{check_url, FieldError, FieldErrorCode};

/// Where a relay is and whom to trust there. Its one secret, the sign-in
/// token ([`super::TOKEN_SECRET`]), lives in the keyring, not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RelaySettings {
    /// The relay's WebSocket address (`wss://…`; `ws://` only on this
    /// computer).
    pub url: String,
    /// The absolute path of a PEM file with a CA certificate to trust
    /// besides the system's, for a company that runs its own certificate
    /// authority. `None` (or blank): the system's roots only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_ca: Option<String>,
}

/// Longest path accepted for the extra CA file.
const MAX_PATH_LEN: usize = 4096;

impl RelaySettings {
    /// The extra CA path, if one is set (a blank field counts as none).
    pub fn extra_ca_path(&self) -> Option<&Path> {
        self.extra_ca
            .as_deref()
            .map(str::trim)
            .filter(|path| !path.is_empty())
            .map(Path::new)
    }

    /// Every problem with the fields' form; reads no file (see
    /// [`Self::check_files`]).
    pub(crate) fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<_> = check_url(&self.url, "url", &["wss"], &["ws"])
            .into_iter()
            .collect();
        if let Some(path) = self.extra_ca.as_deref().map(str::trim) {
            let code = if path.is_empty() {
                None
            } else if path.len() > MAX_PATH_LEN {
                Some(FieldErrorCode::TooLong)
            } else if path.contains('\0') {
                Some(FieldErrorCode::Invalid)
            } else if !Path::new(path).is_absolute() {
                // Relative to what? The app's working directory is nobody's
                // business; a caregiver's file picker gives absolute paths.
                Some(FieldErrorCode::NotAbsolute)
            } else {
                None
            };
            errors.extend(code.map(|code| FieldError::new("extraCa", code)));
        }
        errors
    }

    /// Checks the files the profile names: that the extra CA file exists
    /// and holds a PEM certificate. For the settings area when the
    /// caregiver picks the file, and for "check everything"; the adapter
    /// itself reads the file when it first connects.
    pub fn check_files(&self) -> Vec<FieldError> {
        let Some(path) = self.extra_ca_path() else {
            return Vec::new();
        };
        let code = match crate::tls::read_pem_certificates(path) {
            Ok(_) => return Vec::new(),
            Err(crate::tls::TlsSetupError::Unreadable { .. }) if !path.is_file() => {
                FieldErrorCode::FileMissing
            }
            Err(_) => FieldErrorCode::NotACertificate,
        };
        vec![FieldError::new("extraCa", code)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_ca(extra_ca: Option<&str>) -> RelaySettings {
        RelaySettings {
            url: "wss://support.example.com/warmline".into(),
            extra_ca: extra_ca.map(str::to_owned),
        }
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, FieldErrorCode)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn each_bad_extra_ca_path_has_its_own_code() {
        assert!(with_ca(None).validate().is_empty());
        assert!(with_ca(Some("   ")).validate().is_empty());
        assert_eq!(with_ca(Some("  ")).extra_ca_path(), None);
        let absolute = if cfg!(windows) {
            r"C:\certs\company-ca.pem"
        } else {
            "/etc/warmline/company-ca.pem"
        };
        assert!(with_ca(Some(absolute)).validate().is_empty());
        let field = |code| vec![("extraCa".to_owned(), code)];
        assert_eq!(
            codes(with_ca(Some("certs/ca.pem")).validate()),
            field(FieldErrorCode::NotAbsolute)
        );
        assert_eq!(
            codes(with_ca(Some(&format!("/{}", "a".repeat(MAX_PATH_LEN)))).validate()),
            field(FieldErrorCode::TooLong)
        );
        assert_eq!(
            codes(with_ca(Some("/etc/ca\0.pem")).validate()),
            field(FieldErrorCode::Invalid)
        );
    }

    #[test]
    fn the_url_and_the_path_are_reported_together() {
        let settings = RelaySettings {
            url: "ws://support.example.com".into(),
            extra_ca: Some("ca.pem".into()),
        };
        assert_eq!(
            codes(settings.validate()),
            [
                ("url".to_owned(), FieldErrorCode::Insecure),
                ("extraCa".to_owned(), FieldErrorCode::NotAbsolute)
            ]
        );
    }

    #[test]
    fn the_extra_ca_file_is_checked_for_existence_and_content() {
        let dir = std::env::temp_dir().join(format!("warmline-ca-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.pem");
        let garbage = dir.join("garbage.pem");
        std::fs::write(&garbage, "not a certificate").unwrap();
        let path = |p: &Path| Some(p.display().to_string());
        let check = |p: &Path| codes(with_ca(path(p).as_deref()).check_files());
        assert_eq!(
            check(&missing),
            [("extraCa".to_owned(), FieldErrorCode::FileMissing)]
        );
        assert_eq!(
            check(&garbage),
            [("extraCa".to_owned(), FieldErrorCode::NotACertificate)]
        );
        // A folder is not a file either.
        assert_eq!(
            check(&dir),
            [("extraCa".to_owned(), FieldErrorCode::FileMissing)]
        );
        assert!(with_ca(None).check_files().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_profile_without_an_extra_ca_keeps_its_json_shape() {
        let json = serde_json::to_value(with_ca(None)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"url": "wss://support.example.com/warmline"})
        );
        let back: RelaySettings = serde_json::from_value(
            serde_json::json!({"url": "wss://a.example", "extraCa": "/ca.pem"}),
        )
        .unwrap();
        assert_eq!(back.extra_ca.as_deref(), Some("/ca.pem"));
    }
}
