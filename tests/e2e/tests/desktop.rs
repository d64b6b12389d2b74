//! The app's desktop plugins in the real app, under a real window manager
//! (openbox on the test's Xvfb): system notifications while the chat window
//! is behind others (caught by the test's own notification daemon on a
//! private session bus), one window only (a second start brings the first
//! window forward and exits), and the window's size and place kept across
//! starts.
//!
//! Needs what every e2e test needs plus `openbox`, `xdotool`, `wmctrl` and
//! `xev` (`.ci/setup`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use warmline_e2e::desktop::{
    wait_for_active, window_named, xdotool, ManagedDisplay, NotificationServer, Notified, XClient,
};
use warmline_e2e::transcript::{messages, send, MESSAGE_WAIT};
use warmline_e2e::{start_session_bus, stop_group, wait_until, App, DEFAULT_WAIT};

/// The newest bot message's rendered text, once there are `count` of them.
fn nth_bot_message(app: &App, count: usize) -> String {
    wait_until(MESSAGE_WAIT, &format!("{count} bot message(s)"), || {
        let texts = messages(app, "bot")?;
        if texts.len() >= count {
            Ok(Some(texts[count - 1].clone()))
        } else {
            Err(format!("{texts:?}"))
        }
    })
}

fn bot_count(app: &App) -> usize {
    messages(app, "bot").map(|texts| texts.len()).unwrap_or(0)
}

#[test]
fn replies_and_a_person_joining_are_notified_in_chinese_only_while_the_window_is_behind() {
    let daemon = NotificationServer::start();
    let desktop = ManagedDisplay::start();
    let app = App::launch(&[
        ("DISPLAY", desktop.name()),
        ("GDK_BACKEND", "x11"),
        ("DBUS_SESSION_BUS_ADDRESS", daemon.address()),
        ("WARMLINE_LOCALE", "zh-CN"),
    ]);
    app.wait_for_visible("#composer-input");
    let chat = window_named(app.display(), "Warmline");
    xdotool(app.display(), &["windowactivate", "--sync", &chat]).expect("activating the chat");
    wait_for_active(app.display(), &chat, true);
    // Whatever arrived before the window had the focus (nothing, on the
    // demo) is not part of what is checked below.
    let before = daemon.received().len();

    // In front: the bot's answer is shown, and not notified.
    let bots = bot_count(&app);
    send(&app, "你好");
    let first = nth_bot_message(&app, bots + 1);

    // Behind another window: the next answer is notified.
    let cover = XClient::start(app.display(), "xev", &["-geometry", "1200x850+20+20"]);
    wait_for_active(app.display(), &chat, false);
    send(&app, "我的卡丢了");
    let second = nth_bot_message(&app, bots + 2);
    let received = daemon.wait_for(before + 1, MESSAGE_WAIT);
    // Notifications are decided in the order of the changes, so the
    // focused answer, earlier, was decided on before this one arrived.
    let notified: Vec<Notified> = received[before..].to_vec();
    assert_eq!(notified.len(), 1, "one notification: {notified:?}");
    let reply = &notified[0];
    assert!(
        reply.summary.ends_with("回复了您"),
        "a Chinese title: {reply:?}"
    );
    assert!(
        !reply.body.is_empty() && second.contains(&reply.body),
        "the body is the reply shown ({second:?}): {reply:?}"
    );
    assert!(
        !first.contains(&reply.body),
        "the notification is the answer given behind, not the one in front: {first:?}"
    );

    // A person: the queue's front and the person joining are notified.
    let person = app.wait_for_visible("#person-button");
    app.driver
        .click(&person)
        .expect("pressing Talk to a person");
    let joined = wait_until(MESSAGE_WAIT, "a person joining to be notified", || {
        let all = daemon.received();
        match all.iter().find(|n| n.summary == "人工客服已接入") {
            Some(found) => Ok(Some((found.clone(), all))),
            None => Err(format!("{all:?}")),
        }
    });
    let (joined, all) = joined;
    assert!(!joined.body.is_empty(), "who joined: {joined:?}");
    assert!(
        all.iter().any(|n| n.summary == "马上轮到您了"),
        "the queue's front was notified: {all:?}"
    );
    assert!(
        all.iter()
            .all(|n| !n.summary.is_ascii() && !n.body.is_ascii()),
        "every notification is in Chinese: {all:?}"
    );
    eprintln!("notifications received: {all:#?}");
    drop(cover);
}

#[test]
fn a_second_start_brings_the_first_window_forward_and_exits() {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let (bus, address) = start_session_bus(scratch.path()).expect("a private session bus");
    let app = App::launch(&[("DBUS_SESSION_BUS_ADDRESS", address.as_str())]);
    app.wait_for_visible("#composer-input");
    let _manager = XClient::window_manager(app.display());
    let chat = window_named(app.display(), "Warmline");
    xdotool(app.display(), &["windowminimize", "--sync", &chat]).expect("minimising");
    wait_until(DEFAULT_WAIT, "the chat window to be minimised", || {
        let state = window_state(app.display(), &chat)?;
        when(state.contains("Iconic"), (), state)
    });

    let second_data = scratch.path().join("second-data");
    let mut second = Command::new(app_binary())
        .env("DISPLAY", app.display())
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("WARMLINE_DATA_DIR", &second_data)
        .env("GDK_BACKEND", "x11")
        .env("NO_AT_BRIDGE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting the app a second time");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().expect("waiting for the second start") {
            break status;
        }
        if started.elapsed() > DEFAULT_WAIT {
            let _ = second.kill();
            let _ = second.wait();
            panic!("the second start did not exit within {DEFAULT_WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "the second start exits cleanly: {status}");

    // The first window is back, in front, and it is the only one.
    wait_until(DEFAULT_WAIT, "the chat window to be restored", || {
        let state = window_state(app.display(), &chat)?;
        when(state.contains("Normal"), (), state)
    });
    wait_for_active(app.display(), &chat, true);
    assert_eq!(window_named(app.display(), "Warmline"), chat, "one window");
    assert!(
        app.log_text().contains("a second start of Warmline"),
        "the first app heard of the second start"
    );
    // The first app still works.
    app.wait_for_visible("#composer-input");
    drop(app);
    stop_group(Some(bus));
}

#[test]
fn the_window_keeps_its_size_and_place_across_starts() {
    let data = tempfile::tempdir().expect("a data directory");
    let data_dir = data.path().to_string_lossy().into_owned();
    let env = [("WARMLINE_DATA_DIR", data_dir.as_str())];

    let app = App::launch(&env);
    app.wait_for_visible("#composer-input");
    let _manager = XClient::window_manager(app.display());
    let chat = window_named(app.display(), "Warmline");
    let default = app.driver.window_rect().expect("the window's size");
    let set = app
        .driver
        .set_window_rect(700.0, 560.0)
        .expect("resizing the window");
    xdotool(app.display(), &["windowmove", "--sync", &chat, "130", "90"]).expect("moving");
    let before = wait_until(DEFAULT_WAIT, "the window to be moved", || {
        let rect = app.driver.window_rect().map_err(|e| e.to_string())?;
        let seen = format!("{rect:?}");
        when(rect.x != default.x || rect.y != default.y, rect, seen)
    });
    assert!(
        (set.width - 700.0).abs() < 1.0 && (set.height - 560.0).abs() < 1.0,
        "resized: {set:?}"
    );
    // Closed as a user closes it: the window manager's close.
    Command::new("wmctrl")
        .args(["-i", "-c", &chat])
        .env("DISPLAY", app.display())
        .status()
        .expect("wmctrl");
    wait_until(DEFAULT_WAIT, "the window state to be saved", || {
        Ok(warmline_e2e::desktop::window_state_file(data.path()).map(|_| ()))
    });
    drop(app);

    let again = App::launch(&env);
    again.wait_for_visible("#composer-input");
    let after = again.driver.window_rect().expect("the window's size");
    eprintln!(
        "window: default {default:?}, before closing {before:?}, after the restart {after:?}"
    );
    assert!(
        (after.width - before.width).abs() <= 2.0 && (after.height - before.height).abs() <= 2.0,
        "the size is kept: before {before:?}, after {after:?} (default {default:?})"
    );
    assert!(
        (after.x - before.x).abs() <= 40.0 && (after.y - before.y).abs() <= 40.0,
        "the place is kept: before {before:?}, after {after:?}"
    );
}

/// A probe's answer for [`wait_until`]: `value` once `done`, else what was seen.
fn when<T>(done: bool, value: T, seen: String) -> Result<Option<T>, String> {
    if done {
        Ok(Some(value))
    } else {
        Err(seen)
    }
}

/// `WM_STATE` of `window` as `xprop` prints it (`Normal`, `Iconic`).
fn window_state(display: &str, window: &str) -> Result<String, String> {
    let out = Command::new("xprop")
        .args(["-id", window, "WM_STATE"])
        .env("DISPLAY", display)
        .output()
        .map_err(|e| format!("xprop: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn app_binary() -> PathBuf {
    PathBuf::from(std::env::var_os("WARMLINE_E2E_APP").expect("WARMLINE_E2E_APP"))
}
