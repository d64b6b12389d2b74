//! Opening a conversation: finding or creating the room, checking the user
//! may talk there, reading its members and power levels, and starting its
//! `/sync` task from the stored position.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use warmline_core::{BackendError, BackendSession, ConversationId, ConversationOptions};

use super::api::ApiError;
use super::model::{Member, RoomState};
use super::sync::{Position, SyncTask};
use super::{is_room_id, lock, Inner};

impl Inner {
    /// True when the user is joined to `room`.
    pub(super) async fn is_joined(&self, room: &str, me: &str) -> Result<bool, BackendError> {
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::GET,
                &[
                    "_matrix",
                    "client",
                    "v3",
                    "rooms",
                    room,
                    "state",
                    "m.room.member",
                    me,
                ],
                &[],
                None,
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(content) => Ok(content["membership"] == "join"),
            // Not in the room (any more), or the room is gone.
            Err(error) if matches!(error.status(), Some(403 | 404)) => Ok(false),
            Err(error) => Err(error.into_backend()),
        }
    }

    /// True while the support account of a direct room is invited to it or
    /// in it.
    pub(super) async fn support_still_there(&self, room: &str) -> Result<bool, BackendError> {
        let Some(support) = self.config.settings.support_account() else {
            return Ok(true);
        };
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::GET,
                &[
                    "_matrix",
                    "client",
                    "v3",
                    "rooms",
                    room,
                    "state",
                    "m.room.member",
                    support,
                ],
                &[],
                None,
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(content) => Ok(matches!(
                content["membership"].as_str(),
                Some("join" | "invite")
            )),
            Err(error) if matches!(error.status(), Some(403 | 404)) => Ok(false),
            Err(error) => Err(error.into_backend()),
        }
    }

    pub(super) fn stored_position(&self, room: &str) -> Option<Position> {
        self.resume
            .get(&Position::key(room))
            .and_then(|value| Position::parse(&value))
    }

    pub(super) async fn open(
        self: &Arc<Self>,
        options: ConversationOptions,
    ) -> Result<BackendSession, BackendError> {
        let me = self.signed_in().await?.user_id;
        let known = match self.config.settings.room() {
            Some(_) => lock(&self.resolved_room).clone(),
            None => options.resume.as_ref().map(|c| c.0.clone()),
        };
        if let Some(room) = known {
            let followed = lock(&self.followed).remove(&room);
            if let (Some(state), Some(position)) = (followed, self.stored_position(&room)) {
                return Ok(self.follow(room, position, state));
            }
        }
        let (room, position) = match self.config.settings.room() {
            Some(reference) => {
                let room = self.resolve(reference).await?;
                *lock(&self.resolved_room) = Some(room.clone());
                let position = match self.stored_position(&room) {
                    Some(position) => position,
                    // Before joining, so that nothing said after the join
                    // (a greeting) is missed.
                    None => Position::start(self.current_position().await?),
                };
                self.join_support_room(&room).await?;
                self.refuse_encrypted(&room).await?;
                (room, position)
            }
            None => match options.resume.map(|c| c.0).filter(|room| is_room_id(room)) {
                Some(room) => {
                    if !self.is_joined(&room, &me).await?
                        || !self.support_still_there(&room).await?
                    {
                        // Removed from the direct room, the room is gone, or
                        // the support account left it: the engine opens a
                        // new one and says the conversation continues.
                        return Err(BackendError::UnknownConversation(ConversationId(room)));
                    }
                    let position = match self.stored_position(&room) {
                        Some(position) => position,
                        None => Position::start(self.current_position().await?),
                    };
                    (room, position)
                }
                None => {
                    let position = Position::start(self.current_position().await?);
                    (self.create_direct_room().await?, position)
                }
            },
        };
        let state = self.room_state(&room, &me).await?;
        Ok(self.follow(room, position, state))
    }

    /// Starts the `/sync` task of `room` from `position`.
    pub(super) fn follow(
        self: &Arc<Self>,
        room: String,
        position: Position,
        state: RoomState,
    ) -> BackendSession {
        let (events, receiver) = mpsc::channel(256);
        let task = SyncTask::new(Arc::clone(self), room.clone(), position, state, events);
        tokio::spawn(task.run());
        BackendSession {
            conversation: ConversationId(room),
            events: receiver,
        }
    }

    /// The room id of a support room given by id or alias.
    pub(super) async fn resolve(&self, reference: &str) -> Result<String, BackendError> {
        if !reference.starts_with('#') {
            return Ok(reference.to_owned());
        }
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::GET,
                &["_matrix", "client", "v3", "directory", "room", reference],
                &[],
                None,
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(answer) => answer["room_id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| BackendError::Malformed("alias answer without room_id".into())),
            Err(error) if error.status() == Some(404) => Err(BackendError::Rejected(format!(
                "the support room {reference} does not exist on the homeserver"
            ))),
            Err(error) => Err(error.into_backend()),
        }
    }

    pub(super) async fn join_support_room(&self, room: &str) -> Result<(), BackendError> {
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::POST,
                &["_matrix", "client", "v3", "join", room],
                &[],
                Some(&json!({})),
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(_) => Ok(()),
            Err(error) => Err(match error.status() {
                Some(403) => BackendError::Rejected(format!(
                    "the account may not enter the support room {room} (removed, banned or never invited): {error}"
                )),
                Some(404) => BackendError::Rejected(format!(
                    "the support room {room} does not exist on the homeserver: {error}"
                )),
                _ => error.into_backend(),
            }),
        }
    }

    pub(super) async fn refuse_encrypted(&self, room: &str) -> Result<(), BackendError> {
        let answer: Result<Value, ApiError> = self
            .authed(
                Method::GET,
                &[
                    "_matrix",
                    "client",
                    "v3",
                    "rooms",
                    room,
                    "state",
                    "m.room.encryption",
                    "",
                ],
                &[],
                None,
                self.config.request_timeout,
            )
            .await?;
        match answer {
            Ok(_) => Err(BackendError::Rejected(format!(
                "the support room {room} is end-to-end encrypted, which Warmline does not support"
            ))),
            Err(error) if error.status() == Some(404) => Ok(()),
            Err(error) => Err(error.into_backend()),
        }
    }

    pub(super) async fn create_direct_room(&self) -> Result<String, BackendError> {
        let support =
            self.config.settings.support_account().ok_or_else(|| {
                BackendError::Rejected("no support room or account is set".into())
            })?;
        // Not encrypted (Warmline does not do Matrix encryption), private,
        // and marked direct so the support account's client shows it so.
        let body = json!({
            "preset": "private_chat",
            "is_direct": true,
            "invite": [support],
        });
        let answer: Value = self
            .call(
                Method::POST,
                &["_matrix", "client", "v3", "createRoom"],
                Some(&body),
            )
            .await?;
        answer["room_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| BackendError::Malformed("createRoom answer without room_id".into()))
    }

    /// The position of "now" on the user's event stream.
    pub(super) async fn current_position(&self) -> Result<String, BackendError> {
        let filter = json!({
            "room": {"rooms": []},
            "presence": {"types": []},
            "account_data": {"types": []},
        })
        .to_string();
        let answer: Value = self
            .authed(
                Method::GET,
                &["_matrix", "client", "v3", "sync"],
                &[("filter", filter.as_str()), ("timeout", "0")],
                None,
                self.config.request_timeout,
            )
            .await?
            .map_err(ApiError::into_backend)?;
        answer["next_batch"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| BackendError::Malformed("sync answer without next_batch".into()))
    }

    /// Members and power levels of `room`, as they are now.
    pub(super) async fn room_state(&self, room: &str, me: &str) -> Result<RoomState, BackendError> {
        let mut state = RoomState::new(me);
        let members: Value = self
            .call(
                Method::GET,
                &["_matrix", "client", "v3", "rooms", room, "joined_members"],
                None,
            )
            .await?;
        if let Some(joined) = members["joined"].as_object() {
            for (user, info) in joined {
                state.members.insert(
                    user.clone(),
                    Member {
                        membership: "join".into(),
                        display_name: info["display_name"].as_str().map(str::to_owned),
                    },
                );
            }
        }
        let levels: Result<Value, ApiError> = self
            .authed(
                Method::GET,
                &[
                    "_matrix",
                    "client",
                    "v3",
                    "rooms",
                    room,
                    "state",
                    "m.room.power_levels",
                    "",
                ],
                &[],
                None,
                self.config.request_timeout,
            )
            .await?;
        match levels {
            Ok(content) => state.set_power_levels(&content),
            Err(error) if error.status() == Some(404) => {}
            Err(error) => return Err(error.into_backend()),
        }
        Ok(state)
    }
}
