//! The session: the conversation engine running on the active backend
//! profile, with that profile's own store, and the switch to another
//! profile while the app runs.
//!
//! The app shell (`src-tauri/src/session.rs`) wraps a [`Session`] and
//! forwards [`Session::subscribe`] to the window; everything that decides
//! what runs where lives here, without Tauri, so it is tested without a
//! window.
//!
//! # What a switch guarantees
//!
//! * **Nothing of one profile reaches another.** Each profile has its own
//!   store ([`open_profile_store`]), so its unsent messages, the request for
//!   a person, the conversation id and the adapter's resume state stay with
//!   it. A command the window sent to the old engine is answered by the old
//!   engine (or with [`EngineError::Stopped`]), never handed to the new one.
//! * **Nothing is lost.** The old engine is stopped with
//!   [`EngineHandle::shutdown`], which applies the commands before it and
//!   leaves everything in its store; switching back picks it all up again.
//! * **The window misses no event of the new engine.** Each engine has the
//!   next epoch, and its events are received from its very first (the
//!   engine is started subscribed). Every event of the old epoch is passed
//!   on before the first of the new one, so the window sees the epoch
//!   change once, re-reads the snapshot, and applies what follows it.

mod stores;

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::{broadcast, oneshot, Mutex};
use tokio::task::JoinHandle;
use warmline_backends::demo::DemoConfig;
use warmline_backends::factory::{build, AdapterContext, FactoryError};
use warmline_backends::profile::{BackendProfile, FieldError, ProfileId};
use warmline_core::{
    ConversationEvent, ConversationSnapshot, ConversationStore, EngineConfig, EngineError,
    EngineHandle, MessageId, MessagePage, ResumeState, SecondOpinion, SecretSource, SupportBackend,
};

pub use stores::open_profile_store;

/// Capacity of the session's change broadcast; a window further behind
/// re-reads the snapshot.
const EVENT_CAPACITY: usize = 1024;

/// What every engine of the session is started with.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Where the profiles' stores are kept; `None` keeps every conversation
    /// in memory (the user is told).
    pub data_dir: Option<PathBuf>,
    /// The engine settings; the session sets the epoch of each engine, and
    /// its second opinion: the profile's AI tier where it has one, none
    /// otherwise.
    pub engine: EngineConfig,
    /// Timing of the built-in demo (from `WARMLINE_DEMO_*`).
    pub demo: DemoConfig,
}

/// Why the session could not start or switch to a profile. The running
/// engine, if any, goes on untouched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// The profile's fields are wrong; each error names its field.
    #[error("the profile is not valid ({} problems)", .0.len())]
    InvalidProfile(Vec<FieldError>),
    /// The factory could not build the profile's backend for another reason.
    #[error(transparent)]
    Backend(FactoryError),
}

impl From<FactoryError> for SessionError {
    fn from(error: FactoryError) -> Self {
        match error {
            FactoryError::Invalid(errors) => Self::InvalidProfile(errors),
            other => Self::Backend(other),
        }
    }
}

/// The running engine and the task passing its events on.
struct Current {
    profile: BackendProfile,
    epoch: u32,
    engine: EngineHandle,
    forwarder: Option<Forwarder>,
}

/// Passes one engine's events to the session's broadcast until stopped.
struct Forwarder {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Forwarder {
    fn spawn(
        mut from: broadcast::Receiver<ConversationEvent>,
        to: broadcast::Sender<ConversationEvent>,
    ) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    // Events first: all that arrived before the stop go on.
                    biased;
                    received = from.recv() => match received {
                        // Err: nobody listens at the moment, which is fine.
                        Ok(event) => { let _ = to.send(event); }
                        Err(broadcast::error::RecvError::Lagged(skipped)) => {
                            // The window sees the gap in the numbers and
                            // re-reads the snapshot.
                            tracing::warn!(skipped, "the session fell behind the conversation");
                        }
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    _ = &mut stopped => break,
                }
            }
            // What the stopped engine said last still goes out before the
            // next engine's first event.
            loop {
                match from.try_recv() {
                    Ok(event) => {
                        let _ = to.send(event);
                    }
                    Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                    Err(_) => break,
                }
            }
        });
        Self { stop, task }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the change forwarder ended badly");
        }
    }
}

/// The conversation on the active profile; see the [crate documentation](crate).
pub struct Session {
    config: SessionConfig,
    events: broadcast::Sender<ConversationEvent>,
    current: RwLock<Current>,
    /// One switch at a time.
    switching: Mutex<()>,
}

impl Session {
    /// Starts the engine on `profile` (epoch 0) with its own store. Must be
    /// called inside a tokio runtime.
    pub fn start(
        config: SessionConfig,
        profile: BackendProfile,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<Self, SessionError> {
        let (events, _) = broadcast::channel(EVENT_CAPACITY);
        let current = Prepared::new(&config, profile, secrets)?.start(&config, 0, &events);
        Ok(Self {
            config,
            events,
            current: RwLock::new(current),
            switching: Mutex::new(()),
        })
    }

    /// Receives every change of every engine of the session from now on,
    /// in order: all of one epoch before any of the next.
    pub fn subscribe(&self) -> broadcast::Receiver<ConversationEvent> {
        self.events.subscribe()
    }

    /// The running engine, for the window's commands. A command given to
    /// it while a switch stops it is answered with [`EngineError::Stopped`]
    /// and never reaches the next profile.
    pub fn engine(&self) -> EngineHandle {
        self.read(|current| current.engine.clone())
    }

    /// The active profile's id.
    pub fn active_profile(&self) -> ProfileId {
        self.read(|current| current.profile.id.clone())
    }

    /// The active profile.
    pub fn profile(&self) -> BackendProfile {
        self.read(|current| current.profile.clone())
    }

    /// The running engine's epoch (0 for the first, one more per switch).
    pub fn epoch(&self) -> u32 {
        self.read(|current| current.epoch)
    }

    /// The conversation as it stands. Asked during a switch, it waits for
    /// the switch and answers with the new engine's.
    pub async fn snapshot(&self) -> Result<ConversationSnapshot, EngineError> {
        self.ask(|engine| async move { engine.snapshot().await })
            .await
    }

    /// [`snapshot`](Self::snapshot) with only the newest
    /// [`RECENT_MESSAGES`](warmline_core::RECENT_MESSAGES) messages: what a
    /// window opens with.
    pub async fn recent_snapshot(&self) -> Result<ConversationSnapshot, EngineError> {
        self.ask(|engine| async move { engine.recent_snapshot().await })
            .await
    }

    /// Up to `limit` messages just before `before` (see
    /// [`EngineHandle::older_messages`]).
    pub async fn older_messages(
        &self,
        before: MessageId,
        limit: usize,
    ) -> Result<MessagePage, EngineError> {
        self.ask(|engine| async move { engine.older_messages(before, limit).await })
            .await
    }

    /// Asks the running engine; asked during a switch, waits for the switch
    /// and asks the new engine.
    async fn ask<T, F, Fut>(&self, question: F) -> Result<T, EngineError>
    where
        F: Fn(EngineHandle) -> Fut,
        Fut: std::future::Future<Output = Result<T, EngineError>>,
    {
        match question(self.engine()).await {
            Err(EngineError::Stopped) => {
                let _switch_done = self.switching.lock().await;
                question(self.engine()).await
            }
            answer => answer,
        }
    }

    /// Stops the running engine and starts one on `profile`, with the
    /// profile's own store and `secrets`. A profile that is invalid, or
    /// whose backend cannot be built, is refused before anything stops. Switching to the profile that runs restarts
    /// it (say, with changed fields).
    pub async fn switch_to(
        &self,
        profile: BackendProfile,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<(), SessionError> {
        let _one_at_a_time = self.switching.lock().await;
        // Everything that can fail happens before the running engine stops.
        // Opening the store of the profile that runs (a restart) is safe:
        // the new engine reads it only after the old one has stopped.
        let next = Prepared::new(&self.config, profile, secrets)?;
        let (old_engine, from, epoch) = self.read(|current| {
            (
                current.engine.clone(),
                current.profile.id.clone(),
                current.epoch,
            )
        });
        old_engine.shutdown().await;
        let old_forwarder = self
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .forwarder
            .take();
        if let Some(forwarder) = old_forwarder {
            forwarder.stop().await;
        }
        let next = next.start(&self.config, epoch + 1, &self.events);
        tracing::info!(from = %from, to = %next.profile.id, epoch = next.epoch, "switched profile");
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = next;
        Ok(())
    }

    /// Tells the running engine the sign-in details changed (the caregiver
    /// entered new ones into the keyring): a sign-in refused is tried again
    /// at once.
    pub async fn credentials_changed(&self) -> Result<(), EngineError> {
        self.engine().credentials_changed().await
    }

    /// Stops the running engine (the app is closing); everything is in its
    /// store already.
    pub async fn shutdown(&self) {
        let _one_at_a_time = self.switching.lock().await;
        self.engine().shutdown().await;
        let forwarder = self
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .forwarder
            .take();
        if let Some(forwarder) = forwarder {
            forwarder.stop().await;
        }
    }

    fn read<T>(&self, f: impl FnOnce(&Current) -> T) -> T {
        f(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }
}

/// A profile ready to run: its store open and its backend built.
struct Prepared {
    profile: BackendProfile,
    store: Arc<dyn ConversationStore>,
    backend: Arc<dyn SupportBackend>,
    /// The profile's AI tier as the engine's second opinion, if it has one;
    /// it replaces whatever the session's engine settings hold, so one
    /// profile's model is never asked about another profile's messages.
    second_opinion: Option<Arc<dyn SecondOpinion>>,
}

impl Prepared {
    /// Validates the profile, opens its store and builds its backend
    /// through the factory.
    fn new(
        config: &SessionConfig,
        profile: BackendProfile,
        secrets: Arc<dyn SecretSource>,
    ) -> Result<Self, SessionError> {
        let errors = profile.validate();
        if !errors.is_empty() {
            return Err(SessionError::InvalidProfile(errors));
        }
        let store = open_profile_store(config.data_dir.as_deref(), &profile.id);
        let built = build(
            &profile.backend,
            AdapterContext {
                secrets,
                resume: ResumeState::new(Arc::clone(&store), profile.backend.kind()),
                demo: config.demo.clone(),
            },
        )?;
        Ok(Self {
            profile,
            store,
            backend: built.backend,
            second_opinion: built.second_opinion,
        })
    }

    /// Starts the engine with `epoch`, forwarding from its first event.
    fn start(
        self,
        config: &SessionConfig,
        epoch: u32,
        events: &broadcast::Sender<ConversationEvent>,
    ) -> Current {
        let engine_config = EngineConfig {
            epoch,
            second_opinion: self.second_opinion,
            ..config.engine.clone()
        };
        let (engine, first) =
            EngineHandle::start_subscribed(self.backend, self.store, engine_config);
        Current {
            profile: self.profile,
            epoch,
            engine,
            forwarder: Some(Forwarder::spawn(first, events.clone())),
        }
    }
}

#[cfg(test)]
mod tests;
