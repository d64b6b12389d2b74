//! A scripted fake of the chat-completions API on loopback, for the
//! failures a real model cannot be made to show on demand.

use std::collections::VecDeque;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::http::read_request;

/// What the fake does with one request, in the order they come.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A normal answer: JSON, or server-sent events word by word when the
    /// request asked for a stream.
    Answer(String),
    /// Only this HTTP status, with a short JSON error body.
    Status(u16),
    /// Nothing at all until the client gives up (a model that hangs).
    Hang,
    /// This body as an event stream, exactly (a broken stream).
    RawStream(String),
    /// This text as the first streamed piece, then nothing more until the
    /// client gives up (a model stuck in the middle of its answer).
    StallAfter(String),
}

struct State {
    script: VecDeque<Reply>,
    requests: Vec<serde_json::Value>,
}

/// The fake server. Dropping it stops accepting; connections under way end
/// when their client closes them.
pub struct FakeApi {
    port: u16,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeApi {
    /// Starts on a free loopback port; `script` answers the requests in
    /// order, and `Reply::Answer("All is well.")` every one after it.
    pub fn start(script: impl IntoIterator<Item = Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        let state = Arc::new(Mutex::new(State {
            script: script.into_iter().collect(),
            requests: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        Self { port, state }
    }

    /// The base URL to configure (`http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request body received so far, oldest first.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        lock(&self.state).requests.clone()
    }

    /// Adds replies to the end of the script.
    pub fn then(&self, replies: impl IntoIterator<Item = Reply>) {
        lock(&self.state).script.extend(replies);
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let body: serde_json::Value =
            serde_json::from_slice(&request.body).unwrap_or(serde_json::Value::Null);
        let stream = body["stream"].as_bool().unwrap_or(false);
        let reply = {
            let mut state = lock(state);
            state.requests.push(body);
            state
                .script
                .pop_front()
                .unwrap_or_else(|| Reply::Answer("All is well.".into()))
        };
        if request.path() != "/v1/chat/completions" {
            let _ = respond(&mut writer, 404, "application/json", b"{}");
            continue;
        }
        let ok = match reply {
            Reply::Answer(text) if stream => {
                let mut events = String::new();
                for (index, word) in text.split_inclusive(' ').enumerate() {
                    let delta = if index == 0 {
                        serde_json::json!({"role": "assistant", "content": word})
                    } else {
                        serde_json::json!({"content": word})
                    };
                    events.push_str(&sse(&delta, None));
                }
                events.push_str(&sse(&serde_json::json!({}), Some("stop")));
                events.push_str("data: [DONE]\n\n");
                respond(&mut writer, 200, "text/event-stream", events.as_bytes())
            }
            Reply::Answer(text) => {
                let body = serde_json::json!({
                    "id": "fake", "object": "chat.completion", "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop",
                        "message": {"role": "assistant", "content": text}}],
                });
                respond(
                    &mut writer,
                    200,
                    "application/json",
                    body.to_string().as_bytes(),
                )
            }
            Reply::Status(status) => respond(
                &mut writer,
                status,
                "application/json",
                br#"{"error":{"message":"fake failure"}}"#,
            ),
            Reply::RawStream(raw) => respond(&mut writer, 200, "text/event-stream", raw.as_bytes()),
            Reply::Hang => {
                hang(&mut reader);
                return;
            }
            Reply::StallAfter(first) => {
                let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
                let event = sse(
                    &serde_json::json!({"role": "assistant", "content": first}),
                    None,
                );
                let chunk = format!("{:x}\r\n{event}\r\n", event.len());
                let _ = writer.write_all(head.as_bytes());
                let _ = writer.write_all(chunk.as_bytes());
                let _ = writer.flush();
                hang(&mut reader);
                return;
            }
        };
        if ok.is_err() {
            return;
        }
    }
}

/// Holds the connection until the client closes it.
fn hang(reader: &mut BufReader<TcpStream>) {
    let _ = reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(600)));
    let mut byte = [0u8; 1];
    let _ = std::io::Read::read(reader, &mut byte);
}

fn sse(delta: &serde_json::Value, finish: Option<&str>) -> String {
    let event = serde_json::json!({
        "id": "fake", "object": "chat.completion.chunk", "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    format!("data: {event}\n\n")
}

fn respond(writer: &mut TcpStream, status: u16, kind: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} Fake\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    writer.write_all(head.as_bytes())?;
    writer.write_all(body)?;
    writer.flush()
}
