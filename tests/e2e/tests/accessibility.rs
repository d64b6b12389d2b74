//! Issue 15 item 3 in the real app (WebKitGTK under Xvfb): axe-core's own
//! `axe.min.js` (from `ui/node_modules`, pinned in `ui/package.json`) is
//! injected into the real webview through WebDriver and run with the same
//! rules and explained exceptions as the UI tests (`ui/tests/axe-options.json`),
//! on idle, queued and connected. Zero unexplained violations.

use serde_json::{json, Value};
use std::path::PathBuf;
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

#[test]
fn axe_finds_no_unexplained_violations_in_the_real_webview() {
    let axe_source = read(ui_dir().join("node_modules/axe-core/axe.min.js"));
    let options: Value =
        serde_json::from_str(&read(ui_dir().join("tests/axe-options.json"))).unwrap();
    let app = App::launch(&[
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
        // Long enough steps that the queued state can be audited.
        ("WARMLINE_DEMO_QUEUE_STEP_MS", "4000"),
    ]);
    app.wait_for("#person-button");
    app.wait_for_attribute("data-connection", "online");
    let mut results = Vec::new();

    let (passes, unexplained) = audit(&app, &axe_source, &options);
    results.push(json!({ "state": "idle", "passes": passes, "violations": unexplained }));

    let person = app.wait_for("#person-button");
    app.driver.click(&person).unwrap();
    app.wait_for_attribute("data-handoff-state", "queued");
    let (passes, unexplained) = audit(&app, &axe_source, &options);
    results.push(json!({ "state": "queued", "passes": passes, "violations": unexplained }));

    app.wait_for_attribute("data-handoff-state", "connected");
    let (passes, unexplained) = audit(&app, &axe_source, &options);
    results.push(json!({ "state": "connected", "passes": passes, "violations": unexplained }));

    // For the record (docs/ACCESSIBILITY.md quotes it).
    println!("axe in WebKitGTK: {}", Value::Array(results.clone()));
    for result in &results {
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
