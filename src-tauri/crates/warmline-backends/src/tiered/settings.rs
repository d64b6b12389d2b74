//! A tiered profile: the automatic assistant's settings and a whole human
//! profile (any other kind) behind it.

use serde::{Deserialize, Serialize};

use crate::openai::{OpenAiSettings, API_KEY_SECRET};
use crate::profile::{BackendSettings, FieldError, FieldErrorCode};

/// The bot tier and the human tier of one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TieredSettings {
    /// The automatic assistant that answers first.
    pub bot: OpenAiSettings,
    /// Who takes over when a person is requested: any kind but `tiered`.
    pub human: Box<BackendSettings>,
}

impl TieredSettings {
    /// Every problem with the fields, each naming its field (`bot.model`,
    /// `human.url`…).
    pub fn validate(&self) -> Vec<FieldError> {
        fn prefixed(
            prefix: &'static str,
            errors: Vec<FieldError>,
        ) -> impl Iterator<Item = FieldError> {
            errors.into_iter().map(move |mut error| {
                error.field = format!("{prefix}.{}", error.field);
                error
            })
        }
        let mut errors: Vec<FieldError> = prefixed("bot", self.bot.validate()).collect();
        if matches!(*self.human, BackendSettings::Tiered(_)) {
            // One bot in front of people; a bot behind a bot would stand in
            // the way.
            errors.push(FieldError::new("human", FieldErrorCode::Invalid));
        } else {
            errors.extend(prefixed("human", self.human.validate()));
        }
        errors
    }

    /// The bot's API key, then the human tier's secrets.
    pub fn secret_names(&self) -> &'static [&'static str] {
        const ALONE: &[&str] = &[API_KEY_SECRET];
        #[cfg(feature = "relay")]
        const RELAY: &[&str] = &[API_KEY_SECRET, crate::relay::TOKEN_SECRET];
        #[cfg(feature = "matrix")]
        const MATRIX: &[&str] = &[
            API_KEY_SECRET,
            crate::matrix::settings::SECRET_NAMES[0],
            crate::matrix::settings::SECRET_NAMES[1],
        ];
        #[cfg(feature = "chatwoot")]
        const CHATWOOT: &[&str] = &[API_KEY_SECRET, crate::chatwoot::HMAC_TOKEN_SECRET];
        match &*self.human {
            #[cfg(feature = "relay")]
            BackendSettings::Relay(_) => RELAY,
            #[cfg(feature = "matrix")]
            BackendSettings::Matrix(_) => MATRIX,
            #[cfg(feature = "chatwoot")]
            BackendSettings::Chatwoot(_) => CHATWOOT,
            _ => ALONE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::DemoSettings;

    fn tiered(human: BackendSettings) -> BackendSettings {
        BackendSettings::Tiered(TieredSettings {
            bot: OpenAiSettings::new("http://127.0.0.1:8080", "smollm2"),
            human: Box::new(human),
        })
    }

    #[test]
    fn a_tiered_profile_round_trips_and_names_each_tiers_fields_and_secrets() {
        let settings = tiered(BackendSettings::Demo(DemoSettings {}));
        let json = serde_json::to_string(&settings).unwrap();
        assert!(json.contains(r#""kind":"tiered""#), "{json}");
        assert!(json.contains(r#""human":{"kind":"demo"}"#), "{json}");
        assert_eq!(
            serde_json::from_str::<BackendSettings>(&json).unwrap(),
            settings
        );
        assert_eq!(settings.kind(), "tiered");
        assert!(settings.validate().is_empty());
        assert_eq!(settings.secret_names(), [API_KEY_SECRET]);

        let nested = tiered(tiered(BackendSettings::Demo(DemoSettings {})));
        assert_eq!(
            nested.validate(),
            [FieldError::new("human", FieldErrorCode::Invalid)]
        );
        let BackendSettings::Tiered(mut wrong) = settings else {
            unreachable!()
        };
        wrong.bot.model.clear();
        #[cfg(feature = "relay")]
        {
            *wrong.human = BackendSettings::Relay(crate::profile::RelaySettings {
                url: "ws://support.example.com".into(),
                extra_ca: None,
            });
        }
        let fields: Vec<_> = wrong.validate().into_iter().map(|e| e.field).collect();
        #[cfg(feature = "relay")]
        assert_eq!(fields, ["bot.model", "human.url"]);
        #[cfg(feature = "relay")]
        assert_eq!(
            wrong.secret_names(),
            [API_KEY_SECRET, crate::relay::TOKEN_SECRET]
        );
        #[cfg(not(feature = "relay"))]
        assert_eq!(fields, ["bot.model"]);
    }

    #[cfg(feature = "matrix")]
    #[test]
    fn the_matrix_tiers_secrets_are_the_matrix_adapters() {
        let settings = TieredSettings {
            bot: OpenAiSettings::new("http://127.0.0.1:8080", "m"),
            human: Box::new(BackendSettings::Matrix(
                crate::matrix::MatrixSettings::in_room(
                    "https://matrix.example.org",
                    "@anna:example.org",
                    "#help:example.org",
                ),
            )),
        };
        assert_eq!(
            settings.secret_names()[1..],
            *crate::matrix::settings::SECRET_NAMES
        );
    }
}
