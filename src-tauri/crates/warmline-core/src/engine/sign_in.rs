//! Signing in: a backend that refuses Warmline's sign-in is not asked again
//! until the caregiver gives new sign-in details, and sign-in details that
//! cannot be read (a locked keyring) are retried like a lost network.
//!
//! Nothing the user wrote is dropped or failed meanwhile: the outbox and a
//! request for a person wait, and go out the moment the sign-in works.

use super::actor::Engine;
use crate::backend::BackendError;
use crate::domain::ConnectionState;
use crate::error::{ErrorCode, UiError};

/// Where the sign-in stands.
#[derive(Debug, Default)]
pub(super) struct SignIn {
    /// The backend refused the sign-in; nothing is tried until
    /// [`Engine::credentials_changed`].
    pub(super) refused: bool,
    /// The user was told the sign-in details cannot be read; not again until
    /// a connection succeeds.
    credentials_unavailable_told: bool,
}

impl Engine {
    /// A call was answered [`BackendError::Unauthorized`]: stop trying, and
    /// say so (the alert once, the status area while it lasts).
    pub(super) fn sign_in_refused(&mut self, error: &BackendError) {
        tracing::warn!(%error, "the backend refused the sign-in; waiting for new sign-in details");
        if self.sign_in.refused {
            return;
        }
        self.sign_in.refused = true;
        self.link.reconnect_at = None;
        self.link.stop_probe();
        self.outbox.resend_at = None;
        self.view.set_connection(ConnectionState::SignInNeeded);
        self.view.report(UiError::from(ErrorCode::SignInRefused));
    }

    /// A transient failure; a keyring that cannot be read is told once per
    /// outage (the engine keeps trying with its backoff).
    pub(super) fn transient_failure(&mut self, error: &BackendError) {
        if matches!(error, BackendError::CredentialsUnavailable(_))
            && !self.sign_in.credentials_unavailable_told
        {
            self.sign_in.credentials_unavailable_told = true;
            self.view
                .report(UiError::from(ErrorCode::CredentialsUnavailable));
        }
    }

    /// A conversation opened: the sign-in works.
    pub(super) fn signed_in(&mut self) {
        self.sign_in = SignIn::default();
    }

    /// The caregiver gave new sign-in details: try at once, whatever waited.
    pub(super) fn credentials_changed(&mut self) {
        let was_refused = self.sign_in.refused;
        self.sign_in = SignIn::default();
        self.link.backoff.reset();
        if self.link.is_connected() {
            if was_refused {
                self.view.set_connection(ConnectionState::Online);
            }
            if let Some(request) = self.handoff.to_send.take() {
                self.send_handoff_request(request);
            }
            self.outbox.resend_at = None;
            self.flush_outbox();
        } else {
            if was_refused {
                self.view
                    .set_connection(if self.link.conversation.is_some() {
                        ConnectionState::Reconnecting
                    } else {
                        ConnectionState::Connecting
                    });
            }
            self.open_conversation();
        }
    }
}
