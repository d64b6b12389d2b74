//! What each event of the adapter's stream does to the conversation.

use super::actor::Engine;
use super::frustration::Verdict;
use super::view::waits_for_person;
use crate::backend::BackendEvent;
use crate::domain::{Author, DeliveryState, HandoffState, LocalizedText, MessageBody};

impl Engine {
    pub(super) fn handle_backend_event(&mut self, event: BackendEvent) {
        // The backend spoke, so the connection works: a resend waiting on
        // its timer goes now. (The backoff is not reset: a backend that
        // talks but keeps failing sends still gets growing waits between
        // timer-driven attempts.)
        self.connection_is_back();
        let demo = self.view.info().demo;
        match event {
            BackendEvent::BotMessage {
                name,
                text,
                understood,
            } => {
                self.view.set_typing(None);
                self.view.add_message(
                    Author::Bot { name, demo },
                    MessageBody::Text { text: text.clone() },
                    DeliveryState::Received,
                );
                // A bot Warmline does not control may answer a request for a
                // person with its fallback ("I did not understand"): say under
                // it that the request still stands, so the user does not
                // think it was refused.
                if !understood && waits_for_person(&self.view.handoff) {
                    self.view
                        .add_notice(LocalizedText::new("notice-person-request-stands"));
                }
                match self.frustration.bot_answered(&text, understood) {
                    Verdict::Offer => self.offer_person(),
                    Verdict::Withdraw => self.bot_helped(),
                    Verdict::None => {}
                }
            }
            BackendEvent::BotTrouble { notice_id } => {
                self.view.set_typing(None);
                self.view.add_notice(LocalizedText::new(notice_id));
                // No second miss is awaited: the bot said it cannot help.
                self.offer_person();
            }
            BackendEvent::AgentMessage { name, text } => {
                self.view.set_typing(None);
                self.view.add_message(
                    Author::Agent { name, demo },
                    MessageBody::Text { text },
                    DeliveryState::Received,
                );
            }
            BackendEvent::SystemMessage { text } => {
                self.view.add_message(
                    Author::System,
                    MessageBody::Text { text },
                    DeliveryState::Received,
                );
            }
            BackendEvent::Typing { name, active } => {
                self.view.set_typing(active.then_some(name));
            }
            BackendEvent::QueueUpdate {
                position,
                estimated_wait_secs,
            } => {
                if waits_for_person(&self.view.handoff) {
                    self.set_handoff(HandoffState::Queued {
                        position,
                        estimated_wait_secs,
                    });
                }
            }
            BackendEvent::AgentJoined { name } => {
                self.view.add_notice(
                    LocalizedText::new("notice-agent-joined").with_arg("name", name.as_str()),
                );
                self.set_handoff(HandoffState::Connected {
                    agent_name: name,
                    demo,
                });
            }
            BackendEvent::AgentLeft { name } => {
                self.view.set_typing(None);
                self.view
                    .add_notice(LocalizedText::new("notice-agent-left").with_arg("name", name));
                self.set_handoff(HandoffState::None);
            }
            BackendEvent::HandoffUnavailable { can_leave_message } => {
                self.view
                    .add_notice(LocalizedText::new(if can_leave_message {
                        "notice-nobody-available-leave-message"
                    } else {
                        "notice-nobody-available"
                    }));
                self.set_handoff(HandoffState::Unavailable);
            }
            BackendEvent::ConversationClosed => self.conversation_closed(),
            BackendEvent::Checkpoint { key, value } => {
                // Everything before this event was stored above, in order.
                self.view
                    .write(|store| store.save_resume_value(&key, Some(&value)));
            }
        }
    }
}
