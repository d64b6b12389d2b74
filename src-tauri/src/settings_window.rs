//! The caregiver's settings window and what the chat window needs of it:
//! opening it (from the small "Settings" button), the elder's own text size
//! buttons, telling every window that the settings changed (language, text
//! size, the buttons: applied live), importing a speech model file, and
//! locking the area when its window closes.
//!
//! The settings window is a window of its own (label [`LABEL`], page
//! `settings.html`) so that its commands can be granted to it alone
//! (`capabilities/settings.json`; see `command_lists.rs`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{Manager, State, WebviewUrl, WebviewWindowBuilder};
use tauri_specta::Event;
use warmline_backends::profile::ProfileId;
use warmline_settings::check::{self, CheckResult};
use warmline_settings::{Settings, SystemKeyring};

use crate::settings_area::SettingsArea;
use crate::settings_commands::{FieldProblem, SettingsError, SettingsErrorCode, SettingsStatus};
use crate::startup::StartupSettings;
use crate::voice::Voice;

/// The settings window's label (capabilities name it).
pub const LABEL: &str = "settings";

/// The settings changed: every window applies the language, the text size
/// and whether the elder gets the text size buttons, without a restart.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(transparent)]
pub struct SettingsChanged(pub SettingsStatus);

/// Tells every window about saved settings, and applies what the app
/// itself uses live (send speech at once, unless a variable fixes it;
/// read-aloud and its language).
pub fn settings_changed(app: &tauri::AppHandle, settings: &Settings) {
    if let Some(read_aloud) = app.try_state::<crate::read_aloud::AppReadAloud>() {
        read_aloud.apply(&app.state::<SettingsArea>().locale(), &settings.read_aloud);
    }
    if let (Some(voice), Some(startup)) =
        (app.try_state::<Voice>(), app.try_state::<StartupSettings>())
    {
        let mut applied = startup.inner().clone();
        crate::cli::apply_caregiver_settings(&mut applied, settings, |name| {
            std::env::var(name).ok()
        });
        voice.set_send_at_once(applied.voice_sends_at_once);
        let status = crate::voice::VoiceUpdate::Status {
            status: voice.status(),
        };
        if let Err(error) = status.emit(app) {
            tracing::warn!(%error, "could not send the voice state to the windows");
        }
    }
    announce(app);
}

fn announce(app: &tauri::AppHandle) {
    let status = app.state::<SettingsArea>().status();
    if let Err(error) = SettingsChanged(status).emit(app) {
        tracing::warn!(%error, "could not tell the windows about new settings");
    }
}

/// The small "Settings" button: opens the settings window, or brings it
/// forward when it is open already. The area inside starts locked.
#[tauri::command]
#[specta::specta]
pub async fn open_settings(app: tauri::AppHandle) -> Result<(), SettingsError> {
    if let Some(window) = app.get_webview_window(LABEL) {
        if let Err(error) = window.set_focus() {
            tracing::warn!(%error, "could not bring the settings window forward");
        }
        return Ok(());
    }
    let built = WebviewWindowBuilder::new(&app, LABEL, WebviewUrl::App("settings.html".into()))
        .title("Warmline")
        .inner_size(900.0, 820.0)
        .min_inner_size(360.0, 420.0)
        .resizable(true)
        .build();
    if let Err(error) = built {
        tracing::error!(%error, "the settings window could not open");
        return Err(SettingsError::new(
            SettingsErrorCode::Window,
            "settings-window-failed",
        ));
    }
    Ok(())
}

/// The elder's "Smaller text / Bigger text" (and Ctrl +/−): the text size
/// in percent (100–300), kept in the settings file for the next start.
#[tauri::command]
#[specta::specta]
pub fn set_text_scale(
    app: tauri::AppHandle,
    area: State<'_, SettingsArea>,
    percent: u16,
) -> Result<(), SettingsError> {
    area.set_text_scale(percent)?;
    announce(&app);
    Ok(())
}

/// Imports a speech model file the caregiver chose (for a computer that
/// cannot download it); it is checked before it is used.
#[tauri::command]
#[specta::specta]
pub fn settings_import_model(
    area: State<'_, SettingsArea>,
    voice: State<'_, Voice>,
    path: String,
) -> Result<(), SettingsError> {
    area.require_unlocked()?;
    voice.import(std::path::Path::new(&path)).map_err(|error| {
        let mut out = SettingsError::new(SettingsErrorCode::Invalid, &error.message_id);
        out.fields.push(FieldProblem {
            field: "modelFile".into(),
            message_id: error.message_id,
        });
        out
    })
}

/// "Test" beside one profile: is its service reachable, and does it
/// accept the sign-in details in the keyring? (The profile need not be the
/// one in use.)
#[tauri::command]
#[specta::specta]
pub async fn settings_test_profile(
    area: State<'_, SettingsArea>,
    profile: ProfileId,
) -> Result<Vec<CheckResult>, SettingsError> {
    let found = area.get()?.profile(&profile).ok_or_else(|| {
        SettingsError::new(
            SettingsErrorCode::NotAProfile,
            "profile-import-not-a-profile",
        )
    })?;
    let keyring = Arc::new(SystemKeyring::new(found.id.clone()));
    Ok(check::backend(&found, keyring, &area.locale()).await.into())
}

/// Locks the area when its window goes away, however it was closed.
pub fn on_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    if window.label() == LABEL && matches!(event, tauri::WindowEvent::Destroyed) {
        window.state::<SettingsArea>().close();
    }
}
