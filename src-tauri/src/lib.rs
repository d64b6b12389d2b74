//! Warmline's app shell: a thin Tauri layer over `warmline-core`.
//!
//! It reads the start-up settings, starts the session (the conversation
//! engine on the active backend profile, with the profile's own store; see
//! `warmline-session`), forwards its changes to the window as a typed event,
//! and exposes a few commands. No conversation logic lives here.

pub mod cli;
#[cfg(test)]
mod command_lists;
mod commands;
mod desktop;
mod notifications;
mod read_aloud;
mod session;
mod settings_area;
mod settings_commands;
mod settings_window;
mod speech_commands;
mod startup;
mod voice;

use std::sync::Arc;

use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder, Event};
use warmline_backends::profile::BackendProfile;
use warmline_core::{EngineConfig, MemorySecrets};
use warmline_session::{Session, SessionConfig};

pub use commands::{AppInfo, ConversationUpdate};
pub use read_aloud::{AppReadAloud, ReadingUpdate, SpeechVoices};
pub use session::AppSession;
pub use startup::StartupSettings;
pub use voice::{DictationPhase, VoiceModelState, VoiceUiStatus, VoiceUpdate};

/// The typed command and event list, shared by the app and by the test that
/// checks `ui/src/bindings.ts` is current.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::app_info,
            commands::conversation_snapshot,
            commands::older_messages,
            commands::send_message,
            commands::request_person,
            commands::cancel_person,
            commands::leave_message,
            commands::retry_message,
            commands::save_draft,
            commands::voice_status,
            commands::start_dictation,
            commands::stop_dictation,
            commands::download_speech_model,
            settings_commands::settings_status,
            settings_commands::settings_set_pin,
            settings_commands::settings_unlock,
            settings_commands::settings_lock,
            settings_commands::settings_get,
            settings_commands::settings_save,
            settings_commands::settings_set_secret,
            settings_commands::settings_delete_profile,
            settings_commands::settings_export_profile,
            settings_commands::settings_import_profile,
            settings_commands::settings_check,
            settings_window::open_settings,
            settings_window::set_text_scale,
            settings_window::settings_import_model,
            settings_window::settings_test_profile,
            speech_commands::read_aloud_again,
            speech_commands::stop_reading,
            speech_commands::reading_status,
            speech_commands::settings_speech_voices,
        ])
        .events(collect_events![
            ConversationUpdate,
            VoiceUpdate,
            settings_window::SettingsChanged,
            ReadingUpdate
        ])
        // Timestamps are milliseconds since 1970: far below 2^53.
        .dangerously_cast_bigints_to_number()
        // Every type has one serde shape both ways; one name per type is simpler.
        .disable_serde_phases()
}

/// When [`run`] began, for the start-up timings in the debug log.
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Milliseconds since [`run`] began (0 before).
pub(crate) fn ms_since_start() -> u128 {
    STARTED
        .get()
        .map_or(0, |started| started.elapsed().as_millis())
}

/// Builds and runs the app until its window is closed.
pub fn run() {
    // Where the start goes, in the log at debug level (the benchmark's
    // split of the cold start points here when the native side is slow).
    STARTED.get_or_init(std::time::Instant::now);
    // The phrase rules take about 200 ms to compile (release, 2 cores); the
    // session needs them in its set-up, which holds up the window. Compiled
    // beside the toolkit's own start, they are ready by then.
    std::thread::spawn(warmline_core::intent::PhraseSet::warm_up);
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("WARMLINE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // Even `WARMLINE_LOG=trace` must not print a sign-in token.
    for directive in warmline_backends::SECRET_SAFE_LOG_DIRECTIVES {
        filter = filter.add_directive(directive.parse().expect("a valid directive"));
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let mut settings = StartupSettings::from_env();
    // The language before the file is applied: `WARMLINE_LOCALE`'s, or the
    // system's; the settings area changes it live unless the variable is set.
    let languages = settings_area::UiLanguage {
        fixed: std::env::var("WARMLINE_LOCALE")
            .ok()
            .filter(|value| !value.trim().is_empty())
            .map(|_| settings.locale.clone()),
        system: settings.locale.clone(),
    };
    // The caregiver's set-up, read once: reading puts an unusable file
    // aside, and the settings area must still be able to say why. Without
    // any config directory (no home at all) it lives in a temporary one, so
    // the chat still starts.
    let settings_file = warmline_settings::SettingsFile::from_env().unwrap_or_else(|| {
        warmline_settings::SettingsFile::new(std::env::temp_dir().join("warmline-config"))
    });
    let loaded = settings_file.load();
    cli::apply_caregiver_settings(&mut settings, &loaded.settings, |name| {
        std::env::var(name).ok()
    });
    tracing::info!(
        locale = %settings.locale,
        version = env!("CARGO_PKG_VERSION"),
        "Warmline is starting on the built-in demo backend"
    );
    tracing::debug!(ms = ms_since_start(), "start: settings read");
    let builder = specta_builder();
    let result = tauri::Builder::default()
        // First: a second start hands over and exits before anything opens.
        .plugin(desktop::single_instance())
        .plugin(desktop::window_state(settings.data_dir.as_deref()))
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .on_window_event(settings_window::on_window_event)
        .on_page_load(|webview, payload| {
            tracing::debug!(
                ms = ms_since_start(),
                window = webview.label(),
                event = ?payload.event(),
                "start: page load"
            );
        })
        .setup(move |app| {
            tracing::debug!(ms = ms_since_start(), "start: window made, set-up begins");
            builder.mount_events(app);
            let data_dir = settings
                .data_dir
                .clone()
                .or_else(|| app.path().app_data_dir().ok());
            let voice = voice::Voice::new(
                warmline_voice::VoiceService::new(settings.voice_config(data_dir.as_deref())),
                settings.locale.clone(),
                settings.voice_sends_at_once,
            );
            forward_voice(app.handle().clone(), voice.subscribe());
            app.manage(voice);
            tracing::debug!(ms = ms_since_start(), "start: voice ready");
            let config = SessionConfig {
                data_dir,
                engine: EngineConfig::new(settings.locale.clone()),
                demo: settings.demo.clone(),
            };
            let area = settings_area::SettingsArea::from_loaded(settings_file, loaded, languages);
            // The active profile, with its secrets from the keyring; the
            // demo if that profile cannot start (the chat must always work).
            let active = area.settings().active();
            let keyring = Arc::new(warmline_settings::SystemKeyring::new(active.id.clone()));
            // The engine spawns its tasks on the Tauri runtime.
            let session = tauri::async_runtime::block_on(async {
                Session::start(config.clone(), active, keyring).or_else(|error| {
                    tracing::error!(%error, "the active profile cannot start; using the demo");
                    Session::start(
                        config,
                        BackendProfile::demo(),
                        Arc::new(MemorySecrets::new()),
                    )
                })
            })?;
            tracing::debug!(ms = ms_since_start(), "start: session running");
            let changes = session.subscribe();
            // Read-aloud follows every change from the first one on.
            let read_aloud = read_aloud::AppReadAloud::start(
                app.handle().clone(),
                &area.locale(),
                &area.settings().read_aloud,
                session.subscribe(),
            );
            app.manage(read_aloud);
            app.manage(AppSession::new(app.handle().clone(), session));
            app.manage(settings);
            app.manage(area);
            // After the settings area: it knows the language in force.
            notifications::forward(app.handle().clone(), changes);
            tracing::debug!(ms = ms_since_start(), "start: set-up done");
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        tracing::error!(%error, "Warmline could not start");
        std::process::exit(1);
    }
}

/// Sends every voice event to the window, translated for it.
fn forward_voice(
    app: tauri::AppHandle,
    mut events: tokio::sync::broadcast::Receiver<warmline_voice::VoiceEvent>,
) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let warmline_voice::VoiceEvent::State { state } = &event {
                        // Nothing is read while the microphone listens.
                        let listening = *state == warmline_voice::DictationState::Listening;
                        app.state::<read_aloud::AppReadAloud>()
                            .set_listening(listening);
                    }
                    let update = app.state::<voice::Voice>().update_for(event);
                    if let Err(error) = update.emit(&app) {
                        tracing::warn!(%error, "could not send a voice event to the window");
                    }
                }
                // Missed level readings do not matter; a missed state is
                // repaired by the next status the window receives.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests;
