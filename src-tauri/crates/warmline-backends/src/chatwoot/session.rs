//! One open conversation's task: what was missed first, then the live
//! websocket events, each message delivered once and in order, with a
//! cursor checkpoint after each.

use std::sync::Arc;

use tokio::sync::mpsc;
use warmline_core::{BackendEvent, MessageId};

use super::api::WireMessage;
use super::cable::CableEvent;
use super::{cursor_key, lock, Inner};

/// One open conversation's task: first what was missed, then the live
/// events, each message once and in order.
pub(super) struct Session {
    pub(super) inner: Arc<Inner>,
    pub(super) conversation: u64,
    pub(super) source_id: String,
    pub(super) last: u64,
    pub(super) events: mpsc::Sender<BackendEvent>,
}

impl Session {
    async fn emit(&self, event: BackendEvent) -> bool {
        self.events.send(event).await.is_ok()
    }

    /// Delivers one message unless it was delivered before; false when the
    /// engine is gone.
    async fn message(&mut self, message: WireMessage) -> bool {
        if let (0, Some(echo)) = (message.message_type, message.echo_id.as_deref()) {
            if let Ok(uuid) = echo.parse() {
                self.inner.record_sent(MessageId(uuid), message.id);
            }
        }
        if message.id <= self.last {
            return true;
        }
        self.last = message.id;
        self.inner.saw(self.conversation, message.id);
        {
            let mut known = lock(&self.inner.known);
            let entry = known.entry(self.conversation).or_default();
            entry.delivered = entry.delivered.max(message.id);
        }
        let text = message.content.clone().unwrap_or_default();
        let visible = matches!(message.message_type, 1 | 3)
            && message.private != Some(true)
            && !text.trim().is_empty();
        if visible {
            let sender = message.sender.clone().unwrap_or_default();
            let delivered = if sender.kind.as_deref() == Some("user") {
                let name = sender.display_name("Agent");
                let joined = {
                    let mut known = lock(&self.inner.known);
                    let entry = known.entry(self.conversation).or_default();
                    let new = entry.agent.as_deref() != Some(name.as_str());
                    entry.agent = Some(name.clone());
                    new
                };
                (!joined
                    || self
                        .emit(BackendEvent::AgentJoined { name: name.clone() })
                        .await)
                    && self.emit(BackendEvent::AgentMessage { name, text }).await
            } else {
                self.emit(BackendEvent::BotMessage {
                    name: sender.display_name("Bot"),
                    text,
                    understood: true,
                })
                .await
            };
            if !delivered {
                return false;
            }
            let api = self.inner.api().ok().cloned();
            let (source_id, conversation) = (self.source_id.clone(), self.conversation);
            if let Some(api) = api {
                // The user has the message; agents see it was read.
                tokio::spawn(async move {
                    let _ = api.update_last_seen(&source_id, conversation).await;
                });
            }
        }
        let checkpoint = self
            .inner
            .resume
            .checkpoint(&cursor_key(self.conversation), self.last.to_string());
        self.emit(checkpoint).await
    }

    /// The conversation was resolved: end like the relay's idle close. A
    /// person who was answering has left it (a reopened conversation goes
    /// back to the inbox, or to its bot), so the user is told, and can ask
    /// for a person again.
    async fn resolved(&self) {
        let agent = {
            let mut known = lock(&self.inner.known);
            known.entry(self.conversation).or_default().agent.take()
        };
        *lock(&self.inner.reusable) = Some(self.conversation);
        if let Some(name) = agent {
            if !self.emit(BackendEvent::AgentLeft { name }).await {
                return;
            }
        }
        let _ = self.emit(BackendEvent::ConversationClosed).await;
    }

    pub(super) async fn run(
        mut self,
        missed: Vec<WireMessage>,
        resolved: bool,
        mut live: mpsc::UnboundedReceiver<CableEvent>,
    ) {
        for message in missed {
            if !self.message(message).await {
                return;
            }
        }
        if resolved {
            return self.resolved().await;
        }
        while let Some(event) = live.recv().await {
            let alive = match event {
                CableEvent::Message(m) if m.conversation_id == self.conversation => {
                    self.message(m).await
                }
                CableEvent::Status {
                    conversation,
                    status,
                } if conversation == self.conversation => {
                    if status == "resolved" {
                        return self.resolved().await;
                    }
                    true
                }
                CableEvent::Typing {
                    conversation,
                    name,
                    on,
                } if conversation == self.conversation => {
                    self.emit(BackendEvent::Typing { name, active: on }).await
                }
                _ => true,
            };
            if !alive {
                return;
            }
        }
        // The socket ended: the stream ends, the engine reconnects, and the
        // next open reads back what was missed.
    }
}
