//! The user's messages on their way to the backend.
//!
//! Each message is stored (as `sending`) before it joins the outbox, and
//! keeps its client id as the idempotency key across retries, reconnects and
//! restarts. Messages go one at a time, oldest first, so the backend
//! receives them in the order they were written.

use std::collections::VecDeque;

use tokio::time::Instant;

use super::actor::{CallDone, Engine};
use crate::backend::{BackendError, OutgoingMessage, SendReceipt};
use crate::domain::{Author, DeliveryState, HandoffReason, MessageBody, MessageId, Timestamp};
use crate::error::{backend_error_code, EngineError, UiError};
use crate::intent::Intent;
use crate::store::StoredConversation;

/// Messages not yet acknowledged, and the one on its way.
#[derive(Debug, Default)]
pub(super) struct Outbox {
    /// Oldest first.
    queue: VecDeque<OutgoingMessage>,
    /// The message whose `send_message` call is under way.
    in_flight: Option<MessageId>,
    /// When a failed send is tried again.
    pub(super) resend_at: Option<Instant>,
}

impl Outbox {
    /// The stored messages that were never acknowledged: after a crash or a
    /// restart they are the outbox again.
    pub(super) fn from_stored(stored: &StoredConversation) -> Self {
        let queue = stored
            .unsent()
            .filter_map(|message| match &message.body {
                MessageBody::Text { text } => Some(OutgoingMessage {
                    id: message.id,
                    text: text.clone(),
                    written_at: message.sent_at,
                }),
                MessageBody::Notice { .. } => None,
            })
            .collect();
        Self {
            queue,
            ..Self::default()
        }
    }

    pub(super) fn push(&mut self, message: OutgoingMessage) {
        self.queue.push_back(message);
    }

    /// The next message to send, marked as under way; `None` while one is
    /// under way, a resend waits on its timer, or nothing is left.
    fn take_next(&mut self) -> Option<OutgoingMessage> {
        if self.in_flight.is_some() || self.resend_at.is_some() {
            return None;
        }
        let message = self.queue.front()?.clone();
        self.in_flight = Some(message.id);
        Some(message)
    }

    /// The call for `id` ended; `done` removes it from the outbox.
    fn finished(&mut self, id: MessageId, done: bool) {
        self.in_flight = None;
        if done {
            self.queue.retain(|m| m.id != id);
        }
    }
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
        match self.config.phrases.classify(&text) {
            Some(Intent::AskPerson) => self.request_person(HandoffReason::UserAsked, None),
            Some(Intent::Urgent(topic)) => self.request_person(HandoffReason::Urgent, Some(topic)),
            None => {}
        }
        self.outbox.push(OutgoingMessage {
            id,
            text,
            written_at: Timestamp::now(),
        });
        self.flush_outbox();
        Ok(id)
    }

    /// Sends the next message, if the connection is up and nothing else is
    /// on its way.
    pub(super) fn flush_outbox(&mut self) {
        if self.sign_in.refused {
            return;
        }
        let Some(conversation) = self.link.connected_conversation() else {
            return;
        };
        let Some(message) = self.outbox.take_next() else {
            return;
        };
        self.spawn_call(|backend| async move {
            let id = message.id;
            let result = backend.send_message(&conversation, message).await;
            CallDone::Sent { id, result }
        });
    }

    pub(super) fn sent(&mut self, id: MessageId, result: Result<SendReceipt, BackendError>) {
        match result {
            Ok(_) => {
                self.outbox.finished(id, true);
                self.link.backoff.reset();
                self.view.set_delivery(id, DeliveryState::Sent);
                self.flush_outbox();
            }
            Err(BackendError::UnknownConversation(_)) => {
                // The backend forgot the conversation: continue in a new one;
                // the message stays first in the outbox.
                self.outbox.finished(id, false);
                self.view.set_delivery(id, DeliveryState::WillRetry);
                self.conversation_closed();
            }
            Err(error) if error.needs_sign_in() => {
                // Held, not failed: it goes out once the sign-in works, and
                // the messages after it are not tried one by one meanwhile.
                self.outbox.finished(id, false);
                self.view.set_delivery(id, DeliveryState::WillRetry);
                self.sign_in_refused(&error);
            }
            Err(error) if error.is_transient() => {
                tracing::info!(%error, "sending failed; will retry");
                self.transient_failure(&error);
                self.outbox.finished(id, false);
                self.view.set_delivery(id, DeliveryState::WillRetry);
                self.outbox.resend_at = Some(Instant::now() + self.link.backoff.next_wait());
                self.start_probe();
            }
            Err(error) => {
                tracing::warn!(%error, "the backend refused a message");
                self.outbox.finished(id, true);
                self.view.set_delivery(id, DeliveryState::Failed);
                self.view.report(UiError::from(backend_error_code(&error)));
                self.flush_outbox();
            }
        }
    }
}
