//! Issue 11 in the real app, with a real Secret Service (gnome-keyring on a
//! bus of its own): a caregiver chooses a PIN, opens the settings window,
//! sets the text size to 200 % and the language to zh-TW, adds a relay
//! profile pointing at the reference relay server on loopback (which
//! requires its token) and chooses it; the elder's window then talks to that
//! server (a message is counted there). A restart keeps all of it; the token
//! is in no file under the data and config directories nor in the log; a
//! wrong PIN does not open the settings; choosing the demo again brings its
//! conversation back. The chat window itself cannot call a settings command.
//! With `WARMLINE_E2E_SCREENSHOTS`, the settings area is kept at 100 % and
//! 300 % in a 480×600 window.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use warmline_e2e::caregiver::{self, SettingsWindow};
use warmline_e2e::keyring::TestKeyring;
use warmline_e2e::{wait_until, App};
use warmline_netfault::{RelayServer, RelayServerConfig};

const PIN: &str = "482916";
const TOKEN: &str = "tok-e2e-Zq81-never-in-a-file";
/// A safety net against a hang, not a measurement.
const LIMIT: Duration = Duration::from_secs(90);

struct Dirs {
    root: PathBuf,
    data: PathBuf,
    config: PathBuf,
}

/// Fresh data and config folders of their own for the test called `name`.
fn dirs(name: &str) -> Dirs {
    let root = std::env::temp_dir().join(format!("warmline-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (data, config) = (root.join("data"), root.join("config"));
    for dir in [&data, &config] {
        std::fs::create_dir_all(dir).unwrap();
    }
    Dirs { root, data, config }
}

fn launch(dirs: &Dirs, keyring: &TestKeyring) -> App {
    let mut env: Vec<(&str, String)> = keyring.env();
    env.extend([
        // No variable fixes the language: the settings file's applies.
        ("WARMLINE_LOCALE", String::new()),
        ("WARMLINE_DATA_DIR", dirs.data.display().to_string()),
        ("WARMLINE_CONFIG_DIR", dirs.config.display().to_string()),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200".into()),
    ]);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::launch(&env);
    app.wait_for_attribute("data-loaded", "true");
    app
}

/// Calls a command from the page with Tauri's own bridge; `Ok` or the refusal.
fn invoke(app: &App, command: &str, args: Value) -> Result<Value, String> {
    let answer = app
        .driver
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
               .then((ok) => done({ ok: ok === undefined ? null : ok }), (err) => done({ err: String(JSON.stringify(err)) }));",
            vec![json!(command), args],
        )
        .expect("running invoke in the page");
    match answer.get("err") {
        Some(err) => Err(err.as_str().unwrap_or_default().to_owned()),
        None => Ok(answer["ok"].clone()),
    }
}

fn page_facts(app: &App) -> Value {
    app.driver
        .execute(
            "return { lang: document.documentElement.lang,
                      scale: document.documentElement.style.getPropertyValue('--text-scale'),
                      demo: !!document.querySelector('#demo-banner'),
                      title: document.querySelector('.topbar__title')?.textContent ?? null };",
            vec![],
        )
        .unwrap()
}

/// Sends `text` from the chat window.
fn send(app: &App, text: &str) {
    let input = app.wait_for("#composer-input");
    app.driver.send_keys(&input, text).unwrap();
    let button = app.wait_for("#send-button");
    app.driver.click(&button).unwrap();
}

fn wait_received(server: &RelayServer, text: &str) {
    wait_until(
        LIMIT,
        &format!("the relay server to receive {text:?}"),
        || {
            let got: Vec<String> = server.received().into_iter().map(|m| m.text).collect();
            if got.iter().any(|t| t == text) {
                Ok(Some(()))
            } else {
                Err(format!("{got:?}"))
            }
        },
    );
}

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if std::fs::read(&path)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            {
                found.push(path);
            }
        }
    }
    found
}

fn screenshots_of_the_area(app: &App, windows: &SettingsWindow) {
    windows.to_settings(app);
    app.driver.set_window_rect(480.0, 600.0).unwrap();
    let top = || {
        app.driver
            .execute("document.querySelector('.settings__main').scrollTop = 0; document.activeElement?.blur();", vec![])
            .unwrap();
    };
    caregiver::set_text_size(app, 100);
    top();
    app.screenshot("settings-area-100");
    caregiver::set_text_size(app, 300);
    top();
    app.screenshot("settings-area-300");
    // Nothing is cut off at 300 %: the area scrolls, it never overflows sideways.
    let wide = app
        .driver
        .execute(
            "return [...document.querySelectorAll('button, input, select, h2, p, label')]
               .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right > innerWidth + 0.5; })
               .map((el) => el.id || el.className);",
            vec![],
        )
        .unwrap();
    assert_eq!(wide, json!([]), "past the right edge at 300 %");
    app.driver.set_window_rect(900.0, 820.0).unwrap();
}

#[test]
fn a_caregiver_points_warmline_at_a_relay_with_a_token_and_it_holds_across_a_restart() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(RelayServer::start(RelayServerConfig {
            token: Some(TOKEN.into()),
            ..RelayServerConfig::default()
        }))
        .unwrap();
    let dirs = dirs("caregiver");
    let keyring = TestKeyring::start(&dirs.root);
    let mut logs = String::new();

    let app = launch(&dirs, &keyring);
    assert_eq!(page_facts(&app)["demo"], json!(true), "the demo at first");
    // The chat window may not call a settings command; its own commands work.
    assert!(invoke(&app, "app_info", json!({})).is_ok());
    for (command, args) in [
        ("settings_get", json!({})),
        ("settings_set_pin", json!({ "pin": "1234" })),
        ("settings_save", json!({ "settings": {} })),
    ] {
        let refused = invoke(&app, command, args).expect_err(command);
        assert!(refused.contains("not allowed"), "{command}: {refused}");
    }

    let windows = caregiver::open_settings(&app, PIN);
    screenshots_of_the_area(&app, &windows);
    caregiver::set_text_size(&app, 200);
    caregiver::set_language(&app, "zh-TW");
    let bank = caregiver::add_profile(
        &app,
        "relay",
        "Bank relay",
        &[("url", &server.url())],
        &[("token", TOKEN)],
    );
    caregiver::choose_profile(&app, &bank);
    caregiver::close_settings(&app, &windows);

    // The elder's window: in zh-TW at 200 %, talking to the relay server.
    wait_until(LIMIT, "the chat to follow the settings", || {
        let facts = page_facts(&app);
        if facts["lang"] == "zh-TW" && facts["scale"] == "2" && facts["demo"] == false {
            Ok(Some(()))
        } else {
            Err(facts.to_string())
        }
    });
    app.wait_for_attribute("data-connection", "online");
    app.screenshot("chat-relay-zh-TW-200");
    send(&app, "hello from the caregiver test");
    wait_received(&server, "hello from the caregiver test");
    logs.push_str(&app.log_text());
    drop(app);

    // A restart keeps all of it.
    let app = launch(&dirs, &keyring);
    let facts = page_facts(&app);
    assert_eq!(facts["lang"], "zh-TW", "{facts}");
    assert_eq!(facts["scale"], "2", "{facts}");
    assert_eq!(facts["demo"], false, "{facts}");
    app.wait_for_attribute("data-connection", "online");
    send(&app, "still here after a restart");
    wait_received(&server, "still here after a restart");

    // A wrong PIN does not open the settings.
    let windows = caregiver::open_settings_window(&app);
    assert_eq!(caregiver::screen(&app), "enter-pin");
    caregiver::type_pin(&app, "000000");
    app.wait_for_element_attribute("#pin-error", "data-message-id", "pin-wrong");
    assert_eq!(caregiver::screen(&app), "enter-pin");
    assert!(
        invoke(&app, "settings_get", json!({})).is_err(),
        "still locked in Rust"
    );
    // The right PIN opens it; the demo comes back with its conversation.
    caregiver::type_pin(&app, PIN);
    app.wait_for_element_attribute("#settings-app", "data-screen", "open");
    caregiver::choose_profile(&app, "demo");
    caregiver::close_settings(&app, &windows);
    wait_until(LIMIT, "the demo conversation", || {
        let demo = app
            .driver
            .execute(
                "return !!document.querySelector('#demo-banner') && document.querySelectorAll('.message[data-author-kind=\"bot\"]').length > 0;",
                vec![],
            )
            .map_err(|e| e.to_string())?;
        if demo == true {
            Ok(Some(()))
        } else {
            Err("not yet".into())
        }
    });
    logs.push_str(&app.log_text());
    drop(app);

    // The token is only in the keyring.
    for dir in [&dirs.data, &dirs.config] {
        assert_eq!(
            files_containing(dir, TOKEN),
            Vec::<PathBuf>::new(),
            "{}",
            dir.display()
        );
    }
    assert!(!logs.contains(TOKEN), "the token is in the log");
    assert_eq!(
        server.received().len(),
        2,
        "two messages counted at the relay server"
    );
    drop(keyring);
    let _ = std::fs::remove_dir_all(&dirs.root);
}

/// A damaged settings file (here: cut off mid-way) is put aside, never
/// overwritten; the chat says so in the user's language and the demo
/// conversation works. Before, the command-line handling read the file
/// first and put it aside, so the app found no file and said nothing.
#[test]
fn a_damaged_settings_file_is_told_in_the_chat_kept_aside_and_the_demo_answers() {
    let Dirs { root, data, config } = dirs("damaged");
    let damaged = b"{\"version\": 1, \"activeProfile\": ";
    std::fs::write(config.join("settings.json"), damaged).unwrap();
    let (data_dir, config_dir) = (data.display().to_string(), config.display().to_string());
    let app = App::launch(&[
        ("WARMLINE_LOCALE", "zh-CN"),
        ("WARMLINE_DATA_DIR", data_dir.as_str()),
        ("WARMLINE_CONFIG_DIR", config_dir.as_str()),
        ("WARMLINE_DEMO_REPLY_DELAY_MS", "200"),
    ]);
    app.wait_for_attribute("data-loaded", "true");
    app.wait_for_text(
        "#settings-problem",
        "the damaged-settings notice in Chinese",
        |text| text.contains("读不了它的设置"),
    );
    let kept: Vec<PathBuf> = std::fs::read_dir(&config)
        .unwrap()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".kept-"))
        })
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept aside: {kept:?}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), damaged, "unchanged");
    let bot_lines = |text: &str| text.matches("小晴").count();
    let before = bot_lines(&app.wait_for_text("#transcript", "the greeting", |t| bot_lines(t) > 0));
    send(&app, "我的账单太高了");
    app.wait_for_text(
        "#transcript",
        "the demo's answer after the question",
        |text| text.contains("我的账单太高了") && bot_lines(text) > before,
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&root);
}
