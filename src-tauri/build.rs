//! Generates the Tauri context (config, capabilities, icons) at build time,
//! with one `allow-<command>` permission per app command: with an app
//! manifest, a command is refused in every window whose capability file does
//! not grant it (the chat window gets no settings command).

#[path = "src/command_lists.rs"]
#[allow(dead_code)]
mod command_lists;

fn main() {
    // The manifest wants a 'static list; a build script may leak it.
    let all: &'static [&'static str] = command_lists::all().leak();
    let manifest = tauri_build::AppManifest::new().commands(all);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("generating the Tauri context");
}
