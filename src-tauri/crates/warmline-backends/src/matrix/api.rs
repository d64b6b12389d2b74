//! HTTP to the homeserver: building request URLs, TLS (rustls with the
//! platform's roots plus an optional extra CA), and turning answers and
//! failures into [`ApiError`].

use std::path::Path;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use warmline_core::{BackendError, Secret};

/// What went wrong with one request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ApiError {
    /// No answer: the network, a refused or cut connection, a timeout.
    #[error("no answer from the homeserver: {0}")]
    Network(String),
    /// The server's TLS certificate was not trusted (or not for this name).
    #[error("the homeserver's certificate is not trusted: {0}")]
    Certificate(String),
    /// The server answered with an error.
    #[error("the homeserver answered {status} {errcode}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Matrix error code (`M_FORBIDDEN`…), empty if there was none.
        errcode: String,
        /// The server's explanation.
        message: String,
    },
    /// The answer could not be read.
    #[error("the homeserver sent something unreadable: {0}")]
    Malformed(String),
}

impl ApiError {
    /// The HTTP status, if the server answered.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Matrix error code, if the server sent one.
    pub(crate) fn errcode(&self) -> &str {
        match self {
            Self::Status { errcode, .. } => errcode,
            _ => "",
        }
    }

    /// The access token is not (or no longer) valid: expired, revoked,
    /// logged out, or from a server that forgot it.
    pub(crate) fn is_unknown_token(&self) -> bool {
        self.status() == Some(401)
    }

    /// The general mapping to the adapter's errors; callers handle the
    /// statuses that mean something particular to them first.
    pub(crate) fn into_backend(self) -> BackendError {
        match &self {
            Self::Network(_) => BackendError::Unreachable(self.to_string()),
            // A certificate that is not trusted does not become trusted by
            // waiting: as for the relay (`crate::tls`), Warmline does not
            // sign in to a server it cannot verify, and the person who set
            // it up has to fix the address or the extra CA.
            Self::Certificate(_) => BackendError::Unauthorized(self.to_string()),
            Self::Malformed(detail) => BackendError::Malformed(detail.clone()),
            Self::Status {
                status, errcode, ..
            } => match (*status, errcode.as_str()) {
                (401, _) | (403, "M_USER_DEACTIVATED") => {
                    BackendError::Unauthorized(self.to_string())
                }
                // Overload, rate limits and a server that is restarting.
                (429, _) | (500..=599, _) => BackendError::Unreachable(self.to_string()),
                _ => BackendError::Rejected(self.to_string()),
            },
        }
    }
}

/// A homeserver's client API, over one HTTP client.
#[derive(Debug, Clone)]
pub(crate) struct Homeserver {
    http: reqwest::Client,
    base: url::Url,
}

/// How patient to be with the network (never with the user).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Patience {
    /// Longest wait to set up a connection.
    pub(crate) connect: Duration,
}

impl Homeserver {
    /// A client for the homeserver at `base`, trusting the platform's root
    /// certificates and those in `extra_ca_path`.
    pub(crate) fn new(
        base: &str,
        extra_ca: Option<&Path>,
        patience: Patience,
    ) -> Result<Self, BackendError> {
        let base = url::Url::parse(base.trim())
            .map_err(|error| BackendError::Rejected(format!("homeserver address: {error}")))?;
        // An unusable extra CA file is the set-up's problem, like a
        // certificate that cannot be verified (see `crate::tls`).
        let tls = crate::tls::client_config(extra_ca)
            .map_err(|error| BackendError::Unauthorized(error.to_string()))?;
        let http = reqwest::Client::builder()
            .connect_timeout(patience.connect)
            .tls_backend_preconfigured(rustls::ClientConfig::clone(&tls))
            .build()
            .map_err(|error| BackendError::Rejected(format!("HTTP client: {error}")))?;
        Ok(Self { http, base })
    }

    /// The URL of a client API endpoint, from its path segments (each one
    /// percent-encoded here: room ids hold `!` and `:`).
    pub(crate) fn url(&self, segments: &[&str]) -> url::Url {
        let mut url = self.base.clone();
        {
            let mut path = url.path_segments_mut().expect("an http(s) URL has a path");
            path.pop_if_empty();
            path.extend(segments);
        }
        url
    }

    /// One request; `limit` bounds the whole exchange (a stalled network
    /// sends nothing and closes nothing by itself).
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        url: url::Url,
        token: Option<&Secret>,
        body: Option<&Value>,
        limit: Duration,
    ) -> Result<T, ApiError> {
        let mut request = self.http.request(method, url).timeout(limit);
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body)
                .map_err(|error| ApiError::Malformed(format!("request body: {error}")))?;
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes);
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport_error)?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|error| ApiError::Malformed(format!("{status}: {error}")));
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Err(ApiError::Status {
            status: status.as_u16(),
            errcode: body["errcode"].as_str().unwrap_or_default().to_owned(),
            message: body["error"]
                .as_str()
                .unwrap_or_default()
                .chars()
                .take(300)
                .collect(),
        })
    }
}

fn transport_error(error: reqwest::Error) -> ApiError {
    // reqwest's text names the URL (never a header or body), so no secret.
    let text = error_chain(&error);
    if let Some(tls) = crate::tls::tls_failure(&error) {
        ApiError::Certificate(format!("{tls} ({text})"))
    } else if error.is_decode() {
        ApiError::Malformed(text)
    } else {
        ApiError::Network(text)
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        let server = Homeserver::new(
            "http://127.0.0.1:8008/",
            None,
            Patience {
                connect: Duration::from_secs(1),
            },
        )
        .unwrap();
        let url = server.url(&["_matrix", "client", "v3", "rooms", "!a/b:x", "send"]);
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:8008/_matrix/client/v3/rooms/!a%2Fb:x/send"
        );
    }

    #[test]
    fn statuses_map_to_what_the_engine_can_act_on() {
        let status = |status: u16, errcode: &str| ApiError::Status {
            status,
            errcode: errcode.into(),
            message: String::new(),
        };
        assert!(matches!(
            status(401, "M_UNKNOWN_TOKEN").into_backend(),
            BackendError::Unauthorized(_)
        ));
        assert!(matches!(
            status(403, "M_USER_DEACTIVATED").into_backend(),
            BackendError::Unauthorized(_)
        ));
        assert!(status(429, "M_LIMIT_EXCEEDED")
            .into_backend()
            .is_transient());
        assert!(status(502, "").into_backend().is_transient());
        assert!(matches!(
            status(403, "M_FORBIDDEN").into_backend(),
            BackendError::Rejected(_)
        ));
        assert!(!ApiError::Certificate("x".into())
            .into_backend()
            .is_transient());
        assert!(ApiError::Network("x".into()).into_backend().is_transient());
    }

    #[test]
    fn an_unreadable_extra_ca_is_a_set_up_problem() {
        let error = Homeserver::new(
            "https://matrix.example.org",
            Some(Path::new("/nonexistent/warmline-ca.pem")),
            Patience {
                connect: Duration::from_secs(1),
            },
        )
        .unwrap_err();
        assert!(
            matches!(&error, BackendError::Unauthorized(text) if text.contains("warmline-ca.pem")),
            "{error:?}"
        );
    }
}
