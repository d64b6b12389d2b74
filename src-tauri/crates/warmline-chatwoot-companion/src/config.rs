//! The companion's configuration, from the environment. The bot token and
//! the webhook secret may come from files (`…_FILE`), so they need not sit
//! in a service manager's environment; they are never printed.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// A value that must not be printed: `Debug` shows only that it is set.
#[derive(Clone, PartialEq, Eq)]
pub struct Hidden(String);

impl Hidden {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, where it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

/// Everything the companion needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The Chatwoot server, e.g. `https://support.example.com`.
    pub chatwoot_url: String,
    /// The agent bot's access token (`api_access_token`).
    pub bot_token: Hidden,
    /// When set, every webhook must carry a valid `X-Chatwoot-Signature`.
    pub webhook_secret: Option<Hidden>,
    /// Where to listen for webhooks.
    pub listen: SocketAddr,
    /// Longest wait for one Chatwoot call; Chatwoot itself gives a webhook
    /// 5 s, so the whole handoff must fit in that.
    pub request_timeout: Duration,
    /// How old a signed webhook may be.
    pub max_webhook_age: Duration,
}

/// Why the configuration cannot be used; names the variable, never a value.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// A required variable is not set.
    #[error("{0} is not set")]
    Missing(&'static str),
    /// A variable's value cannot be used.
    #[error("{0} is not valid: {1}")]
    Invalid(&'static str, String),
    /// A `…_FILE` could not be read.
    #[error("{0} names a file that cannot be read: {1}")]
    File(&'static str, String),
}

fn secret(
    get: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
    file: &'static str,
) -> Result<Option<Hidden>, ConfigError> {
    if let Some(value) = get(name).filter(|v| !v.trim().is_empty()) {
        return Ok(Some(Hidden::new(value.trim())));
    }
    match get(file).filter(|v| !v.trim().is_empty()) {
        Some(path) => {
            let value = std::fs::read_to_string(path.trim())
                .map_err(|e| ConfigError::File(file, e.kind().to_string()))?;
            let value = value.trim();
            if value.is_empty() {
                return Err(ConfigError::Invalid(file, "the file is empty".into()));
            }
            Ok(Some(Hidden::new(value)))
        }
        None => Ok(None),
    }
}

impl Config {
    /// Reads `CHATWOOT_URL`, `CHATWOOT_BOT_TOKEN` (or `CHATWOOT_BOT_TOKEN_FILE`),
    /// `CHATWOOT_WEBHOOK_SECRET` (or `…_FILE`, optional) and `COMPANION_LISTEN`
    /// (default `127.0.0.1:8787`) through `get`.
    pub fn from_env_with(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let chatwoot_url = get("CHATWOOT_URL")
            .map(|v| v.trim().trim_end_matches('/').to_owned())
            .filter(|v| !v.is_empty())
            .ok_or(ConfigError::Missing("CHATWOOT_URL"))?;
        if !(chatwoot_url.starts_with("https://") || chatwoot_url.starts_with("http://")) {
            return Err(ConfigError::Invalid(
                "CHATWOOT_URL",
                "it must start with https:// (or http:// on the same host)".into(),
            ));
        }
        let bot_token = secret(get, "CHATWOOT_BOT_TOKEN", "CHATWOOT_BOT_TOKEN_FILE")?
            .ok_or(ConfigError::Missing("CHATWOOT_BOT_TOKEN"))?;
        let webhook_secret = secret(
            get,
            "CHATWOOT_WEBHOOK_SECRET",
            "CHATWOOT_WEBHOOK_SECRET_FILE",
        )?;
        let listen = get("COMPANION_LISTEN")
            .unwrap_or_else(|| "127.0.0.1:8787".into())
            .trim()
            .parse()
            .map_err(|e: std::net::AddrParseError| {
                ConfigError::Invalid("COMPANION_LISTEN", e.to_string())
            })?;
        Ok(Self {
            chatwoot_url,
            bot_token,
            webhook_secret,
            listen,
            request_timeout: Duration::from_secs(4),
            max_webhook_age: Duration::from_secs(300),
        })
    }

    /// [`Self::from_env_with`] on the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_with(&|name| std::env::var(name).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_token_comes_from_the_environment_or_a_file_and_is_never_printed() {
        let config = Config::from_env_with(&env(&[
            ("CHATWOOT_URL", "https://desk.example/"),
            ("CHATWOOT_BOT_TOKEN", "bot-token-value-123"),
        ]))
        .unwrap();
        assert_eq!(config.chatwoot_url, "https://desk.example");
        assert_eq!(config.bot_token.expose(), "bot-token-value-123");
        assert!(!format!("{config:?}").contains("bot-token-value-123"));

        let dir = std::env::temp_dir().join(format!("companion-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("token");
        std::fs::write(&file, "from-a-file\n").unwrap();
        let config = Config::from_env_with(&env(&[
            ("CHATWOOT_URL", "https://desk.example"),
            ("CHATWOOT_BOT_TOKEN_FILE", file.to_str().unwrap()),
            ("CHATWOOT_WEBHOOK_SECRET", "s3cret"),
        ]))
        .unwrap();
        assert_eq!(config.bot_token.expose(), "from-a-file");
        assert!(config.webhook_secret.is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_or_bad_setting_is_named() {
        assert_eq!(
            Config::from_env_with(&env(&[("CHATWOOT_URL", "https://x")])).unwrap_err(),
            ConfigError::Missing("CHATWOOT_BOT_TOKEN")
        );
        assert_eq!(
            Config::from_env_with(&env(&[])).unwrap_err(),
            ConfigError::Missing("CHATWOOT_URL")
        );
        assert!(matches!(
            Config::from_env_with(&env(&[
                ("CHATWOOT_URL", "https://x"),
                ("CHATWOOT_BOT_TOKEN_FILE", "/nonexistent/token"),
            ])),
            Err(ConfigError::File("CHATWOOT_BOT_TOKEN_FILE", _))
        ));
    }
}
