//! The floor of the toolkit: a Tauri 2 window with a static page and nothing
//! else (no commands, no state, no plugins), for `warmline-bench`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(error) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare-tauri: {error}");
        std::process::exit(1);
    }
}
