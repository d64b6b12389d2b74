//! What Warmline tells the user outside the window, read aloud or in a
//! system notification: a new reply from the bot or a person, and each
//! change of the request for a person. Text in the user's language, from the
//! same Fluent messages the window shows.

use warmline_core::{Author, ConversationChange, HandoffState, MessageBody};
use warmline_i18n::{Args, Localizer};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementKind {
    /// The bot or a person wrote.
    Reply,
    /// A person joined the conversation.
    PersonJoined,
    /// The place in the queue, or the request for a person, changed.
    Queue,
}

/// One thing to tell the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// What happened.
    pub kind: AnnouncementKind,
    /// Who: the writer of a reply, the person who joined; `None` for Warmline.
    pub author: Option<String>,
    /// What it says, in the user's language (a reply as written).
    pub text: String,
}

/// The announcement for one change, if it is one the user is told of.
pub fn announcement(change: &ConversationChange, localizer: &Localizer) -> Option<Announcement> {
    match change {
        ConversationChange::MessageAdded { message } => {
            let (Author::Bot { name, .. } | Author::Agent { name, .. }) = &message.author else {
                return None;
            };
            let MessageBody::Text { text } = &message.body else {
                return None;
            };
            (!text.trim().is_empty()).then(|| Announcement {
                kind: AnnouncementKind::Reply,
                author: Some(name.clone()),
                text: text.clone(),
            })
        }
        ConversationChange::HandoffChanged { handoff } => handoff_announcement(handoff, localizer),
        _ => None,
    }
}

/// A system notification for the window behind others: a reply or a
/// person joining (queue changes are left to the window), as its title and
/// body in the user's language (`notification.ftl`).
pub fn notification(
    change: &ConversationChange,
    localizer: &Localizer,
) -> Option<(String, String)> {
    let said = announcement(change, localizer)?;
    let title = match (said.kind, &said.author) {
        (AnnouncementKind::Reply, Some(author)) => {
            let mut args = Args::new();
            args.set("name", author.clone());
            localizer.format("notification-reply-title", Some(&args))
        }
        (AnnouncementKind::PersonJoined, _) => {
            localizer.format("notification-person-joined-title", None)
        }
        _ => return None,
    };
    Some((title, said.text))
}

/// How a reply is read: who wrote it, then what it says
/// (`speech-reply` in `speech.ftl`).
pub fn spoken_reply(author: &str, text: &str, localizer: &Localizer) -> String {
    let mut args = Args::new();
    args.set("name", author.to_owned());
    args.set("text", text.to_owned());
    localizer.format("speech-reply", Some(&args))
}

fn handoff_announcement(handoff: &HandoffState, localizer: &Localizer) -> Option<Announcement> {
    let plain = |id: &str| localizer.format(id, None);
    let (kind, author, sentences) = match handoff {
        HandoffState::Queued {
            position,
            estimated_wait_secs,
        } => {
            let mut sentences = Vec::new();
            match position {
                Some(position) => {
                    let mut args = Args::new();
                    args.set("position", *position);
                    sentences.push(localizer.format("handoff-queued-position", Some(&args)));
                }
                None if estimated_wait_secs.is_none() => {
                    sentences.push(plain("handoff-queued-unknown"));
                }
                None => sentences.push(plain("handoff-queued")),
            }
            if let Some(seconds) = estimated_wait_secs {
                // As the window rounds it (HandoffStatus.tsx `waitMinutes`).
                let minutes = if *seconds < 60 {
                    0
                } else {
                    seconds.div_ceil(60)
                };
                let mut args = Args::new();
                args.set("minutes", minutes);
                sentences.push(localizer.format("handoff-wait-minutes", Some(&args)));
            }
            (AnnouncementKind::Queue, None, sentences)
        }
        HandoffState::Connected { agent_name, demo } => {
            let id = if *demo {
                "handoff-connected-demo"
            } else {
                "handoff-connected"
            };
            let mut args = Args::new();
            args.set("name", agent_name.clone());
            (
                AnnouncementKind::PersonJoined,
                Some(agent_name.clone()),
                vec![localizer.format(id, Some(&args))],
            )
        }
        HandoffState::Unavailable => (
            AnnouncementKind::Queue,
            None,
            vec![plain("handoff-unavailable")],
        ),
        _ => return None,
    };
    Some(Announcement {
        kind,
        author,
        text: sentences.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use warmline_core::{DeliveryState, Message, MessageId, Timestamp};

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

    #[test]
    fn replies_of_the_bot_and_of_people_are_announced_the_users_are_not() {
        let en = Localizer::new("en-US");
        let bot = Author::Bot {
            name: "Helper".into(),
            demo: true,
        };
        let said = announcement(&reply(bot, "Your card is on its way."), &en).unwrap();
        assert_eq!(said.kind, AnnouncementKind::Reply);
        assert_eq!(said.text, "Your card is on its way.");
        assert_eq!(said.author.as_deref(), Some("Helper"));
        let agent = Author::Agent {
            name: "Anna".into(),
            demo: false,
        };
        assert!(announcement(&reply(agent, "Hello"), &en).is_some());
        assert!(announcement(&reply(Author::User, "Hello"), &en).is_none());
        assert!(announcement(&reply(Author::System, "Hello"), &en).is_none());
    }

    #[test]
    fn queue_changes_are_said_in_the_users_language() {
        let queued = ConversationChange::HandoffChanged {
            handoff: HandoffState::Queued {
                position: Some(3),
                estimated_wait_secs: Some(120),
            },
        };
        assert_eq!(
            announcement(&queued, &Localizer::new("en-US"))
                .unwrap()
                .text,
            "You are number 3 in line. Expected wait: about 2 minutes."
        );
        assert_eq!(
            announcement(&queued, &Localizer::new("zh-CN"))
                .unwrap()
                .text,
            "您排在第 3 位。 预计等待：大约 2 分钟。"
        );
        let joined = ConversationChange::HandoffChanged {
            handoff: HandoffState::Connected {
                agent_name: "Anna".into(),
                demo: false,
            },
        };
        let said = announcement(&joined, &Localizer::new("en-US")).unwrap();
        assert_eq!(said.kind, AnnouncementKind::PersonJoined);
        assert_eq!(said.text, "You are talking to Anna.");
        let none = ConversationChange::HandoffChanged {
            handoff: HandoffState::None,
        };
        assert!(announcement(&none, &Localizer::new("en-US")).is_none());
    }

    #[test]
    fn notifications_are_for_replies_and_a_person_joining_in_the_users_language() {
        let zh = Localizer::new("zh-CN");
        let agent = Author::Agent {
            name: "小王".into(),
            demo: false,
        };
        assert_eq!(
            notification(&reply(agent, "您好，我来帮您。"), &zh),
            Some(("小王回复了您".to_owned(), "您好，我来帮您。".to_owned()))
        );
        let joined = ConversationChange::HandoffChanged {
            handoff: HandoffState::Connected {
                agent_name: "Anna".into(),
                demo: false,
            },
        };
        assert_eq!(
            notification(&joined, &Localizer::new("en-US")),
            Some((
                "A person has joined".to_owned(),
                "You are talking to Anna.".to_owned()
            ))
        );
        let queued = ConversationChange::HandoffChanged {
            handoff: HandoffState::Queued {
                position: Some(2),
                estimated_wait_secs: None,
            },
        };
        assert_eq!(notification(&queued, &zh), None);
    }

    #[test]
    fn a_reply_is_read_with_its_writer() {
        assert_eq!(
            spoken_reply("Anna", "Hello.", &Localizer::new("en-US")),
            "Anna says: Hello."
        );
        assert_eq!(
            spoken_reply("小王", "您好。", &Localizer::new("zh-CN")),
            "小王说：您好。"
        );
    }
}
