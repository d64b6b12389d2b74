//! The settings area's commands. Every command that reads or changes the
//! caregiver's set-up checks here, in Rust, that the area is unlocked (the
//! UI hiding a button is not protection). Only the status, the first PIN
//! and unlocking work while locked. The capability file
//! `capabilities/settings.json` keeps them to the settings view.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use warmline_backends::profile::{FieldError, ProfileId};
use warmline_core::Secret;
use warmline_settings::check::CheckResult;
use warmline_settings::file::SaveError;
use warmline_settings::pin::PinError;
use warmline_settings::transfer;
use warmline_settings::{Settings, SystemKeyring};

use crate::session::AppSession;
use crate::settings_area::SettingsArea;
use crate::startup::StartupSettings;

/// What the settings area may always know.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsStatus {
    /// A PIN has been chosen.
    pub pin_set: bool,
    /// The area is open.
    pub unlocked: bool,
    /// Why the settings file was not used, as a Fluent id (shown in the
    /// chat too).
    pub problem_message_id: Option<String>,
    /// For a file with wrong fields: each of them, for the settings area.
    pub problem_fields: Vec<FieldProblem>,
    /// Where the unusable file was put aside (never deleted).
    pub problem_kept_as: Option<String>,
    /// Text size in percent and whether the elder gets the two buttons:
    /// the main window needs them while the area is locked.
    pub text_scale_percent: u16,
    /// See [`Settings::show_text_size_buttons`].
    pub show_text_size_buttons: bool,
    /// The UI language in force (`WARMLINE_LOCALE` wins over the file).
    pub locale: String,
}

/// Why a settings command failed: `{code, messageId, args}` plus the
/// fields to mark.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SettingsError {
    /// For programs and tests.
    pub code: SettingsErrorCode,
    /// The Fluent message.
    pub message_id: String,
    /// Its arguments.
    pub args: BTreeMap<String, String>,
    /// Each wrong field (path and Fluent id).
    pub fields: Vec<FieldProblem>,
}

/// One wrong field as the UI marks it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FieldProblem {
    /// `profiles[0].backend.url`, `textScalePercent`, `secrets.token`…
    pub field: String,
    /// The Fluent message.
    pub message_id: String,
}

/// Stable codes of [`SettingsError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum SettingsErrorCode {
    /// The area is locked: enter the PIN first.
    Locked,
    /// The PIN was refused (wrong, malformed, waiting).
    Pin,
    /// Fields are wrong; see `fields`.
    Invalid,
    /// The keyring refused or is locked.
    Keyring,
    /// The disk refused.
    Storage,
    /// A profile file could not be read.
    NotAProfile,
    /// The settings were saved but the conversation could not move to the
    /// chosen profile; it goes on with the one before.
    Switch,
    /// The settings window could not be opened.
    Window,
}

impl SettingsError {
    pub(crate) fn new(code: SettingsErrorCode, message_id: &str) -> Self {
        Self {
            code,
            message_id: message_id.to_owned(),
            args: BTreeMap::new(),
            fields: Vec::new(),
        }
    }

    fn invalid(message_id: &str, fields: &[FieldError]) -> Self {
        Self {
            fields: fields.iter().map(FieldProblem::from).collect(),
            ..Self::new(SettingsErrorCode::Invalid, message_id)
        }
    }
}

impl From<&FieldError> for FieldProblem {
    fn from(error: &FieldError) -> Self {
        Self {
            field: error.field.clone(),
            message_id: error.message_id().to_owned(),
        }
    }
}

impl From<PinError> for SettingsError {
    fn from(error: PinError) -> Self {
        let mut out = Self::new(SettingsErrorCode::Pin, error.message_id());
        match error {
            PinError::Wrong { attempts_left } => {
                out.args
                    .insert("attemptsLeft".into(), attempts_left.to_string());
            }
            PinError::Wait { seconds } => {
                out.args.insert("seconds".into(), seconds.to_string());
            }
            _ => {}
        }
        out
    }
}

impl From<SaveError> for SettingsError {
    fn from(error: SaveError) -> Self {
        match &error {
            SaveError::Invalid(fields) => Self::invalid(error.message_id(), fields),
            _ => Self::new(SettingsErrorCode::Storage, error.message_id()),
        }
    }
}

impl From<transfer::ImportError> for SettingsError {
    fn from(error: transfer::ImportError) -> Self {
        match &error {
            transfer::ImportError::Invalid(fields) => Self::invalid(error.message_id(), fields),
            transfer::ImportError::Keyring(_) => {
                Self::new(SettingsErrorCode::Keyring, error.message_id())
            }
            transfer::ImportError::Save(_) => {
                Self::new(SettingsErrorCode::Storage, error.message_id())
            }
            _ => Self::new(SettingsErrorCode::NotAProfile, error.message_id()),
        }
    }
}

/// Whether a PIN is set, whether the area is open, and what the main
/// window needs from the settings.
#[tauri::command]
#[specta::specta]
pub fn settings_status(area: State<'_, SettingsArea>) -> SettingsStatus {
    area.status()
}

/// Chooses the PIN: the first time, or while the area is open.
#[tauri::command]
#[specta::specta]
pub fn settings_set_pin(area: State<'_, SettingsArea>, pin: String) -> Result<(), SettingsError> {
    area.set_pin(&pin)
}

/// Opens the area with the PIN.
#[tauri::command]
#[specta::specta]
pub fn settings_unlock(area: State<'_, SettingsArea>, pin: String) -> Result<(), SettingsError> {
    area.unlock(&pin)
}

/// Closes the area.
#[tauri::command]
#[specta::specta]
pub fn settings_lock(area: State<'_, SettingsArea>) {
    area.close();
}

/// The settings, when the area is open.
#[tauri::command]
#[specta::specta]
pub fn settings_get(area: State<'_, SettingsArea>) -> Result<Settings, SettingsError> {
    area.get()
}

/// Validates and saves the settings; nothing changes when a field is wrong.
/// When the active profile changed, the conversation moves to it (its own
/// history, outbox and draft) without a restart.
#[tauri::command]
#[specta::specta]
pub async fn settings_save(
    app: tauri::AppHandle,
    area: State<'_, SettingsArea>,
    session: State<'_, AppSession>,
    settings: Settings,
) -> Result<(), SettingsError> {
    let before = area.get()?.active();
    area.save(settings.clone())?;
    crate::settings_window::settings_changed(&app, &settings);
    follow_active(&session, &before, &settings).await
}

/// Moves the conversation to the active profile of `settings` when it is
/// another one, or the same one with other fields.
async fn follow_active(
    session: &AppSession,
    before: &warmline_backends::profile::BackendProfile,
    settings: &Settings,
) -> Result<(), SettingsError> {
    let active = settings.active();
    if &active != before || active.id != session.active_profile() {
        let keyring = Arc::new(SystemKeyring::new(active.id.clone()));
        session.switch_to(active, keyring).await.map_err(|error| {
            tracing::error!(%error, "the conversation could not move to the chosen profile");
            SettingsError::new(SettingsErrorCode::Switch, "settings-switch-failed")
        })?;
    }
    Ok(())
}

/// Stores one secret of a profile in the keyring.
#[tauri::command]
#[specta::specta]
pub async fn settings_set_secret(
    area: State<'_, SettingsArea>,
    session: State<'_, AppSession>,
    profile: ProfileId,
    name: String,
    value: String,
) -> Result<(), SettingsError> {
    let found = area.get()?.profile(&profile);
    let Some(found) = found else {
        return Err(SettingsError::invalid(
            "settings-save-invalid",
            &[FieldError::new(
                "profile",
                warmline_backends::profile::FieldErrorCode::NotFound,
            )],
        ));
    };
    if !found.backend.secret_names().contains(&name.as_str()) || value.trim().is_empty() {
        return Err(SettingsError::invalid(
            "settings-save-invalid",
            &[FieldError::new(
                format!("secrets.{name}"),
                warmline_backends::profile::FieldErrorCode::Required,
            )],
        ));
    }
    SystemKeyring::new(profile.clone())
        .store(&name, &Secret::new(value))
        .map_err(|e| {
            SettingsError::new(
                SettingsErrorCode::Keyring,
                warmline_settings::keyring::message_id(&e),
            )
        })?;
    // A refused or unreadable sign-in waits for new details: try now.
    if session.active_profile() == profile {
        if let Err(error) = session.credentials_changed().await {
            tracing::warn!(%error, "the engine was not told about the new sign-in details");
        }
    }
    Ok(())
}

/// Deletes a profile and its secrets; the demo becomes active if it was.
#[tauri::command]
#[specta::specta]
pub fn settings_delete_profile(
    app: tauri::AppHandle,
    area: State<'_, SettingsArea>,
    profile: ProfileId,
) -> Result<(), SettingsError> {
    let Some((next, found)) = area.delete_profile(&profile)? else {
        return Ok(());
    };
    crate::settings_window::settings_changed(&app, &next);
    if let Err(error) = SystemKeyring::new(profile).delete_all(found.backend.secret_names()) {
        tracing::warn!(%error, "a deleted profile's secrets stay in the keyring");
    }
    Ok(())
}

/// A profile as an export file's text (no secrets).
#[tauri::command]
#[specta::specta]
pub fn settings_export_profile(
    area: State<'_, SettingsArea>,
    profile: ProfileId,
) -> Result<String, SettingsError> {
    area.export(&profile)
}

/// Imports a profile file's text with the secrets the caregiver typed,
/// validating everything before changing anything.
#[tauri::command]
#[specta::specta]
pub async fn settings_import_profile(
    app: tauri::AppHandle,
    area: State<'_, SettingsArea>,
    session: State<'_, AppSession>,
    text: String,
    secrets: BTreeMap<String, String>,
    activate: bool,
) -> Result<Settings, SettingsError> {
    let next = area.import(&text, secrets, activate)?;
    let before = session.session().profile();
    crate::settings_window::settings_changed(&app, &next);
    follow_active(&session, &before, &next).await?;
    Ok(next)
}

/// "Check everything".
#[tauri::command]
#[specta::specta]
pub async fn settings_check(
    area: State<'_, SettingsArea>,
    startup: State<'_, StartupSettings>,
) -> Result<Vec<CheckResult>, SettingsError> {
    let earlier = area.problem_if_unlocked()?;
    Ok(crate::cli::run_checks(area.file(), earlier, &startup).await)
}
