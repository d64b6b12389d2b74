//! Signing in: an access token checked with `whoami`, or the password
//! with a stable device id; a session the server ends is replaced once by
//! signing in again with the password.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};
use warmline_core::{BackendError, Secret, SecretError};

use super::api::ApiError;
use super::{Inner, SignedIn};

impl Inner {
    /// True when `user_id` is the account the profile names (a full id, or
    /// a localpart on the homeserver).
    pub(super) fn is_configured_user(&self, user_id: &str) -> bool {
        let configured = self.config.settings.user.trim();
        if configured.starts_with('@') {
            configured == user_id
        } else {
            user_id
                .strip_prefix('@')
                .and_then(|rest| rest.split_once(':'))
                .is_some_and(|(local, _)| local == configured)
        }
    }

    pub(super) async fn signed_in(&self) -> Result<SignedIn, BackendError> {
        let mut current = self.signed_in.lock().await;
        if let Some(signed_in) = current.as_ref() {
            return Ok(signed_in.clone());
        }
        let signed_in = self.sign_in().await?;
        *current = Some(signed_in.clone());
        Ok(signed_in)
    }

    /// Forgets a session the server no longer accepts (unless another call
    /// already replaced it).
    pub(super) async fn forget(&self, stale: &SignedIn) {
        let mut current = self.signed_in.lock().await;
        if current
            .as_ref()
            .is_some_and(|s| s.token.expose() == stale.token.expose())
        {
            *current = None;
        }
    }

    pub(super) async fn sign_in(&self) -> Result<SignedIn, BackendError> {
        let server = self.server()?;
        let limit = self.config.request_timeout;
        match self.secrets.secret("accessToken") {
            Ok(token) if !token.is_blank() => {
                let url = server.url(&["_matrix", "client", "v3", "account", "whoami"]);
                let who: Value = server
                    .call(Method::GET, url, Some(&token), None, limit)
                    .await
                    .map_err(sign_in_error)?;
                let user_id = who["user_id"]
                    .as_str()
                    .ok_or_else(|| BackendError::Malformed("whoami without user_id".into()))?;
                if !self.is_configured_user(user_id) {
                    return Err(BackendError::Unauthorized(format!(
                        "the access token belongs to {user_id}, not to the profile's account"
                    )));
                }
                return Ok(SignedIn {
                    token,
                    user_id: user_id.to_owned(),
                    from_password: false,
                });
            }
            Ok(_) | Err(SecretError::Missing(_)) => {}
            Err(error) => return Err(error.into()),
        }
        let password = match self.secrets.secret("password") {
            Ok(password) if !password.is_blank() => password,
            Ok(_) | Err(SecretError::Missing(_)) => {
                return Err(BackendError::Unauthorized(
                    "no access token or password is stored for this Matrix account".into(),
                ))
            }
            Err(error) => return Err(error.into()),
        };
        // The same device every time: transaction ids are remembered per
        // device, so a resend after signing in again is still recognized.
        let device = self.resume.get("device");
        let mut body = json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": self.config.settings.user.trim()},
            "password": password.expose(),
            "initial_device_display_name": "Warmline",
        });
        if let Some(device) = &device {
            body["device_id"] = json!(device);
        }
        let url = server.url(&["_matrix", "client", "v3", "login"]);
        let answer: Value = server
            .call(Method::POST, url, None, Some(&body), limit)
            .await
            .map_err(sign_in_error)?;
        let (Some(token), Some(user_id)) =
            (answer["access_token"].as_str(), answer["user_id"].as_str())
        else {
            return Err(BackendError::Malformed(
                "login answer without a token".into(),
            ));
        };
        if let Some(device_id) = answer["device_id"].as_str() {
            if device.as_deref() != Some(device_id) {
                if let Err(error) = self.resume.set("device", Some(device_id)) {
                    tracing::warn!(%error, "could not keep the Matrix device id");
                }
            }
        }
        Ok(SignedIn {
            token: Secret::new(token),
            user_id: user_id.to_owned(),
            from_password: true,
        })
    }

    /// A request as the signed-in user. The outer error is a sign-in
    /// failure; the inner one the request's own. A session the server
    /// ended is replaced once by signing in again with the password.
    pub(super) async fn authed<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&Value>,
        limit: Duration,
    ) -> Result<Result<T, ApiError>, BackendError> {
        let server = self.server()?;
        let mut url = server.url(segments);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let mut signed_in = self.signed_in().await?;
        let mut tries = 0;
        loop {
            tries += 1;
            let result = server
                .call(
                    method.clone(),
                    url.clone(),
                    Some(&signed_in.token),
                    body,
                    limit,
                )
                .await;
            match result {
                Err(error) if error.is_unknown_token() => {
                    self.forget(&signed_in).await;
                    if !signed_in.from_password || tries > 1 {
                        return Err(BackendError::Unauthorized(error.to_string()));
                    }
                    signed_in = self.signed_in().await?;
                }
                other => return Ok(other),
            }
        }
    }

    /// [`Self::authed`] with the general error mapping.
    pub(super) async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&Value>,
    ) -> Result<T, BackendError> {
        self.authed(method, segments, &[], body, self.config.request_timeout)
            .await?
            .map_err(ApiError::into_backend)
    }
}

fn sign_in_error(error: ApiError) -> BackendError {
    match (error.status(), error.errcode()) {
        (Some(403), "M_USER_DEACTIVATED") => {
            BackendError::Unauthorized(format!("the Matrix account was deactivated: {error}"))
        }
        (Some(401 | 403), _) => {
            BackendError::Unauthorized(format!("the homeserver refused the sign-in: {error}"))
        }
        _ => error.into_backend(),
    }
}
