//! The real model server on loopback, behind a request-recording proxy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::http::read_request;
use crate::install::install;
use crate::MODEL;

/// Longest wait for the server to answer after it was started: a safety
/// net for a busy 2-core machine (loading the model), not a measurement.
const START_LIMIT: Duration = Duration::from_secs(180);

/// Runs the server as the module's `__main__` and stops it when standard
/// input closes, so no server outlives the test process that started it.
const LAUNCHER: &str = r#"
import os, runpy, sys, threading
def stop_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
sys.argv = ["llama_cpp.server"] + sys.argv[1:]
runpy.run_module("llama_cpp.server", run_name="__main__")
"#;

type Log = Arc<Mutex<Vec<serde_json::Value>>>;

/// llama.cpp's server with SmolLM2-135M-Instruct, reached through a proxy
/// that keeps every request body. Dropping it stops the process.
pub struct ModelServer {
    proxy_port: u16,
    process: Mutex<Option<Child>>,
    log_file: PathBuf,
    requests: Log,
    _dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

impl ModelServer {
    /// Installs what is missing, starts the server on a free loopback port
    /// and returns once it answers. `WARMLINE_MODEL_THREADS` sets the
    /// model's threads (default 1: the machine is shared).
    pub fn start() -> Result<Self, String> {
        let installed = install()?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let log_file = dir.path().join("server.log");
        let log = std::fs::File::create(&log_file).map_err(|e| e.to_string())?;
        let port = free_port();
        let threads = std::env::var("WARMLINE_MODEL_THREADS").unwrap_or_else(|_| "1".into());
        let child = Command::new(&installed.python)
            .arg("-c")
            .arg(LAUNCHER)
            .arg("--model")
            .arg(&installed.model)
            .args(["--model_alias", MODEL, "--host", "127.0.0.1"])
            .args(["--port", &port.to_string(), "--n_ctx", "2048"])
            .args(["--n_threads", &threads, "--seed", "7"])
            // By default the server cuts off the answer it is writing when
            // another request arrives; tests (and the app, asking while
            // another test asks) would then read half an answer.
            .args(["--interrupt_requests", "False"])
            .stdin(Stdio::piped())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("could not start the model server: {e}"))?;
        let requests: Log = Arc::default();
        let proxy = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let proxy_port = proxy.local_addr().map_err(|e| e.to_string())?.port();
        let log = Arc::clone(&requests);
        std::thread::spawn(move || {
            for client in proxy.incoming().flatten() {
                let log = Arc::clone(&log);
                std::thread::spawn(move || forward(client, port, &log));
            }
        });
        let server = Self {
            proxy_port,
            process: Mutex::new(Some(child)),
            log_file,
            requests,
            _dir: dir,
        };
        server.wait_until_ready(port)?;
        Ok(server)
    }

    fn wait_until_ready(&self, port: u16) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < START_LIMIT {
            if let Some(child) = self
                .process
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_mut()
            {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(format!(
                        "the model server stopped ({status}): {}",
                        self.log()
                    ));
                }
            }
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.write_all(
                    b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                );
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Err(format!(
            "the model server did not answer within {START_LIMIT:?}: {}",
            self.log()
        ))
    }

    /// The base URL to configure (the proxy's `http://127.0.0.1:PORT`).
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.proxy_port)
    }

    /// Every request body the server received so far, oldest first.
    pub fn requests(&self) -> Vec<serde_json::Value> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every user message of every request, in order (what the model was
    /// ever shown of the user's words).
    pub fn user_words(&self) -> Vec<String> {
        self.requests()
            .iter()
            .flat_map(|request| request["messages"].as_array().cloned().unwrap_or_default())
            .filter(|message| message["role"] == "user")
            .filter_map(|message| message["content"].as_str().map(str::to_owned))
            .collect()
    }

    /// What the server printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        if let Some(mut child) = self
            .process
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            drop(child.stdin.take());
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One client connection: each request is recorded, then sent to the
/// server on a connection of its own that closes after the answer.
fn forward(client: TcpStream, port: u16, log: &Mutex<Vec<serde_json::Value>>) {
    let Ok(mut to_client) = client.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(client);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    if let Ok(body) = serde_json::from_slice(&request.body) {
        log.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(body);
    }
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let mut head = String::new();
    for line in &request.head {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            head.push_str(line);
            head.push_str("\r\n");
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    if upstream.write_all(head.as_bytes()).is_err() || upstream.write_all(&request.body).is_err() {
        return;
    }
    // The answer's head says the connection closes after it, so the
    // client never sends a second request on a connection this proxy
    // will not read again.
    let mut upstream = BufReader::new(upstream);
    let mut answer_head = String::new();
    loop {
        let mut line = String::new();
        match upstream.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.trim_end_matches(['\r', '\n']).is_empty() {
            break;
        }
        if !line.to_ascii_lowercase().starts_with("connection:") {
            answer_head.push_str(&line);
        }
    }
    answer_head.push_str("Connection: close\r\n\r\n");
    if to_client.write_all(answer_head.as_bytes()).is_err() {
        return;
    }
    // Piece by piece, so a streamed answer streams through.
    let mut buffer = [0u8; 4096];
    while let Ok(read) = upstream.read(&mut buffer) {
        if read == 0 || to_client.write_all(&buffer[..read]).is_err() {
            break;
        }
        let _ = to_client.flush();
    }
    // Close gently: a socket closed with unread bytes from the client is
    // reset, and a reset can throw away the end of the answer in flight.
    let _ = to_client.shutdown(Shutdown::Write);
    let _ = to_client.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = std::io::copy(&mut reader, &mut std::io::sink());
}
