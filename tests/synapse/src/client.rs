//! A small, blocking Matrix client for the test's own accounts: the agents
//! who answer, the admin who kicks, the reader who counts the room.
//!
//! It speaks the client-server API directly (no Warmline code), so what it
//! reads back from Synapse is an independent check of what the adapter did.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The HTTP client of the harness. Generous limits: they only catch a hang.
pub(crate) fn http_agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What went wrong with a request: the HTTP status and Matrix `errcode`, or
/// a transport failure (status 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    /// HTTP status, 0 when no answer came.
    pub status: u16,
    /// The Matrix error code, e.g. `M_FORBIDDEN`.
    pub errcode: String,
    /// The server's explanation.
    pub message: String,
}

/// One signed-in account on the test homeserver.
#[derive(Clone)]
pub struct TestUser {
    base_url: String,
    user_id: String,
    password: String,
    access_token: String,
    agent: ureq::Agent,
}

impl std::fmt::Debug for TestUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestUser")
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

impl TestUser {
    pub(crate) fn new(
        base_url: String,
        user_id: String,
        password: String,
        access_token: String,
    ) -> Self {
        Self {
            base_url,
            user_id,
            password,
            access_token,
            agent: http_agent(),
        }
    }

    /// The full user id, e.g. `@agent-lin:localhost`.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The account's password (test accounts only).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The access token of this session.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// Signs in again: a second session (device) with its own token.
    pub fn login_again(&self) -> TestUser {
        let response = self
            .request(
                "POST",
                "/_matrix/client/v3/login",
                Some(json!({
                    "type": "m.login.password",
                    "identifier": {"type": "m.id.user", "user": self.user_id},
                    "password": self.password,
                })),
            )
            .expect("login");
        TestUser {
            access_token: response["access_token"].as_str().expect("token").to_owned(),
            ..self.clone()
        }
    }

    /// Any client-server API call; `path` starts with `/_matrix` or
    /// `/_synapse`.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, RequestError> {
        let url = format!("{}{path}", self.base_url);
        let request = self
            .agent
            .request(method, &url)
            .set("Authorization", &format!("Bearer {}", self.access_token));
        let result = match body {
            Some(body) => request.send_json(body),
            None => request.call(),
        };
        match result {
            Ok(response) => Ok(response.into_json().unwrap_or(Value::Null)),
            Err(ureq::Error::Status(status, response)) => {
                let body: Value = response.into_json().unwrap_or(Value::Null);
                Err(RequestError {
                    status,
                    errcode: body["errcode"].as_str().unwrap_or_default().to_owned(),
                    message: body["error"].as_str().unwrap_or_default().to_owned(),
                })
            }
            Err(error) => Err(RequestError {
                status: 0,
                errcode: String::new(),
                message: error.to_string(),
            }),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.request(method, path, body)
            .unwrap_or_else(|error| panic!("{} {method} {path}: {error:?}", self.user_id))
    }

    /// Creates a private (invite-only) room, inviting `invite`.
    pub fn create_room(&self, name: &str, invite: &[&str]) -> String {
        let response = self.call(
            "POST",
            "/_matrix/client/v3/createRoom",
            Some(json!({"preset": "private_chat", "name": name, "invite": invite})),
        );
        response["room_id"].as_str().expect("room id").to_owned()
    }

    /// Joins a room (accepting an invitation).
    pub fn join(&self, room: &str) {
        self.call(
            "POST",
            &format!("/_matrix/client/v3/join/{}", percent_encode(room)),
            Some(json!({})),
        );
    }

    /// Leaves a room.
    pub fn leave(&self, room: &str) {
        self.call(
            "POST",
            &format!("/_matrix/client/v3/rooms/{}/leave", percent_encode(room)),
            Some(json!({})),
        );
    }

    /// Invites `user` to a room.
    pub fn invite(&self, room: &str, user: &str) {
        self.call(
            "POST",
            &format!("/_matrix/client/v3/rooms/{}/invite", percent_encode(room)),
            Some(json!({"user_id": user})),
        );
    }

    /// Removes `user` from a room.
    pub fn kick(&self, room: &str, user: &str) {
        self.call(
            "POST",
            &format!("/_matrix/client/v3/rooms/{}/kick", percent_encode(room)),
            Some(json!({"user_id": user, "reason": "test"})),
        );
    }

    /// Sets `user`'s power level in a room.
    pub fn set_power_level(&self, room: &str, user: &str, level: i64) {
        let path = format!(
            "/_matrix/client/v3/rooms/{}/state/m.room.power_levels",
            percent_encode(room)
        );
        let mut levels = self.call("GET", &path, None);
        levels["users"][user] = json!(level);
        self.call("PUT", &path, Some(levels));
    }

    /// Sends any room event; returns its event id.
    pub fn send_event(&self, room: &str, event_type: &str, content: Value) -> String {
        let path = format!(
            "/_matrix/client/v3/rooms/{}/send/{}/{}",
            percent_encode(room),
            percent_encode(event_type),
            uuid::Uuid::new_v4().simple()
        );
        let response = self.call("PUT", &path, Some(content));
        response["event_id"].as_str().expect("event id").to_owned()
    }

    /// Sends a plain text message.
    pub fn send_text(&self, room: &str, text: &str) -> String {
        self.send_event(
            room,
            "m.room.message",
            json!({"msgtype": "m.text", "body": text}),
        )
    }

    /// Starts or stops the typing notice in a room.
    pub fn typing(&self, room: &str, typing: bool) {
        self.call(
            "PUT",
            &format!(
                "/_matrix/client/v3/rooms/{}/typing/{}",
                percent_encode(room),
                percent_encode(&self.user_id)
            ),
            Some(json!({"typing": typing, "timeout": 30000})),
        );
    }

    /// Ends this session: its access token stops working.
    pub fn logout(&self) {
        self.call("POST", "/_matrix/client/v3/logout", Some(json!({})));
    }

    /// Deactivates the account for good (its tokens stop working and it can
    /// no longer sign in).
    pub fn deactivate(&self) {
        self.call(
            "POST",
            "/_matrix/client/v3/account/deactivate",
            Some(json!({
                "auth": {
                    "type": "m.login.password",
                    "identifier": {"type": "m.id.user", "user": self.user_id},
                    "password": self.password,
                },
                "erase": false,
            })),
        );
    }

    /// Every event of a room's timeline this account can see, oldest first.
    pub fn timeline(&self, room: &str) -> Vec<Value> {
        let mut events = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let mut path = format!(
                "/_matrix/client/v3/rooms/{}/messages?dir=f&limit=500",
                percent_encode(room)
            );
            if let Some(from) = &from {
                path.push_str(&format!("&from={}", percent_encode(from)));
            }
            let page = self.call("GET", &path, None);
            let chunk = page["chunk"].as_array().cloned().unwrap_or_default();
            if chunk.is_empty() {
                return events;
            }
            events.extend(chunk);
            match page["end"].as_str() {
                Some(end) => from = Some(end.to_owned()),
                None => return events,
            }
        }
    }

    /// The events of `event_type` in a room, oldest first.
    pub fn events_of_type(&self, room: &str, event_type: &str) -> Vec<Value> {
        self.timeline(room)
            .into_iter()
            .filter(|event| event["type"] == event_type)
            .collect()
    }

    /// The bodies of the `m.room.message` events `sender` sent to a room,
    /// oldest first.
    pub fn message_bodies_from(&self, room: &str, sender: &str) -> Vec<String> {
        self.events_of_type(room, "m.room.message")
            .into_iter()
            .filter(|event| event["sender"] == sender)
            .filter_map(|event| event["content"]["body"].as_str().map(str::to_owned))
            .collect()
    }

    /// Polls the room until an event matches `found` (or `limit` passes,
    /// which panics: a safety net against a hang, not a measurement).
    pub fn wait_for_event(
        &self,
        room: &str,
        what: &str,
        limit: Duration,
        found: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(event) = self.timeline(room).into_iter().find(&found) {
                return event;
            }
            assert!(
                Instant::now() < deadline,
                "never seen within {limit:?}: {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.errcode, self.message)
    }
}
