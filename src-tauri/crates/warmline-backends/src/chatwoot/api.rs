//! Chatwoot's Client API over HTTP: the calls Warmline makes for one
//! API-channel inbox, with typed answers (`tests/chatwoot-fake/spec`
//! holds the subset as OpenAPI).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use warmline_core::{BackendError, ConversationId};

/// A contact as the Client API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The contact's id in paths (`contact_identifier`).
    pub source_id: String,
    /// The websocket stream token.
    pub pubsub_token: String,
}

/// A conversation as the Client API returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    /// The display id, used in paths.
    pub id: u64,
    /// `open`, `pending`, `resolved` or `snoozed`.
    pub status: String,
}

/// Who wrote a message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Sender {
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// What agents chose to be called (users only).
    #[serde(default)]
    pub available_name: Option<String>,
    /// `contact`, `user` (a person), `agent_bot`, `captain_assistant`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

impl Sender {
    /// The name to show, never empty.
    pub fn display_name(&self, fallback: &str) -> String {
        self.available_name
            .as_deref()
            .or(self.name.as_deref())
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(fallback)
            .to_owned()
    }
}

/// A message from a GET, a POST answer or a websocket event.
#[derive(Debug, Clone, Deserialize)]
pub struct WireMessage {
    /// Chatwoot's id; ids grow over time.
    pub id: u64,
    /// The text (empty for attachments only).
    #[serde(default)]
    pub content: Option<String>,
    /// 0 incoming (from the contact), 1 outgoing, 2 activity, 3 template.
    pub message_type: u8,
    /// The conversation's display id.
    pub conversation_id: u64,
    /// Private notes never reach contacts; skipped if one does.
    #[serde(default)]
    pub private: Option<bool>,
    /// Only in websocket events: the `echo_id` the message was posted with.
    #[serde(default)]
    pub echo_id: Option<String>,
    /// Who wrote it.
    #[serde(default)]
    pub sender: Option<Sender>,
}

/// What went wrong with one call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// No answer: connection refused, cut, timed out. For a POST the request
    /// may or may not have been carried out.
    #[error("no answer from Chatwoot: {0}")]
    Network(String),
    /// Chatwoot answered with an error status.
    #[error("Chatwoot answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// Chatwoot answered, but not in the published form.
    #[error("Chatwoot sent something unreadable: {0}")]
    Malformed(String),
}

impl ApiError {
    /// The trait's error for a call about `conversation` (if any).
    pub fn into_backend(self, conversation: Option<&ConversationId>) -> BackendError {
        match self {
            Self::Network(detail) => BackendError::Unreachable(detail),
            Self::Malformed(detail) => BackendError::Malformed(detail),
            Self::Status { status: 401 | 403 } => {
                BackendError::Unauthorized("Chatwoot refused the inbox's identity check".into())
            }
            // 422: the inbox takes no messages after a conversation is
            // resolved; for Warmline that conversation is over.
            Self::Status { status: 404 | 422 } if conversation.is_some() => {
                BackendError::UnknownConversation(conversation.cloned().expect("checked"))
            }
            Self::Status { status } if status == 429 || status >= 500 => {
                BackendError::Unreachable(format!("Chatwoot answered {status}"))
            }
            Self::Status { status } => {
                BackendError::Rejected(format!("Chatwoot answered {status}"))
            }
        }
    }
}

/// The Client API of one inbox.
#[derive(Debug, Clone)]
pub struct ClientApi {
    http: reqwest::Client,
    /// `…/public/api/v1/inboxes/{inbox_identifier}`.
    inbox: String,
}

fn network(error: reqwest::Error) -> ApiError {
    // The reqwest error names the URL, which holds no secret (the contact's
    // source id at most); it never includes bodies.
    ApiError::Network(error.without_url().to_string())
}

impl ClientApi {
    /// The API of `inbox_identifier` on `server_url`; `timeout` bounds each
    /// call (the network only; nothing waits on the user).
    pub fn new(
        server_url: &str,
        inbox_identifier: &str,
        timeout: Duration,
        connect_timeout: Duration,
    ) -> Result<Self, BackendError> {
        super::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(connect_timeout)
            .user_agent(concat!("Warmline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| BackendError::Unreachable(format!("no HTTP client: {e}")))?;
        Ok(Self {
            http,
            inbox: format!(
                "{}/public/api/v1/inboxes/{}",
                server_url.trim().trim_end_matches('/'),
                inbox_identifier.trim()
            ),
        })
    }

    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(network)?;
        if !status.is_success() {
            return Err(ApiError::Status {
                status: status.as_u16(),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Malformed(e.to_string()))
    }

    async fn call_empty(&self, request: reqwest::RequestBuilder) -> Result<(), ApiError> {
        let response = request.send().await.map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::Status {
                status: status.as_u16(),
            });
        }
        Ok(())
    }

    /// `POST /contacts`.
    pub async fn create_contact(
        &self,
        name: &str,
        identifier: Option<(&str, Option<String>)>,
    ) -> Result<Contact, ApiError> {
        let mut body = serde_json::json!({ "name": name });
        if let Some((identifier, hash)) = identifier {
            body["identifier"] = identifier.into();
            if let Some(hash) = hash {
                body["identifier_hash"] = hash.into();
            }
        }
        self.call(
            self.http
                .post(format!("{}/contacts", self.inbox))
                .json(&body),
        )
        .await
    }

    /// `GET /contacts/{source_id}`: is the contact still there?
    pub async fn get_contact(&self, source_id: &str) -> Result<Contact, ApiError> {
        self.call(
            self.http
                .get(format!("{}/contacts/{source_id}", self.inbox)),
        )
        .await
    }

    fn conversations(&self, source_id: &str) -> String {
        format!("{}/contacts/{source_id}/conversations", self.inbox)
    }

    /// `POST /contacts/{cid}/conversations`.
    pub async fn create_conversation(&self, source_id: &str) -> Result<Conversation, ApiError> {
        self.call(
            self.http
                .post(self.conversations(source_id))
                .json(&serde_json::json!({})),
        )
        .await
    }

    /// `GET /contacts/{cid}/conversations/{id}`.
    pub async fn get_conversation(
        &self,
        source_id: &str,
        id: u64,
    ) -> Result<Conversation, ApiError> {
        self.call(
            self.http
                .get(format!("{}/{id}", self.conversations(source_id))),
        )
        .await
    }

    /// `GET …/messages`: the latest page, or the page before `before`;
    /// oldest first.
    pub async fn messages(
        &self,
        source_id: &str,
        id: u64,
        before: Option<u64>,
    ) -> Result<Vec<WireMessage>, ApiError> {
        let mut url = format!("{}/{id}/messages", self.conversations(source_id));
        if let Some(before) = before {
            url.push_str(&format!("?before={before}"));
        }
        self.call(self.http.get(url)).await
    }

    /// `POST …/messages` with `echo_id`.
    pub async fn create_message(
        &self,
        source_id: &str,
        id: u64,
        content: &str,
        echo_id: Option<&str>,
    ) -> Result<WireMessage, ApiError> {
        let mut body = serde_json::json!({ "content": content });
        if let Some(echo_id) = echo_id {
            body["echo_id"] = echo_id.into();
        }
        self.call(
            self.http
                .post(format!("{}/{id}/messages", self.conversations(source_id)))
                .json(&body),
        )
        .await
    }

    /// `POST …/toggle_typing`.
    pub async fn toggle_typing(&self, source_id: &str, id: u64, on: bool) -> Result<(), ApiError> {
        let status = if on { "on" } else { "off" };
        self.call_empty(
            self.http
                .post(format!(
                    "{}/{id}/toggle_typing",
                    self.conversations(source_id)
                ))
                .json(&serde_json::json!({ "typing_status": status })),
        )
        .await
    }

    /// `POST …/update_last_seen`.
    pub async fn update_last_seen(&self, source_id: &str, id: u64) -> Result<(), ApiError> {
        self.call_empty(self.http.post(format!(
            "{}/{id}/update_last_seen",
            self.conversations(source_id)
        )))
        .await
    }

    /// Every message after `after` (all, for `None`), oldest first, paging
    /// back with `before` until the page reaches `after`. `max_pages` bounds
    /// the walk for a conversation with a very long history.
    pub async fn messages_after(
        &self,
        source_id: &str,
        id: u64,
        after: Option<u64>,
        max_pages: usize,
    ) -> Result<Vec<WireMessage>, ApiError> {
        let mut collected: Vec<WireMessage> = Vec::new();
        let mut before = None;
        for _ in 0..max_pages {
            let page = self.messages(source_id, id, before).await?;
            let Some(oldest) = page.first().map(|m| m.id) else {
                break;
            };
            let reached = after.is_some_and(|after| oldest <= after);
            let full = page.len() >= 20;
            collected.splice(0..0, page);
            if reached || !full {
                break;
            }
            before = Some(oldest);
        }
        collected.retain(|m| after.is_none_or(|after| m.id > after));
        collected.sort_by_key(|m| m.id);
        collected.dedup_by_key(|m| m.id);
        Ok(collected)
    }
}
