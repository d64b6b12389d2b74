//! What a caregiver sets up for a Matrix support service.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::profile::{check_url, FieldError, FieldErrorCode};

/// The secret names a Matrix profile uses: one of them is enough. An access
/// token is used when there is one; otherwise Warmline signs in with the
/// password (and signs in again by itself when the server ends the session).
pub const SECRET_NAMES: &[&str] = &["accessToken", "password"];

/// A Matrix profile: the homeserver, the user's account, and where support
/// happens: a support room, or a support account to open a direct room with
/// on first use. See `docs/MATRIX.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MatrixSettings {
    /// The homeserver's address (`https://matrix.example.org`; `http://`
    /// only on this computer).
    pub homeserver: String,
    /// The user's Matrix account: `@name:example.org`, or just `name` on
    /// the homeserver above.
    pub user: String,
    /// The support room (`!id:example.org` or `#alias:example.org`) the
    /// user talks in. Leave empty to use [`Self::support_account`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
    /// The support account (`@support:example.org`) Warmline opens a
    /// direct room with on first use, when there is no support room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_account: Option<String>,
    /// The accounts of the people who answer (agents). Their messages are
    /// shown as a person's, with their display name.
    #[serde(default)]
    pub agents: Vec<String>,
    /// Members with at least this power level in the room are agents too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_power_level: Option<i64>,
    /// The support side posts `org.warmline.queue` events with the queue
    /// position and wait (docs/MATRIX.md); only then does Warmline show
    /// numbers.
    #[serde(default)]
    pub queue_events: bool,
    /// The absolute path of a PEM file with a CA certificate to trust
    /// besides the system's, for a company that runs its own certificate
    /// authority (the same field as the relay's). `None` (or blank): the
    /// system's roots only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra_ca: Option<String>,
}

impl MatrixSettings {
    /// A profile for `user` on `homeserver`, talking in `room`.
    pub fn in_room(homeserver: &str, user: &str, room: &str) -> Self {
        Self {
            homeserver: homeserver.to_owned(),
            user: user.to_owned(),
            room: Some(room.to_owned()),
            support_account: None,
            agents: Vec::new(),
            agent_power_level: None,
            queue_events: false,
            extra_ca: None,
        }
    }

    /// A profile for `user` on `homeserver`, opening a direct room with
    /// `support_account`.
    pub fn with_support_account(homeserver: &str, user: &str, support_account: &str) -> Self {
        Self {
            room: None,
            support_account: Some(support_account.to_owned()),
            ..Self::in_room(homeserver, user, "")
        }
    }

    /// The support room, if one is set (blank counts as none).
    pub fn room(&self) -> Option<&str> {
        non_blank(self.room.as_deref())
    }

    /// The support account, if one is set (blank counts as none).
    pub fn support_account(&self) -> Option<&str> {
        non_blank(self.support_account.as_deref())
    }

    /// Every problem with the fields; see
    /// [`BackendProfile::validate`](crate::profile::BackendProfile::validate).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            check_url(&self.homeserver, "homeserver", &["https"], &["http"])
                .into_iter()
                .collect();
        let user = self.user.trim();
        if user.is_empty() {
            errors.push(FieldError::new("user", FieldErrorCode::Required));
        } else if !(is_user_id(user) || is_localpart(user)) {
            errors.push(FieldError::new("user", FieldErrorCode::Invalid));
        }
        match (self.room(), self.support_account()) {
            (None, None) => errors.push(FieldError::new("room", FieldErrorCode::Required)),
            (Some(_), Some(_)) => {
                // One place to talk: a room, or a direct room with an account.
                errors.push(FieldError::new("supportAccount", FieldErrorCode::Invalid));
            }
            (Some(room), None) => {
                if !is_room_reference(room) {
                    errors.push(FieldError::new("room", FieldErrorCode::Invalid));
                }
            }
            (None, Some(account)) => {
                if !is_user_id(account) {
                    errors.push(FieldError::new("supportAccount", FieldErrorCode::Invalid));
                }
            }
        }
        if self.agents.iter().any(|agent| !is_user_id(agent.trim())) {
            errors.push(FieldError::new("agents", FieldErrorCode::Invalid));
        }
        if let Some(path) = non_blank(self.extra_ca.as_deref()) {
            // The same rules as the relay's extra CA.
            let code = if path.len() > MAX_PATH_LEN {
                Some(FieldErrorCode::TooLong)
            } else if path.contains('\0') {
                Some(FieldErrorCode::Invalid)
            } else if !Path::new(path).is_absolute() {
                Some(FieldErrorCode::NotAbsolute)
            } else {
                None
            };
            errors.extend(code.map(|code| FieldError::new("extraCa", code)));
        }
        errors
    }

    /// The extra CA path, if one is set (a blank field counts as none).
    pub fn extra_ca_path(&self) -> Option<&Path> {
        non_blank(self.extra_ca.as_deref()).map(Path::new)
    }

    /// Checks the files the profile names: that the extra CA file exists
    /// and holds a PEM certificate (for the settings area and "check
    /// everything"; the adapter reads the file when it first connects).
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

/// Longest path accepted for the extra CA file (as for the relay).
const MAX_PATH_LEN: usize = 4096;

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

/// `name` as a Matrix user localpart allows it.
fn is_localpart(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._=-/+".contains(&b))
}

/// `@localpart:server` (the server part is checked only for being there).
pub(crate) fn is_user_id(id: &str) -> bool {
    id.strip_prefix('@')
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty() && id.len() <= 255)
}

/// A room id (`!id:server`, or `!id` from room version 12 on) or an alias
/// (`#alias:server`).
pub(crate) fn is_room_reference(room: &str) -> bool {
    if room.len() > 255 || room.contains(char::is_whitespace) {
        return false;
    }
    if let Some(id) = room.strip_prefix('!') {
        return !id.is_empty();
    }
    room.strip_prefix('#')
        .and_then(|alias| alias.split_once(':'))
        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(settings: &MatrixSettings) -> Vec<(String, FieldErrorCode)> {
        settings
            .validate()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_good_profile_has_no_problems() {
        let room = MatrixSettings::in_room(
            "https://matrix.example.org",
            "@anna:example.org",
            "#help:example.org",
        );
        assert!(room.validate().is_empty(), "{:?}", room.validate());
        let direct = MatrixSettings::with_support_account(
            "http://127.0.0.1:8008",
            "anna",
            "@support:example.org",
        );
        assert!(direct.validate().is_empty(), "{:?}", direct.validate());
    }

    #[test]
    fn each_bad_field_is_named_with_its_own_code() {
        let mut settings =
            MatrixSettings::in_room("http://matrix.example.org", "Anna Smith", "help");
        settings.agents = vec!["@lin:example.org".into(), "lin".into()];
        settings.extra_ca = Some("ca.pem".into());
        assert_eq!(
            codes(&settings),
            [
                ("homeserver".to_owned(), FieldErrorCode::Insecure),
                ("user".to_owned(), FieldErrorCode::Invalid),
                ("room".to_owned(), FieldErrorCode::Invalid),
                ("agents".to_owned(), FieldErrorCode::Invalid),
                ("extraCa".to_owned(), FieldErrorCode::NotAbsolute),
            ]
        );
        let mut neither = MatrixSettings::in_room("https://m.example", "", " ");
        neither.support_account = Some(String::new());
        assert_eq!(
            codes(&neither),
            [
                ("user".to_owned(), FieldErrorCode::Required),
                ("room".to_owned(), FieldErrorCode::Required),
            ]
        );
        let mut both = MatrixSettings::in_room("https://m.example", "anna", "!r:m.example");
        both.support_account = Some("@s:m.example".into());
        assert_eq!(
            codes(&both),
            [("supportAccount".to_owned(), FieldErrorCode::Invalid)]
        );
        let bad_account =
            MatrixSettings::with_support_account("https://m.example", "anna", "support");
        assert_eq!(
            codes(&bad_account),
            [("supportAccount".to_owned(), FieldErrorCode::Invalid)]
        );
    }

    #[test]
    fn the_extra_ca_file_is_checked_when_asked() {
        let mut settings = MatrixSettings::in_room("https://m.example", "anna", "!r:m.example");
        assert!(settings.check_files().is_empty());
        settings.extra_ca = Some("/nonexistent/warmline-ca.pem".into());
        assert_eq!(
            settings.check_files(),
            [FieldError::new("extraCa", FieldErrorCode::FileMissing)]
        );
        let not_pem = std::env::temp_dir().join(format!(
            "warmline-matrix-not-a-ca-{}.txt",
            std::process::id()
        ));
        std::fs::write(&not_pem, "hello").unwrap();
        settings.extra_ca = Some(not_pem.display().to_string());
        assert_eq!(
            settings.check_files(),
            [FieldError::new("extraCa", FieldErrorCode::NotACertificate)]
        );
        let _ = std::fs::remove_file(not_pem);
    }

    #[test]
    fn a_profile_round_trips_as_json_without_empty_fields() {
        let settings =
            MatrixSettings::with_support_account("https://m.example", "anna", "@s:m.example");
        let json = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "homeserver": "https://m.example",
                "user": "anna",
                "supportAccount": "@s:m.example",
                "agents": [],
                "queueEvents": false,
            })
        );
        let back: MatrixSettings = serde_json::from_value(json).unwrap();
        assert_eq!(back, settings);
    }
}
