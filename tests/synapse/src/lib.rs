//! A real Matrix homeserver for Warmline's tests: Synapse from PyPI, at the
//! versions pinned in `requirements.txt`, installed into a venv cached
//! outside the clone (`install-synapse`), started on loopback with SQLite in
//! a temporary folder, shared-secret registration and no rate limits.
//!
//! [`Synapse`] runs one server (start, stop, crash, restart, wipe);
//! [`TestUser`] is a small independent client for the test's agents and
//! readers; [`SupportSetup`] registers a user and two agents and creates
//! the support room, ready for a Warmline profile
//! ([`SupportSetup::room_settings`]). The end-to-end tests of the real app
//! use the same pieces.
//!
//! Nothing here is shipped in the app.

mod client;
mod install;
mod server;
mod tls;

pub use client::{RequestError, TestUser};
pub use install::synapse_python;
pub use server::{Synapse, SERVER_NAME};
pub use tls::TestCertificates;

use warmline_backends::matrix::MatrixSettings;
use warmline_backends::profile::{BackendProfile, BackendSettings, ProfileId};

/// A user, two agents and a support room on a test homeserver.
#[derive(Debug, Clone)]
pub struct SupportSetup {
    /// The Warmline user's account (Warmline signs in with its password).
    pub user: TestUser,
    /// The agents, "Agent Lin" (the room's creator) and "Agent Mei" (power
    /// level 50), both in the room.
    pub agents: [TestUser; 2],
    /// The support room: private (invite-only), unencrypted, the user
    /// invited, the first agent its creator.
    pub room: String,
}

impl SupportSetup {
    /// Registers `<prefix>-user`, `<prefix>-lin` and `<prefix>-mei` and
    /// creates their support room. `prefix` keeps tests that share a server
    /// apart.
    pub fn new(synapse: &Synapse, prefix: &str) -> Result<Self, String> {
        let user = synapse.register(&format!("{prefix}-user"), "Anna")?;
        let lin = synapse.register(&format!("{prefix}-lin"), "Agent Lin")?;
        let mei = synapse.register(&format!("{prefix}-mei"), "Agent Mei")?;
        let room = lin.create_room("Support", &[user.user_id(), mei.user_id()]);
        mei.join(&room);
        // The creator (Lin) has the room's highest power already; from room
        // version 12 on it is not listed in the power levels at all.
        lin.set_power_level(&room, mei.user_id(), 50);
        Ok(Self {
            user,
            agents: [lin, mei],
            room,
        })
    }

    /// A Warmline profile for the user in the support room, with both
    /// agents listed.
    pub fn room_settings(&self, synapse: &Synapse) -> MatrixSettings {
        let mut settings =
            MatrixSettings::in_room(&synapse.base_url(), self.user.user_id(), &self.room);
        settings.agents = self.agents.iter().map(|a| a.user_id().to_owned()).collect();
        settings
    }

    /// The whole profile a caregiver would set up for this room (its one
    /// secret, the `password`, is [`TestUser::password`] of
    /// [`Self::user`], to be put into the keyring), e.g. to start the real
    /// app with.
    pub fn profile(&self, synapse: &Synapse) -> BackendProfile {
        BackendProfile {
            id: ProfileId("matrix-test".into()),
            name: "Support on Matrix".into(),
            backend: BackendSettings::Matrix(self.room_settings(synapse)),
        }
    }
}
