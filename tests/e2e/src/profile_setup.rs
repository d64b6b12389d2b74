//! A caregiver's set-up of the real app for one test: a real keyring
//! (`gnome-keyring-daemon` under its own `dbus-run-session`, unlocked with
//! a test password), the app's config and data directories, and one
//! backend profile made active with its secrets in that keyring.
//!
//! [`Caregiver::set_up_profile`] does it the way a caregiver can today
//! without the settings area: the profile as an export file
//! (`warmline-settings` transfer format) given to `warmline --profile FILE`,
//! and its secrets stored in the keyring through `warmline_settings`'s
//! keyring API. It is the one place to change when the settings area's
//! steps are used instead.
//!
//! Every launch of the same [`Caregiver`] sees the same keyring, settings
//! and conversation store, so closing and starting the app again is a
//! restart, not a new installation.

use std::path::{Path, PathBuf};

use warmline_backends::profile::BackendProfile;
use warmline_core::Secret;
use warmline_keyring_session::{KeyringSession, TEST_PASSWORD};
use warmline_settings::{transfer, SystemKeyring};

use crate::App;

/// One test's keyring, settings and data, and the launches of the app on
/// them. Dropping it stops the keyring's session and deletes its files.
pub struct Caregiver {
    keyring: KeyringSession,
    root: PathBuf,
    secrets: Vec<String>,
}

impl Caregiver {
    /// A fresh keyring session and empty config and data directories.
    ///
    /// # Panics
    ///
    /// When the keyring daemon cannot be started (`.ci/setup` installs it).
    pub fn new() -> Caregiver {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!(
            "warmline-e2e-caregiver-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["config", "data"] {
            std::fs::create_dir_all(root.join(dir)).expect("creating the caregiver's directories");
        }
        let keyring = KeyringSession::start(&root, TEST_PASSWORD)
            .unwrap_or_else(|error| panic!("a real keyring for the app: {error}"));
        Caregiver {
            keyring,
            root,
            secrets: Vec::new(),
        }
    }

    /// The app's settings directory (`WARMLINE_CONFIG_DIR`).
    pub fn config_dir(&self) -> PathBuf {
        self.root.join("config")
    }

    /// The app's data directory (`WARMLINE_DATA_DIR`), the same at every
    /// launch.
    pub fn data_dir(&self) -> PathBuf {
        self.root.join("data")
    }

    /// The keyring the app uses.
    pub fn keyring(&self) -> &KeyringSession {
        &self.keyring
    }

    fn env<'a>(
        &'a self,
        dirs: &'a [String; 2],
        extra: &[(&'a str, &'a str)],
    ) -> Vec<(&'a str, &'a str)> {
        let mut env = vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.keyring.bus_address()),
            ("WARMLINE_CONFIG_DIR", dirs[0].as_str()),
            ("WARMLINE_DATA_DIR", dirs[1].as_str()),
        ];
        env.extend_from_slice(extra);
        env
    }

    fn dirs(&self) -> [String; 2] {
        [
            self.config_dir().to_string_lossy().into_owned(),
            self.data_dir().to_string_lossy().into_owned(),
        ]
    }

    /// Sets `profile` up as the active profile with `secrets` (name, value)
    /// in the keyring, then starts the app on it with the extra environment
    /// `env`, and returns it once its window is there.
    pub fn set_up_profile(
        &mut self,
        profile: &BackendProfile,
        secrets: &[(&str, &str)],
        env: &[(&str, &str)],
    ) -> App {
        let keyring = SystemKeyring::new(profile.id.clone());
        self.keyring.with_bus(|| {
            for (name, value) in secrets {
                keyring
                    .store(name, &Secret::new(*value))
                    .unwrap_or_else(|error| panic!("storing the secret {name}: {error}"));
            }
        });
        self.secrets
            .extend(secrets.iter().map(|(_, value)| (*value).to_owned()));
        let file = self
            .root
            .join(format!("{}.warmline-profile.json", profile.id.0));
        std::fs::write(&file, transfer::export(profile)).expect("writing the profile file");
        let dirs = self.dirs();
        let file = file.to_string_lossy().into_owned();
        let app = App::launch_with_args(&self.env(&dirs, env), &["--profile", &file]);
        app.wait_for("#person-button");
        app
    }

    /// Starts the app again on what was set up (closing it is dropping the
    /// [`App`]), with the extra environment `env`.
    pub fn launch(&self, env: &[(&str, &str)]) -> App {
        let dirs = self.dirs();
        let app = App::launch_with_args(&self.env(&dirs, env), &[]);
        app.wait_for("#person-button");
        app
    }

    /// Every file under the config and data directories, and the app's log,
    /// that contains one of the secrets set up: none should.
    pub fn files_with_secrets(&self, app: &App) -> Vec<PathBuf> {
        let needles: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        let mut found = files_containing(&self.config_dir(), &needles);
        found.extend(files_containing(&self.data_dir(), &needles));
        found.extend(files_containing(app.log_path(), &needles));
        found
    }
}

impl Default for Caregiver {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Caregiver {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

/// Every file at or under `path` that contains one of `needles`.
fn files_containing(path: &Path, needles: &[&str]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|entry| entry.path()));
            }
        } else if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            if needles.iter().any(|needle| text.contains(needle)) {
                found.push(path);
            }
        }
    }
    found
}
