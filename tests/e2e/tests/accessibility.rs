//! Issue 15 item 3 in the real app (WebKitGTK under Xvfb): axe-core's own
//! `axe.min.js` (from `ui/node_modules`, pinned in `ui/package.json`) is
//! injected into the real webview through WebDriver and run with the same
//! rules and explained exceptions as the UI tests (`ui/tests/axe-options.json`),
//! on idle, queued, connected, the settings window (choosing the PIN, the
//! area open), nobody available with the form, and a message left. Zero
//! unexplained violations.

use serde_json::{json, Value};
use std::path::PathBuf;
use warmline_e2e::caregiver::{close_settings, open_settings, open_settings_window};
use warmline_e2e::App;

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `npm ci` in ui/, or `bash .ci/setup`)",
            path.display()
        )
    })
}

/// Runs axe in the page; returns the rules that passed and the violations
/// not explained in axe-options.json, as "rule: selector".
fn audit(app: &App, axe_source: &str, options: &Value) -> (u64, Vec<String>) {
    let defined = app
        .driver
        .execute("return typeof window.axe === 'object';", vec![])
        .unwrap();
    if defined != Value::Bool(true) {
        // axe.min.js sets window.axe when there is no module system.
        app.driver.execute(axe_source, vec![]).unwrap();
    }
    let result = app
        .driver
        .execute_async(
            "const [run, exceptions, done] = arguments;
             window.axe.run(document, run).then((r) => {
               const all = r.violations.flatMap((v) => v.nodes.map((n) => ({ rule: v.id, selector: n.target.join(' ') })));
               const explained = (v) => exceptions.some((e) => e.rule === v.rule && new RegExp(e.selector).test(v.selector));
               done({ passes: r.passes.length, unexplained: all.filter((v) => !explained(v)).map((v) => v.rule + ': ' + v.selector) });
             }, (error) => done({ error: String(error) }));",
            vec![options["run"].clone(), options["exceptions"].clone()],
        )
        .unwrap();
    assert!(result.get("error").is_none(), "axe failed: {result}");
    let passes = result["passes"].as_u64().unwrap_or(0);
    let unexplained = result["unexplained"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (passes, unexplained)
}

/// Checks every audited state: no violation, and axe really ran.
fn assert_clean(results: &[Value]) {
    // For the record (docs/ACCESSIBILITY.md quotes it).
    println!("axe in WebKitGTK: {}", Value::Array(results.to_vec()));
    for result in results {
        assert_eq!(
            result["violations"],
            json!([]),
            "{}: axe found violations",
            result["state"]
        );
        assert!(
            result["passes"].as_u64().unwrap_or(0) > 20,
            "{}: axe ran ({} rules passed)",
            result["state"],
            result["passes"]
        );
    }
}

/// A scratch config and data folder, so the settings file and PIN of one
/// run never meet another's.
fn scratch(name: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("warmline-e2e-axe-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (config, data) = (root.join("config"), root.join("data"));
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    (config, data)
}

#[test]
fn axe_finds_no_unexplained_violations_in_the_real_webview() {
    let axe_source = read(ui_dir().join("node_modules/axe-core/axe.min.js"));
    let options: Value =
        serde_json::from_str(&read(ui_dir().join("tests/axe-options.json"))).unwrap();
    let (config, data) = scratch("day");
    let app = App::launch(&[
        ("WARMLINE_CONFIG_DIR", config.to_str().unwrap()),
        ("WARMLINE_DATA_DIR", data.to_str().unwrap()),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Long enough steps that the queued state can be audited.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "4000"),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    let mut results = Vec::new();
    let mut record = |state: &str| {
        let (passes, unexplained) = audit(&app, &axe_source, &options);
        results.push(json!({ "state": state, "passes": passes, "violations": unexplained }));
    };

    record("idle");
    let person = app.wait_for("#person-button");
    app.driver.click(&person).unwrap();
    app.wait_for_attribute("data-handoff-state", "queued");
    record("queued");
    app.wait_for_attribute("data-handoff-state", "connected");
    record("connected");

    // The caregiver's window, in the same app: choosing the PIN, then open.
    let windows = open_settings_window(&app);
    app.wait_for_element_attribute("#settings-app", "data-screen", "choose-pin");
    record("settings: choose a PIN");
    windows.to_chat(&app);
    let windows = open_settings(&app, "4711");
    record("settings: the area open");
    close_settings(&app, &windows);
    assert_clean(&results);
}

#[test]
fn axe_finds_no_unexplained_violations_with_nobody_available_in_the_real_webview() {
    let axe_source = read(ui_dir().join("node_modules/axe-core/axe.min.js"));
    let options: Value =
        serde_json::from_str(&read(ui_dir().join("tests/axe-options.json"))).unwrap();
    let (config, data) = scratch("night");
    let app = App::launch(&[
        ("WARMLINE_CONFIG_DIR", config.to_str().unwrap()),
        ("WARMLINE_DATA_DIR", data.to_str().unwrap()),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        ("WARMLINE_DEMO_AFTER_HOURS", "1"),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    let mut results = Vec::new();
    app.driver.click(&app.wait_for("#person-button")).unwrap();
    app.wait_for_attribute("data-handoff-state", "unavailable");
    let text = app.wait_for("#leave-message-text");
    let (passes, unexplained) = audit(&app, &axe_source, &options);
    results.push(json!({ "state": "nobody available, with the form", "passes": passes, "violations": unexplained }));
    app.driver
        .send_keys(&text, "Please call me about my bill")
        .unwrap();
    app.driver
        .click(&app.wait_for("#leave-message-submit"))
        .unwrap();
    app.wait_for_attribute("data-handoff-state", "message-left");
    let (passes, unexplained) = audit(&app, &axe_source, &options);
    results.push(json!({ "state": "message left", "passes": passes, "violations": unexplained }));
    assert_clean(&results);
}
