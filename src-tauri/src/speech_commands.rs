//! The read-aloud commands: "Read aloud again" and "Stop reading" in the
//! chat, whether it reads now, and the voices the settings area offers.
//! Each takes its state, calls `read_aloud.rs` and maps the error.

use tauri::State;
use warmline_core::{MessageId, UiError};

use crate::read_aloud::{AppReadAloud, SpeechVoices};
use crate::session::AppSession;
use crate::settings_area::SettingsArea;
use crate::settings_commands::SettingsError;

/// "Read aloud again" on a reply: reads it now, stopping whatever is being
/// read, whether or not the caregiver turned read-aloud on. Refused while
/// the microphone listens.
#[tauri::command]
#[specta::specta]
pub async fn read_aloud_again(
    read_aloud: State<'_, AppReadAloud>,
    session: State<'_, AppSession>,
    message_id: MessageId,
) -> Result<(), UiError> {
    read_aloud.read_again(&session, message_id).await
}

/// "Stop reading".
#[tauri::command]
#[specta::specta]
pub fn stop_reading(read_aloud: State<'_, AppReadAloud>) -> Result<(), UiError> {
    read_aloud.stop()
}

/// True while something is being read aloud (then `ReadingUpdate`s follow).
#[tauri::command]
#[specta::specta]
pub fn reading_status(read_aloud: State<'_, AppReadAloud>) -> bool {
    read_aloud.reading()
}

/// The voices of the speech engine for the UI language, or why replies
/// cannot be read aloud here (the area must be open).
#[tauri::command]
#[specta::specta]
pub async fn settings_speech_voices(
    area: State<'_, SettingsArea>,
    read_aloud: State<'_, AppReadAloud>,
) -> Result<SpeechVoices, SettingsError> {
    area.require_unlocked()?;
    Ok(read_aloud.voices().await)
}
