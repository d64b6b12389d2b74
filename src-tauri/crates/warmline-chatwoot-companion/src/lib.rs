//! The Warmline companion for Chatwoot: a small agent bot a company runs
//! beside its Chatwoot, for inboxes where a bot answers first.
//!
//! With an agent bot on an inbox, Chatwoot starts every conversation
//! `pending` (the bot's), and the Client API gives the user no way to ask
//! for a person. Warmline's "Talk to a person" therefore posts a message
//! that ends in `[warmline:handoff]`. Chatwoot sends it to this bot as a
//! `message_created` webhook; the bot checks the signature, sets the
//! conversation `open` (`POST /api/v1/accounts/{a}/conversations/{c}/
//! toggle_status`) so people see it, and adds a private note with the
//! request and its summary for the agent. It answers the webhook only when
//! both are done: if Chatwoot cannot be told, the webhook fails, and
//! Chatwoot itself opens a pending conversation whose bot fails, so the
//! user still reaches a person. Only this bot holds a token that acts on
//! conversations; the user's Warmline never does.

pub mod config;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::net::TcpListener;

pub use config::{Config, ConfigError, Hidden};

/// What ends a Warmline request for a person (see the adapter's `handoff`).
pub const HANDOFF_TAG: &str = "[warmline:handoff]";

/// What the companion made of one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not for the companion (another event, an agent's message, …).
    Ignored,
    /// The conversation was handed to people and the note written.
    HandedOver {
        /// The conversation's display id.
        conversation: u64,
    },
}

/// Why a webhook was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The signature is missing, wrong or too old.
    #[error("the webhook signature is not valid")]
    BadSignature,
    /// The body is not the JSON Chatwoot sends.
    #[error("the webhook body cannot be read: {0}")]
    Malformed(String),
    /// Chatwoot refused or did not answer the bot's call.
    #[error("Chatwoot did not carry out {what}: {detail}")]
    Chatwoot {
        /// Which call.
        what: &'static str,
        /// What happened (a status or a network error; never a token).
        detail: String,
    },
}

/// Checks `X-Chatwoot-Signature: sha256=<hex>` over `"{timestamp}.{body}"`.
pub fn verify_signature(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    max_age: Duration,
) -> bool {
    let Ok(sent_at) = timestamp.trim().parse::<u64>() else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    if now.abs_diff(sent_at) > max_age.as_secs() {
        return false;
    }
    let Some(hex_signature) = signature.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_signature) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.trim().as_bytes());
    mac.update(b".");
    mac.update(body);
    // Constant-time comparison.
    mac.verify_slice(&expected).is_ok()
}

/// The companion: the webhook handler and its Chatwoot client.
pub struct Companion {
    config: Config,
    http: reqwest::Client,
}

impl Companion {
    /// A companion for `config`.
    pub fn new(config: Config) -> Result<Self, WebhookError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| WebhookError::Chatwoot {
                what: "setting up HTTP",
                detail: e.to_string(),
            })?;
        Ok(Self { config, http })
    }

    async fn call(&self, what: &'static str, url: String, body: Value) -> Result<(), WebhookError> {
        let response = self
            .http
            .post(url)
            .header("api_access_token", self.config.bot_token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|e| WebhookError::Chatwoot {
                what,
                detail: e.without_url().to_string(),
            })?;
        if !response.status().is_success() {
            return Err(WebhookError::Chatwoot {
                what,
                detail: format!("Chatwoot answered {}", response.status().as_u16()),
            });
        }
        Ok(())
    }

    /// Handles one webhook, given its headers' signature values and body.
    pub async fn handle(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<Outcome, WebhookError> {
        if let Some(secret) = &self.config.webhook_secret {
            let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
                return Err(WebhookError::BadSignature);
            };
            if !verify_signature(
                secret.expose(),
                timestamp,
                body,
                signature,
                self.config.max_webhook_age,
            ) {
                return Err(WebhookError::BadSignature);
            }
        }
        let event: Value =
            serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let content = event["content"].as_str().unwrap_or("");
        let is_request = event["event"] == "message_created"
            && event["message_type"] == "incoming"
            && event["private"] != true
            && content.trim_end().ends_with(HANDOFF_TAG);
        if !is_request {
            return Ok(Outcome::Ignored);
        }
        let (Some(account), Some(conversation)) = (
            event["account"]["id"].as_u64(),
            event["conversation"]["id"].as_u64(),
        ) else {
            return Err(WebhookError::Malformed(
                "no account or conversation id".into(),
            ));
        };
        let base = format!(
            "{}/api/v1/accounts/{account}/conversations/{conversation}",
            self.config.chatwoot_url
        );
        if event["conversation"]["status"] != "open" {
            self.call(
                "the handoff to people",
                format!("{base}/toggle_status"),
                json!({ "status": "open" }),
            )
            .await?;
        }
        let summary = content.trim_end().trim_end_matches(HANDOFF_TAG).trim_end();
        let note = format!(
            "Warmline: the customer asked for a person. Handed over to the team.\n\n{summary}"
        );
        self.call(
            "the private note",
            format!("{base}/messages"),
            json!({ "content": note, "message_type": "outgoing", "private": true }),
        )
        .await?;
        Ok(Outcome::HandedOver { conversation })
    }

    /// Serves webhooks on `listener` at `POST /webhook` until the task is
    /// dropped.
    pub async fn serve(self: Arc<Self>, listener: TcpListener) {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let companion = Arc::clone(&self);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let companion = Arc::clone(&companion);
                    async move { Ok::<_, std::convert::Infallible>(companion.respond(request).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }

    async fn respond(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let reply = |status: u16, text: &str| {
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(
                    json!({ "result": text }).to_string(),
                )))
                .expect("a valid response")
        };
        if request.method() != hyper::Method::POST || request.uri().path() != "/webhook" {
            return reply(404, "not found");
        }
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let timestamp = header("x-chatwoot-timestamp");
        let signature = header("x-chatwoot-signature");
        let Ok(body) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
            return reply(400, "unreadable body");
        };
        match self
            .handle(timestamp.as_deref(), signature.as_deref(), &body)
            .await
        {
            Ok(Outcome::Ignored) => reply(200, "ignored"),
            Ok(Outcome::HandedOver { conversation }) => {
                tracing::info!(conversation, "handed a Warmline conversation to the team");
                reply(200, "handed over")
            }
            Err(error @ WebhookError::BadSignature) => {
                tracing::warn!(%error, "refused a webhook");
                reply(401, "bad signature")
            }
            Err(error @ WebhookError::Malformed(_)) => {
                tracing::warn!(%error, "refused a webhook");
                reply(400, "malformed")
            }
            Err(error) => {
                // A failed webhook makes Chatwoot open the conversation for
                // people itself, so the user is not stranded.
                tracing::error!(%error, "the handoff failed");
                reply(502, "chatwoot refused")
            }
        }
    }
}

/// Binds `addr` and serves until the process ends; for the binary.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind(config.listen).await?;
    let addr: SocketAddr = listener.local_addr()?;
    tracing::info!(%addr, chatwoot = %config.chatwoot_url, signed = config.webhook_secret.is_some(), "the Warmline companion listens for agent-bot webhooks at /webhook");
    let companion = Arc::new(Companion::new(config)?);
    tokio::select! {
        _ = companion.serve(listener) => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("stopping"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_checked_over_timestamp_and_body_and_for_age() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let body = br#"{"event":"message_created"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(format!("{now}.").as_bytes());
        mac.update(body);
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        let age = Duration::from_secs(300);
        assert!(verify_signature("secret", &now, body, &good, age));
        assert!(!verify_signature("other", &now, body, &good, age));
        assert!(!verify_signature("secret", &now, b"{}", &good, age));
        assert!(!verify_signature("secret", "1000", body, &good, age));
        assert!(!verify_signature("secret", &now, body, "sha256=zz", age));
    }
}
