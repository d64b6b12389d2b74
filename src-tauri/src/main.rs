//! The Warmline desktop app: see `warmline_app` for the shell and docs/ARCHITECTURE.md for the crates.
// Release builds on Windows must not open a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `--check`, `--reset-pin` and `--profile FILE` (see `warmline_app::cli`).
    let args = warmline_app::cli::Args::parse(std::env::args().skip(1));
    if let Some(code) = warmline_app::cli::run(&args, &warmline_app::StartupSettings::from_env()) {
        std::process::exit(code);
    }
    warmline_app::run();
}
