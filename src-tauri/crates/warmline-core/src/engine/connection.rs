//! The link to the backend: opening the conversation, noticing it is lost,
//! and opening it again after a growing, jittered wait — or at once, when
//! the backend is obviously back.

use tokio::sync::mpsc;
use tokio::task::AbortHandle;
use tokio::time::Instant;

use super::actor::{CallDone, Engine};
use super::backoff::Backoff;
use super::EngineConfig;
use crate::backend::{BackendError, BackendEvent, BackendSession, ConversationOptions};
use crate::domain::{ConnectionState, ConversationId, HandoffState, LocalizedText};

/// The state of the connection to the backend.
pub(super) struct Link {
    /// The backend's id of the conversation, to resume it.
    pub(super) conversation: Option<ConversationId>,
    /// The open conversation's event stream; `None` while not connected.
    events: Option<mpsc::Receiver<BackendEvent>>,
    /// An `open_conversation` call is under way.
    opening: bool,
    /// When the next attempt to open the conversation is due.
    pub(super) reconnect_at: Option<Instant>,
    /// The wait before the next reconnect or resend.
    pub(super) backoff: Backoff,
    /// A task waiting for the adapter to say the backend is reachable again,
    /// while a reconnect or resend waits on its timer.
    pub(super) probe: Option<AbortHandle>,
}

impl Link {
    pub(super) fn new(config: &EngineConfig, conversation: Option<ConversationId>) -> Self {
        Self {
            conversation,
            events: None,
            opening: false,
            reconnect_at: None,
            backoff: Backoff::new(config.retry_initial, config.retry_max, config.backoff_seed),
            probe: None,
        }
    }

    /// True while a conversation is open and its events arrive.
    pub(super) fn is_connected(&self) -> bool {
        self.events.is_some()
    }

    /// The conversation to call the backend about, while connected.
    pub(super) fn connected_conversation(&self) -> Option<ConversationId> {
        self.conversation.clone().filter(|_| self.is_connected())
    }

    /// The next event of the open conversation; never resolves while there
    /// is none. `None` means the stream ended: the connection is lost.
    pub(super) async fn next_event(&mut self) -> Option<BackendEvent> {
        match &mut self.events {
            Some(events) => events.recv().await,
            None => std::future::pending().await,
        }
    }

    pub(super) fn stop_probe(&mut self) {
        if let Some(probe) = self.probe.take() {
            probe.abort();
        }
    }
}

impl Engine {
    pub(super) fn open_conversation(&mut self) {
        // An attempt under way or starting now supersedes a scheduled one.
        self.link.reconnect_at = None;
        if self.link.opening || self.sign_in.refused {
            return;
        }
        self.link.opening = true;
        let options = ConversationOptions {
            locale: self.config.locale.clone(),
            resume: self.link.conversation.clone(),
        };
        self.spawn_call(|backend| async move {
            CallDone::Opened(backend.open_conversation(options).await)
        });
    }

    pub(super) fn opened(&mut self, result: Result<BackendSession, BackendError>) {
        self.link.opening = false;
        match result {
            Ok(session) => self.connected(session),
            Err(BackendError::UnknownConversation(_)) => {
                // The backend forgot the conversation: start a new one at once,
                // keeping everything the user sees.
                self.link.conversation = None;
                self.open_conversation();
            }
            Err(error) if error.needs_sign_in() => self.sign_in_refused(&error),
            Err(error) => {
                tracing::warn!(%error, "opening the conversation failed");
                self.transient_failure(&error);
                self.view
                    .set_connection(if self.link.conversation.is_some() {
                        ConnectionState::Reconnecting
                    } else {
                        ConnectionState::Connecting
                    });
                self.schedule_reconnect();
            }
        }
    }

    fn connected(&mut self, session: BackendSession) {
        let replaced = self
            .link
            .conversation
            .as_ref()
            .is_some_and(|old| *old != session.conversation);
        if self.link.conversation.as_ref() != Some(&session.conversation) {
            self.view
                .write(|store| store.save_conversation_id(Some(&session.conversation)));
        }
        self.link.conversation = Some(session.conversation);
        self.link.events = Some(session.events);
        self.signed_in();
        self.view.set_connection(ConnectionState::Online);
        self.link.backoff.reset();
        // A resend waiting on its timer goes now, with the new connection,
        // rather than when its timer says.
        self.connection_is_back();
        if replaced {
            // The backend could not resume the conversation (it restarted,
            // or forgot it): the user sees it continue, and a request for a
            // person, or a person they were talking to, is asked for again.
            self.view
                .add_notice(LocalizedText::new("notice-conversation-continues"));
            if matches!(
                self.view.handoff,
                HandoffState::Requested
                    | HandoffState::Queued { .. }
                    | HandoffState::Connected { .. }
            ) {
                self.set_handoff(HandoffState::Requested);
                self.handoff.to_send = Some(self.handoff_request(self.handoff.reason));
            }
        }
        if let Some(request) = self.handoff.to_send.take() {
            self.send_handoff_request(request);
        }
        self.flush_outbox();
    }

    pub(super) fn connection_lost(&mut self) {
        self.link.events = None;
        self.view.set_typing(None);
        if self.sign_in.refused {
            // Nothing is tried until new sign-in details arrive.
            return;
        }
        self.view.set_connection(ConnectionState::Reconnecting);
        self.schedule_reconnect();
    }

    fn schedule_reconnect(&mut self) {
        self.link.reconnect_at = Some(Instant::now() + self.link.backoff.next_wait());
        self.start_probe();
    }

    /// While a timer holds back a reconnect or a resend, asks the adapter to
    /// say when the backend looks reachable again, to try at once instead.
    pub(super) fn start_probe(&mut self) {
        if self.link.probe.is_some() {
            return;
        }
        self.link.probe = Some(self.spawn_call(|backend| async move {
            backend.wait_until_reachable().await;
            CallDone::Reachable
        }));
    }

    /// The backend just answered, spoke, or was reported reachable: the
    /// connection is obviously back, so nothing waits on a backoff timer any
    /// more. The user's messages go out now, not when the timer would have
    /// said (up to `retry_max` later).
    pub(super) fn connection_is_back(&mut self) {
        self.link.stop_probe();
        if self.link.reconnect_at.take().is_some() {
            self.open_conversation();
        }
        if self.outbox.resend_at.take().is_some() {
            self.flush_outbox();
        }
        if self.handoff.retry_at.is_some() {
            self.retry_handoff_request();
        }
    }

    /// The backend ended the conversation (for example after inactivity).
    /// The user sees it simply continue; a pending request for a person is
    /// made again in the new conversation.
    pub(super) fn conversation_closed(&mut self) {
        self.link.events = None;
        self.link.conversation = None;
        self.view
            .add_notice(LocalizedText::new("notice-conversation-continues"));
        if super::view::waits_for_person(&self.view.handoff) {
            self.handoff.to_send = Some(self.handoff_request(self.handoff.reason));
            self.set_handoff(HandoffState::Requested);
        }
        self.open_conversation();
    }
}
