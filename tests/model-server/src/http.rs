//! Just enough HTTP/1.1 for the proxy and the fake: one request read from a
//! stream (head and a `Content-Length` body).

use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;

/// One request as it came.
pub(crate) struct Request {
    /// The request line and headers, each line without its CRLF.
    pub(crate) head: Vec<String>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The path of the request line (`/v1/chat/completions`).
    pub(crate) fn path(&self) -> &str {
        self.head
            .first()
            .and_then(|line| line.split(' ').nth(1))
            .unwrap_or("")
    }

    /// A header's value, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.iter().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Reads one request; `None` when the client closed the connection first.
pub(crate) fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            if head.is_empty() {
                continue;
            }
            break;
        }
        head.push(line);
    }
    let mut request = Request {
        head,
        body: Vec::new(),
    };
    let length: usize = request
        .header("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    request.body = vec![0; length];
    reader.read_exact(&mut request.body).ok()?;
    Some(request)
}
