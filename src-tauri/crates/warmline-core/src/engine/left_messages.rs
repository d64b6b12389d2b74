//! Leaving a message, or asking for a call back, when nobody is available.
//!
//! The message is stored before anything else and goes through the outbox
//! like a chat message: once, in order, with its id as the idempotency key,
//! retried after any doubt. While the backend cannot be reached the user is
//! told it is kept and will go out by itself; the backend's confirmation
//! (with its reference) is kept in the transcript.

use tokio::sync::oneshot;

use super::actor::Engine;
use super::outbox::{worth_retrying, Outgoing};
use crate::backend::{BackendError, CallbackRequest, LeftMessageReceipt};
use crate::domain::{
    Author, DeliveryState, HandoffState, LocalizedText, MessageBody, MessageId, Timestamp,
};
use crate::error::{backend_error_code, EngineError, UiError};
use crate::store::QueuedLeftMessage;

/// A `leave_message` command still waiting for its answer.
pub(super) type LeaveReply = oneshot::Sender<Result<(), EngineError>>;

/// The confirmation of a left message, kept in the transcript to read again.
fn left_notice(callback: Option<&CallbackRequest>, receipt: &LeftMessageReceipt) -> LocalizedText {
    let reference = receipt.reference.as_str();
    match callback {
        Some(callback) if callback.preferred_time.trim().is_empty() => {
            LocalizedText::new("notice-callback-requested-any-time")
                .with_arg("reference", reference)
                .with_arg("phone", callback.phone.as_str())
        }
        Some(callback) => LocalizedText::new("notice-callback-requested")
            .with_arg("reference", reference)
            .with_arg("phone", callback.phone.as_str())
            .with_arg("time", callback.preferred_time.as_str()),
        None => LocalizedText::new("notice-message-left").with_arg("reference", reference),
    }
}

/// True while nothing else goes on with a person, so the handoff state may
/// say where the left message stands.
fn about_left_message(handoff: &HandoffState) -> bool {
    matches!(
        handoff,
        HandoffState::None
            | HandoffState::Unavailable
            | HandoffState::MessageQueued { .. }
            | HandoffState::MessageLeft { .. }
    )
}

impl Engine {
    /// Answers once the backend confirmed the message, or once it is stored
    /// and queued because it cannot go at once; a refusal is answered with
    /// the error, so the UI keeps what the user filled in.
    pub(super) fn leave_message(
        &mut self,
        text: String,
        callback: Option<CallbackRequest>,
        reply: LeaveReply,
    ) {
        let text = text.trim().to_owned();
        if text.is_empty() && callback.is_none() {
            let _ = reply.send(Err(EngineError::EmptyMessage));
            return;
        }
        let queued = QueuedLeftMessage {
            id: MessageId::new(),
            text,
            callback,
            written_at: Timestamp::now(),
        };
        // Stored before anything else: a crash now loses nothing.
        self.view.write(|store| store.save_left_message(&queued));
        let id = queued.id;
        let callback = queued.callback.is_some();
        self.outbox.push(Outgoing::Left(queued));
        if self.link.is_connected() && !self.sign_in.refused && self.outbox.goes_next(id) {
            self.handoff.leave_replies.push((id, reply));
            self.flush_outbox();
        } else {
            self.left_message_queued(callback);
            let _ = reply.send(Ok(()));
        }
    }

    /// Tells the user the message is kept and will go out by itself.
    fn left_message_queued(&mut self, callback: bool) {
        self.view.add_notice(LocalizedText::new(if callback {
            "notice-callback-queued"
        } else {
            "notice-message-queued"
        }));
        if about_left_message(&self.view.handoff) {
            self.set_handoff(HandoffState::MessageQueued { callback });
        }
    }

    /// Answers the `leave_message` command waiting for `id`, if one is.
    fn answer_leave(&mut self, id: MessageId, answer: Result<(), EngineError>) -> bool {
        let Some(index) = self
            .handoff
            .leave_replies
            .iter()
            .position(|(w, _)| *w == id)
        else {
            return false;
        };
        let (_, reply) = self.handoff.leave_replies.swap_remove(index);
        let _ = reply.send(answer);
        true
    }

    pub(super) fn left(
        &mut self,
        queued: QueuedLeftMessage,
        result: Result<LeftMessageReceipt, BackendError>,
    ) {
        let id = queued.id;
        match result {
            Ok(receipt) => {
                self.outbox.finished(id, true);
                self.view.write(|store| store.remove_left_message(id));
                self.link.backoff.reset();
                self.connection_is_back();
                // What was left stands in the transcript as the user's own
                // words, above the confirmation with its reference.
                if !queued.text.is_empty() {
                    self.view.add_message(
                        Author::User,
                        MessageBody::Text {
                            text: queued.text.clone(),
                        },
                        DeliveryState::Sent,
                    );
                }
                self.view
                    .add_notice(left_notice(queued.callback.as_ref(), &receipt));
                if about_left_message(&self.view.handoff) {
                    self.set_handoff(HandoffState::MessageLeft {
                        reference: receipt.reference,
                        callback: queued.callback.is_some(),
                    });
                }
                self.answer_leave(id, Ok(()));
                self.flush_outbox();
            }
            Err(error)
                if worth_retrying(&error)
                    || error.needs_sign_in()
                    || matches!(error, BackendError::UnknownConversation(_)) =>
            {
                tracing::info!(%error, "leaving a message failed; will retry");
                if self.answer_leave(id, Ok(())) {
                    self.left_message_queued(queued.callback.is_some());
                }
                self.retry_later(id, &error);
            }
            Err(error) => {
                tracing::warn!(%error, "the backend refused a left message");
                self.outbox.finished(id, true);
                self.view.write(|store| store.remove_left_message(id));
                if !self.answer_leave(id, Err(EngineError::Backend(error.clone()))) {
                    // Nobody waits for the answer any more: say it in the
                    // transcript, where the "kept" note was.
                    self.view
                        .add_notice(LocalizedText::new("notice-message-not-left"));
                    self.view.report(UiError::from(backend_error_code(&error)));
                    if matches!(self.view.handoff, HandoffState::MessageQueued { .. }) {
                        self.set_handoff(HandoffState::Unavailable);
                    }
                }
                self.flush_outbox();
            }
        }
    }
}
