//! The one place where a profile becomes a backend.
//!
//! One entry per adapter kind, behind the adapter's feature. The app shell
//! calls [`build`] when it starts a session on a profile (or
//! [`build_backend`] when it needs the backend alone); nothing else
//! constructs adapters from settings.

use std::sync::Arc;

use warmline_core::{ResumeState, SecondOpinion, SecretSource, SupportBackend};

use crate::profile::{BackendSettings, FieldError};

/// What an adapter gets besides its settings.
#[derive(Clone)]
pub struct AdapterContext {
    /// The profile's secrets (the system keyring in the app). Read when the
    /// adapter connects, never before.
    pub secrets: Arc<dyn SecretSource>,
    /// The adapter's durable resume space in the profile's own store.
    pub resume: ResumeState,
    /// Timing of the demo (from `WARMLINE_DEMO_*`); only the demo reads it.
    #[cfg(feature = "demo")]
    pub demo: crate::demo::DemoConfig,
}

/// Why a profile could not become a backend.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactoryError {
    /// The profile's fields are wrong; each error names its field.
    #[error("the profile is not valid ({} problems)", .0.len())]
    Invalid(Vec<FieldError>),
}

/// What a profile becomes: its backend and, where the profile has an AI
/// tier, that tier's model as the engine's second opinion.
#[derive(Clone)]
pub struct Built {
    /// The backend the engine talks to.
    pub backend: Arc<dyn SupportBackend>,
    /// For `EngineConfig::second_opinion`: the AI tier's model, asked about
    /// messages the phrase rules could not place. `None` for a profile
    /// without a model (demo, relay, Matrix, Chatwoot).
    pub second_opinion: Option<Arc<dyn SecondOpinion>>,
}

/// Builds the backend a profile describes. The profile is validated first,
/// so an adapter never sees fields it would have to reject.
pub fn build_backend(
    settings: &BackendSettings,
    context: AdapterContext,
) -> Result<Arc<dyn SupportBackend>, FactoryError> {
    build(settings, context).map(|built| built.backend)
}

/// Builds the backend a profile describes, with its AI tier's second
/// opinion when it has one (see [`Built`]). Validated like
/// [`build_backend`].
pub fn build(settings: &BackendSettings, context: AdapterContext) -> Result<Built, FactoryError> {
    let errors = settings.validate();
    if !errors.is_empty() {
        return Err(FactoryError::Invalid(errors));
    }
    // Only the tiered arm sets it.
    #[cfg_attr(not(feature = "tiered"), allow(unused_mut))]
    let mut second_opinion: Option<Arc<dyn SecondOpinion>> = None;
    // Only some arms read the context; the rest ignore it.
    let _ = &context;
    let backend: Arc<dyn SupportBackend> = match settings {
        #[cfg(feature = "demo")]
        BackendSettings::Demo(_) => Arc::new(crate::demo::DemoBackend::new(context.demo)),
        #[cfg(not(feature = "demo"))]
        BackendSettings::Demo(_) => unreachable!("the demo kind exists only with the demo feature"),
        #[cfg(feature = "relay")]
        BackendSettings::Relay(relay) => {
            let config = crate::relay::RelayConfig {
                extra_ca: relay.extra_ca_path().map(ToOwned::to_owned),
                ..crate::relay::RelayConfig::new(relay.url.trim())
            };
            Arc::new(
                crate::relay::RelayBackend::new(config)
                    .with_secrets(Arc::clone(&context.secrets))
                    .with_resume(context.resume),
            )
        }
        #[cfg(feature = "matrix")]
        BackendSettings::Matrix(matrix) => Arc::new(crate::matrix::MatrixBackend::new(
            crate::matrix::MatrixConfig::new(matrix.clone()),
            context.secrets,
            context.resume,
        )),
        #[cfg(feature = "chatwoot")]
        BackendSettings::Chatwoot(chatwoot) => Arc::new(crate::chatwoot::ChatwootBackend::new(
            crate::chatwoot::ChatwootConfig::from_settings(chatwoot),
            context.secrets,
            context.resume,
        )),
        #[cfg(feature = "tiered")]
        BackendSettings::Tiered(tiered) => {
            // The human tier is a whole profile of its own kind, built here
            // like any other, on the same secrets and store.
            let human = build_backend(&tiered.human, context.clone())?;
            let bot = crate::openai::OpenAiBackend::new(tiered.bot.clone(), context.secrets)
                .map_err(|error| {
                    tracing::warn!(%error, "the automatic assistant cannot be set up");
                    FactoryError::Invalid(vec![FieldError::new(
                        "bot.baseUrl",
                        crate::profile::FieldErrorCode::Invalid,
                    )])
                })?;
            // The same model, key and HTTP client as the assistant; none
            // when the caregiver turned it off.
            if tiered.bot.second_opinion {
                second_opinion = Some(Arc::new(bot.second_opinion()));
            }
            let bot = Arc::new(bot);
            let tiered_backend = crate::tiered::TieredBackend::new(
                Arc::clone(&bot) as Arc<dyn SupportBackend>,
                human,
                Arc::new(warmline_core::PhraseSet::builtin()),
            );
            Arc::new(if tiered.bot.handoff_summary {
                let language = tiered.bot.summary_language.trim();
                tiered_backend.with_summary(
                    bot,
                    (!language.is_empty()).then(|| language.to_owned()),
                    crate::tiered::SUMMARY_BOUND,
                )
            } else {
                tiered_backend
            })
        }
    };
    Ok(Built {
        backend,
        second_opinion,
    })
}

#[cfg(all(test, feature = "demo", feature = "relay"))]
mod tests {
    use super::*;
    use crate::profile::{DemoSettings, FieldErrorCode, RelaySettings};
    use warmline_core::MemorySecrets;

    fn context() -> AdapterContext {
        AdapterContext {
            secrets: Arc::new(MemorySecrets::new()),
            resume: ResumeState::in_memory("test"),
            demo: crate::demo::DemoConfig::default(),
        }
    }

    #[test]
    fn each_kind_builds_its_own_adapter() {
        let demo = build(&BackendSettings::Demo(DemoSettings {}), context()).unwrap();
        assert_eq!(demo.backend.info().kind, "demo");
        assert!(demo.backend.info().demo);
        assert!(demo.second_opinion.is_none(), "the demo has no model");
        let relay = build(
            &BackendSettings::Relay(RelaySettings {
                url: "ws://127.0.0.1:9".into(),
                extra_ca: None,
            }),
            context(),
        )
        .unwrap();
        assert_eq!(relay.backend.info().kind, "relay");
        assert!(!relay.backend.info().demo);
        assert!(relay.second_opinion.is_none(), "a relay has no model");
    }

    #[cfg(feature = "matrix")]
    #[test]
    fn a_matrix_profile_builds_the_matrix_adapter_and_names_its_secrets() {
        let settings = BackendSettings::Matrix(crate::matrix::MatrixSettings::in_room(
            "https://matrix.example.org",
            "@anna:example.org",
            "#help:example.org",
        ));
        assert_eq!(settings.kind(), "matrix");
        assert_eq!(settings.secret_names(), ["accessToken", "password"]);
        let matrix = build(&settings, context()).unwrap();
        assert_eq!(matrix.backend.info().kind, "matrix");
        assert!(matrix.second_opinion.is_none());
        let insecure = BackendSettings::Matrix(crate::matrix::MatrixSettings::in_room(
            "http://matrix.example.org",
            "anna",
            "#help:example.org",
        ));
        match build_backend(&insecure, context()) {
            Err(FactoryError::Invalid(errors)) => assert_eq!(
                errors,
                [FieldError::new("homeserver", FieldErrorCode::Insecure)]
            ),
            Ok(_) => panic!("an unencrypted homeserver off this computer must not build"),
        }
    }

    #[test]
    fn an_invalid_profile_builds_nothing_and_names_the_field() {
        let result = build_backend(
            &BackendSettings::Relay(RelaySettings {
                url: "ws://support.example.com".into(),
                extra_ca: Some("ca.pem".into()),
            }),
            context(),
        );
        match result {
            Err(FactoryError::Invalid(errors)) => {
                assert_eq!(
                    errors,
                    [
                        FieldError::new("url", FieldErrorCode::Insecure),
                        FieldError::new("extraCa", FieldErrorCode::NotAbsolute)
                    ]
                )
            }
            Ok(_) => panic!("an insecure relay address must not build"),
        }
    }

    #[cfg(feature = "tiered")]
    #[test]
    fn a_tiered_profile_builds_the_bot_in_front_of_its_human_tier() {
        let settings = BackendSettings::Tiered(crate::tiered::TieredSettings {
            bot: crate::openai::OpenAiSettings::new("http://127.0.0.1:8080", "smollm2"),
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        });
        let built = build(&settings, context()).unwrap();
        assert!(
            built.second_opinion.is_some(),
            "the bot tier's model gives the second opinion"
        );
        let off = BackendSettings::Tiered(crate::tiered::TieredSettings {
            bot: crate::openai::OpenAiSettings {
                second_opinion: false,
                ..crate::openai::OpenAiSettings::new("http://127.0.0.1:8080", "smollm2")
            },
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        });
        assert!(
            build(&off, context()).unwrap().second_opinion.is_none(),
            "turned off, the model is never asked"
        );
        let info = built.backend.info();
        assert_eq!(info.kind, "tiered");
        assert!(!info.demo, "a real bot is not a demo");
        assert!(info.capabilities.leave_message && info.capabilities.typing);
        let remote = BackendSettings::Tiered(crate::tiered::TieredSettings {
            bot: crate::openai::OpenAiSettings::new("http://models.example.com", "m"),
            human: Box::new(BackendSettings::Demo(DemoSettings {})),
        });
        match build_backend(&remote, context()) {
            Err(FactoryError::Invalid(errors)) => assert_eq!(
                errors,
                [FieldError::new("bot.baseUrl", FieldErrorCode::Insecure)]
            ),
            Ok(_) => panic!("a model reached without encryption off this computer must not build"),
        }
    }

    #[cfg(feature = "chatwoot")]
    #[test]
    fn a_chatwoot_profile_builds_the_chatwoot_adapter() {
        let built = build(
            &BackendSettings::Chatwoot(crate::profile::ChatwootSettings {
                server_url: "https://desk.example".into(),
                inbox_identifier: "inbox".into(),
                contact_name: "Mei".into(),
                contact_identifier: String::new(),
                agent_locale: String::new(),
            }),
            context(),
        )
        .unwrap();
        assert!(built.second_opinion.is_none(), "Chatwoot has no model");
        let info = built.backend.info();
        assert_eq!(info.kind, "chatwoot");
        assert!(
            !info.capabilities.queue_position,
            "Chatwoot tells contacts no queue place"
        );
        assert!(info.capabilities.agent_identity && info.capabilities.typing);
    }
}
