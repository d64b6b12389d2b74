//! The window the elder gets (issue 9, item 6): no web inspector. (The page
//! menu is stopped by the UI itself, ui/src/pageMenu.ts; Ctrl +/− changes the
//! text size, ui/src/textSize.ts.)

use serde_json::Value;

#[test]
fn every_window_has_the_web_inspector_turned_off() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tauri.conf.json");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("tauri.conf.json is readable"))
            .expect("tauri.conf.json is JSON");
    let windows = config["app"]["windows"]
        .as_array()
        .expect("the config lists its windows");
    assert!(!windows.is_empty());
    for window in windows {
        assert_eq!(
            window["devtools"],
            Value::Bool(false),
            "window {} must not offer the web inspector",
            window["label"]
        );
    }
}
