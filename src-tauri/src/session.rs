//! The app's session as Tauri state: a thin wrapper over
//! [`warmline_session::Session`] that forwards its changes to the window.
//!
//! Switching profiles, stores per profile and the epoch rule live in the
//! `warmline-session` crate, where they are tested without a window; this
//! file only connects them to Tauri.

use std::sync::Arc;

use tauri_specta::Event;
use warmline_backends::profile::{BackendProfile, ProfileId};
use warmline_core::{EngineError, EngineHandle, SecretSource};
use warmline_session::SessionError;

use crate::commands::ConversationUpdate;

/// The running conversation, managed by Tauri. Cheap to clone.
#[derive(Clone)]
pub struct AppSession {
    inner: Arc<warmline_session::Session>,
}

impl AppSession {
    /// Wraps a started session and forwards every change of every engine
    /// it will run to the window.
    pub fn new(app: tauri::AppHandle, session: warmline_session::Session) -> Self {
        let session = Self {
            inner: Arc::new(session),
        };
        forward_changes(app, session.inner.subscribe());
        session
    }

    /// The running engine, for one command.
    pub fn engine(&self) -> EngineHandle {
        self.inner.engine()
    }

    /// The session itself (snapshot, profile).
    pub fn session(&self) -> &warmline_session::Session {
        &self.inner
    }

    /// Switches the running conversation to `profile`, with its own store;
    /// for the settings area.
    pub async fn switch_to(
        &self,
        profile: BackendProfile,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<(), SessionError> {
        self.inner.switch_to(profile, secrets).await
    }

    /// New sign-in details were stored: the engine tries again at once.
    pub async fn credentials_changed(&self) -> Result<(), EngineError> {
        self.inner.credentials_changed().await
    }

    /// The active profile's id.
    pub fn active_profile(&self) -> ProfileId {
        self.inner.active_profile()
    }
}

/// Sends every change to the window. A window that missed changes (it
/// lagged behind) re-reads the snapshot, which the UI does by itself when it
/// sees a gap in the sequence numbers; a change of a new epoch (a switch of
/// profile) makes it re-read the snapshot too.
fn forward_changes(
    app: tauri::AppHandle,
    mut changes: tokio::sync::broadcast::Receiver<warmline_core::ConversationEvent>,
) {
    tauri::async_runtime::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(event) => {
                    if let Err(error) = ConversationUpdate(event).emit(&app) {
                        tracing::warn!(%error, "could not send a change to the window");
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, "the window fell behind the conversation");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}
