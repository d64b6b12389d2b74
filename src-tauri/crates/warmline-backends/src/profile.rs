//! Backend profiles: which service Warmline talks to and how to reach it.
//!
//! A profile is what a caregiver or a company sets up once: a kind (the
//! adapter), its plain fields (server address, inbox, room, user name) and
//! the *names* of its secrets. Secret values are never part of a profile:
//! they live in the system keyring and reach the adapter through a
//! [`SecretSource`](warmline_core::SecretSource) when it connects. A profile
//! can therefore be written to a settings file, exported and sent by e-mail
//! without giving anything away.
//!
//! Every kind validates its own fields ([`BackendSettings::validate`]) and
//! reports each problem as a [`FieldError`] naming the field and a stable
//! code, so the settings area can point at exactly the field that is wrong.

use serde::{Deserialize, Serialize};

/// A stable, file-name-safe identifier of a profile (`demo`, `p-3f9a1c`).
/// It names the profile's own store, so it never changes once chosen.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct ProfileId(pub String);

impl ProfileId {
    /// The built-in demo profile, which always exists.
    pub fn demo() -> Self {
        Self("demo".to_owned())
    }

    /// True when the id can name a file on every platform: 1–64 characters
    /// of ASCII letters, digits, `-` and `_`.
    pub fn is_valid(&self) -> bool {
        (1..=64).contains(&self.0.len())
            && self
                .0
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }
}

impl std::fmt::Display for ProfileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One backend profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct BackendProfile {
    /// Names the profile's store and its keyring entries.
    pub id: ProfileId,
    /// What the caregiver calls it ("My bank"). Shown only in settings.
    pub name: String,
    /// The adapter and its fields.
    pub backend: BackendSettings,
}

impl BackendProfile {
    /// The built-in demo profile.
    pub fn demo() -> Self {
        Self {
            id: ProfileId::demo(),
            name: String::new(),
            backend: BackendSettings::Demo(DemoSettings::default()),
        }
    }

    /// Every problem with the profile, each naming its field
    /// (`backend.url`, `name`…); empty when the profile can be used.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !self.id.is_valid() {
            errors.push(FieldError::new("id", FieldErrorCode::Invalid));
        }
        if self.name.chars().count() > 80 {
            errors.push(FieldError::new("name", FieldErrorCode::TooLong));
        }
        errors.extend(self.backend.validate().into_iter().map(|mut error| {
            error.field = format!("backend.{}", error.field);
            error
        }));
        errors
    }
}

/// The adapter a profile uses, with that adapter's own fields.
///
/// Adding an adapter adds one variant here (behind its feature), its
/// settings type in its own module, and one entry in [`crate::factory`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum BackendSettings {
    /// The built-in, offline demo service.
    Demo(DemoSettings),
    /// A company's support system behind a Warmline relay
    /// (docs/RELAY-PROTOCOL.md).
    #[cfg(feature = "relay")]
    Relay(RelaySettings),
    /// A support room (or a direct room with a support account) on a
    /// Matrix homeserver (docs/MATRIX.md).
    #[cfg(feature = "matrix")]
    Matrix(crate::matrix::MatrixSettings),
    /// An API-channel inbox of a Chatwoot support desk (docs/CHATWOOT.md).
    #[cfg(feature = "chatwoot")]
    Chatwoot(ChatwootSettings),
    /// An automatic assistant on an OpenAI-compatible endpoint in front of
    /// a human profile of any other kind (docs/AI-TIER.md).
    #[cfg(feature = "tiered")]
    Tiered(crate::tiered::TieredSettings),
}

impl BackendSettings {
    /// The adapter's machine name, as in [`warmline_core::BackendInfo::kind`].
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Demo(_) => "demo",
            #[cfg(feature = "relay")]
            Self::Relay(_) => "relay",
            #[cfg(feature = "matrix")]
            Self::Matrix(_) => crate::matrix::KIND,
            #[cfg(feature = "chatwoot")]
            Self::Chatwoot(_) => "chatwoot",
            #[cfg(feature = "tiered")]
            Self::Tiered(_) => crate::tiered::KIND,
        }
    }

    /// The names of the secrets this profile needs, which the caregiver
    /// enters and the keyring keeps (e.g. `token`).
    pub fn secret_names(&self) -> &'static [&'static str] {
        match self {
            Self::Demo(_) => &[],
            #[cfg(feature = "relay")]
            Self::Relay(_) => &[crate::relay::TOKEN_SECRET],
            #[cfg(feature = "matrix")]
            Self::Matrix(_) => crate::matrix::settings::SECRET_NAMES,
            #[cfg(feature = "chatwoot")]
            Self::Chatwoot(_) => &[crate::chatwoot::HMAC_TOKEN_SECRET],
            #[cfg(feature = "tiered")]
            Self::Tiered(settings) => settings.secret_names(),
        }
    }

    /// Every problem with the adapter's fields; see [`BackendProfile::validate`].
    pub fn validate(&self) -> Vec<FieldError> {
        match self {
            Self::Demo(_) => Vec::new(),
            #[cfg(feature = "relay")]
            Self::Relay(settings) => settings.validate(),
            #[cfg(feature = "matrix")]
            Self::Matrix(settings) => settings.validate(),
            #[cfg(feature = "chatwoot")]
            Self::Chatwoot(settings) => settings.validate(),
            #[cfg(feature = "tiered")]
            Self::Tiered(settings) => settings.validate(),
        }
    }
}

/// The demo has nothing to set: its timing comes from the environment
/// (`WARMLINE_DEMO_*`, for tests and demonstrations).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DemoSettings {}

#[cfg(feature = "relay")]
pub use crate::relay::RelaySettings;

/// Where a Chatwoot inbox is and who the user is to it. The inbox's HMAC
/// token (needed when the inbox checks identities) is a secret, read from
/// the keyring under [`crate::chatwoot::HMAC_TOKEN_SECRET`]; the contact
/// Chatwoot creates for the user is kept in the profile's store.
#[cfg(feature = "chatwoot")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ChatwootSettings {
    /// The Chatwoot server, e.g. `https://support.example.com`.
    pub server_url: String,
    /// The API inbox's identifier (Settings → Inboxes → the inbox →
    /// Configuration).
    pub inbox_identifier: String,
    /// The user's name as agents see it.
    pub contact_name: String,
    /// The user's identifier in the company's records (a customer number),
    /// for inboxes that validate identities with HMAC. Empty: none.
    #[serde(default)]
    pub contact_identifier: String,
    /// The language the company's agents read (BCP 47), for the request for
    /// a person and its summary. Empty: English.
    #[serde(default)]
    pub agent_locale: String,
}

#[cfg(feature = "chatwoot")]
impl ChatwootSettings {
    fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> =
            check_url(&self.server_url, "serverUrl", &["https"], &["http"])
                .into_iter()
                .collect();
        let inbox = self.inbox_identifier.trim();
        if inbox.is_empty() {
            errors.push(FieldError::new("inboxIdentifier", FieldErrorCode::Required));
        } else if inbox.len() > 128 {
            errors.push(FieldError::new("inboxIdentifier", FieldErrorCode::TooLong));
        } else if !inbox
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(FieldError::new("inboxIdentifier", FieldErrorCode::Invalid));
        }
        if self.contact_name.trim().is_empty() {
            errors.push(FieldError::new("contactName", FieldErrorCode::Required));
        } else if self.contact_name.chars().count() > 80 {
            errors.push(FieldError::new("contactName", FieldErrorCode::TooLong));
        }
        if self.contact_identifier.chars().count() > 255 {
            errors.push(FieldError::new(
                "contactIdentifier",
                FieldErrorCode::TooLong,
            ));
        }
        if self.agent_locale.len() > 35 {
            errors.push(FieldError::new("agentLocale", FieldErrorCode::TooLong));
        }
        errors
    }
}

/// One problem with one field of a profile or of the settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    /// The field's path, e.g. `backend.url`.
    pub field: String,
    /// What is wrong with it.
    pub code: FieldErrorCode,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, code: FieldErrorCode) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }

    /// The Fluent message that explains the problem to the caregiver.
    pub fn message_id(&self) -> &'static str {
        self.code.message_id()
    }
}

/// What can be wrong with a field. Each code has its own sentence in
/// `locales/*/settings.ftl` (a test checks every code has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum FieldErrorCode {
    /// The field must be filled in.
    Required,
    /// The value is longer than the field allows.
    TooLong,
    /// The value is not a web address.
    NotAUrl,
    /// The address uses a scheme this field does not take (e.g. `ftp:`).
    WrongScheme,
    /// An unencrypted address (`http://`, `ws://`) that is not on this
    /// computer; secrets would cross the network in the clear.
    Insecure,
    /// The value has the wrong form for this field.
    Invalid,
    /// A file path that does not start at the root of a drive or of the
    /// file system (`C:\…`, `/…`).
    NotAbsolute,
    /// No file exists at this path.
    FileMissing,
    /// The file holds no certificate Warmline can read (PEM).
    NotACertificate,
    /// A number outside the range the field allows (text size 100–300).
    OutOfRange,
    /// Another entry already uses this value (two profiles with one id).
    Duplicate,
    /// The value names something that does not exist (an active profile
    /// that is not in the list).
    NotFound,
    /// A value Warmline does not offer (a language it has no text for).
    Unsupported,
}

impl FieldErrorCode {
    /// Every code, for the test that each has a sentence.
    pub const ALL: [FieldErrorCode; 13] = [
        Self::Required,
        Self::TooLong,
        Self::NotAUrl,
        Self::WrongScheme,
        Self::Insecure,
        Self::Invalid,
        Self::NotAbsolute,
        Self::FileMissing,
        Self::NotACertificate,
        Self::OutOfRange,
        Self::Duplicate,
        Self::NotFound,
        Self::Unsupported,
    ];

    /// The Fluent message id for this code.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::Required => "field-error-required",
            Self::TooLong => "field-error-too-long",
            Self::NotAUrl => "field-error-not-a-url",
            Self::WrongScheme => "field-error-wrong-scheme",
            Self::Insecure => "field-error-insecure",
            Self::Invalid => "field-error-invalid",
            Self::NotAbsolute => "field-error-not-absolute",
            Self::FileMissing => "field-error-file-missing",
            Self::NotACertificate => "field-error-not-a-certificate",
            Self::OutOfRange => "field-error-out-of-range",
            Self::Duplicate => "field-error-duplicate",
            Self::NotFound => "field-error-not-found",
            Self::Unsupported => "field-error-unsupported",
        }
    }
}

/// Checks that `value` is an absolute URL with one of the `secure` schemes,
/// or one of the `loopback_only` schemes pointing at this computer
/// (`localhost`, `127.0.0.0/8`, `::1`). Shared by every adapter that takes a
/// server address.
pub fn check_url(
    value: &str,
    field: &str,
    secure: &[&str],
    loopback_only: &[&str],
) -> Option<FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Some(FieldError::new(field, FieldErrorCode::Required));
    }
    if value.len() > 2048 {
        return Some(FieldError::new(field, FieldErrorCode::TooLong));
    }
    let Ok(url) = url::Url::parse(value) else {
        return Some(FieldError::new(field, FieldErrorCode::NotAUrl));
    };
    let Some(host) = url.host() else {
        return Some(FieldError::new(field, FieldErrorCode::NotAUrl));
    };
    let scheme = url.scheme();
    if secure.contains(&scheme) {
        return None;
    }
    if !loopback_only.contains(&scheme) {
        return Some(FieldError::new(field, FieldErrorCode::WrongScheme));
    }
    let loopback = match host {
        url::Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    };
    (!loopback).then(|| FieldError::new(field, FieldErrorCode::Insecure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_for_form_scheme_and_encryption() {
        let check = |value: &str| check_url(value, "url", &["wss"], &["ws"]).map(|e| e.code);
        assert_eq!(check("wss://support.example.com/warmline"), None);
        assert_eq!(check("ws://127.0.0.1:9000"), None);
        assert_eq!(check("ws://localhost:9000"), None);
        assert_eq!(check("ws://[::1]:9000"), None);
        assert_eq!(check(""), Some(FieldErrorCode::Required));
        assert_eq!(check("   "), Some(FieldErrorCode::Required));
        assert_eq!(check("support.example.com"), Some(FieldErrorCode::NotAUrl));
        assert_eq!(
            check("ftp://support.example.com"),
            Some(FieldErrorCode::WrongScheme)
        );
        assert_eq!(
            check("ws://support.example.com"),
            Some(FieldErrorCode::Insecure)
        );
        assert_eq!(check("ws://10.0.0.5:80"), Some(FieldErrorCode::Insecure));
    }

    #[test]
    fn a_profile_names_each_wrong_field() {
        let mut profile = BackendProfile::demo();
        assert!(profile.validate().is_empty());
        profile.id = ProfileId("../etc".into());
        profile.name = "x".repeat(81);
        let fields: Vec<_> = profile.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["id", "name"]);
    }

    #[cfg(feature = "demo")]
    #[test]
    fn every_field_error_code_has_a_sentence_in_every_language() {
        for locale in warmline_i18n::SUPPORTED_LOCALES {
            let localizer = warmline_i18n::Localizer::new(locale);
            for code in FieldErrorCode::ALL {
                assert!(
                    localizer.has(code.message_id()),
                    "{locale} lacks {} for {code:?}",
                    code.message_id()
                );
            }
        }
    }

    #[cfg(feature = "relay")]
    #[test]
    fn a_relay_profile_round_trips_as_json_and_reports_its_url() {
        let profile = BackendProfile {
            id: ProfileId("p-bank".into()),
            name: "My bank".into(),
            backend: BackendSettings::Relay(RelaySettings {
                url: "http://bank.example".into(),
                extra_ca: None,
            }),
        };
        let json = serde_json::to_string(&profile).unwrap();
        assert!(json.contains(r#""kind":"relay""#), "{json}");
        let back: BackendProfile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, profile);
        assert_eq!(
            profile.validate(),
            [FieldError::new("backend.url", FieldErrorCode::WrongScheme)]
        );
    }

    #[cfg(feature = "chatwoot")]
    fn chatwoot(server_url: &str, inbox: &str, name: &str) -> BackendSettings {
        BackendSettings::Chatwoot(ChatwootSettings {
            server_url: server_url.into(),
            inbox_identifier: inbox.into(),
            contact_name: name.into(),
            contact_identifier: String::new(),
            agent_locale: String::new(),
        })
    }

    #[cfg(feature = "chatwoot")]
    #[test]
    fn a_chatwoot_profile_round_trips_names_its_secret_and_checks_its_fields() {
        let profile = BackendProfile {
            id: ProfileId("p-desk".into()),
            name: "Helpdesk".into(),
            backend: chatwoot("https://desk.example", "AbC123xyz", "Mei Lin"),
        };
        let json = serde_json::to_string(&profile).unwrap();
        assert!(json.contains(r#""kind":"chatwoot""#), "{json}");
        assert!(json.contains(r#""inboxIdentifier":"AbC123xyz""#), "{json}");
        assert!(
            !json.contains("hmac"),
            "no secret value in a profile: {json}"
        );
        let back: BackendProfile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, profile);
        assert!(profile.validate().is_empty());
        assert_eq!(profile.backend.secret_names(), ["hmac-token"]);
        assert_eq!(profile.backend.kind(), "chatwoot");
        // Optional fields may be left out of an older settings file.
        let minimal: BackendSettings = serde_json::from_str(
            r#"{"kind":"chatwoot","serverUrl":"http://127.0.0.1:3000","inboxIdentifier":"x","contactName":"A"}"#,
        )
        .unwrap();
        assert!(minimal.validate().is_empty());
        assert_eq!(
            chatwoot("http://desk.example", "in box", "").validate(),
            [
                FieldError::new("serverUrl", FieldErrorCode::Insecure),
                FieldError::new("inboxIdentifier", FieldErrorCode::Invalid),
                FieldError::new("contactName", FieldErrorCode::Required),
            ]
        );
        assert_eq!(
            chatwoot("wss://desk.example", "", &"x".repeat(81)).validate(),
            [
                FieldError::new("serverUrl", FieldErrorCode::WrongScheme),
                FieldError::new("inboxIdentifier", FieldErrorCode::Required),
                FieldError::new("contactName", FieldErrorCode::TooLong),
            ]
        );
    }
}
