//! Setting up one WebSocket connection to the relay: TLS for `wss://`, the
//! sign-in token on the upgrade request, and what a failed handshake means.
//!
//! The token is read from the profile's [`SecretSource`] for every
//! connection, never kept by the adapter, so a token the caregiver changes
//! is used by the next connection and a keyring that is locked at start-up
//! only delays the connection.

use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{header, HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};
use warmline_core::{Secret, SecretError, SecretSource};

use super::connection::RelayError;
use super::RelayConfig;

/// The name of the relay's secret in its profile (see
/// [`crate::profile::BackendSettings::secret_names`]).
pub const TOKEN_SECRET: &str = "token";

/// An open WebSocket to the relay.
pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The token to present, or `None` when the profile has none (the relay
/// then decides whether it serves clients without one). A keyring that
/// cannot be read is an error: connecting without the token would only
/// earn a refusal.
pub(super) fn read_token(secrets: &dyn SecretSource) -> Result<Option<Secret>, RelayError> {
    match secrets.secret(TOKEN_SECRET) {
        Ok(token) if token.is_blank() => Ok(None),
        Ok(token) => Ok(Some(token)),
        Err(SecretError::Missing(_)) => Ok(None),
        Err(error) => Err(RelayError::Credentials(error)),
    }
}

/// Opens one WebSocket to the relay, presenting `token` as
/// `Authorization: Bearer <token>`; `tls` secures a `wss://` address (see
/// [`crate::tls::client_config`]). Bounded by
/// [`RelayConfig::connect_timeout`].
pub(super) async fn dial(
    config: &RelayConfig,
    token: Option<&Secret>,
    tls: Option<Arc<rustls::ClientConfig>>,
) -> Result<Socket, RelayError> {
    let mut request = config
        .url
        .as_str()
        .into_client_request()
        .map_err(|error| RelayError::Connect(error.to_string()))?;
    if let Some(token) = token {
        // The error of `from_str` names no value, so it cannot leak the token.
        let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| RelayError::UnusableToken)?;
        value.set_sensitive(true);
        request.headers_mut().insert(header::AUTHORIZATION, value);
    }
    let connector = tls.map_or(Connector::Plain, Connector::Rustls);
    let attempt =
        tokio_tungstenite::connect_async_tls_with_config(request, None, false, Some(connector));
    match tokio::time::timeout(config.connect_timeout, attempt).await {
        Err(_) => Err(RelayError::Timeout(config.connect_timeout)),
        Ok(Ok((socket, _response))) => Ok(socket),
        Ok(Err(error)) => Err(classify(error)),
    }
}

/// What a failed handshake means for the caller.
fn classify(error: WsError) -> RelayError {
    if let Some(detail) = crate::tls::tls_failure(&error) {
        // A certificate that cannot be verified does not get better by
        // waiting (see `crate::tls`).
        return RelayError::Untrusted(detail);
    }
    match error {
        WsError::Http(response)
            if matches!(
                response.status(),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
            ) =>
        {
            RelayError::Refused(response.status().as_u16())
        }
        // A host name TLS cannot use: a settings problem, not the network.
        WsError::Tls(error) => RelayError::Untrusted(error.to_string()),
        // Any other answer (a 404 behind a proxy being reconfigured, a 502,
        // a 503 during maintenance) and any network failure may be over
        // soon: the engine tries again with backoff.
        other => RelayError::Connect(other.to_string()),
    }
}
