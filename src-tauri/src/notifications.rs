//! System notifications while the chat window is behind others.
//!
//! Screen readers ignore a window that is not in front, and a sighted user
//! whose Warmline is covered does not see a reply arrive. So a reply from
//! the bot or a person, a person joining, and the queue reaching the user
//! ("you are next") raise a system notification in the user's language —
//! but only while the chat window is not focused: in front, the window
//! itself (and its live regions) tells the user.
//!
//! [`NotificationRules`] decides what and when, without Tauri (unit-tested
//! below); [`forward`] follows the session and shows what it decides
//! through `tauri-plugin-notification`.

use tauri::Manager;
use tauri_plugin_notification::NotificationExt;
use warmline_core::{ConversationChange, ConversationEvent, HandoffState};
use warmline_i18n::Localizer;

use crate::settings_area::SettingsArea;

/// One system notification: its title (the D-Bus `summary`) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemNotification {
    /// The title, in the user's language.
    pub title: String,
    /// The body: the reply as written, or who joined, or the queue place.
    pub body: String,
}

/// What is notified and when. Follows every change, focused or not, so that
/// it knows the last place in the queue ("you are next" is raised once,
/// when the place becomes 1, not on every repeat of it).
#[derive(Debug, Default)]
pub struct NotificationRules {
    epoch: Option<u32>,
    queue_position: Option<u32>,
}

impl NotificationRules {
    /// The notification for `event`, if one is due: `chat_focused` is
    /// whether the chat window has the focus right now, `enabled` the
    /// caregiver's setting (on by default).
    pub fn decide(
        &mut self,
        event: &ConversationEvent,
        chat_focused: bool,
        enabled: bool,
        localizer: &Localizer,
    ) -> Option<SystemNotification> {
        // A new epoch is a new conversation (another profile): its queue
        // starts afresh.
        if self.epoch != Some(event.epoch) {
            self.epoch = Some(event.epoch);
            self.queue_position = None;
        }
        let reached_front = self.follow_queue(&event.change);
        if chat_focused || !enabled {
            return None;
        }
        if reached_front {
            let said = warmline_speech::announce::announcement(&event.change, localizer)?;
            return Some(SystemNotification {
                title: localizer.format("notification-your-turn-title", None),
                body: said.text,
            });
        }
        warmline_speech::announce::notification(&event.change, localizer)
            .map(|(title, body)| SystemNotification { title, body })
    }

    /// Remembers the place in the queue; true when it just became 1.
    fn follow_queue(&mut self, change: &ConversationChange) -> bool {
        let ConversationChange::HandoffChanged { handoff } = change else {
            return false;
        };
        let position = match handoff {
            HandoffState::Queued { position, .. } => *position,
            _ => None,
        };
        let before = std::mem::replace(&mut self.queue_position, position);
        position == Some(1) && before != Some(1)
    }
}

/// Follows the session's changes for the whole run and shows each
/// notification [`NotificationRules`] decides on. The language is the one
/// in force at that moment (the caregiver may change it live).
pub fn forward(
    app: tauri::AppHandle,
    mut changes: tokio::sync::broadcast::Receiver<ConversationEvent>,
) {
    tauri::async_runtime::spawn(async move {
        let mut rules = NotificationRules::default();
        loop {
            let event = match changes.recv().await {
                Ok(event) => event,
                // A missed reply is not notified; the window still has it.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            let focused = app
                .get_webview_window("main")
                .and_then(|window| window.is_focused().ok())
                .unwrap_or(false);
            let area = app.state::<SettingsArea>();
            let (enabled, locale) = (area.settings().notifications, area.locale());
            let localizer = Localizer::new(&locale);
            let Some(shown) = rules.decide(&event, focused, enabled, &localizer) else {
                continue;
            };
            let result = app
                .notification()
                .builder()
                .title(shown.title)
                .body(shown.body)
                .show();
            match result {
                // Never the text itself: it is the user's conversation.
                Ok(()) => tracing::info!(seq = event.seq, "a system notification was raised"),
                Err(error) => tracing::warn!(%error, "the system notification could not be shown"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_core::{Author, DeliveryState, Message, MessageBody, MessageId, Timestamp};
    use warmline_i18n::Args;

    fn reply_title(name: &str, localizer: &Localizer) -> String {
        let mut args = Args::new();
        args.set("name", name.to_owned());
        localizer.format("notification-reply-title", Some(&args))
    }

    fn event(seq: u32, change: ConversationChange) -> ConversationEvent {
        ConversationEvent {
            epoch: 1,
            seq,
            change,
        }
    }

    fn reply(author: Author, text: &str) -> ConversationChange {
        ConversationChange::MessageAdded {
            message: Message {
                id: MessageId::new(),
                author,
                body: MessageBody::Text { text: text.into() },
                sent_at: Timestamp(0),
                delivery: DeliveryState::Sent,
                failure: None,
            },
        }
    }

    fn queued(position: Option<u32>) -> ConversationChange {
        ConversationChange::HandoffChanged {
            handoff: HandoffState::Queued {
                position,
                estimated_wait_secs: None,
            },
        }
    }

    #[test]
    fn a_reply_is_notified_only_while_the_chat_window_is_not_focused() {
        let en = Localizer::new("en-US");
        let mut rules = NotificationRules::default();
        let bot = Author::Bot {
            name: "Helper".into(),
            demo: true,
        };
        let change = reply(bot, "Your card is on its way.");
        assert_eq!(
            rules.decide(&event(1, change.clone()), true, true, &en),
            None
        );
        assert_eq!(
            rules.decide(&event(2, change), false, true, &en),
            Some(SystemNotification {
                title: reply_title("Helper", &en),
                body: "Your card is on its way.".into(),
            })
        );
        // The user's own words are never notified.
        assert_eq!(
            rules.decide(&event(3, reply(Author::User, "Hello")), false, true, &en),
            None
        );
    }

    #[test]
    fn a_person_joining_is_notified_in_the_users_language() {
        let zh = Localizer::new("zh-CN");
        let mut rules = NotificationRules::default();
        let joined = ConversationChange::HandoffChanged {
            handoff: HandoffState::Connected {
                agent_name: "小王".into(),
                demo: false,
            },
        };
        let shown = rules.decide(&event(1, joined), false, true, &zh).unwrap();
        assert_eq!(shown.title, "人工客服已接入");
        assert!(shown.body.contains("小王"), "{}", shown.body);
    }

    #[test]
    fn the_queue_reaching_the_user_is_notified_once() {
        let en = Localizer::new("en-US");
        let mut rules = NotificationRules::default();
        assert_eq!(
            rules.decide(&event(1, queued(Some(3))), false, true, &en),
            None
        );
        assert_eq!(
            rules.decide(&event(2, queued(Some(2))), false, true, &en),
            None
        );
        let next = rules
            .decide(&event(3, queued(Some(1))), false, true, &en)
            .unwrap();
        assert_eq!(next.title, en.format("notification-your-turn-title", None));
        assert_eq!(next.body, "You are next in line.");
        // The same place again (a wait estimate changed) is not news.
        assert_eq!(
            rules.decide(&event(4, queued(Some(1))), false, true, &en),
            None
        );
    }

    #[test]
    fn reaching_the_front_while_focused_is_not_notified_later() {
        let en = Localizer::new("en-US");
        let mut rules = NotificationRules::default();
        rules.decide(&event(1, queued(Some(2))), false, true, &en);
        assert_eq!(
            rules.decide(&event(2, queued(Some(1))), true, true, &en),
            None
        );
        // The window went behind others; the place is still 1.
        assert_eq!(
            rules.decide(&event(3, queued(Some(1))), false, true, &en),
            None
        );
    }

    #[test]
    fn nothing_is_notified_when_the_caregiver_turned_notifications_off() {
        let en = Localizer::new("en-US");
        let mut rules = NotificationRules::default();
        let agent = Author::Agent {
            name: "Anna".into(),
            demo: false,
        };
        let change = reply(agent, "Hello");
        assert_eq!(
            rules.decide(&event(1, change.clone()), false, false, &en),
            None
        );
        assert!(rules.decide(&event(2, change), false, true, &en).is_some());
        // The queue is still followed while they are off.
        rules.decide(&event(3, queued(Some(1))), false, false, &en);
        assert_eq!(
            rules.decide(&event(4, queued(Some(1))), false, true, &en),
            None
        );
    }

    #[test]
    fn a_new_conversation_starts_the_queue_afresh() {
        let en = Localizer::new("en-US");
        let mut rules = NotificationRules::default();
        rules.decide(&event(1, queued(Some(1))), true, true, &en);
        let other = ConversationEvent {
            epoch: 2,
            seq: 1,
            change: queued(Some(1)),
        };
        assert!(rules.decide(&other, false, true, &en).is_some());
    }
}
