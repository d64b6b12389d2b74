//! A real Secret Service for tests: `gnome-keyring-daemon` with its login
//! keyring created and unlocked with a test password.
//!
//! Two ways, one daemon starter:
//!
//! - [`KeyringDaemon::start`] on the session bus this process already has
//!   (`DBUS_SESSION_BUS_ADDRESS`), for a test that re-runs itself under
//!   `dbus-run-session` (the keyring tests of `warmline-settings`);
//! - [`KeyringSession::start`]: its own `dbus-run-session` with the daemon
//!   in it and HOME/XDG directories under a directory of the test's, for
//!   tests that start other programs (the real app in the end-to-end tests):
//!   they get [`KeyringSession::bus_address`] as their
//!   `DBUS_SESSION_BUS_ADDRESS`.
//!
//! The daemon never prompts (no `DISPLAY` is passed to it): a locked keyring
//! is an error for the caller, never a dialog waiting for a person.
//!
//! Needs `dbus-run-session`, `dbus-send` (Debian: dbus) and
//! `gnome-keyring-daemon` (Debian: gnome-keyring); `.ci/setup` installs
//! them.

use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password the tests' login keyrings are created and unlocked with.
pub const TEST_PASSWORD: &str = "keyring-test-password";

/// How long the daemon may take to own the Secret Service name: a generous
/// limit for a slow machine, not a timing assertion.
const START_LIMIT: Duration = Duration::from_secs(30);

/// What can go wrong starting or driving the keyring.
#[derive(Debug, thiserror::Error)]
pub enum KeyringSessionError {
    /// A program could not be started (most likely not installed).
    #[error(
        "starting {program}: {source} (Debian packages dbus and gnome-keyring; run .ci/setup)"
    )]
    Spawn {
        /// The program.
        program: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// `dbus-run-session` did not say its bus address.
    #[error("dbus-run-session did not print its bus address")]
    NoAddress,
    /// The daemon never owned `org.freedesktop.secrets` on the bus.
    #[error("gnome-keyring-daemon did not take the Secret Service name within {0:?}")]
    NotStarted(Duration),
    /// A D-Bus call failed.
    #[error("dbus-send {call}: {detail}")]
    Call {
        /// The method called.
        call: &'static str,
        /// What it said.
        detail: String,
    },
    /// Preparing the session's directories failed.
    #[error("preparing {path}: {source}")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Which bus a `dbus-send` talks to.
#[derive(Debug, Clone)]
enum Bus {
    /// `DBUS_SESSION_BUS_ADDRESS` of this process.
    Session,
    /// A given address.
    Address(String),
}

impl Bus {
    fn arg(&self) -> String {
        match self {
            Bus::Session => "--session".into(),
            Bus::Address(address) => format!("--bus={address}"),
        }
    }

    fn send(&self, call: &'static str, args: &[&str]) -> Result<String, KeyringSessionError> {
        let output = Command::new("dbus-send")
            .arg(self.arg())
            .arg("--print-reply")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|source| KeyringSessionError::Spawn {
                program: "dbus-send",
                source,
            })?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(KeyringSessionError::Call {
                call,
                detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }

    /// Whether someone owns the Secret Service name on this bus.
    fn has_secret_service(&self) -> bool {
        self.send(
            "NameHasOwner",
            &[
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ],
        )
        .is_ok_and(|reply| reply.contains("true"))
    }

    /// Waits (bounded) until the Secret Service name is owned.
    fn wait_for_secret_service(&self, daemon: &mut Child) -> Result<(), KeyringSessionError> {
        let started = Instant::now();
        while started.elapsed() < START_LIMIT {
            if self.has_secret_service() {
                return Ok(());
            }
            if let Ok(Some(_)) = daemon.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(KeyringSessionError::NotStarted(START_LIMIT))
    }

    fn lock_login_collection(&self) -> Result<(), KeyringSessionError> {
        self.send(
            "Lock",
            &[
                "--dest=org.freedesktop.secrets",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ],
        )
        .map(drop)
    }
}

/// The daemon's command line: the Secret Service only, in the foreground,
/// with `--unlock` (the password on standard input) when unlocking.
fn daemon_args(unlock: bool) -> Vec<&'static str> {
    let mut args = vec!["--foreground", "--components=secrets"];
    if unlock {
        args.push("--unlock");
    }
    args
}

/// Writes the password (if any) to the daemon's standard input and closes it.
fn hand_over_password(child: &mut Child, password: Option<&str>) {
    if let Some(mut stdin) = child.stdin.take() {
        if let Some(password) = password {
            // A daemon that died already is reported by the wait after this.
            let _ = stdin.write_all(password.as_bytes());
        }
    }
}

/// A `gnome-keyring-daemon` on this process's session bus, stopped when
/// dropped.
#[derive(Debug)]
pub struct KeyringDaemon {
    child: Child,
}

impl KeyringDaemon {
    /// Starts the daemon on the session bus of this process (for example
    /// under `dbus-run-session`), with the HOME and XDG directories of this
    /// process. `unlock_with`: creates the login keyring if needed and
    /// unlocks it with that password; `None`: no keyring is unlocked.
    /// Returns once the daemon owns the Secret Service name.
    pub fn start(unlock_with: Option<&str>) -> Result<KeyringDaemon, KeyringSessionError> {
        let mut child = Command::new("gnome-keyring-daemon")
            .args(daemon_args(unlock_with.is_some()))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| KeyringSessionError::Spawn {
                program: "gnome-keyring-daemon",
                source,
            })?;
        hand_over_password(&mut child, unlock_with);
        let mut daemon = KeyringDaemon { child };
        Bus::Session.wait_for_secret_service(&mut daemon.child)?;
        Ok(daemon)
    }

    /// Locks the login keyring again (its items stay, reading them fails).
    pub fn lock(&self) -> Result<(), KeyringSessionError> {
        Bus::Session.lock_login_collection()
    }
}

impl Drop for KeyringDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A session bus of its own (`dbus-run-session`) with an unlocked
/// `gnome-keyring-daemon` on it, its keyrings under `root/home`; the whole
/// process group is stopped when dropped.
#[derive(Debug)]
pub struct KeyringSession {
    child: Option<Child>,
    address: String,
    home: PathBuf,
}

impl KeyringSession {
    /// Starts `dbus-run-session` running `gnome-keyring-daemon` with HOME,
    /// `XDG_DATA_HOME`, `XDG_CONFIG_HOME` and `XDG_RUNTIME_DIR` under `root`
    /// (created if needed), the login keyring unlocked with `password`.
    /// Returns once the daemon owns the Secret Service name.
    pub fn start(root: &Path, password: &str) -> Result<KeyringSession, KeyringSessionError> {
        let home = root.join("keyring-home");
        let runtime = root.join("keyring-run");
        for dir in [&home, &runtime] {
            std::fs::create_dir_all(dir).map_err(|source| KeyringSessionError::Directory {
                path: dir.clone(),
                source,
            })?;
        }
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).map_err(
                |source| KeyringSessionError::Directory {
                    path: runtime.clone(),
                    source,
                },
            )?;
        }
        // The shell says the new bus's address, then becomes the daemon
        // (its standard input, the password, passes through).
        let script = format!(
            "printf '%s\\n' \"$DBUS_SESSION_BUS_ADDRESS\"; exec gnome-keyring-daemon {}",
            daemon_args(true).join(" ")
        );
        let mut child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            // Its own process group: dbus-daemon and the keyring daemon
            // join it, and dropping the session signals the whole group.
            .process_group(0)
            .spawn()
            .map_err(|source| KeyringSessionError::Spawn {
                program: "dbus-run-session",
                source,
            })?;
        let stdout = child.stdout.take();
        let mut session = KeyringSession {
            child: Some(child),
            address: String::new(),
            home,
        };
        let mut line = String::new();
        if let Some(stdout) = stdout {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        session.address = line.trim().to_owned();
        if session.address.is_empty() {
            return Err(KeyringSessionError::NoAddress);
        }
        let child = session.child.as_mut().expect("just started");
        hand_over_password(child, Some(password));
        Bus::Address(session.address.clone()).wait_for_secret_service(child)?;
        Ok(session)
    }

    /// The address of the session bus: the `DBUS_SESSION_BUS_ADDRESS` of
    /// every program that should use this keyring.
    pub fn bus_address(&self) -> &str {
        &self.address
    }

    /// Where the daemon keeps its keyring files (encrypted).
    pub fn keyrings_dir(&self) -> PathBuf {
        self.home.join(".local/share/keyrings")
    }

    /// Runs `f` with this process's `DBUS_SESSION_BUS_ADDRESS` set to this
    /// session's bus, then puts the previous value back: for storing or
    /// reading secrets through the keyring API in the test itself. The
    /// variable is process-wide, so only single-threaded tests
    /// (`--test-threads=1`) may use it.
    pub fn with_bus<T>(&self, f: impl FnOnce() -> T) -> T {
        const NAME: &str = "DBUS_SESSION_BUS_ADDRESS";
        let previous = std::env::var_os(NAME);
        std::env::set_var(NAME, &self.address);
        let result = f();
        match previous {
            Some(value) => std::env::set_var(NAME, value),
            None => std::env::remove_var(NAME),
        }
        result
    }

    /// Locks the login keyring (its items stay, reading them fails).
    pub fn lock(&self) -> Result<(), KeyringSessionError> {
        Bus::Address(self.address.clone()).lock_login_collection()
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = format!("-{}", child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args(["-s", name, "--", &group])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever of the group is still alive (dbus-daemon outlives its
        // parent for a moment).
        signal("KILL");
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_of_its_own_serves_the_secret_service_and_locks() {
        let root = std::env::temp_dir().join(format!("warmline-keyring-{}", std::process::id()));
        let session = KeyringSession::start(&root, TEST_PASSWORD).unwrap();
        assert!(session.bus_address().starts_with("unix:"));
        let bus = Bus::Address(session.bus_address().to_owned());
        assert!(bus.has_secret_service());
        // The login keyring exists and is unlocked: reading its Locked
        // property says false; after lock, true.
        let locked = || {
            bus.send(
                "Get",
                &[
                    "--dest=org.freedesktop.secrets",
                    "/org/freedesktop/secrets/collection/login",
                    "org.freedesktop.DBus.Properties.Get",
                    "string:org.freedesktop.Secret.Collection",
                    "string:Locked",
                ],
            )
            .unwrap()
        };
        assert!(locked().contains("boolean false"), "{}", locked());
        session.lock().unwrap();
        assert!(locked().contains("boolean true"), "{}", locked());
        assert!(session.keyrings_dir().is_dir());
        drop(session);
        // The bus is gone with the session.
        assert!(!bus.has_secret_service());
        let _ = std::fs::remove_dir_all(&root);
    }
}
