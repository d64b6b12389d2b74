//! The conversation as the user sees it.
//!
//! Every change goes the same way: written to the store first (so a crash
//! right after loses nothing the user saw), then applied to the engine's
//! copy, then announced to the UI as the next numbered event. Nothing here
//! talks to the backend or decides anything.

use std::sync::Arc;

use tokio::sync::broadcast;

use crate::backend::OutgoingMessage;
use crate::domain::{
    Author, BackendInfo, ConnectionState, DeliveryState, HandoffState, LocalizedText, Message,
    MessageBody, MessageId, Timestamp,
};
use crate::error::{ErrorCode, UiError};
use crate::events::{ConversationChange, ConversationEvent, ConversationSnapshot, MessagePage};
use crate::store::{ConversationStore, PendingHandoff, StoreError, StoredConversation};

/// What the UI shows, the store it is kept in, and the numbered stream of
/// changes to it.
pub(super) struct View {
    store: Arc<dyn ConversationStore>,
    /// The store failed once; the user was told, and is not told again.
    store_failed: bool,
    events: broadcast::Sender<ConversationEvent>,
    epoch: u32,
    seq: u32,
    info: BackendInfo,
    pub(super) messages: Vec<Message>,
    pub(super) handoff: HandoffState,
    pub(super) connection: ConnectionState,
    typing: Option<String>,
    pub(super) person_offered: bool,
    draft: String,
}

impl View {
    /// The view of what `stored` holds, announced on `events`.
    pub(super) fn new(
        store: Arc<dyn ConversationStore>,
        stored: &StoredConversation,
        info: BackendInfo,
        events: broadcast::Sender<ConversationEvent>,
        epoch: u32,
    ) -> Self {
        Self {
            store,
            store_failed: false,
            events,
            epoch,
            seq: 0,
            info,
            messages: stored.messages.clone(),
            handoff: stored.handoff.clone().unwrap_or(HandoffState::None),
            connection: ConnectionState::Connecting,
            typing: None,
            person_offered: false,
            draft: stored.draft.clone(),
        }
    }

    /// The backend in use.
    pub(super) fn info(&self) -> &BackendInfo {
        &self.info
    }

    /// The conversation with its newest `limit` messages (all of them with
    /// `usize::MAX`).
    pub(super) fn snapshot(&self, limit: usize) -> ConversationSnapshot {
        let start = self.messages.len().saturating_sub(limit);
        ConversationSnapshot {
            epoch: self.epoch,
            seq: self.seq,
            backend: self.info.clone(),
            messages: self.messages[start..].to_vec(),
            has_older: start > 0,
            handoff: self.handoff.clone(),
            connection: self.connection,
            typing: self.typing.clone(),
            person_offered: self.person_offered,
            draft: self.draft.clone(),
        }
    }

    /// Up to `limit` messages just before `before`; none when `before` is
    /// not in the conversation (a window of an earlier engine).
    pub(super) fn older(&self, before: MessageId, limit: usize) -> MessagePage {
        let end = self
            .messages
            .iter()
            .position(|m| m.id == before)
            .unwrap_or(0);
        let start = end.saturating_sub(limit);
        MessagePage {
            messages: self.messages[start..end].to_vec(),
            has_older: start > 0,
        }
    }

    /// Runs one write on the store; a failure is told to the user once.
    pub(super) fn write(
        &mut self,
        write: impl FnOnce(&dyn ConversationStore) -> Result<(), StoreError>,
    ) {
        let result = write(self.store.as_ref());
        if let Err(error) = result {
            self.store_failed(&error);
        }
    }

    pub(super) fn store_failed(&mut self, error: &StoreError) {
        tracing::error!(%error, "the conversation store failed");
        if !self.store_failed {
            // Once is enough: the conversation goes on in memory. The note
            // goes into the transcript so a window that opens later sees it.
            self.store_failed = true;
            let error = UiError::from(ErrorCode::StorageFailed);
            self.add_notice(error.to_localized());
            self.report(error);
        }
    }

    fn emit(&mut self, change: ConversationChange) {
        self.seq = self.seq.wrapping_add(1);
        // No subscriber is fine: the UI reads the snapshot when it starts.
        let _ = self.events.send(ConversationEvent {
            epoch: self.epoch,
            seq: self.seq,
            change,
        });
    }

    pub(super) fn add_message(
        &mut self,
        author: Author,
        body: MessageBody,
        delivery: DeliveryState,
    ) -> MessageId {
        let message = Message {
            id: MessageId::new(),
            author,
            body,
            sent_at: Timestamp::now(),
            delivery,
            failure: None,
        };
        let id = message.id;
        // Stored before anyone hears of it: a crash after this line loses
        // nothing the user wrote.
        self.write(|store| store.save_message(&message));
        self.messages.push(message.clone());
        self.emit(ConversationChange::MessageAdded { message });
        id
    }

    pub(super) fn add_notice(&mut self, notice: LocalizedText) {
        self.add_message(
            Author::System,
            MessageBody::Notice { notice },
            DeliveryState::Received,
        );
    }

    /// Shows `handoff`; `pending` is the request still to be honoured while
    /// the user waits for a person.
    pub(super) fn set_handoff(&mut self, handoff: HandoffState, pending: Option<PendingHandoff>) {
        if self.handoff != handoff {
            let pending = waits_for_person(&handoff).then_some(pending).flatten();
            self.write(|store| store.save_handoff(&handoff, pending));
            self.handoff = handoff.clone();
            self.emit(ConversationChange::HandoffChanged { handoff });
        }
    }

    pub(super) fn set_connection(&mut self, connection: ConnectionState) {
        if self.connection != connection {
            self.connection = connection;
            self.emit(ConversationChange::ConnectionChanged { connection });
        }
    }

    pub(super) fn set_typing(&mut self, typing: Option<String>) {
        if self.typing != typing {
            self.typing = typing.clone();
            self.emit(ConversationChange::TypingChanged { typing });
        }
    }

    pub(super) fn set_person_offered(&mut self, offered: bool) {
        if self.person_offered != offered {
            self.person_offered = offered;
            self.emit(ConversationChange::PersonOffered { offered });
        }
    }

    pub(super) fn set_delivery(&mut self, id: MessageId, delivery: DeliveryState) {
        let Some(message) = self.messages.iter_mut().find(|m| m.id == id) else {
            return;
        };
        if message.delivery == delivery {
            return;
        }
        message.delivery = delivery;
        self.write(|store| store.set_delivery(id, delivery));
        self.emit(ConversationChange::DeliveryChanged { id, delivery });
    }

    /// Marks a user message as failed for good, with the reason the UI says
    /// beside its "Try again" button.
    pub(super) fn fail_message(&mut self, id: MessageId, failure: UiError) {
        let Some(message) = self.messages.iter_mut().find(|m| m.id == id) else {
            return;
        };
        message.delivery = DeliveryState::Failed;
        message.failure = Some(failure.clone());
        let message = message.clone();
        self.write(|store| store.save_message(&message));
        self.emit(ConversationChange::MessageFailed { id, failure });
    }

    /// A failed user message becomes `sending` again (the user pressed "Try
    /// again"); returns it as it goes out, with its own id. `None` for any
    /// other message.
    pub(super) fn resend(&mut self, id: MessageId) -> Option<OutgoingMessage> {
        let message = self.messages.iter_mut().find(|m| m.id == id)?;
        let (Author::User, MessageBody::Text { text }, DeliveryState::Failed) =
            (&message.author, &message.body, message.delivery)
        else {
            return None;
        };
        let outgoing = OutgoingMessage {
            id,
            text: text.clone(),
            written_at: message.sent_at,
        };
        message.delivery = DeliveryState::Sending;
        message.failure = None;
        let message = message.clone();
        self.write(|store| store.save_message(&message));
        self.emit(ConversationChange::DeliveryChanged {
            id,
            delivery: DeliveryState::Sending,
        });
        Some(outgoing)
    }

    pub(super) fn save_draft(&mut self, text: String) {
        if self.draft != text {
            self.write(|store| store.save_draft(&text));
            self.draft = text;
        }
    }

    /// Tells the UI something failed (it shows it in its alert area).
    pub(super) fn report(&mut self, error: UiError) {
        self.emit(ConversationChange::Failed { error });
    }
}

/// True while the user waits for a person who has not come yet.
pub(super) fn waits_for_person(handoff: &HandoffState) -> bool {
    matches!(
        handoff,
        HandoffState::Requested | HandoffState::Queued { .. }
    )
}
