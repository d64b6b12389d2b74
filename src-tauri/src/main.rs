//! The Warmline desktop app: see `warmline_app` for the shell and docs/ARCHITECTURE.md for the crates.
// Release builds on Windows must not open a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    warmline_app::run();
}
