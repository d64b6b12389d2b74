//! What a Chatwoot profile's settings become: where the inbox is, who the
//! user is, and how patient the adapter is with the network.

use std::time::Duration;

use crate::profile::ChatwootSettings;

/// Where the inbox is, who the user is, and how patient to be.
#[derive(Debug, Clone)]
pub struct ChatwootConfig {
    /// The server, e.g. `https://support.example.com`.
    pub server_url: String,
    /// The API inbox's identifier.
    pub inbox_identifier: String,
    /// The contact's name.
    pub contact_name: String,
    /// The contact's identifier, for HMAC identity validation; may be empty.
    pub contact_identifier: String,
    /// The agents' language (BCP 47) for the messages written to them.
    pub agent_locale: String,
    /// Longest wait for one HTTP answer (the network only).
    pub request_timeout: Duration,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// How often to send `update_presence` (the widget: 20 s).
    pub presence_interval: Duration,
    /// A websocket silent this long is given up (Chatwoot pings every 3 s).
    pub dead_after: Duration,
    /// While the engine waits to reconnect, how often to check the server.
    pub probe_interval: Duration,
    /// Most pages of 20 to read back after a reconnect.
    pub max_catch_up_pages: usize,
    /// After an ambiguous failure, how long after the network is back to
    /// look once more for the message before posting it again. Chatwoot
    /// has no idempotency key, so a copy of the old post that the network
    /// delivers later than this would be doubled; this makes that window
    /// small.
    pub settle_after_ambiguous: Duration,
}

impl ChatwootConfig {
    /// Real-network defaults for a profile's settings.
    pub fn from_settings(settings: &ChatwootSettings) -> Self {
        Self {
            server_url: settings.server_url.trim().to_owned(),
            inbox_identifier: settings.inbox_identifier.trim().to_owned(),
            contact_name: settings.contact_name.trim().to_owned(),
            contact_identifier: settings.contact_identifier.trim().to_owned(),
            agent_locale: if settings.agent_locale.trim().is_empty() {
                "en-US".to_owned()
            } else {
                settings.agent_locale.trim().to_owned()
            },
            request_timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            presence_interval: Duration::from_secs(20),
            dead_after: Duration::from_secs(12),
            probe_interval: Duration::from_secs(2),
            max_catch_up_pages: 50,
            settle_after_ambiguous: Duration::from_secs(2),
        }
    }
}
