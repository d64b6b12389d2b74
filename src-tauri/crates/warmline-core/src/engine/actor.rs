//! The engine task: one loop that takes, one at a time, the UI's commands,
//! the results of backend calls, the adapter's events and its own timers, and
//! hands each to the part that deals with it.
//!
//! Backend calls run in their own tasks and report back over a channel
//! ([`CallDone`]), so a slow backend never blocks the UI's commands.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::connection::Link;
use super::frustration::Frustration;
use super::handoff::Handoff;
use super::outbox::Outbox;
use super::sign_in::SignIn;
use super::view::View;
use super::{Command, EngineConfig};
use crate::backend::{
    BackendError, BackendSession, LeftMessageReceipt, SendReceipt, SupportBackend,
};
use crate::domain::MessageId;
use crate::events::ConversationEvent;
use crate::store::{ConversationStore, QueuedLeftMessage};

/// Results of backend calls made in their own tasks.
pub(super) enum CallDone {
    Opened(Result<BackendSession, BackendError>),
    Sent {
        id: MessageId,
        result: Result<SendReceipt, BackendError>,
    },
    HandoffRequested(Result<(), BackendError>),
    Left {
        queued: QueuedLeftMessage,
        result: Result<LeftMessageReceipt, BackendError>,
    },
    /// The adapter says the backend looks reachable again
    /// ([`SupportBackend::wait_until_reachable`]).
    Reachable,
    /// What a second opinion made of a message no phrase rule matched.
    SecondOpinion {
        asks_for_person: bool,
    },
}

/// The engine's state, split by job; each part lives in its own module.
pub(super) struct Engine {
    pub(super) config: EngineConfig,
    pub(super) backend: Arc<dyn SupportBackend>,
    calls: mpsc::Sender<CallDone>,
    call_results: Option<mpsc::Receiver<CallDone>>,
    pub(super) view: View,
    pub(super) link: Link,
    pub(super) outbox: Outbox,
    pub(super) handoff: Handoff,
    pub(super) frustration: Frustration,
    pub(super) sign_in: SignIn,
    /// Backend calls under way, to drop them when the engine stops.
    tasks: Vec<JoinHandle<()>>,
}

impl Engine {
    /// Picks up what `store` holds: history, unsent messages, the request
    /// for a person, the draft and the conversation to resume.
    pub(super) fn new(
        backend: Arc<dyn SupportBackend>,
        store: Arc<dyn ConversationStore>,
        config: EngineConfig,
        events: broadcast::Sender<ConversationEvent>,
    ) -> Self {
        let (calls, call_results) = mpsc::channel(64);
        let (stored, load_error) = match store.load() {
            Ok(stored) => (stored, None),
            Err(error) => (Default::default(), Some(error)),
        };
        let view = View::new(store, &stored, backend.info(), events, config.epoch);
        let mut engine = Self {
            link: Link::new(&config, stored.conversation.clone()),
            outbox: Outbox::from_stored(&stored),
            handoff: Handoff::from_stored(&stored),
            frustration: Frustration::default(),
            sign_in: SignIn::default(),
            config,
            backend,
            calls,
            call_results: Some(call_results),
            view,
            tasks: Vec::new(),
        };
        if let Some(error) = load_error {
            engine.view.store_failed(&error);
        }
        engine.resume_pending_handoff();
        engine
    }

    /// Runs until a handle asks it to stop, or every handle is gone.
    pub(super) async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut calls = self.call_results.take().expect("the engine runs only once");
        self.open_conversation();
        let stopped = loop {
            let reconnect_at = self.link.reconnect_at;
            let resend_at = self.outbox.resend_at;
            let handoff_retry_at = self.handoff.retry_at;
            tokio::select! {
                command = commands.recv() => match command {
                    Some(Command::Shutdown { reply }) => break Some(reply),
                    Some(command) => self.handle_command(command),
                    // Every handle is gone: the app is closing.
                    None => break None,
                },
                Some(done) = calls.recv() => self.handle_call_done(done),
                event = self.link.next_event() => match event {
                    Some(event) => self.handle_backend_event(event),
                    None => self.connection_lost(),
                },
                () = sleep_until(reconnect_at), if reconnect_at.is_some() => {
                    self.link.reconnect_at = None;
                    self.open_conversation();
                }
                () = sleep_until(resend_at), if resend_at.is_some() => {
                    self.outbox.resend_at = None;
                    self.flush_outbox();
                }
                () = sleep_until(handoff_retry_at), if handoff_retry_at.is_some() => {
                    self.retry_handoff_request();
                }
            }
        };
        // Nothing of this engine may call the backend any more.
        self.link.stop_probe();
        for task in self.tasks.drain(..) {
            task.abort();
        }
        // The adapter's event stream and everything else go before the
        // caller hears the engine has stopped.
        drop(calls);
        drop(self);
        if let Some(reply) = stopped {
            let _ = reply.send(());
        }
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::SendText { text, reply } => {
                let _ = reply.send(self.send_text(text));
            }
            Command::RequestPerson { reason, reply } => {
                self.request_person(reason, None);
                let _ = reply.send(Ok(()));
            }
            Command::CancelPerson { reply } => {
                let _ = reply.send(self.cancel_person());
            }
            Command::Snapshot { limit, reply } => {
                let _ = reply.send(self.view.snapshot(limit));
            }
            Command::OlderMessages {
                before,
                limit,
                reply,
            } => {
                let _ = reply.send(self.view.older(before, limit));
            }
            Command::SaveDraft { text } => self.view.save_draft(text),
            Command::CredentialsChanged => self.credentials_changed(),
            Command::RetryMessage { id } => self.retry_message(id),
            Command::LeaveMessage {
                text,
                callback,
                reply,
            } => self.leave_message(text, callback, reply),
            // Handled by the loop, which ends.
            Command::Shutdown { reply } => {
                let _ = reply.send(());
            }
        }
    }

    fn handle_call_done(&mut self, done: CallDone) {
        match done {
            CallDone::Opened(result) => self.opened(result),
            CallDone::Sent { id, result } => self.sent(id, result),
            CallDone::HandoffRequested(result) => self.handoff_requested(result),
            CallDone::Reachable => {
                self.link.probe = None;
                self.connection_is_back();
            }
            CallDone::Left { queued, result } => self.left(queued, result),
            CallDone::SecondOpinion { asks_for_person } => {
                if asks_for_person {
                    self.second_opinion_suggests_person();
                }
            }
        }
    }

    /// Runs one backend call in its own task; `call` gets the backend and
    /// returns what the engine hears when it is done.
    pub(super) fn spawn_call<F>(
        &mut self,
        call: impl FnOnce(Arc<dyn SupportBackend>) -> F,
    ) -> tokio::task::AbortHandle
    where
        F: Future<Output = CallDone> + Send + 'static,
    {
        let future = call(Arc::clone(&self.backend));
        let calls = self.calls.clone();
        self.spawn_task(async move {
            let done = future.await;
            let _ = calls.send(done).await;
        })
    }

    /// Runs `task` until it ends or the engine stops.
    pub(super) fn spawn_task(
        &mut self,
        task: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::AbortHandle {
        self.tasks.retain(|task| !task.is_finished());
        let task = tokio::spawn(task);
        let abort = task.abort_handle();
        self.tasks.push(task);
        abort
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
