//! A real Secret Service for the app under test: a session bus of its own
//! (`dbus-daemon`) with `gnome-keyring-daemon` on it, its login keyring
//! created and unlocked with a test password, and its files under a
//! scratch HOME (never the user's keyring). It outlives app restarts: pass
//! [`TestKeyring::env`] to every [`crate::App::launch`] of one test, and the
//! secrets stored by the first run are there for the next.
//!
//! Needs `dbus-daemon`, `dbus-send` and `gnome-keyring-daemon` (Debian:
//! dbus, gnome-keyring; installed by `.ci/setup`).

use std::io::Write as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The test password of the login keyring.
const PASSWORD: &str = "e2e-keyring-password";

/// A running session bus with an unlocked gnome-keyring on it.
pub struct TestKeyring {
    bus: Option<Child>,
    daemon: Option<Child>,
    address: String,
    home: PathBuf,
}

impl TestKeyring {
    /// Starts the bus and the keyring under `root` (created if needed).
    ///
    /// # Panics
    ///
    /// With a clear message when `dbus-daemon` or `gnome-keyring-daemon` is
    /// missing or does not come up.
    pub fn start(root: &Path) -> TestKeyring {
        let home = root.join("keyring-home");
        let runtime = root.join("keyring-run");
        for dir in [&home, &runtime] {
            std::fs::create_dir_all(dir).expect("creating the keyring's directories");
        }
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
                .expect("a private runtime directory");
        }
        let socket = root.join("keyring-bus");
        let address = format!("unix:path={}", socket.display());
        let bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address={address}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("dbus-daemon (Debian package dbus) is installed");
        let mut keyring = TestKeyring {
            bus: Some(bus),
            daemon: None,
            address,
            home,
        };
        wait_for("the keyring's session bus", || socket.exists());
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--components=secrets", "--unlock"])
            .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
            .env("HOME", &keyring.home)
            .env("XDG_DATA_HOME", keyring.home.join(".local/share"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("gnome-keyring-daemon (Debian package gnome-keyring) is installed");
        if let Some(mut stdin) = daemon.stdin.take() {
            stdin
                .write_all(PASSWORD.as_bytes())
                .expect("unlocking the test keyring");
        }
        keyring.daemon = Some(daemon);
        let address = keyring.address.clone();
        wait_for("gnome-keyring-daemon on the Secret Service name", || {
            Command::new("dbus-send")
                .args([
                    "--session",
                    "--dest=org.freedesktop.DBus",
                    "--print-reply",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .output()
                .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("true"))
        });
        keyring
    }

    /// The variables that put the app on this keyring's bus.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![("DBUS_SESSION_BUS_ADDRESS", self.address.clone())]
    }

    /// Where the keyring keeps its (encrypted) files.
    pub fn home(&self) -> &Path {
        &self.home
    }
}

impl Drop for TestKeyring {
    fn drop(&mut self) {
        for child in [self.daemon.take(), self.bus.take()].into_iter().flatten() {
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Waits (bounded, not an assertion about time) until `ready` holds.
fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if ready() {
            return;
        }
        thread::sleep(Duration::from_millis(50));
    }
    panic!("{what} did not come up within 30 s");
}
