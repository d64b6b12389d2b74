//! Builds the bare Tauri window's context (its `tauri.conf.json`).
fn main() {
    tauri_build::build();
}
