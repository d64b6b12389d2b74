//! What the user sends: chat messages, and messages left for the company
//! (`left_messages.rs`), on their way to the backend.
//!
//! Each item is stored before it joins the outbox, and keeps its client id as
//! the idempotency key across retries, reconnects and restarts. Items go one
//! at a time, oldest first, so the backend receives them in the order they
//! were written. A failure that may have left the backend with the item (a
//! lost connection, an answer Warmline cannot read) is retried with backoff;
//! only a refusal fails a message, and the user can send it again.

use std::collections::VecDeque;

use tokio::time::Instant;

use super::actor::{CallDone, Engine};
use crate::backend::{BackendError, LeftMessage, OutgoingMessage, SendReceipt};
use crate::domain::{Author, DeliveryState, MessageBody, MessageId, Timestamp};
use crate::error::{backend_error_code, EngineError, UiError};
use crate::store::{QueuedLeftMessage, StoredConversation};
use crate::summary::HandoffSummary;

/// One thing on its way to the backend.
#[derive(Debug, Clone)]
pub(super) enum Outgoing {
    /// A chat message.
    Text(OutgoingMessage),
    /// A message left for the company, or a call-back request.
    Left(QueuedLeftMessage),
}

impl Outgoing {
    fn id(&self) -> MessageId {
        match self {
            Self::Text(message) => message.id,
            Self::Left(message) => message.id,
        }
    }

    fn written_at(&self) -> Timestamp {
        match self {
            Self::Text(message) => message.written_at,
            Self::Left(message) => message.written_at,
        }
    }
}

/// Items not yet acknowledged, and the one on its way.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    /// Oldest first.
    queue: VecDeque<Outgoing>,
    /// The item whose backend call is under way.
    in_flight: Option<MessageId>,
    /// When a failed send is tried again.
    pub(super) resend_at: Option<Instant>,
}

impl Outbox {
    /// What the store holds that was never acknowledged: after a crash or a
    /// restart it is the outbox again, in the order it was written.
    pub(super) fn from_stored(stored: &StoredConversation) -> Self {
        let texts = stored.unsent().filter_map(|message| match &message.body {
            MessageBody::Text { text } => Some(Outgoing::Text(OutgoingMessage {
                id: message.id,
                text: text.clone(),
                written_at: message.sent_at,
            })),
            MessageBody::Notice { .. } => None,
        });
        let left = stored.left_messages.iter().cloned().map(Outgoing::Left);
        let mut queue: Vec<_> = texts.chain(left).collect();
        // Stable: chat messages written in the same millisecond stay first.
        queue.sort_by_key(Outgoing::written_at);
        Self {
            queue: queue.into(),
            ..Self::default()
        }
    }

    pub(super) fn push(&mut self, item: Outgoing) {
        self.queue.push_back(item);
    }

    /// True when `id` is the next to go and nothing holds it back.
    pub(super) fn goes_next(&self, id: MessageId) -> bool {
        self.in_flight.is_none()
            && self.resend_at.is_none()
            && self.queue.front().map(Outgoing::id) == Some(id)
    }

    /// The next item to send, marked as under way; `None` while one is
    /// under way, a resend waits on its timer, or nothing is left.
    fn take_next(&mut self) -> Option<Outgoing> {
        if self.in_flight.is_some() || self.resend_at.is_some() {
            return None;
        }
        let item = self.queue.front()?.clone();
        self.in_flight = Some(item.id());
        Some(item)
    }

    /// The call for `id` ended; `done` removes it from the outbox.
    pub(super) fn finished(&mut self, id: MessageId, done: bool) {
        self.in_flight = None;
        if done {
            self.queue.retain(|item| item.id() != id);
        }
    }
}

/// True when the same request may succeed later, or may even have
/// succeeded: an answer Warmline cannot read is not a refusal (the backend
/// may have the message; its id makes sending it again safe).
pub(super) fn worth_retrying(error: &BackendError) -> bool {
    error.is_transient() || matches!(error, BackendError::Malformed(_))
}

impl Engine {
    pub(super) fn send_text(&mut self, text: String) -> Result<MessageId, EngineError> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(EngineError::EmptyMessage);
        }
        let id = self.view.add_message(
            Author::User,
            MessageBody::Text { text: text.clone() },
            DeliveryState::Sending,
        );
        if self.frustration.user_wrote(&text) {
            // Asking the same thing again means the answer did not help.
            self.offer_person();
        }
        // "转人工", "I want a human", "我被骗了": the words are as good as the
        // button. The message still goes out, so the person sees it.
        // Typed and dictated text both come this way, so both are read alike.
        let decision = self.config.phrases.explain(&text);
        self.request_person_in_words(&decision);
        if decision.nothing_matched() {
            self.ask_second_opinion(&text);
        }
        self.outbox.push(Outgoing::Text(OutgoingMessage {
            id,
            text,
            written_at: Timestamp::now(),
        }));
        self.flush_outbox();
        Ok(id)
    }

    /// "Try again" on a failed message: it goes out again with the same id,
    /// at the end of the outbox. Anything else (a message on its way or
    /// sent, an unknown id) is left as it is.
    pub(super) fn retry_message(&mut self, id: MessageId) {
        if let Some(message) = self.view.resend(id) {
            self.outbox.push(Outgoing::Text(message));
            self.flush_outbox();
        }
    }

    /// Sends the next item, if the connection is up and nothing else is on
    /// its way: neither another item nor a request for a person.
    pub(super) fn flush_outbox(&mut self) {
        if self.sign_in.refused || self.handoff.asking > 0 {
            return;
        }
        let Some(conversation) = self.link.connected_conversation() else {
            return;
        };
        let Some(item) = self.outbox.take_next() else {
            return;
        };
        match item {
            Outgoing::Text(message) => self.spawn_call(|backend| async move {
                let id = message.id;
                let result = backend.send_message(&conversation, message).await;
                CallDone::Sent { id, result }
            }),
            Outgoing::Left(queued) => {
                let message = LeftMessage {
                    id: queued.id,
                    text: queued.text.clone(),
                    callback: queued.callback.clone(),
                    summary: HandoffSummary::from_messages(
                        &self.view.messages,
                        &self.config.locale,
                    ),
                };
                self.spawn_call(|backend| async move {
                    let result = backend.leave_message(&conversation, message).await;
                    CallDone::Left { queued, result }
                })
            }
        };
    }

    /// A call for an outbox item failed in a way worth retrying: it stays
    /// first, and goes again after a backoff (or as soon as the backend is
    /// obviously back).
    pub(super) fn retry_later(&mut self, id: MessageId, error: &BackendError) {
        self.outbox.finished(id, false);
        match error {
            BackendError::UnknownConversation(_) => self.conversation_closed(),
            error if error.needs_sign_in() => self.sign_in_refused(error),
            error => {
                self.transient_failure(error);
                self.outbox.resend_at = Some(Instant::now() + self.link.backoff.next_wait());
                self.start_probe();
            }
        }
    }

    pub(super) fn sent(&mut self, id: MessageId, result: Result<SendReceipt, BackendError>) {
        match result {
            Ok(_) => {
                self.outbox.finished(id, true);
                self.link.backoff.reset();
                self.view.set_delivery(id, DeliveryState::Sent);
                self.flush_outbox();
            }
            // The backend forgot the conversation (it continues in a new
            // one), the sign-in was refused (held, not failed: the messages
            // after it are not tried one by one), or it may work later.
            Err(error)
                if worth_retrying(&error)
                    || error.needs_sign_in()
                    || matches!(error, BackendError::UnknownConversation(_)) =>
            {
                tracing::info!(%error, "sending failed; will retry");
                self.view.set_delivery(id, DeliveryState::WillRetry);
                self.retry_later(id, &error);
            }
            Err(error) => {
                tracing::warn!(%error, "the backend refused a message");
                self.outbox.finished(id, true);
                let failure = UiError::from(backend_error_code(&error));
                self.view.fail_message(id, failure.clone());
                self.view.report(failure);
                self.flush_outbox();
            }
        }
    }
}
