//! The support model over Matrix (docs/MATRIX.md): who in the room is an
//! agent, and what each room event means for the conversation.
//!
//! Pure functions over the room's state and one event at a time, so the
//! rules are tested without a server.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::Value;
use warmline_core::BackendEvent;

use super::settings::MatrixSettings;

/// The custom event a support tool reads: a request for a person.
pub const HANDOFF_EVENT: &str = "org.warmline.handoff";
/// Its counterpart: the user no longer needs a person.
pub const HANDOFF_CANCEL_EVENT: &str = "org.warmline.handoff.cancel";
/// A message or call-back request left when nobody could take the
/// conversation.
pub const LEFT_MESSAGE_EVENT: &str = "org.warmline.left_message";
/// The support side's queue position and estimated wait.
pub const QUEUE_EVENT: &str = "org.warmline.queue";
/// The support side says nobody can take the conversation now.
pub const UNAVAILABLE_EVENT: &str = "org.warmline.handoff.unavailable";
/// A bot marks an answer it gave without understanding the question with
/// this content key set to `false`.
pub const UNDERSTOOD_KEY: &str = "org.warmline.understood";

/// One event from a room's timeline, as far as Warmline reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct RoomEvent {
    /// The event's id (absent only in broken data).
    #[serde(default)]
    pub event_id: String,
    /// `m.room.message`, `m.room.member`, `org.warmline.queue`…
    #[serde(rename = "type")]
    pub kind: String,
    /// Who sent it.
    #[serde(default)]
    pub sender: String,
    /// For state events, whom or what it is about.
    #[serde(default)]
    pub state_key: Option<String>,
    /// The event's content.
    #[serde(default)]
    pub content: Value,
    /// What the server adds (`prev_content` of a state event).
    #[serde(default)]
    pub unsigned: Value,
}

impl RoomEvent {
    /// True for `user` joining (not a display name change of a member).
    pub fn is_join_of(&self, user: &str) -> bool {
        self.kind == "m.room.member"
            && self.state_key.as_deref() == Some(user)
            && self.content["membership"] == "join"
            && self.unsigned["prev_content"]["membership"] != "join"
    }
}

/// A room member as the room's state describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// `join`, `invite`, `leave`, `ban`.
    pub membership: String,
    /// Their display name, if they set one.
    pub display_name: Option<String>,
}

/// What Warmline knows of the support room: members and power levels.
#[derive(Debug, Clone, Default)]
pub struct RoomState {
    /// The user Warmline signs in as.
    pub me: String,
    /// Members by user id.
    pub members: HashMap<String, Member>,
    /// Power levels by user id (`users` of `m.room.power_levels`).
    pub power_levels: HashMap<String, i64>,
    /// The level of users the power levels do not list.
    pub users_default: i64,
    /// Who is typing now (other than the user).
    pub typing: BTreeSet<String>,
}

/// Who counts as an agent, from the profile.
#[derive(Debug, Clone, Default)]
pub struct AgentRule {
    listed: BTreeSet<String>,
    power_level: Option<i64>,
    support_account: Option<String>,
}

impl AgentRule {
    /// The rule a profile sets.
    pub fn from_settings(settings: &MatrixSettings) -> Self {
        Self {
            listed: settings
                .agents
                .iter()
                .map(|a| a.trim().to_owned())
                .collect(),
            power_level: settings.agent_power_level,
            support_account: settings.support_account().map(str::to_owned),
        }
    }

    /// True when `user` answers as a person: a listed account, or one with
    /// the configured power level. A profile that names neither treats
    /// every other member as a person, except the support account of a
    /// direct room (usually a bot that routes).
    pub fn is_agent(&self, state: &RoomState, user: &str) -> bool {
        if user == state.me {
            return false;
        }
        if self.listed.contains(user) {
            return true;
        }
        if let Some(level) = self.power_level {
            return state.power_level(user) >= level;
        }
        self.listed.is_empty() && self.support_account.as_deref() != Some(user)
    }
}

impl RoomState {
    /// An empty state for the user `me`.
    pub fn new(me: &str) -> Self {
        Self {
            me: me.to_owned(),
            ..Self::default()
        }
    }

    /// `user`'s power level.
    pub fn power_level(&self, user: &str) -> i64 {
        self.power_levels
            .get(user)
            .copied()
            .unwrap_or(self.users_default)
    }

    /// The name to show for `user`: their display name, or the localpart
    /// of their id.
    pub fn name_of(&self, user: &str) -> String {
        self.members
            .get(user)
            .and_then(|m| m.display_name.clone())
            .filter(|name| !name.trim().is_empty())
            .unwrap_or_else(|| {
                user.trim_start_matches('@')
                    .split(':')
                    .next()
                    .unwrap_or(user)
                    .to_owned()
            })
    }

    /// Reads `m.room.power_levels` content.
    pub fn set_power_levels(&mut self, content: &Value) {
        self.users_default = content["users_default"].as_i64().unwrap_or(0);
        self.power_levels = content["users"]
            .as_object()
            .map(|users| {
                users
                    .iter()
                    .filter_map(|(user, level)| Some((user.clone(), level.as_i64()?)))
                    .collect()
            })
            .unwrap_or_default();
    }

    /// Takes in a state event without reporting anything (the state at
    /// the start, or state that changed during a gap).
    pub fn absorb(&mut self, event: &RoomEvent) {
        match (event.kind.as_str(), event.state_key.as_deref()) {
            ("m.room.member", Some(user)) => {
                self.members
                    .insert(user.to_owned(), member_of(&event.content));
            }
            ("m.room.power_levels", Some("")) => self.set_power_levels(&event.content),
            _ => {}
        }
    }
}

fn member_of(content: &Value) -> Member {
    Member {
        membership: content["membership"].as_str().unwrap_or("leave").to_owned(),
        display_name: content["displayname"].as_str().map(str::to_owned),
    }
}

/// What one timeline event means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// Something to tell the engine.
    Event(BackendEvent),
    /// The user is no longer in the room (removed or banned).
    UserRemoved,
    /// The support account left the direct room: nobody is there to answer.
    SupportLeft,
    /// Nothing for Warmline (its own echo, other state, unknown types).
    Nothing,
}

/// Reads one timeline event, updating `state` (members, power levels).
pub fn interpret(state: &mut RoomState, rule: &AgentRule, event: &RoomEvent) -> Meaning {
    match event.kind.as_str() {
        "m.room.member" => member_change(state, rule, event),
        "m.room.power_levels" => {
            state.absorb(event);
            Meaning::Nothing
        }
        _ if event.sender == state.me || event.sender.is_empty() => Meaning::Nothing,
        "m.room.message" => message(state, rule, event),
        QUEUE_EVENT => Meaning::Event(BackendEvent::QueueUpdate {
            position: u32_field(&event.content, "position"),
            estimated_wait_secs: u32_field(&event.content, "estimated_wait_secs"),
        }),
        UNAVAILABLE_EVENT => Meaning::Event(BackendEvent::HandoffUnavailable {
            can_leave_message: event.content["can_leave_message"].as_bool().unwrap_or(true),
        }),
        _ => Meaning::Nothing,
    }
}

fn u32_field(content: &Value, key: &str) -> Option<u32> {
    content[key].as_u64().and_then(|n| u32::try_from(n).ok())
}

fn message(state: &RoomState, rule: &AgentRule, event: &RoomEvent) -> Meaning {
    let Some(text) = event.content["body"].as_str() else {
        // Redacted or broken: nothing to show.
        return Meaning::Nothing;
    };
    if text.trim().is_empty() {
        return Meaning::Nothing;
    }
    let name = state.name_of(&event.sender);
    let text = text.to_owned();
    // `m.notice` is Matrix's convention for automated messages.
    let notice = event.content["msgtype"] == "m.notice";
    if rule.is_agent(state, &event.sender) && !notice {
        Meaning::Event(BackendEvent::AgentMessage { name, text })
    } else {
        Meaning::Event(BackendEvent::BotMessage {
            name,
            text,
            understood: event.content[UNDERSTOOD_KEY].as_bool().unwrap_or(true),
        })
    }
}

fn member_change(state: &mut RoomState, rule: &AgentRule, event: &RoomEvent) -> Meaning {
    let Some(user) = event.state_key.clone() else {
        return Meaning::Nothing;
    };
    let was_joined = state
        .members
        .get(&user)
        .is_some_and(|m| m.membership == "join");
    // A leave event carries no display name: name who left as they were.
    let name_before = state.name_of(&user);
    state.absorb(event);
    let joined = state
        .members
        .get(&user)
        .is_some_and(|m| m.membership == "join");
    if user == state.me {
        let membership = event.content["membership"].as_str();
        return if matches!(membership, Some("leave" | "ban")) {
            Meaning::UserRemoved
        } else {
            Meaning::Nothing
        };
    }
    if was_joined && !joined && rule.support_account.as_deref() == Some(user.as_str()) {
        return Meaning::SupportLeft;
    }
    if was_joined == joined || !rule.is_agent(state, &user) {
        // A display name change, or someone who is not an agent.
        return Meaning::Nothing;
    }
    Meaning::Event(if joined {
        BackendEvent::AgentJoined {
            name: state.name_of(&user),
        }
    } else {
        BackendEvent::AgentLeft { name: name_before }
    })
}

/// The typing notices to report for a new `m.typing` list.
pub fn typing_changes(state: &mut RoomState, user_ids: &[String]) -> Vec<BackendEvent> {
    let now: BTreeSet<String> = user_ids
        .iter()
        .filter(|user| **user != state.me)
        .cloned()
        .collect();
    let stopped = state.typing.difference(&now).map(|user| (user, false));
    let started = now.difference(&state.typing).map(|user| (user, true));
    let events = stopped
        .chain(started)
        .map(|(user, active)| BackendEvent::Typing {
            name: state.name_of(user),
            active,
        })
        .collect();
    state.typing = now;
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ME: &str = "@anna:example.org";
    const LIN: &str = "@lin:example.org";
    const BOT: &str = "@bot:example.org";

    fn event(kind: &str, sender: &str, state_key: Option<&str>, content: Value) -> RoomEvent {
        RoomEvent {
            event_id: format!("${}", kind.len()),
            kind: kind.into(),
            sender: sender.into(),
            state_key: state_key.map(str::to_owned),
            content,
            unsigned: Value::Null,
        }
    }

    fn joined(user: &str, name: &str) -> RoomEvent {
        event(
            "m.room.member",
            user,
            Some(user),
            json!({"membership": "join", "displayname": name}),
        )
    }

    fn left(user: &str, by: &str) -> RoomEvent {
        event(
            "m.room.member",
            by,
            Some(user),
            json!({"membership": "leave"}),
        )
    }

    fn text(sender: &str, body: &str) -> RoomEvent {
        event(
            "m.room.message",
            sender,
            None,
            json!({"msgtype": "m.text", "body": body}),
        )
    }

    fn listed_rule() -> AgentRule {
        let mut settings = MatrixSettings::in_room("https://example.org", ME, "!r:example.org");
        settings.agents = vec![LIN.into()];
        AgentRule::from_settings(&settings)
    }

    #[test]
    fn a_listed_agent_joins_writes_and_leaves_by_display_name() {
        let rule = listed_rule();
        let mut state = RoomState::new(ME);
        state.absorb(&joined(ME, "Anna"));
        assert_eq!(
            interpret(&mut state, &rule, &joined(LIN, "Agent Lin")),
            Meaning::Event(BackendEvent::AgentJoined {
                name: "Agent Lin".into()
            })
        );
        // A display name change is not a second join.
        assert_eq!(
            interpret(&mut state, &rule, &joined(LIN, "Lin (support)")),
            Meaning::Nothing
        );
        assert_eq!(
            interpret(&mut state, &rule, &text(LIN, "Hello, I can help.")),
            Meaning::Event(BackendEvent::AgentMessage {
                name: "Lin (support)".into(),
                text: "Hello, I can help.".into()
            })
        );
        assert_eq!(
            interpret(&mut state, &rule, &left(LIN, LIN)),
            Meaning::Event(BackendEvent::AgentLeft {
                name: "Lin (support)".into()
            })
        );
    }

    #[test]
    fn others_are_bots_and_the_users_own_echo_is_nothing() {
        let rule = listed_rule();
        let mut state = RoomState::new(ME);
        state.absorb(&joined(BOT, "Help bot"));
        assert_eq!(
            interpret(&mut state, &rule, &joined(BOT, "Help bot")),
            Meaning::Nothing
        );
        let mut fallback = text(BOT, "Sorry, I did not get that.");
        fallback.content[UNDERSTOOD_KEY] = json!(false);
        assert_eq!(
            interpret(&mut state, &rule, &fallback),
            Meaning::Event(BackendEvent::BotMessage {
                name: "Help bot".into(),
                text: "Sorry, I did not get that.".into(),
                understood: false
            })
        );
        assert_eq!(
            interpret(&mut state, &rule, &text(ME, "my own words")),
            Meaning::Nothing
        );
        // A notice is automated even from an agent.
        let notice = event(
            "m.room.message",
            LIN,
            None,
            json!({"msgtype": "m.notice", "body": "Ticket 42 opened"}),
        );
        assert!(matches!(
            interpret(&mut state, &rule, &notice),
            Meaning::Event(BackendEvent::BotMessage { .. })
        ));
    }

    #[test]
    fn power_level_makes_an_agent_when_configured() {
        let mut settings = MatrixSettings::in_room("https://example.org", ME, "!r:example.org");
        settings.agent_power_level = Some(50);
        let rule = AgentRule::from_settings(&settings);
        let mut state = RoomState::new(ME);
        state.set_power_levels(&json!({"users": {LIN: 50, BOT: 10}, "users_default": 0}));
        assert!(rule.is_agent(&state, LIN));
        assert!(!rule.is_agent(&state, BOT));
        assert!(!rule.is_agent(&state, ME));
        // Without any rule, every other member is a person, except the
        // support account of a direct room.
        let direct = AgentRule::from_settings(&MatrixSettings::with_support_account(
            "https://example.org",
            ME,
            BOT,
        ));
        assert!(direct.is_agent(&state, LIN));
        assert!(!direct.is_agent(&state, BOT));
    }

    #[test]
    fn the_user_removed_and_the_support_account_leaving_are_told_apart() {
        let rule = AgentRule::from_settings(&MatrixSettings::with_support_account(
            "https://example.org",
            ME,
            BOT,
        ));
        let mut state = RoomState::new(ME);
        state.absorb(&joined(ME, "Anna"));
        state.absorb(&joined(BOT, "Support"));
        assert_eq!(
            interpret(&mut state, &rule, &left(BOT, BOT)),
            Meaning::SupportLeft
        );
        assert_eq!(
            interpret(&mut state, &rule, &left(ME, LIN)),
            Meaning::UserRemoved
        );
    }

    #[test]
    fn queue_and_unavailable_events_are_read_and_bad_numbers_ignored() {
        let rule = listed_rule();
        let mut state = RoomState::new(ME);
        let queue = event(
            QUEUE_EVENT,
            BOT,
            None,
            json!({"position": 3, "estimated_wait_secs": 240}),
        );
        assert_eq!(
            interpret(&mut state, &rule, &queue),
            Meaning::Event(BackendEvent::QueueUpdate {
                position: Some(3),
                estimated_wait_secs: Some(240)
            })
        );
        let odd = event(
            QUEUE_EVENT,
            BOT,
            None,
            json!({"position": -1, "estimated_wait_secs": "soon"}),
        );
        assert_eq!(
            interpret(&mut state, &rule, &odd),
            Meaning::Event(BackendEvent::QueueUpdate {
                position: None,
                estimated_wait_secs: None
            })
        );
        let unavailable = event(
            UNAVAILABLE_EVENT,
            BOT,
            None,
            json!({"can_leave_message": false}),
        );
        assert_eq!(
            interpret(&mut state, &rule, &unavailable),
            Meaning::Event(BackendEvent::HandoffUnavailable {
                can_leave_message: false
            })
        );
    }

    #[test]
    fn typing_reports_starts_and_stops_of_others() {
        let mut state = RoomState::new(ME);
        state.absorb(&joined(LIN, "Agent Lin"));
        let started = typing_changes(&mut state, &[LIN.into(), ME.into()]);
        assert_eq!(
            started,
            [BackendEvent::Typing {
                name: "Agent Lin".into(),
                active: true
            }]
        );
        assert!(typing_changes(&mut state, &[LIN.into()]).is_empty());
        let stopped = typing_changes(&mut state, &[]);
        assert_eq!(
            stopped,
            [BackendEvent::Typing {
                name: "Agent Lin".into(),
                active: false
            }]
        );
    }
}
