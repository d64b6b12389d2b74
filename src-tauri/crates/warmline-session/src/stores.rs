//! Opening a profile's own store, and what stands in when it cannot be
//! opened.

use std::path::Path;
use std::sync::Arc;

use warmline_backends::profile::ProfileId;
use warmline_core::{
    ConversationId, ConversationStore, DeliveryState, HandoffState, MemoryStore, Message,
    MessageId, PendingHandoff, QueuedLeftMessage, StoreError, StoredConversation,
};
use warmline_store::SqliteStore;

/// Opens the store of `profile` in `data_dir`
/// (`profiles/<id>/conversation.sqlite3`). The demo profile first adopts
/// the single file of an earlier Warmline, which was always on the demo
/// (see [`warmline_store::adopt_legacy_store`]).
///
/// When the store cannot be opened (a damaged file, a read-only disk, no
/// data directory), Warmline still runs: the conversation is kept in memory
/// and the engine tells the user once that history will not survive a
/// restart. A damaged file is left as it is.
pub fn open_profile_store(
    data_dir: Option<&Path>,
    profile: &ProfileId,
) -> Arc<dyn ConversationStore> {
    let Some(data_dir) = data_dir else {
        return Arc::new(UnavailableStore::new(StoreError::Io(
            "no data directory".into(),
        )));
    };
    if !profile.is_valid() {
        // Never a path from an id that could leave the profiles folder.
        return Arc::new(UnavailableStore::new(StoreError::Io(
            "the profile id cannot name a folder".into(),
        )));
    }
    let path = warmline_store::profile_path(data_dir, &profile.0);
    if *profile == ProfileId::demo() {
        let legacy = warmline_store::default_path(data_dir);
        if let Err(error) = warmline_store::adopt_legacy_store(&legacy, &path) {
            tracing::error!(%error, path = %legacy.display(), "the conversation of an earlier Warmline cannot be read");
            return Arc::new(UnavailableStore::new(error));
        }
    }
    match SqliteStore::open(&path) {
        Ok(store) => Arc::new(store),
        Err(error) => {
            tracing::error!(%error, path = %path.display(), "the conversation store cannot be opened");
            Arc::new(UnavailableStore::new(error))
        }
    }
}

/// Stands in for a store that could not be opened: `load` reports why (so
/// the user is told), and the conversation goes on in memory.
struct UnavailableStore {
    error: StoreError,
    memory: MemoryStore,
}

impl UnavailableStore {
    fn new(error: StoreError) -> Self {
        Self {
            error,
            memory: MemoryStore::new(),
        }
    }
}

impl ConversationStore for UnavailableStore {
    fn load(&self) -> Result<StoredConversation, StoreError> {
        Err(self.error.clone())
    }
    fn save_message(&self, message: &Message) -> Result<(), StoreError> {
        self.memory.save_message(message)
    }
    fn set_delivery(&self, id: MessageId, delivery: DeliveryState) -> Result<(), StoreError> {
        self.memory.set_delivery(id, delivery)
    }
    fn save_handoff(
        &self,
        handoff: &HandoffState,
        pending: Option<PendingHandoff>,
    ) -> Result<(), StoreError> {
        self.memory.save_handoff(handoff, pending)
    }
    fn save_conversation_id(
        &self,
        conversation: Option<&ConversationId>,
    ) -> Result<(), StoreError> {
        self.memory.save_conversation_id(conversation)
    }
    fn save_draft(&self, draft: &str) -> Result<(), StoreError> {
        self.memory.save_draft(draft)
    }
    fn save_resume_value(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        self.memory.save_resume_value(key, value)
    }
    fn load_resume_value(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.memory.load_resume_value(key)
    }
    fn save_left_message(&self, message: &QueuedLeftMessage) -> Result<(), StoreError> {
        self.memory.save_left_message(message)
    }
    fn remove_left_message(&self, id: MessageId) -> Result<(), StoreError> {
        self.memory.remove_left_message(id)
    }
}
