//! The desktop around the app, for the tests of its desktop plugins: a
//! real window manager (openbox) on the app's display, so that focus,
//! "in front" and minimising mean what they mean on a user's desktop; a
//! plain X window to put in front of the app (`xev`); window queries and
//! actions through `xdotool`; and [`NotificationServer`], which owns
//! `org.freedesktop.Notifications` on a private session bus and records
//! every `Notify` call, as a desktop's notification daemon would receive it.

use std::collections::HashMap;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{scratch_dir, start_session_bus, start_xvfb, stop_group, wait_until, DEFAULT_WAIT};

/// Runs `xdotool args…` on `display` and returns its output, trimmed.
pub fn xdotool(display: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("xdotool: {e} (apt-get install xdotool, or run `bash .ci/setup`)"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!(
            "xdotool {args:?}: {} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// A program of the test running on the app's display (the window manager,
/// a covering window), stopped with its process group when dropped.
pub struct XClient {
    child: Option<Child>,
}

impl XClient {
    /// Starts `program args…` on `display`.
    ///
    /// # Panics
    ///
    /// When the program cannot be started.
    pub fn start(display: &str, program: &str, args: &[&str]) -> XClient {
        let child = Command::new(program)
            .args(args)
            .env("DISPLAY", display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e} (run `bash .ci/setup`)"));
        XClient { child: Some(child) }
    }

    /// Starts openbox on `display` and waits until it manages the screen.
    pub fn window_manager(display: &str) -> XClient {
        let manager = XClient::start(display, "openbox", &["--sm-disable"]);
        wait_until(DEFAULT_WAIT, "openbox to manage the screen", || {
            // A window manager of the EWMH kind names its check window.
            let out = Command::new("xprop")
                .args(["-root", "_NET_SUPPORTING_WM_CHECK"])
                .env("DISPLAY", display)
                .output()
                .map_err(|e| format!("xprop: {e}"))?;
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if text.contains("window id") {
                Ok(Some(()))
            } else {
                Err(text)
            }
        });
        manager
    }
}

/// A private X display with openbox already managing it, for the app to
/// start on (its `DISPLAY`), as on a user's desktop where the window
/// manager is there before any program.
///
/// Why not start openbox after the app: GTK then maps its window unmanaged,
/// with the pointer over it, and openbox takes the window over later. In 2
/// of 18 runs GTK afterwards never saw the window lose the focus to a window
/// put in front of it (X gave the focus to the other window; the page's
/// `document.hasFocus()` stayed true for as long as it was watched), so no
/// reply was notified; 0 of 32 with openbox first.
pub struct ManagedDisplay {
    // Dropped before the X server.
    manager: Option<XClient>,
    xvfb: Option<Child>,
    name: String,
}

impl ManagedDisplay {
    /// Starts Xvfb on the first free display from :90 and openbox on it,
    /// and waits until openbox manages the screen.
    ///
    /// # Panics
    ///
    /// When Xvfb or openbox cannot be started.
    pub fn start() -> ManagedDisplay {
        let (xvfb, name) = start_xvfb(&scratch_dir());
        let manager = XClient::window_manager(&name);
        ManagedDisplay {
            manager: Some(manager),
            xvfb: Some(xvfb),
            name,
        }
    }

    /// The display's name (for example `:90`), for the app's `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ManagedDisplay {
    fn drop(&mut self) {
        drop(self.manager.take());
        stop_group(self.xvfb.take());
    }
}

impl Drop for XClient {
    fn drop(&mut self) {
        stop_group(self.child.take());
    }
}

/// The X window id of the one visible top-level window titled `title`.
pub fn window_named(display: &str, title: &str) -> String {
    let pattern = format!("^{title}$");
    wait_until(
        DEFAULT_WAIT,
        &format!("one visible window {title:?}"),
        || {
            let found = xdotool(display, &["search", "--onlyvisible", "--name", &pattern])?;
            let ids: Vec<&str> = found.lines().collect();
            match ids.as_slice() {
                [one] => Ok(Some((*one).to_owned())),
                _ => Err(format!("windows {ids:?}")),
            }
        },
    )
}

/// The window the window manager has active (`_NET_ACTIVE_WINDOW`).
pub fn active_window(display: &str) -> Result<String, String> {
    xdotool(display, &["getactivewindow"])
}

/// Waits until the window manager has `window` active (or, with
/// `active == false`, some other window).
pub fn wait_for_active(display: &str, window: &str, active: bool) {
    let what = if active {
        format!("window {window} to be active")
    } else {
        format!("a window other than {window} to be active")
    };
    wait_until(DEFAULT_WAIT, &what, || {
        let now = active_window(display)?;
        if (now == window) == active {
            Ok(Some(()))
        } else {
            Err(format!("active: {now}"))
        }
    });
}

/// One `Notify` call as the notification daemon received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notified {
    /// The sending program's name.
    pub app_name: String,
    /// The title.
    pub summary: String,
    /// The text.
    pub body: String,
}

/// The recording daemon's D-Bus object.
struct Daemon {
    received: Arc<Mutex<Vec<Notified>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Daemon {
    fn get_capabilities(&self) -> Vec<String> {
        vec!["body".into()]
    }

    #[allow(clippy::too_many_arguments)]
    fn notify(
        &self,
        app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, zbus::zvariant::OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut received = self.received.lock().expect("the notification list");
        received.push(Notified {
            app_name,
            summary,
            body,
        });
        u32::try_from(received.len()).unwrap_or(u32::MAX)
    }

    fn close_notification(&self, _id: u32) {}

    fn get_server_information(&self) -> (String, String, String, String) {
        (
            "warmline-e2e".into(),
            "Warmline".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

/// A private session bus on which the test owns
/// `org.freedesktop.Notifications` and records every notification; the
/// app is given its address (`DBUS_SESSION_BUS_ADDRESS`).
pub struct NotificationServer {
    received: Arc<Mutex<Vec<Notified>>>,
    address: String,
    // Dropped before the bus.
    _connection: zbus::blocking::Connection,
    bus: Option<Child>,
    scratch: std::path::PathBuf,
}

impl NotificationServer {
    /// Starts the bus and takes the name.
    ///
    /// # Panics
    ///
    /// When `dbus-daemon` cannot start or the name cannot be taken.
    pub fn start() -> NotificationServer {
        let scratch = scratch_dir();
        let (bus, address) = start_session_bus(&scratch).expect("a private session bus");
        let received = Arc::new(Mutex::new(Vec::new()));
        let daemon = Daemon {
            received: received.clone(),
        };
        let connection = zbus::blocking::connection::Builder::address(address.as_str())
            .and_then(|builder| builder.name("org.freedesktop.Notifications"))
            .and_then(|builder| builder.serve_at("/org/freedesktop/Notifications", daemon))
            .and_then(|builder| builder.build())
            .unwrap_or_else(|e| panic!("owning org.freedesktop.Notifications: {e}"));
        NotificationServer {
            received,
            address,
            _connection: connection,
            bus: Some(bus),
            scratch,
        }
    }

    /// The bus address, for the app's `DBUS_SESSION_BUS_ADDRESS`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Every notification received so far, in order.
    pub fn received(&self) -> Vec<Notified> {
        self.received.lock().expect("the notification list").clone()
    }

    /// Waits until at least `count` notifications arrived, and returns all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Notified> {
        wait_until(timeout, &format!("{count} notification(s)"), || {
            let now = self.received();
            if now.len() >= count {
                Ok(Some(now))
            } else {
                Err(format!("{now:?}"))
            }
        })
    }
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        stop_group(self.bus.take());
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Reads the window-state file the app keeps in `data_dir`, if any.
pub fn window_state_file(data_dir: &Path) -> Option<String> {
    std::fs::read_to_string(data_dir.join("window-state.json")).ok()
}
