//! The commands the window can call. Each one takes its state, calls the core
//! and maps the error to a [`UiError`]: no logic here. Conversation commands
//! go to the session's running engine (see [`AppSession`]).

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;
use warmline_core::{
    CallbackRequest, ConversationEvent, ConversationSnapshot, HandoffReason, MessageId,
    MessagePage, UiError,
};

use crate::session::AppSession;
use crate::voice::{Voice, VoiceUiStatus};

/// One change to the conversation, pushed to the window.
#[derive(Debug, Clone, Serialize, Deserialize, Type, tauri_specta::Event)]
#[serde(transparent)]
pub struct ConversationUpdate(pub ConversationEvent);

/// Facts the window needs before it draws anything.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// The UI language, e.g. `zh-CN`.
    pub locale: String,
    /// Warmline's version.
    pub version: String,
}

/// The UI language and the app version.
#[tauri::command]
#[specta::specta]
pub fn app_info(area: State<'_, crate::settings_area::SettingsArea>) -> AppInfo {
    AppInfo {
        locale: area.locale(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The conversation as it stands, with its newest messages only
/// (`hasOlder` says whether older ones exist: see `older_messages`).
#[tauri::command]
#[specta::specta]
pub async fn conversation_snapshot(
    conversation: State<'_, AppSession>,
) -> Result<ConversationSnapshot, UiError> {
    tracing::debug!(
        ms = crate::ms_since_start(),
        "start: a window asks for the conversation"
    );
    Ok(conversation.session().recent_snapshot().await?)
}

/// Up to `limit` messages just before `before`, for a reader scrolling up
/// through a long history.
#[tauri::command]
#[specta::specta]
pub async fn older_messages(
    conversation: State<'_, AppSession>,
    before: MessageId,
    limit: u32,
) -> Result<MessagePage, UiError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(conversation.session().older_messages(before, limit).await?)
}

/// Sends what the user wrote. The text box is cleared by the window only
/// after this succeeds, so a failure never loses the draft.
#[tauri::command]
#[specta::specta]
pub async fn send_message(
    conversation: State<'_, AppSession>,
    text: String,
) -> Result<MessageId, UiError> {
    Ok(conversation.engine().send_text(text).await?)
}

/// The "Talk to a person" button.
#[tauri::command]
#[specta::specta]
pub async fn request_person(conversation: State<'_, AppSession>) -> Result<(), UiError> {
    Ok(conversation
        .engine()
        .request_person(HandoffReason::Button)
        .await?)
}

/// The "Cancel request" button.
#[tauri::command]
#[specta::specta]
pub async fn cancel_person(conversation: State<'_, AppSession>) -> Result<(), UiError> {
    Ok(conversation.engine().cancel_person().await?)
}

/// Leaves a message, or asks for a call back when `phone` is given, while
/// nobody is available. Resolves once the service confirmed it, or once it
/// is kept to go out by itself when the service cannot be reached (the
/// transcript says which); on an error the window keeps what the user
/// filled in.
#[tauri::command]
#[specta::specta]
pub async fn leave_message(
    conversation: State<'_, AppSession>,
    text: String,
    phone: Option<String>,
    preferred_time: Option<String>,
) -> Result<(), UiError> {
    let callback = phone
        .filter(|phone| !phone.trim().is_empty())
        .map(|phone| CallbackRequest {
            phone: phone.trim().to_owned(),
            preferred_time: preferred_time.unwrap_or_default().trim().to_owned(),
        });
    Ok(conversation.engine().leave_message(text, callback).await?)
}

/// "Try again" on a message that could not be sent: it goes out again with
/// the same id.
#[tauri::command]
#[specta::specta]
pub async fn retry_message(
    conversation: State<'_, AppSession>,
    id: MessageId,
) -> Result<(), UiError> {
    Ok(conversation.engine().retry_message(id).await?)
}

/// Keeps what the user is typing, so a crash or a restart never loses it.
/// The window calls this as the user types (debounced).
#[tauri::command]
#[specta::specta]
pub async fn save_draft(conversation: State<'_, AppSession>, text: String) -> Result<(), UiError> {
    Ok(conversation.engine().save_draft(text).await?)
}

/// The microphone button's and the speech model's state.
#[tauri::command]
#[specta::specta]
pub fn voice_status(voice: State<'_, Voice>) -> VoiceUiStatus {
    voice.status()
}

/// First press of the microphone button: reading aloud stops before the
/// microphone opens (the recognizer must not hear Warmline), then it listens.
#[tauri::command]
#[specta::specta]
pub fn start_dictation(
    voice: State<'_, Voice>,
    read_aloud: State<'_, crate::read_aloud::AppReadAloud>,
) -> Result<(), UiError> {
    read_aloud.set_listening(true);
    let started = voice.start();
    // Not listening after all (refused, or still turning speech into text).
    read_aloud.set_listening(voice.status().phase == crate::voice::DictationPhase::Listening);
    started
}

/// Second press: stop listening; the text arrives as a `VoiceUpdate`.
#[tauri::command]
#[specta::specta]
pub fn stop_dictation(voice: State<'_, Voice>) -> Result<(), UiError> {
    voice.stop()
}

/// Fetches the speech model for the UI language; progress arrives as
/// `VoiceUpdate`s.
#[tauri::command]
#[specta::specta]
pub fn download_speech_model(voice: State<'_, Voice>) -> Result<(), UiError> {
    voice.download()
}
