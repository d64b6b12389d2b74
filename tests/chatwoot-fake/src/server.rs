//! The fake's network side: HTTP (hyper) routed through the spec, the
//! ActionCable websocket at `/cable`, the agent-bot webhook worker and the
//! auto-resolve timer.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

use crate::spec::Operation;
use crate::state::{hmac_hex, Answer, Subscriber, WebhookJob};
use crate::{lock, Shared};

/// The tasks of one run of the server, between a start and a stop.
pub(crate) struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
    }

    pub fn abort(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            task.abort();
        }
    }
}

pub(crate) fn run(listener: TcpListener, shared: Shared) -> Running {
    let (stop, stopped) = watch::channel(false);
    let (webhooks, queue) = mpsc::unbounded_channel();
    {
        let mut state = lock(&shared);
        state.webhooks = Some(webhooks);
        // A restart drops every socket, as a real one would.
        state.subscribers.clear();
    }
    let mut tasks = vec![
        tokio::spawn(accept(listener, Arc::clone(&shared), stopped.clone())),
        tokio::spawn(deliver_webhooks(queue, Arc::clone(&shared))),
    ];
    let auto_resolve = lock(&shared).config.auto_resolve_after;
    if let Some(after) = auto_resolve {
        let shared = Arc::clone(&shared);
        tasks.push(tokio::spawn(async move {
            let tick = (after / 4).clamp(Duration::from_millis(10), Duration::from_secs(1));
            loop {
                tokio::time::sleep(tick).await;
                lock(&shared).auto_resolve(after);
            }
        }));
    }
    Running { stop, tasks }
}

async fn accept(listener: TcpListener, shared: Shared, stopped: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        let mut stopped = stopped.clone();
        let for_service = stopped.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                let stopped = for_service.clone();
                async move { handle(request, shared, stopped).await }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades();
            tokio::select! {
                _ = connection => {}
                _ = stopped.changed() => {}
            }
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
}

type Body = Full<Bytes>;

/// An error from the service closes the connection without an answer.
#[derive(Debug)]
struct Vanished;

impl std::fmt::Display for Vanished {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer vanished")
    }
}

impl std::error::Error for Vanished {}

fn json_response(status: u16, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json; charset=utf-8")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a valid response")
}

fn empty_response(status: u16) -> Response<Body> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::new()))
        .expect("a valid response")
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

async fn handle(
    request: Request<Incoming>,
    shared: Shared,
    stopped: watch::Receiver<bool>,
) -> Result<Response<Body>, Vanished> {
    if request.uri().path() == "/cable" {
        return Ok(upgrade_cable(request, shared, stopped));
    }
    let method = request.method().as_str().to_owned();
    let path = request.uri().path().to_owned();
    let query = parse_query(request.uri().query());
    let Some(operation) = Operation::find(&method, &path) else {
        lock(&shared)
            .violations
            .push(format!("{method} {path} is not in the spec"));
        return Ok(json_response(404, &json!({ "description": "Not found" })));
    };
    let api_key = operation
        .api_key_header()
        .and_then(|header| request.headers().get(header))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let Ok(bytes) = request.into_body().collect().await.map(|b| b.to_bytes()) else {
        return Err(Vanished);
    };
    let body: Option<Value> = if bytes.is_empty() {
        None
    } else if !content_type.starts_with("application/json") {
        lock(&shared).violations.push(format!(
            "{method} {path}: body sent as {content_type:?}, not JSON"
        ));
        return Ok(json_response(
            400,
            &json!({ "description": "JSON expected" }),
        ));
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(value) => Some(value),
            Err(error) => {
                lock(&shared)
                    .violations
                    .push(format!("{method} {path}: body is not JSON: {error}"));
                return Ok(json_response(400, &json!({ "description": "bad JSON" })));
            }
        }
    };
    let problems = operation.check_request(&query, body.as_ref());
    if !problems.is_empty() {
        let mut state = lock(&shared);
        for problem in problems {
            state.violations.push(format!(
                "request {} ({method} {path}): {problem}",
                operation.id()
            ));
        }
        return Ok(json_response(
            400,
            &json!({ "description": "not as the spec says" }),
        ));
    }
    let empty = json!({});
    let body = body.as_ref().unwrap_or(&empty);
    let inbox = operation.param("inbox_identifier").to_owned();
    let contact = operation.param("contact_identifier").to_owned();
    let conversation = operation.param("conversation_id").to_owned();
    let account = operation.param("account_id").to_owned();
    let before = query
        .iter()
        .find(|(n, _)| n == "before")
        .and_then(|(_, v)| v.parse().ok());
    let answer = {
        let mut state = lock(&shared);
        match operation.id() {
            "create-a-contact" => state.create_contact(&inbox, body),
            "get-details-of-a-contact" => state.show_contact(&inbox, &contact),
            "create-a-conversation" => state.create_conversation(&inbox, &contact),
            "list-all-contact-conversations" => state.list_conversations(&inbox, &contact),
            "get-single-conversation" => state.show_conversation(&inbox, &contact, &conversation),
            "toggle-typing-status" => state.toggle_typing(&inbox, &contact, &conversation, body),
            "update-last-seen" => state.update_last_seen(&inbox, &contact, &conversation),
            "create-a-message" => {
                state.create_contact_message(&inbox, &contact, &conversation, body)
            }
            "list-all-converation-messages" => {
                state.list_messages(&inbox, &contact, &conversation, before)
            }
            "toggle-status-of-a-conversation" => {
                state.bot_toggle_status(api_key.as_deref(), &account, &conversation, body)
            }
            "create-a-new-message-in-a-conversation" => {
                state.bot_message(api_key.as_deref(), &account, &conversation, body)
            }
            other => {
                state.violations.push(format!("no handler for {other}"));
                Answer::Empty(501)
            }
        }
    };
    let (status, body) = match answer {
        Answer::Vanish => return Err(Vanished),
        Answer::Json(status, body) => (status, Some(body)),
        Answer::Empty(status) => (status, None),
    };
    let problems = operation.check_response(status, body.as_ref());
    if !problems.is_empty() {
        let mut state = lock(&shared);
        for problem in problems {
            state
                .violations
                .push(format!("answer of {}: {problem}", operation.id()));
        }
    }
    Ok(match body {
        Some(body) => json_response(status, &body),
        None => empty_response(status),
    })
}

// --- ActionCable ---------------------------------------------------------------

fn upgrade_cable(
    request: Request<Incoming>,
    shared: Shared,
    stopped: watch::Receiver<bool>,
) -> Response<Body> {
    let headers = request.headers();
    let is_upgrade = headers
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = headers.get("sec-websocket-key").filter(|_| is_upgrade) else {
        lock(&shared)
            .violations
            .push("GET /cable without a websocket upgrade".into());
        return empty_response(400);
    };
    let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
    let protocols = headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut response = Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header("upgrade", "websocket")
        .header("connection", "Upgrade")
        .header("sec-websocket-accept", accept);
    if protocols
        .split(',')
        .any(|p| p.trim() == "actioncable-v1-json")
    {
        response = response.header("sec-websocket-protocol", "actioncable-v1-json");
    }
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(request).await else {
            return;
        };
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        cable(socket, shared, stopped).await;
    });
    response
        .body(Full::new(Bytes::new()))
        .expect("a valid response")
}

async fn cable<S>(
    mut socket: WebSocketStream<S>,
    shared: Shared,
    mut stopped: watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let ping_every = lock(&shared).config.ping_interval;
    let (frames_tx, mut frames) = mpsc::unbounded_channel::<String>();
    let mut unsubscribed = Some(frames_tx);
    if socket
        .send(WsMessage::text(json!({ "type": "welcome" }).to_string()))
        .await
        .is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval(ping_every);
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            _ = ping.tick() => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let frame = json!({ "type": "ping", "message": now }).to_string();
                if socket.send(WsMessage::text(frame)).await.is_err() {
                    return;
                }
            }
            frame = frames.recv() => match frame {
                Some(frame) => {
                    if socket.send(WsMessage::text(frame)).await.is_err() {
                        return;
                    }
                }
                // Dropped by the server (drop_sockets, a restart).
                None => return,
            },
            incoming = socket.next() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text.to_string(),
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                if let Some(reply) = command(&text, &shared, &mut unsubscribed) {
                    if socket.send(WsMessage::text(reply)).await.is_err() {
                        return;
                    }
                }
            }
        }
    }
}

/// Handles one client command; returns the frame to answer with.
fn command(
    text: &str,
    shared: &Shared,
    unsubscribed: &mut Option<mpsc::UnboundedSender<String>>,
) -> Option<String> {
    let mut state = lock(shared);
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        state.violations.push(format!("cable: not JSON: {text}"));
        return None;
    };
    let identifier = frame["identifier"].as_str().unwrap_or("").to_owned();
    let Ok(channel) = serde_json::from_str::<Value>(&identifier) else {
        state
            .violations
            .push(format!("cable: identifier is not a JSON string: {text}"));
        return None;
    };
    let token = channel["pubsub_token"].as_str().unwrap_or("").to_owned();
    match frame["command"].as_str() {
        Some("subscribe") => {
            if channel["channel"] != "RoomChannel" || !state.knows_pubsub_token(&token) {
                return Some(
                    json!({ "identifier": identifier, "type": "reject_subscription" }).to_string(),
                );
            }
            if let Some(frames) = unsubscribed.take() {
                state.subscribers.push(Subscriber {
                    pubsub_token: token.clone(),
                    identifier: identifier.clone(),
                    frames,
                });
            }
            state.presence_from(&token);
            Some(json!({ "identifier": identifier, "type": "confirm_subscription" }).to_string())
        }
        Some("message") => {
            let data: Value = frame["data"]
                .as_str()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or(Value::Null);
            if data["action"] == "update_presence" {
                state.presence_from(&token);
            } else {
                state
                    .violations
                    .push(format!("cable: unknown action in {text}"));
            }
            None
        }
        Some("unsubscribe") => None,
        _ => {
            state
                .violations
                .push(format!("cable: unknown command in {text}"));
            None
        }
    }
}

// --- agent-bot webhooks ----------------------------------------------------------

async fn deliver_webhooks(mut queue: mpsc::UnboundedReceiver<WebhookJob>, shared: Shared) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    while let Some(job) = queue.recv().await {
        let problems = crate::spec::check_component("x-warmline-agent-bot-webhook", &job.payload);
        lock(&shared)
            .violations
            .extend(problems.into_iter().map(|p| format!("fake webhook: {p}")));
        let body = job.payload.to_string();
        let mut request = client
            .post(&job.bot.webhook_url)
            .timeout(job.bot.webhook_timeout)
            .header("content-type", "application/json")
            .header("accept", "application/json");
        if let Some(secret) = &job.bot.webhook_secret {
            let timestamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string();
            let signature = hmac_hex(secret, &format!("{timestamp}.{body}"));
            request = request
                .header("x-chatwoot-timestamp", timestamp)
                .header("x-chatwoot-signature", format!("sha256={signature}"));
        }
        let delivered = match request.body(body).send().await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        };
        if !delivered {
            // As upstream: a bot that fails to answer must not strand the
            // contact, so a pending conversation goes to people.
            let mut state = lock(&shared);
            state.webhook_failures += 1;
            if state.conversations.get(&job.conversation).map(|c| c.status) == Some("pending") {
                state.set_status(job.conversation, "open");
            }
        }
    }
}
