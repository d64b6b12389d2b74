//! What the fake Chatwoot holds and how it behaves: contacts, conversations
//! and their statuses, messages, who listens on the websocket, and what the
//! tests want to count afterwards.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::{AgentBot, FakeConfig};

/// What a handler answers: a status and a JSON body, or nothing at all (the
/// request was carried out, but the connection dies before the answer).
pub(crate) enum Answer {
    Json(u16, Value),
    Empty(u16),
    Vanish,
}

fn error(status: u16, description: &str) -> Answer {
    Answer::Json(status, json!({ "description": description }))
}

/// A message the contact (the Warmline user) sent, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactMessage {
    /// Chatwoot's message id.
    pub id: u64,
    /// The conversation's display id.
    pub conversation: u64,
    /// The text.
    pub content: String,
    /// The `echo_id` it came with, if any (never stored by Chatwoot itself).
    pub echo_id: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct StoredMessage {
    pub id: u64,
    pub content: String,
    /// 0 incoming (contact), 1 outgoing (agent or bot), 2 activity.
    pub message_type: u8,
    pub private: bool,
    pub created_at: i64,
    pub sender: Value,
}

pub(crate) struct Conversation {
    pub display_id: u64,
    pub source_id: String,
    pub status: &'static str,
    pub messages: Vec<StoredMessage>,
    pub last_activity: Instant,
}

struct ContactInbox {
    contact_id: u64,
    pubsub_token: String,
    hmac_verified: bool,
}

struct Contact {
    id: u64,
    name: Option<String>,
    identifier: Option<String>,
}

/// One websocket subscription to a contact's stream.
pub(crate) struct Subscriber {
    pub pubsub_token: String,
    pub identifier: String,
    pub frames: mpsc::UnboundedSender<String>,
}

/// A webhook Chatwoot owes the agent bot.
pub(crate) struct WebhookJob {
    pub bot: AgentBot,
    pub conversation: u64,
    pub payload: Value,
}

pub(crate) struct State {
    pub config: FakeConfig,
    contacts: Vec<Contact>,
    contact_inboxes: BTreeMap<String, ContactInbox>,
    pub conversations: BTreeMap<u64, Conversation>,
    next_id: u64,
    pub subscribers: Vec<Subscriber>,
    pub violations: Vec<String>,
    pub contact_messages: Vec<ContactMessage>,
    pub private_notes: Vec<(u64, String)>,
    pub presence: BTreeMap<String, Instant>,
    pub presence_updates: u64,
    pub vanish_next_sends: u32,
    pub webhooks: Option<mpsc::UnboundedSender<WebhookJob>>,
    pub webhook_failures: u64,
    pub typing_from_contact: Vec<(u64, bool)>,
    pub last_seen_updates: u64,
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The lowercase hex HMAC-SHA256 of `message` under `key`, as Chatwoot
/// computes identifier hashes and webhook signatures.
pub fn hmac_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

impl State {
    pub fn new(config: FakeConfig) -> Self {
        Self {
            config,
            contacts: Vec::new(),
            contact_inboxes: BTreeMap::new(),
            conversations: BTreeMap::new(),
            next_id: 1,
            subscribers: Vec::new(),
            violations: Vec::new(),
            contact_messages: Vec::new(),
            private_notes: Vec::new(),
            presence: BTreeMap::new(),
            presence_updates: 0,
            vanish_next_sends: 0,
            webhooks: None,
            webhook_failures: 0,
            typing_from_contact: Vec::new(),
            last_seen_updates: 0,
        }
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    // --- the websocket ---------------------------------------------------

    /// Sends `event` to everyone subscribed with the conversation's contact
    /// token, in the ActionCable message framing.
    fn broadcast(&mut self, conversation: u64, event: &str, data: Value) {
        let Some(token) = self
            .conversations
            .get(&conversation)
            .and_then(|c| self.contact_inboxes.get(&c.source_id))
            .map(|ci| ci.pubsub_token.clone())
        else {
            return;
        };
        let component = match event {
            "message.created" | "message.updated" => "x-warmline-event-message",
            "conversation.typing_on" | "conversation.typing_off" => "x-warmline-event-typing",
            _ => "x-warmline-event-conversation",
        };
        let problems = crate::spec::check_component(component, &data);
        self.violations.extend(
            problems
                .into_iter()
                .map(|p| format!("fake sent {event}: {p}")),
        );
        let message = json!({ "event": event, "data": data });
        self.subscribers.retain(|s| {
            if s.pubsub_token != token {
                return true;
            }
            let frame = json!({ "identifier": s.identifier, "message": message });
            s.frames.send(frame.to_string()).is_ok()
        });
    }

    /// Whether a `subscribe` with this token is accepted.
    pub fn knows_pubsub_token(&self, token: &str) -> bool {
        self.contact_inboxes
            .values()
            .any(|ci| ci.pubsub_token == token)
    }

    /// The contact's `update_presence`.
    pub fn presence_from(&mut self, token: &str) {
        self.presence_updates += 1;
        if let Some((source_id, _)) = self
            .contact_inboxes
            .iter()
            .find(|(_, ci)| ci.pubsub_token == token)
        {
            self.presence.insert(source_id.clone(), Instant::now());
        }
    }

    // --- payloads ----------------------------------------------------------

    fn conversation_event(&self, conversation: &Conversation) -> Value {
        json!({ "id": conversation.display_id, "status": conversation.status, "inbox_id": 1 })
    }

    fn public_message(conversation: u64, message: &StoredMessage) -> Value {
        json!({
            "id": message.id,
            "content": message.content,
            "message_type": message.message_type,
            "content_type": "text",
            "content_attributes": {},
            "created_at": message.created_at,
            "conversation_id": conversation,
            "sender": message.sender,
        })
    }

    fn public_conversation(&self, conversation: &Conversation) -> Value {
        let messages: Vec<Value> = conversation
            .messages
            .iter()
            .filter(|m| !m.private && m.message_type != 2)
            .map(|m| Self::public_message(conversation.display_id, m))
            .collect();
        json!({
            "id": conversation.display_id,
            "inbox_id": 1,
            "contact_last_seen_at": 0,
            "agent_last_seen_at": 0,
            "status": conversation.status,
            "messages": messages,
            "contact": {},
        })
    }

    // --- the Client API ------------------------------------------------------

    fn check_inbox(&self, inbox: &str) -> Option<Answer> {
        (inbox != self.config.inbox_identifier).then(|| error(404, "Inbox not found"))
    }

    pub fn create_contact(&mut self, inbox: &str, body: &Value) -> Answer {
        if let Some(answer) = self.check_inbox(inbox) {
            return answer;
        }
        let identifier = body["identifier"].as_str().map(str::to_owned);
        let hash = body["identifier_hash"].as_str();
        let verified = match hash {
            Some(hash) => {
                let expected =
                    hmac_hex(&self.config.hmac_token, identifier.as_deref().unwrap_or(""));
                if hash != expected {
                    return error(401, "HMAC failed: Invalid Identifier Hash Provided");
                }
                true
            }
            None if self.config.hmac_mandatory => {
                return error(401, "HMAC failed: Invalid Identifier Hash Provided")
            }
            None => false,
        };
        let name = body["name"].as_str().map(str::to_owned);
        let existing = identifier
            .as_ref()
            .and_then(|id| {
                self.contacts
                    .iter()
                    .find(|c| c.identifier.as_ref() == Some(id))
            })
            .map(|c| c.id);
        let contact_id = match existing {
            Some(id) => id,
            None => {
                let id = self.next_id();
                self.contacts.push(Contact {
                    id,
                    name: name.clone(),
                    identifier,
                });
                id
            }
        };
        let n = self.next_id();
        let source_id = format!(
            "src-{n:06}-{}",
            hmac_hex("source", &n.to_string())[..12].to_owned()
        );
        let pubsub_token = hmac_hex("pubsub", &source_id)[..24].to_owned();
        self.contact_inboxes.insert(
            source_id.clone(),
            ContactInbox {
                contact_id,
                pubsub_token: pubsub_token.clone(),
                hmac_verified: verified,
            },
        );
        Answer::Json(
            200,
            json!({
                "id": contact_id,
                "source_id": source_id,
                "name": name,
                "email": null,
                "phone_number": null,
                "pubsub_token": pubsub_token,
            }),
        )
    }

    fn contact_inbox(&self, inbox: &str, source_id: &str) -> Result<&ContactInbox, Answer> {
        if let Some(answer) = self.check_inbox(inbox) {
            return Err(answer);
        }
        self.contact_inboxes
            .get(source_id)
            .ok_or_else(|| error(404, "Contact not found"))
    }

    pub fn show_contact(&self, inbox: &str, source_id: &str) -> Answer {
        match self.contact_inbox(inbox, source_id) {
            Ok(ci) => {
                let contact = self.contacts.iter().find(|c| c.id == ci.contact_id);
                Answer::Json(
                    200,
                    json!({
                        "id": ci.contact_id,
                        "source_id": source_id,
                        "name": contact.and_then(|c| c.name.clone()),
                        "email": null,
                        "phone_number": null,
                        "pubsub_token": ci.pubsub_token,
                    }),
                )
            }
            Err(answer) => answer,
        }
    }

    /// The conversations a contact inbox may see: its own, or all of the
    /// contact's when its identity is HMAC-verified (as upstream).
    fn visible(&self, source_id: &str, conversation: &Conversation) -> bool {
        let Some(ci) = self.contact_inboxes.get(source_id) else {
            return false;
        };
        conversation.source_id == source_id
            || (ci.hmac_verified
                && self
                    .contact_inboxes
                    .get(&conversation.source_id)
                    .is_some_and(|other| other.contact_id == ci.contact_id))
    }

    fn find_conversation(&self, inbox: &str, source_id: &str, id: &str) -> Result<u64, Answer> {
        self.contact_inbox(inbox, source_id)?;
        let id: u64 = id
            .parse()
            .map_err(|_| error(404, "Conversation not found"))?;
        match self.conversations.get(&id) {
            Some(c) if self.visible(source_id, c) => Ok(id),
            _ => Err(error(404, "Conversation not found")),
        }
    }

    pub fn create_conversation(&mut self, inbox: &str, source_id: &str) -> Answer {
        if let Err(answer) = self.contact_inbox(inbox, source_id) {
            return answer;
        }
        let display_id = self.conversations.keys().last().copied().unwrap_or(0) + 1;
        let status = if self.config.agent_bot.is_some() {
            "pending"
        } else {
            "open"
        };
        let conversation = Conversation {
            display_id,
            source_id: source_id.to_owned(),
            status,
            messages: Vec::new(),
            last_activity: Instant::now(),
        };
        let body = self.public_conversation(&conversation);
        let event = self.conversation_event(&conversation);
        self.conversations.insert(display_id, conversation);
        self.broadcast(display_id, "conversation.created", event);
        Answer::Json(200, body)
    }

    pub fn list_conversations(&self, inbox: &str, source_id: &str) -> Answer {
        if let Err(answer) = self.contact_inbox(inbox, source_id) {
            return answer;
        }
        let list: Vec<Value> = self
            .conversations
            .values()
            .filter(|c| self.visible(source_id, c))
            .map(|c| self.public_conversation(c))
            .collect();
        Answer::Json(200, Value::Array(list))
    }

    pub fn show_conversation(&self, inbox: &str, source_id: &str, id: &str) -> Answer {
        match self.find_conversation(inbox, source_id, id) {
            Ok(id) => Answer::Json(200, self.public_conversation(&self.conversations[&id])),
            Err(answer) => answer,
        }
    }

    pub fn list_messages(
        &self,
        inbox: &str,
        source_id: &str,
        id: &str,
        before: Option<u64>,
    ) -> Answer {
        let id = match self.find_conversation(inbox, source_id, id) {
            Ok(id) => id,
            Err(answer) => return answer,
        };
        // As MessageFinder: the 20 latest (before `before`), oldest first,
        // without private notes and activity messages.
        let mut page: Vec<Value> = self.conversations[&id]
            .messages
            .iter()
            .rev()
            .filter(|m| !m.private && m.message_type != 2)
            .filter(|m| before.is_none_or(|b| m.id < b))
            .take(20)
            .map(|m| Self::public_message(id, m))
            .collect();
        page.reverse();
        Answer::Json(200, Value::Array(page))
    }

    pub fn create_contact_message(
        &mut self,
        inbox: &str,
        source_id: &str,
        id: &str,
        body: &Value,
    ) -> Answer {
        let id = match self.find_conversation(inbox, source_id, id) {
            Ok(id) => id,
            Err(answer) => return answer,
        };
        let content = body["content"].as_str().unwrap_or("").to_owned();
        let echo_id = body["echo_id"].as_str().map(str::to_owned);
        if self.conversations[&id].status == "resolved" {
            if !self.config.allow_messages_after_resolved {
                return error(422, "Conversation is resolved");
            }
            // A message reopens a resolved conversation: for the bot first
            // when one sits on the inbox, for people otherwise.
            let status = if self.config.agent_bot.is_some() {
                "pending"
            } else {
                "open"
            };
            self.set_status(id, status);
        }
        let ci = &self.contact_inboxes[source_id];
        let contact = self.contacts.iter().find(|c| c.id == ci.contact_id);
        let sender = json!({
            "id": ci.contact_id,
            "name": contact.and_then(|c| c.name.clone()),
            "thumbnail": "",
            "type": "contact",
        });
        let message = StoredMessage {
            id: self.next_id(),
            content: content.clone(),
            message_type: 0,
            private: false,
            created_at: now_unix(),
            sender,
        };
        let public = Self::public_message(id, &message);
        let mut event = public.clone();
        event["private"] = json!(false);
        if let Some(echo_id) = &echo_id {
            // Only the websocket event carries echo_id; it is not stored.
            event["echo_id"] = json!(echo_id);
        }
        self.contact_messages.push(ContactMessage {
            id: message.id,
            conversation: id,
            content,
            echo_id,
        });
        let conversation = self.conversations.get_mut(&id).expect("found above");
        conversation.last_activity = Instant::now();
        conversation.messages.push(message.clone());
        self.broadcast(id, "message.created", event);
        self.queue_webhook(id, &message);
        if self.vanish_next_sends > 0 {
            self.vanish_next_sends -= 1;
            return Answer::Vanish;
        }
        Answer::Json(200, public)
    }

    pub fn toggle_typing(
        &mut self,
        inbox: &str,
        source_id: &str,
        id: &str,
        body: &Value,
    ) -> Answer {
        match self.find_conversation(inbox, source_id, id) {
            Ok(id) => {
                self.typing_from_contact
                    .push((id, body["typing_status"] == "on"));
                Answer::Empty(200)
            }
            Err(answer) => answer,
        }
    }

    pub fn update_last_seen(&mut self, inbox: &str, source_id: &str, id: &str) -> Answer {
        match self.find_conversation(inbox, source_id, id) {
            Ok(_) => {
                self.last_seen_updates += 1;
                Answer::Empty(200)
            }
            Err(answer) => answer,
        }
    }

    // --- agents, bots and the account side ---------------------------------

    /// Sets a conversation's status and tells the contact.
    pub fn set_status(&mut self, id: u64, status: &'static str) {
        let Some(conversation) = self.conversations.get_mut(&id) else {
            return;
        };
        if conversation.status == status {
            return;
        }
        conversation.status = status;
        conversation.last_activity = Instant::now();
        let event = self.conversation_event(&self.conversations[&id]);
        self.broadcast(id, "conversation.status_changed", event);
    }

    /// An agent or the bot writes (`private` notes stay on the account side).
    pub fn add_outgoing(
        &mut self,
        id: u64,
        sender: Value,
        content: &str,
        private: bool,
    ) -> Option<Value> {
        let message = StoredMessage {
            id: self.next_id(),
            content: content.to_owned(),
            message_type: 1,
            private,
            created_at: now_unix(),
            sender,
        };
        let conversation = self.conversations.get_mut(&id)?;
        conversation.last_activity = Instant::now();
        conversation.messages.push(message.clone());
        let mut event = Self::public_message(id, &message);
        event["private"] = json!(private);
        if private {
            self.private_notes.push((id, content.to_owned()));
        } else {
            self.broadcast(id, "message.created", event.clone());
        }
        Some(event)
    }

    pub fn typing(&mut self, id: u64, name: &str, on: bool) {
        let Some(conversation) = self.conversations.get(&id) else {
            return;
        };
        let data = json!({
            "conversation": self.conversation_event(conversation),
            "user": { "id": 1, "name": name, "available_name": name, "type": "user" },
            "is_private": false,
        });
        let event = if on {
            "conversation.typing_on"
        } else {
            "conversation.typing_off"
        };
        self.broadcast(id, event, data);
    }

    /// Resolves every open or pending conversation idle for longer than the
    /// account's `auto_resolve_after`.
    pub fn auto_resolve(&mut self, after: Duration) {
        let idle: Vec<u64> = self
            .conversations
            .values()
            .filter(|c| {
                matches!(c.status, "open" | "pending") && c.last_activity.elapsed() >= after
            })
            .map(|c| c.display_id)
            .collect();
        for id in idle {
            let activity = StoredMessage {
                id: self.next_id(),
                content: "Conversation was marked resolved by system due to inactivity".into(),
                message_type: 2,
                private: false,
                created_at: now_unix(),
                sender: json!({}),
            };
            if let Some(c) = self.conversations.get_mut(&id) {
                c.messages.push(activity);
            }
            self.set_status(id, "resolved");
        }
    }

    fn queue_webhook(&mut self, conversation: u64, message: &StoredMessage) {
        let (Some(bot), Some(queue)) = (self.config.agent_bot.clone(), self.webhooks.clone())
        else {
            return;
        };
        let status = self.conversations[&conversation].status;
        let payload = json!({
            "event": "message_created",
            "id": message.id,
            "content": message.content,
            "message_type": "incoming",
            "private": false,
            "account": { "id": self.config.account_id, "name": "Fake Account" },
            "conversation": { "id": conversation, "status": status, "inbox_id": 1 },
            "sender": message.sender,
            "inbox": { "id": 1, "name": "Warmline" },
        });
        let _ = queue.send(WebhookJob {
            bot,
            conversation,
            payload,
        });
    }

    /// Checks the agent-bot token of an account-side request.
    pub fn bot_call(
        &mut self,
        token: Option<&str>,
        account: &str,
        id: &str,
    ) -> Result<u64, Answer> {
        let Some(bot) = &self.config.agent_bot else {
            return Err(error(401, "Invalid Access Token"));
        };
        if token != Some(bot.access_token.as_str()) {
            return Err(error(401, "Invalid Access Token"));
        }
        if account != self.config.account_id.to_string() {
            return Err(error(401, "Invalid Access Token"));
        }
        id.parse()
            .ok()
            .filter(|id| self.conversations.contains_key(id))
            .ok_or_else(|| error(404, "Conversation not found"))
    }

    pub fn bot_toggle_status(
        &mut self,
        token: Option<&str>,
        account: &str,
        id: &str,
        body: &Value,
    ) -> Answer {
        let id = match self.bot_call(token, account, id) {
            Ok(id) => id,
            Err(answer) => return answer,
        };
        let status = match body["status"].as_str() {
            Some("open") => "open",
            Some("resolved") => "resolved",
            Some("pending") => "pending",
            _ => "snoozed",
        };
        self.set_status(id, status);
        Answer::Json(
            200,
            json!({ "meta": {}, "payload": { "success": true, "current_status": status, "conversation_id": id } }),
        )
    }

    pub fn bot_message(
        &mut self,
        token: Option<&str>,
        account: &str,
        id: &str,
        body: &Value,
    ) -> Answer {
        let id = match self.bot_call(token, account, id) {
            Ok(id) => id,
            Err(answer) => return answer,
        };
        let name = self.config.agent_bot.as_ref().map(|b| b.name.clone());
        let sender = json!({ "id": 900, "name": name, "avatar_url": "", "type": "agent_bot" });
        let content = body["content"].as_str().unwrap_or("");
        let private = body["private"] == true;
        match self.add_outgoing(id, sender, content, private) {
            Some(event) => Answer::Json(200, event),
            None => error(404, "Conversation not found"),
        }
    }
}
