//! A real Secret Service for the app under test, for tests that need only
//! the bus address: a thin face of [`warmline_keyring_session::KeyringSession`]
//! (a session bus of its own with an unlocked `gnome-keyring-daemon`, its
//! files under a scratch HOME, never the user's keyring). It outlives app
//! restarts: pass [`TestKeyring::env`] to every [`crate::App::launch`] of one
//! test, and the secrets stored by the first run are there for the next.
//!
//! Needs `dbus-run-session` and `gnome-keyring-daemon` (Debian: dbus,
//! gnome-keyring; installed by `.ci/setup`).

use std::path::{Path, PathBuf};

use warmline_keyring_session::{KeyringSession, TEST_PASSWORD};

/// A running session bus with an unlocked gnome-keyring on it; stopped
/// when dropped.
pub struct TestKeyring {
    session: KeyringSession,
}

impl TestKeyring {
    /// Starts the bus and the keyring under `root` (created if needed).
    ///
    /// # Panics
    ///
    /// With the reason when `dbus-run-session` or `gnome-keyring-daemon` is
    /// missing or does not come up.
    pub fn start(root: &Path) -> TestKeyring {
        let session = KeyringSession::start(root, TEST_PASSWORD)
            .unwrap_or_else(|error| panic!("a test keyring: {error}"));
        TestKeyring { session }
    }

    /// The variables that put the app on this keyring's bus.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![(
            "DBUS_SESSION_BUS_ADDRESS",
            self.session.bus_address().to_owned(),
        )]
    }

    /// Where the keyring keeps its (encrypted) files.
    pub fn keyrings_dir(&self) -> PathBuf {
        self.session.keyrings_dir()
    }
}
