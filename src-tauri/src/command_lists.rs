//! Which window may call which command: read by `build.rs` (to generate one
//! `allow-<command>` permission per command) and by the test that checks
//! the capability files grant exactly these. A command missing here cannot
//! be called at all, so the list cannot silently drift from the app.

/// The elder's chat window (`capabilities/default.json`): the conversation,
/// voice input, opening the settings window, the text size buttons, and
/// the settings status (text size, language, a broken settings file),
/// which changes nothing, and read-aloud's "Read aloud again" / "Stop
/// reading".
pub const CHAT_WINDOW: &[&str] = &[
    "app_info",
    "conversation_snapshot",
    "older_messages",
    "send_message",
    "request_person",
    "cancel_person",
    "leave_message",
    "retry_message",
    "save_draft",
    "voice_status",
    "start_dictation",
    "stop_dictation",
    "download_speech_model",
    "settings_status",
    "open_settings",
    "set_text_scale",
    "read_aloud_again",
    "stop_reading",
    "reading_status",
];

/// The caregiver's settings window (`capabilities/settings.json`). Every
/// command here that reads or changes the set-up also checks the unlocked
/// state in Rust.
pub const SETTINGS_WINDOW: &[&str] = &[
    "app_info",
    "voice_status",
    "download_speech_model",
    "settings_status",
    "settings_set_pin",
    "settings_unlock",
    "settings_lock",
    "settings_get",
    "settings_save",
    "settings_set_secret",
    "settings_delete_profile",
    "settings_export_profile",
    "settings_import_profile",
    "settings_check",
    "settings_import_model",
    "settings_test_profile",
    "settings_speech_voices",
];

/// Every command of the app, once each: both windows' lists together,
/// sorted.
pub fn all() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = CHAT_WINDOW.iter().chain(SETTINGS_WINDOW).copied().collect();
    all.sort_unstable();
    all.dedup();
    all
}
