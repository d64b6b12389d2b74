//! The desktop plugins of the app shell: one window only, and the windows'
//! size and place kept across starts. (System notifications are in
//! `notifications.rs`.)
//!
//! None of them is granted to the web page: Rust calls them, so the
//! capability files give the windows no plugin permission.

use std::path::Path;

use tauri::{Manager, Runtime};
use tauri_plugin_window_state::StateFlags;

/// The chat window's label (`tauri.conf.json`).
pub const CHAT_WINDOW: &str = "main";

/// The window-state file's name, in the data directory.
const WINDOW_STATE_FILE: &str = "window-state.json";

/// One window only: a second start (an elder who does not see the window
/// behind others and clicks the icon again) hands over to the running app,
/// which brings its chat window to the front, and exits. Registered first,
/// so the second process stops before it opens anything.
///
/// On Linux the running app owns a name on the session bus
/// (`org.warmline.desktop.SingleInstance`); without a session bus every
/// start runs on its own.
pub fn single_instance<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::init(|app, _args, _cwd| {
        tracing::info!("a second start of Warmline: bringing the chat window forward");
        bring_forward(app);
    })
}

/// Shows, restores and focuses the chat window.
fn bring_forward<R: Runtime>(app: &tauri::AppHandle<R>) {
    let Some(window) = app.get_webview_window(CHAT_WINDOW) else {
        return;
    };
    // Each step may fail on its own (a window manager that does not
    // minimise); the others are still worth trying.
    if let Err(error) = window.unminimize() {
        tracing::warn!(%error, "could not restore the chat window");
    }
    if let Err(error) = window.show() {
        tracing::warn!(%error, "could not show the chat window");
    }
    if let Err(error) = window.set_focus() {
        tracing::warn!(%error, "could not focus the chat window");
    }
}

/// The windows keep their size, place and maximised state. With
/// `WARMLINE_DATA_DIR` set the file lives there, beside the conversation,
/// so that each test run (each has a fresh data directory) starts with the
/// default window of `tauri.conf.json` and one test's resizing never leaks
/// into another's; otherwise it is the plugin's file in the app's config
/// folder. Visibility and decorations are not restored: the window must
/// always appear, with its title bar.
pub fn window_state<R: Runtime>(data_dir: Option<&Path>) -> tauri::plugin::TauriPlugin<R> {
    let mut builder = tauri_plugin_window_state::Builder::new()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED);
    if let Some(dir) = data_dir {
        // The plugin joins the name to the app's config folder; an absolute
        // path replaces that folder.
        builder = builder.with_filename(dir.join(WINDOW_STATE_FILE).to_string_lossy());
    }
    builder.build()
}
