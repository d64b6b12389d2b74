//! A loopback Chatwoot for tests, where a real one (Rails, PostgreSQL,
//! Redis, Sidekiq) cannot be had.
//!
//! It serves the Client API of one API-channel inbox, the two agent-bot API
//! calls the Warmline companion makes, and ActionCable at `/cable` with its
//! real framing (`welcome`, `ping`, `confirm_subscription`, messages). Every
//! request and every answer is checked against the OpenAPI subset in
//! `spec/chatwoot-subset.json` (taken from upstream; its header names the
//! commits); anything that does not fit is answered 400 and recorded in
//! [`ChatwootFake::violations`], which tests assert empty.
//!
//! Behaviours reproduced from upstream: `echo_id` comes back only in the
//! websocket's `message.created`, never in a GET; conversations start
//! `pending` when an agent bot sits on the inbox and `open` otherwise;
//! idle conversations are auto-resolved; a message reopens a resolved one
//! (or is refused when the inbox forbids messages after resolve); the
//! inbox's HMAC check of `identifier_hash`; agent-bot webhooks with a
//! timeout, after which a pending conversation is opened for people.
//! Test controls: agent and bot replies, typing, status changes, dropping
//! every websocket while HTTP stays up, a restart that keeps the data, and
//! message posts that are carried out but never answered.

mod server;
pub mod spec;
mod state;

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::json;

pub use state::{hmac_hex, ContactMessage};

/// The agent bot connected to the inbox.
#[derive(Debug, Clone)]
pub struct AgentBot {
    /// The bot's display name.
    pub name: String,
    /// Where webhooks go (the companion's address).
    pub webhook_url: String,
    /// The bot's `api_access_token`.
    pub access_token: String,
    /// When set, webhooks are signed (`X-Chatwoot-Signature: sha256=…` over
    /// `"{timestamp}.{body}"`, with `X-Chatwoot-Timestamp`).
    pub webhook_secret: Option<String>,
    /// How long a webhook may take (upstream: 5 s).
    pub webhook_timeout: Duration,
}

/// How the fake account and inbox are set up.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// The inbox identifier of the API channel.
    pub inbox_identifier: String,
    /// The account's id.
    pub account_id: u64,
    /// The inbox's HMAC token (identity validation).
    pub hmac_token: String,
    /// Contacts must prove their identifier with its HMAC.
    pub hmac_mandatory: bool,
    /// A message to a resolved conversation reopens it (otherwise: 422).
    pub allow_messages_after_resolved: bool,
    /// Idle conversations are resolved after this long.
    pub auto_resolve_after: Option<Duration>,
    /// ActionCable's ping interval (upstream: 3 s).
    pub ping_interval: Duration,
    /// The agent bot on the inbox, if any.
    pub agent_bot: Option<AgentBot>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            inbox_identifier: "warmline-test-inbox".into(),
            account_id: 1,
            hmac_token: "fake-inbox-hmac-token".into(),
            hmac_mandatory: false,
            allow_messages_after_resolved: true,
            auto_resolve_after: None,
            ping_interval: Duration::from_millis(500),
            agent_bot: None,
        }
    }
}

pub(crate) type Shared = Arc<Mutex<state::State>>;

pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, state::State> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The running fake. Dropping it stops it.
pub struct ChatwootFake {
    addr: SocketAddr,
    shared: Shared,
    running: Option<server::Running>,
}

impl ChatwootFake {
    /// Starts on a free loopback port.
    pub async fn start(config: FakeConfig) -> io::Result<Self> {
        let shared = Arc::new(Mutex::new(state::State::new(config)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let running = server::run(listener, Arc::clone(&shared));
        Ok(Self {
            addr,
            shared,
            running: Some(running),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, e.g. `http://127.0.0.1:4711`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops listening and drops every connection; the data stays, as in a
    /// server restart.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }

    /// Listens again on the same port after [`Self::stop`].
    pub async fn start_again(&mut self) -> io::Result<()> {
        if self.running.is_none() {
            let listener = tokio::net::TcpListener::bind(self.addr).await?;
            self.running = Some(server::run(listener, Arc::clone(&self.shared)));
        }
        Ok(())
    }

    /// Closes every websocket at once; HTTP keeps working.
    pub fn drop_sockets(&self) {
        lock(&self.shared).subscribers.clear();
    }

    /// The next `n` message posts are stored and broadcast, but their
    /// connection is closed before the answer: an ambiguous failure.
    pub fn vanish_next_sends(&self, n: u32) {
        lock(&self.shared).vanish_next_sends += n;
    }

    /// Everything that did not fit the spec, requests and answers alike.
    pub fn violations(&self) -> Vec<String> {
        lock(&self.shared).violations.clone()
    }

    /// Every message the contact sent, in the order Chatwoot stored them.
    pub fn contact_messages(&self) -> Vec<ContactMessage> {
        lock(&self.shared).contact_messages.clone()
    }

    /// The status of a conversation (`open`, `pending`, `resolved`, …).
    pub fn status(&self, conversation: u64) -> Option<String> {
        lock(&self.shared)
            .conversations
            .get(&conversation)
            .map(|c| c.status.to_owned())
    }

    /// Display ids of all conversations.
    pub fn conversations(&self) -> Vec<u64> {
        lock(&self.shared).conversations.keys().copied().collect()
    }

    /// A person writes in the dashboard; gives the message's id.
    pub fn agent_reply(&self, conversation: u64, agent: &str, text: &str) -> Option<u64> {
        let sender = json!({ "id": 7, "name": agent, "available_name": agent, "avatar_url": "", "type": "user" });
        lock(&self.shared)
            .add_outgoing(conversation, sender, text, false)
            .and_then(|event| event["id"].as_u64())
    }

    /// The agent bot writes.
    pub fn bot_reply(&self, conversation: u64, text: &str) {
        let sender =
            json!({ "id": 900, "name": "Helper bot", "avatar_url": "", "type": "agent_bot" });
        lock(&self.shared).add_outgoing(conversation, sender, text, false);
    }

    /// A person starts or stops typing.
    pub fn agent_typing(&self, conversation: u64, agent: &str, on: bool) {
        lock(&self.shared).typing(conversation, agent, on);
    }

    /// An agent (or the account's automation) sets a status.
    pub fn set_status(&self, conversation: u64, status: &'static str) {
        lock(&self.shared).set_status(conversation, status);
    }

    /// Private notes on a conversation, oldest first.
    pub fn private_notes(&self, conversation: u64) -> Vec<String> {
        lock(&self.shared)
            .private_notes
            .iter()
            .filter(|(c, _)| *c == conversation)
            .map(|(_, n)| n.clone())
            .collect()
    }

    /// `update_presence` calls received so far.
    pub fn presence_updates(&self) -> u64 {
        lock(&self.shared).presence_updates
    }

    /// Typing reports from the contact: (conversation, on).
    pub fn contact_typing(&self) -> Vec<(u64, bool)> {
        lock(&self.shared).typing_from_contact.clone()
    }

    /// Agent-bot webhooks that failed or timed out.
    pub fn webhook_failures(&self) -> u64 {
        lock(&self.shared).webhook_failures
    }

    /// Websocket subscriptions currently open.
    pub fn subscriptions(&self) -> usize {
        lock(&self.shared).subscribers.len()
    }
}

impl Drop for ChatwootFake {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.abort();
        }
    }
}
