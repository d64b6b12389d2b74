//! The chat-completions call (`POST {base}/v1/chat/completions`), whole or
//! streamed as server-sent events, with the request timeout.

use std::time::Duration;

use serde::Serialize;
use warmline_core::Secret;

/// One message of the context the model sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Turn {
    /// `system`, `user` or `assistant`.
    pub(crate) role: &'static str,
    /// What was said.
    pub(crate) content: String,
}

/// Why a call gave no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ApiError {
    /// No answer (or no next piece) within the request timeout.
    #[error("the model did not answer within {0:?}")]
    Timeout(Duration),
    /// The endpoint could not be reached.
    #[error("the model endpoint could not be reached: {0}")]
    Network(String),
    /// The endpoint answered with an error status.
    #[error("the model endpoint answered HTTP {0}")]
    Status(u16),
    /// The endpoint's answer is not the chat-completions format.
    #[error("the model endpoint sent something unreadable: {0}")]
    Malformed(String),
}

impl ApiError {
    /// Worth the one retry: the same request may work a moment later.
    pub(crate) fn worth_retrying(&self) -> bool {
        match self {
            Self::Timeout(_) | Self::Network(_) => true,
            Self::Status(status) => *status == 429 || *status >= 500,
            Self::Malformed(_) => false,
        }
    }
}

fn network(error: reqwest::Error) -> ApiError {
    // Without the URL: it may carry a key in its query for some services.
    ApiError::Network(error.without_url().to_string())
}

/// One OpenAI-compatible endpoint and model.
#[derive(Debug, Clone)]
pub(crate) struct ChatApi {
    http: reqwest::Client,
    url: String,
    model: String,
    timeout: Duration,
}

/// Longest answer asked for, in tokens: a customer-service answer is short,
/// and a small model that rambles must stop.
const MAX_TOKENS: u32 = 400;

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    messages: &'a [Turn],
    stream: bool,
    max_tokens: u32,
    /// Left to the endpoint's default unless a task needs the model's most
    /// likely answer (a yes/no question).
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
}

impl ChatApi {
    pub(crate) fn new(
        http: reqwest::Client,
        base_url: &str,
        model: &str,
        timeout: Duration,
    ) -> Self {
        let base = base_url.trim().trim_end_matches('/');
        // A base given with its `/v1` (as many services print it) is the same
        // endpoint.
        let base = base.strip_suffix("/v1").unwrap_or(base);
        Self {
            http,
            url: format!("{base}/v1/chat/completions"),
            model: model.trim().to_owned(),
            timeout,
        }
    }

    /// The same endpoint and model, on the same HTTP client (its connections
    /// and TLS set-up shared), with another request timeout.
    pub(crate) fn with_timeout(&self, timeout: Duration) -> Self {
        Self {
            timeout,
            ..self.clone()
        }
    }

    async fn post(
        &self,
        key: Option<&Secret>,
        messages: &[Turn],
        stream: bool,
        max_tokens: u32,
        temperature: Option<f32>,
    ) -> Result<reqwest::Response, ApiError> {
        let mut request = self.http.post(&self.url).json(&Request {
            model: &self.model,
            messages,
            stream,
            max_tokens,
            temperature,
        });
        if let Some(key) = key.filter(|key| !key.is_blank()) {
            request = request.bearer_auth(key.expose());
        }
        let response = tokio::time::timeout(self.timeout, request.send())
            .await
            .map_err(|_| ApiError::Timeout(self.timeout))?
            .map_err(network)?;
        let status = response.status();
        if !status.is_success() {
            return Err(ApiError::Status(status.as_u16()));
        }
        Ok(response)
    }

    /// The whole answer in one response.
    pub(crate) async fn complete(
        &self,
        key: Option<&Secret>,
        messages: &[Turn],
    ) -> Result<String, ApiError> {
        self.complete_within(key, messages, MAX_TOKENS).await
    }

    /// The whole answer in one response, at most `max_tokens` long.
    pub(crate) async fn complete_within(
        &self,
        key: Option<&Secret>,
        messages: &[Turn],
        max_tokens: u32,
    ) -> Result<String, ApiError> {
        self.complete_with(key, messages, max_tokens, None).await
    }

    /// The whole answer in one response, at most `max_tokens` long, at
    /// `temperature` when given.
    pub(crate) async fn complete_with(
        &self,
        key: Option<&Secret>,
        messages: &[Turn],
        max_tokens: u32,
        temperature: Option<f32>,
    ) -> Result<String, ApiError> {
        let response = self
            .post(key, messages, false, max_tokens, temperature)
            .await?;
        let body = tokio::time::timeout(self.timeout, response.bytes())
            .await
            .map_err(|_| ApiError::Timeout(self.timeout))?
            .map_err(network)?;
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| ApiError::Malformed(e.to_string()))?;
        value["choices"][0]["message"]["content"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ApiError::Malformed("no choices[0].message.content".into()))
    }

    /// The answer piece by piece: `on_delta` gets each piece of text as it
    /// arrives. The timeout bounds the wait for each piece, not the whole
    /// answer: a slow model that keeps writing is not cut off.
    pub(crate) async fn stream(
        &self,
        key: Option<&Secret>,
        messages: &[Turn],
        mut on_delta: impl FnMut(&str),
    ) -> Result<(), ApiError> {
        let mut response = self.post(key, messages, true, MAX_TOKENS, None).await?;
        let mut events = SseParser::default();
        loop {
            let chunk = tokio::time::timeout(self.timeout, response.chunk())
                .await
                .map_err(|_| ApiError::Timeout(self.timeout))?
                .map_err(network)?;
            let Some(chunk) = chunk else {
                return if events.finished {
                    Ok(())
                } else {
                    Err(ApiError::Malformed(
                        "the stream ended before the answer did".into(),
                    ))
                };
            };
            for delta in events.push(&chunk)? {
                on_delta(&delta);
            }
            if events.done {
                return Ok(());
            }
        }
    }
}

/// Reads `data:` lines of server-sent events into pieces of answer text.
#[derive(Debug, Default)]
pub(crate) struct SseParser {
    buffer: Vec<u8>,
    /// A choice said why it stopped (`finish_reason`).
    pub(crate) finished: bool,
    /// `data: [DONE]` arrived.
    pub(crate) done: bool,
}

impl SseParser {
    /// Takes the next bytes; returns the text pieces of every complete line.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<Vec<String>, ApiError> {
        self.buffer.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = std::str::from_utf8(&line)
                .map_err(|_| ApiError::Malformed("a stream line is not UTF-8".into()))?
                .trim_end_matches(['\r', '\n']);
            // Comments (":"), event names, ids and blank separators carry no
            // text.
            let Some(data) = line.strip_prefix("data:") else {
                continue;
            };
            let data = data.trim_start();
            if data == "[DONE]" {
                self.done = true;
                break;
            }
            let value: serde_json::Value = serde_json::from_str(data)
                .map_err(|e| ApiError::Malformed(format!("a stream event: {e}")))?;
            let choice = &value["choices"][0];
            if choice.is_null() {
                // Usage reports and keep-alives without choices.
                if value.get("error").is_some() {
                    return Err(ApiError::Malformed("the stream reported an error".into()));
                }
                continue;
            }
            if choice["finish_reason"].is_string() {
                self.finished = true;
            }
            if let Some(text) = choice["delta"]["content"].as_str() {
                if !text.is_empty() {
                    out.push(text.to_owned());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_give_the_same_text() {
        let stream = concat!(
            ": keep-alive\n\n",
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"lo 你好\"},\"finish_reason\":null}]}\n\n",
            "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        )
        .as_bytes();
        for split in [1, 2, 7, 13, stream.len()] {
            let mut parser = SseParser::default();
            let mut text = String::new();
            for chunk in stream.chunks(split) {
                text.extend(parser.push(chunk).unwrap());
            }
            assert_eq!(text, "Hello 你好", "split every {split} bytes");
            assert!(parser.finished && parser.done);
        }
    }

    #[test]
    fn a_broken_event_is_malformed() {
        let mut parser = SseParser::default();
        assert!(matches!(
            parser.push(b"data: {\"choices\":[{\"delta\":\n"),
            Err(ApiError::Malformed(_))
        ));
        assert!(ApiError::Status(429).worth_retrying());
        assert!(ApiError::Status(503).worth_retrying());
        assert!(!ApiError::Status(401).worth_retrying());
        assert!(!ApiError::Malformed(String::new()).worth_retrying());
    }

    #[test]
    fn the_path_is_added_once() {
        let http = super::super::http_client().unwrap();
        for base in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080/v1",
        ] {
            let api = ChatApi::new(http.clone(), base, " smol ", Duration::from_secs(1));
            assert_eq!(api.url, "http://127.0.0.1:8080/v1/chat/completions");
            assert_eq!(api.model, "smol");
        }
    }
}
