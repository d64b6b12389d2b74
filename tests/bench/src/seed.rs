//! The 10,000-message store the app opens for the demo profile, and a
//! loopback file server for the built UI that Chromium shows.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use warmline_core::{Author, DeliveryState, Message, MessageBody, MessageId, Timestamp};
use warmline_store::{profile_path, SqliteStore};

/// Writes `count` old messages into the demo profile's store under
/// `data_dir`: the same ones the UI's fake backend makes for `?history=N`
/// (ui/src/backend/fakeHistory.ts), the user and the demo bot taking turns.
pub fn seed_history(data_dir: &Path, count: usize) -> Result<PathBuf, String> {
    let path = profile_path(data_dir, "demo");
    let store = SqliteStore::open(&path).map_err(|e| format!("opening {}: {e}", path.display()))?;
    let now = Timestamp::now().0;
    let end = now - 3_600_000;
    let count_i64 = i64::try_from(count).map_err(|e| e.to_string())?;
    let messages: Vec<Message> = (0..count)
        .map(|n| {
            let user = n % 2 == 0;
            let n_i64 = i64::try_from(n).unwrap_or(i64::MAX);
            Message {
                id: MessageId::new(),
                author: if user {
                    Author::User
                } else {
                    Author::Bot {
                        name: "Demo Assistant".into(),
                        demo: true,
                    }
                },
                body: MessageBody::Text {
                    text: format!(
                        "Earlier message {} of {count}: a line of an old conversation.",
                        n + 1
                    ),
                },
                sent_at: Timestamp(end - (count_i64 - n_i64) * 60_000),
                delivery: if user {
                    DeliveryState::Sent
                } else {
                    DeliveryState::Received
                },
                failure: None,
            }
        })
        .collect();
    store
        .save_messages(&messages)
        .map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

/// Copies the directory tree `from` into `to` (created).
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Serves the files under `root` on an ephemeral loopback port, one thread
/// per connection, for as long as the program runs; returns the base URL.
pub fn serve(root: PathBuf) -> std::io::Result<String> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = answer(stream, &root);
            });
        }
    });
    Ok(url)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn answer(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut request = String::new();
    BufReader::new(&stream).read_line(&mut request)?;
    let target = request.split_whitespace().nth(1).unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let file = if relative.is_empty() {
        root.join("index.html")
    } else {
        root.join(relative)
    };
    let inside = !relative.split('/').any(|part| part == "..");
    match std::fs::read(&file) {
        Ok(body) if inside => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
                content_type(&file),
                body.len()
            )?;
            stream.write_all(&body)
        }
        _ => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"),
    }
}
