//! "Check everything": every check a caregiver or a help desk needs, each
//! a [`CheckResult`] with a Fluent message (what was found) and, when it
//! failed, a second one (what to do). The settings area shows them; the
//! same list prints from `warmline --check`.
//!
//! The checks of things this crate does not own (the microphone, the
//! speech model) take their facts from the caller, so this crate needs no
//! audio or speech library.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use warmline_backends::factory::{build_backend, AdapterContext};
use warmline_backends::profile::{BackendProfile, BackendSettings};
use warmline_core::{BackendError, ConversationOptions, ResumeState, SecretSource};

use crate::file::Loaded;
use crate::keyring::SystemKeyring;

/// How long the backend checks wait before calling a backend unreachable.
pub const BACKEND_TIMEOUT: Duration = Duration::from_secs(15);
/// Free space below which the disk check fails.
pub const MIN_FREE_BYTES: u64 = 200 << 20;

/// Which check a result is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum CheckId {
    /// The settings file was read and is valid.
    Settings,
    /// The system keyring answers.
    Keyring,
    /// The active profile's server answers (with its round-trip time).
    BackendReachable,
    /// The server accepts Warmline's sign-in.
    SignedIn,
    /// A microphone is there.
    Microphone,
    /// A speech model is installed and verified.
    SpeechModel,
    /// The data directory is writable and has space.
    DataDirectory,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// The check.
    pub check: CheckId,
    /// True when all is well.
    pub passed: bool,
    /// What was found (Fluent id).
    pub message_id: String,
    /// What to do about it (Fluent id), when it failed.
    pub advice_id: Option<String>,
    /// Arguments of both messages (`ms`, `free`, `model`…).
    pub args: BTreeMap<String, String>,
}

impl CheckResult {
    fn pass(check: CheckId, message_id: &str) -> Self {
        Self {
            check,
            passed: true,
            message_id: message_id.to_owned(),
            advice_id: None,
            args: BTreeMap::new(),
        }
    }

    fn fail(check: CheckId, message_id: &str, advice_id: &str) -> Self {
        Self {
            check,
            passed: false,
            message_id: message_id.to_owned(),
            advice_id: Some(advice_id.to_owned()),
            args: BTreeMap::new(),
        }
    }

    fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.insert(name.to_owned(), value.to_string());
        self
    }
}

/// Whether the settings file was usable.
pub fn settings(loaded: &Loaded) -> CheckResult {
    match &loaded.problem {
        None => CheckResult::pass(CheckId::Settings, "check-settings-ok"),
        Some(problem) => CheckResult::fail(
            CheckId::Settings,
            problem.code.message_id(),
            "check-settings-advice",
        )
        .arg("fields", problem.fields.len()),
    }
}

/// Whether the keyring answers.
pub fn keyring(keyring: &SystemKeyring) -> CheckResult {
    match keyring.probe() {
        Ok(()) => CheckResult::pass(CheckId::Keyring, "check-keyring-ok"),
        Err(error) => CheckResult::fail(
            CheckId::Keyring,
            crate::keyring::message_id(&error),
            "check-keyring-advice",
        ),
    }
}

/// Whether a microphone is there: its name, or `None`. `from_file` is true
/// when audio comes from a file instead (`WARMLINE_AUDIO_INPUT`).
pub fn microphone(device: Option<&str>, from_file: bool) -> CheckResult {
    match device {
        _ if from_file => CheckResult::pass(CheckId::Microphone, "check-microphone-file"),
        Some(name) => {
            CheckResult::pass(CheckId::Microphone, "check-microphone-ok").arg("device", name)
        }
        None => CheckResult::fail(
            CheckId::Microphone,
            "check-microphone-missing",
            "check-microphone-advice",
        ),
    }
}

/// Whether a verified speech model is installed: its id, or `None`.
pub fn speech_model(model: Option<&str>) -> CheckResult {
    match model {
        Some(id) => CheckResult::pass(CheckId::SpeechModel, "check-model-ok").arg("model", id),
        None => CheckResult::fail(
            CheckId::SpeechModel,
            "check-model-missing",
            "check-model-advice",
        ),
    }
}

/// Whether the data directory takes a file (written, synced, removed) and
/// has at least [`MIN_FREE_BYTES`] free.
pub fn data_directory(dir: Option<&Path>) -> CheckResult {
    let fail = |message| CheckResult::fail(CheckId::DataDirectory, message, "check-data-advice");
    let Some(dir) = dir else {
        return fail("check-data-missing");
    };
    let probe = dir.join(".warmline-check");
    let written = std::fs::create_dir_all(dir)
        .and_then(|()| crate::file::write_atomic(&probe, b"check"))
        .and_then(|()| std::fs::remove_file(&probe));
    if let Err(error) = written {
        tracing::warn!(%error, dir = %dir.display(), "the data directory is not writable");
        return fail("check-data-not-writable").arg("dir", dir.display());
    }
    match fs4::available_space(dir) {
        Ok(free) if free < MIN_FREE_BYTES => fail("check-data-full").arg("free", free >> 20),
        Ok(free) => CheckResult::pass(CheckId::DataDirectory, "check-data-ok")
            .arg("free", free >> 20)
            .arg("dir", dir.display()),
        // Writing worked; only the figure is missing.
        Err(_) => CheckResult::pass(CheckId::DataDirectory, "check-data-ok")
            .arg("free", "?")
            .arg("dir", dir.display()),
    }
}

/// Reachability (with the round-trip time of a TCP connection) and sign-in
/// of `profile`. Signing in opens (or resumes) a conversation, which is
/// what the app does on start too.
pub async fn backend(
    profile: &BackendProfile,
    secrets: Arc<dyn SecretSource>,
    locale: &str,
) -> [CheckResult; 2] {
    if let BackendSettings::Demo(_) = profile.backend {
        return [
            CheckResult::pass(CheckId::BackendReachable, "check-backend-demo"),
            CheckResult::pass(CheckId::SignedIn, "check-signin-demo"),
        ];
    }
    let reachable = match server_address(&profile.backend) {
        // A kind whose address is not one field (a tiered profile holds
        // two services): the sign-in attempt below tells whether it answers.
        None => None,
        Some(address) => {
            let started = Instant::now();
            Some(
                match tokio::time::timeout(
                    BACKEND_TIMEOUT,
                    tokio::net::TcpStream::connect(&address),
                )
                .await
                {
                    Ok(Ok(_)) => CheckResult::pass(CheckId::BackendReachable, "check-backend-ok")
                        .arg("ms", started.elapsed().as_millis())
                        .arg("server", &address),
                    _ => CheckResult::fail(
                        CheckId::BackendReachable,
                        "check-backend-unreachable",
                        "check-backend-advice",
                    )
                    .arg("server", &address),
                },
            )
        }
    };
    let started = Instant::now();
    let signed_in = sign_in(profile, secrets, locale).await;
    let reachable = reachable.unwrap_or_else(|| {
        if signed_in.passed || signed_in.message_id == "check-signin-refused" {
            CheckResult::pass(CheckId::BackendReachable, "check-backend-answered")
                .arg("ms", started.elapsed().as_millis())
        } else {
            CheckResult::fail(
                CheckId::BackendReachable,
                "check-backend-unreachable",
                "check-backend-advice",
            )
        }
    });
    if !reachable.passed {
        let not_tried = CheckResult::fail(
            CheckId::SignedIn,
            "check-signin-not-tried",
            "check-backend-advice",
        );
        return [reachable, not_tried];
    }
    [reachable, signed_in]
}

/// Signing in: build the adapter and open (or resume) a conversation, as
/// the app does on start.
async fn sign_in(
    profile: &BackendProfile,
    secrets: Arc<dyn SecretSource>,
    locale: &str,
) -> CheckResult {
    let context = AdapterContext {
        secrets,
        resume: ResumeState::in_memory(profile.backend.kind()),
        demo: Default::default(),
    };
    let Ok(backend) = build_backend(&profile.backend, context) else {
        return CheckResult::fail(
            CheckId::SignedIn,
            "check-signin-invalid-profile",
            "check-settings-advice",
        );
    };
    let options = ConversationOptions {
        locale: locale.to_owned(),
        resume: None,
    };
    match tokio::time::timeout(BACKEND_TIMEOUT, backend.open_conversation(options)).await {
        Ok(Ok(_)) => CheckResult::pass(CheckId::SignedIn, "check-signin-ok"),
        Ok(Err(BackendError::Unauthorized(_))) => CheckResult::fail(
            CheckId::SignedIn,
            "check-signin-refused",
            "check-signin-advice",
        ),
        Ok(Err(BackendError::CredentialsUnavailable(_))) => CheckResult::fail(
            CheckId::SignedIn,
            "check-signin-keyring",
            "check-keyring-advice",
        ),
        Ok(Err(error)) => {
            tracing::warn!(%error, "the sign-in check failed");
            CheckResult::fail(
                CheckId::SignedIn,
                "check-signin-failed",
                "check-backend-advice",
            )
        }
        Err(_) => CheckResult::fail(
            CheckId::SignedIn,
            "check-signin-failed",
            "check-backend-advice",
        ),
    }
}

/// `host:port` of the profile's server, from whichever address field its
/// kind has (`url`, `serverUrl`, `homeserver`, `baseUrl`).
fn server_address(settings: &BackendSettings) -> Option<String> {
    let value = serde_json::to_value(settings).ok()?;
    let text = ["url", "serverUrl", "homeserver", "baseUrl"]
        .iter()
        .find_map(|field| value.get(field)?.as_str())?;
    let url = url::Url::parse(text.trim()).ok()?;
    let host = url.host_str()?.to_owned();
    let port = url.port_or_known_default().or(match url.scheme() {
        "ws" => Some(80),
        "wss" => Some(443),
        _ => None,
    })?;
    // An IPv6 host keeps its brackets in host_str.
    Some(format!("{host}:{port}"))
}

/// The results as plain lines in the user's language, for `--check`.
pub fn render(results: &[CheckResult], localizer: &warmline_i18n::Localizer) -> String {
    let mut out = String::new();
    for result in results {
        let mut args = warmline_i18n::Args::new();
        for (name, value) in &result.args {
            args.set(name.as_str(), value.clone());
        }
        let mark = if result.passed { "[ok]  " } else { "[FAIL]" };
        out.push_str(&format!(
            "{mark} {}\n",
            localizer.format(&result.message_id, Some(&args))
        ));
        if let Some(advice) = &result.advice_id {
            out.push_str(&format!(
                "       {}\n",
                localizer.format(advice, Some(&args))
            ));
        }
    }
    out
}

/// True when every check passed (`--check` exits 0 only then).
pub fn all_passed(results: &[CheckResult]) -> bool {
    results.iter().all(|r| r.passed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_backends::profile::{ProfileId, RelaySettings};

    #[test]
    fn the_server_address_comes_from_the_kinds_address_field() {
        let relay = |url: &str| {
            BackendSettings::Relay(RelaySettings {
                url: url.into(),
                extra_ca: None,
            })
        };
        assert_eq!(
            server_address(&relay("wss://support.example.com/w")).as_deref(),
            Some("support.example.com:443")
        );
        assert_eq!(
            server_address(&relay("ws://127.0.0.1:9001")).as_deref(),
            Some("127.0.0.1:9001")
        );
        let _ = ProfileId::demo();
    }

    #[test]
    fn every_message_a_check_can_give_has_a_sentence_in_every_language() {
        let source = include_str!("check.rs");
        let ids: Vec<&str> = source
            .split('"')
            .filter(|part| part.len() > 6 && part.starts_with("check-") && !part.contains(' '))
            .collect();
        assert!(ids.len() > 20, "{ids:?}");
        for locale in warmline_i18n::SUPPORTED_LOCALES {
            let localizer = warmline_i18n::Localizer::new(locale);
            for id in &ids {
                assert!(localizer.has(id), "{locale} lacks {id}");
            }
        }
    }

    #[test]
    fn a_missing_microphone_or_model_fails_with_advice() {
        assert!(microphone(Some("USB mic"), false).passed);
        assert!(microphone(None, true).passed);
        let missing = microphone(None, false);
        assert!(!missing.passed && missing.advice_id.is_some());
        assert!(speech_model(Some("base")).passed);
        assert!(!speech_model(None).passed);
    }

    #[test]
    fn a_writable_data_directory_passes_and_a_file_in_its_place_fails() {
        let dir = tempfile::tempdir().unwrap();
        let ok = data_directory(Some(&dir.path().join("data")));
        assert!(ok.passed, "{ok:?}");
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, b"x").unwrap();
        let result = data_directory(Some(&blocked));
        assert!(!result.passed);
        assert_eq!(result.message_id, "check-data-not-writable");
        assert!(!data_directory(None).passed);
    }
}
