//! [`ReadAloud`]: when Warmline reads, what, and when it must be quiet.
//!
//! With read-aloud on (a caregiver's setting), each new reply of the bot or
//! a person and each change of the request for a person is read once, in
//! the user's language; "Read aloud again" reads one reply on request.
//! While the microphone listens nothing is read, and pressing it stops
//! reading at once, so the recognizer never hears Warmline. What arrives
//! while listening is not read later: it is on screen, with its
//! "Read aloud again" button.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use serde::{Deserialize, Serialize};
use warmline_core::{ConversationEvent, Message};
use warmline_i18n::Localizer;

use crate::announce::{announcement, spoken_reply, AnnouncementKind};
use crate::speaker::{Speaker, SpeakerFactory, SpeechError, Utterance, VoiceInfo, RATE_RANGE};

/// The caregiver's read-aloud options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ReadAloudOptions {
    /// Read each new reply and queue change by itself.
    pub enabled: bool,
    /// Percent of the normal rate ([`RATE_RANGE`]).
    pub rate_percent: u16,
    /// The chosen voice's id, if the caregiver chose one.
    pub voice: Option<String>,
}

impl Default for ReadAloudOptions {
    fn default() -> Self {
        Self {
            enabled: false,
            rate_percent: 100,
            voice: None,
        }
    }
}

/// Why "Read aloud again" did nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadAloudError {
    /// The speech engine could not read.
    #[error(transparent)]
    Speech(#[from] SpeechError),
    /// The microphone is listening; nothing is read meanwhile.
    #[error("the microphone is listening")]
    Listening,
    /// The message is the user's own or a note with no reply text.
    #[error("nothing to read in this message")]
    NothingToRead,
}

impl ReadAloudError {
    /// The code the window receives (its Fluent message is in
    /// `locales/*/speech.ftl`).
    pub fn code(&self) -> warmline_core::ErrorCode {
        use warmline_core::ErrorCode;
        match self {
            Self::Speech(error) => error.code(),
            Self::Listening => ErrorCode::SpeechWhileListening,
            Self::NothingToRead => ErrorCode::NothingToRead,
        }
    }
}

struct State {
    options: ReadAloudOptions,
    /// The UI language (negotiated) and its messages: the settings area
    /// can change it while Warmline runs.
    locale: String,
    localizer: Localizer,
    listening: bool,
    /// The last queue sentence read, so an update that says the same is
    /// not read twice.
    last_queue_text: Option<String>,
}

/// Read-aloud for one UI language. Share it as `Arc<ReadAloud>`.
///
/// The speech engine is started the first time something is to be read
/// (or its voices or state are asked for), so a Warmline whose caregiver
/// never turned read-aloud on never starts one. An engine that cannot
/// start is not tried again in this run: chatting is unaffected and the
/// settings say why.
pub struct ReadAloud {
    factory: SpeakerFactory,
    engine: OnceLock<Result<Arc<dyn Speaker>, SpeechError>>,
    speaking: Arc<tokio::sync::watch::Sender<bool>>,
    state: Mutex<State>,
}

impl ReadAloud {
    /// Read-aloud on the engine `factory` starts.
    pub fn new(factory: SpeakerFactory, locale: &str, options: ReadAloudOptions) -> Self {
        let localizer = Localizer::new(locale);
        Self {
            factory,
            engine: OnceLock::new(),
            speaking: Arc::new(tokio::sync::watch::channel(false).0),
            state: Mutex::new(State {
                options,
                locale: localizer.locale().to_owned(),
                localizer,
                listening: false,
                last_queue_text: None,
            }),
        }
    }

    /// Read-aloud on the platform's own engine ([`crate::PlatformSpeaker`]).
    pub fn platform(locale: &str, options: ReadAloudOptions) -> Self {
        Self::new(
            Box::new(|speaking| {
                crate::PlatformSpeaker::start(speaking)
                    .map(|speaker| Arc::new(speaker) as Arc<dyn Speaker>)
            }),
            locale,
            options,
        )
    }

    /// The engine, started on first use.
    fn speaker(&self) -> Result<&Arc<dyn Speaker>, SpeechError> {
        self.engine
            .get_or_init(|| {
                let started = (self.factory)(self.speaking.clone());
                if let Err(error) = &started {
                    tracing::warn!(%error, "no speech engine: replies are not read aloud");
                }
                started
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Why there is no speech engine, if there is none (starts it to see).
    pub fn engine_problem(&self) -> Option<SpeechError> {
        self.speaker().err()
    }

    /// The UI language it reads in.
    pub fn locale(&self) -> String {
        self.lock().locale.clone()
    }

    /// The settings area changed the UI language: what is read from now on
    /// is in `locale`, with a voice for it.
    pub fn set_locale(&self, locale: &str) {
        let localizer = Localizer::new(locale);
        let mut state = self.lock();
        if state.locale != localizer.locale() {
            state.locale = localizer.locale().to_owned();
            state.localizer = localizer;
            state.last_queue_text = None;
        }
    }

    /// The current options.
    pub fn options(&self) -> ReadAloudOptions {
        self.lock().options.clone()
    }

    /// New options from the settings area; turning read-aloud off stops it.
    pub fn set_options(&self, options: ReadAloudOptions) {
        let mut state = self.lock();
        if !options.enabled {
            self.stop_locked();
        }
        state.options = options;
    }

    /// True while reading.
    pub fn speaking(&self) -> tokio::sync::watch::Receiver<bool> {
        self.speaking.subscribe()
    }

    /// The voices for the UI language, for the settings area.
    pub fn voices(&self) -> Result<Vec<VoiceInfo>, SpeechError> {
        let locale = self.locale();
        let voices: Vec<VoiceInfo> = self
            .speaker()?
            .voices()?
            .into_iter()
            .filter(|voice| crate::speaker::same_language(&voice.language, &locale))
            .collect();
        // speech-dispatcher lists every espeak-ng voice once more per
        // variant ("English (America)+Adam"): hundreds no caregiver can
        // choose from. The voices themselves are kept.
        let names: std::collections::HashSet<&str> =
            voices.iter().map(|voice| voice.name.as_str()).collect();
        let variant = |voice: &VoiceInfo| {
            voice
                .name
                .split_once('+')
                .is_some_and(|(base, _)| names.contains(base))
        };
        Ok(voices
            .iter()
            .filter(|voice| !variant(voice))
            .cloned()
            .collect())
    }

    /// The microphone opened (`true`) or closed. Opening stops reading at
    /// once; nothing is read until it closes.
    pub fn set_listening(&self, listening: bool) {
        let mut state = self.lock();
        if listening {
            self.stop_locked();
        }
        state.listening = listening;
    }

    /// Stops reading ("Stop reading").
    pub fn stop(&self) -> Result<(), SpeechError> {
        let _state = self.lock();
        match self.engine.get() {
            Some(Ok(speaker)) => speaker.stop(),
            _ => Ok(()),
        }
    }

    /// One change of the conversation: read it if read-aloud is on and it
    /// is a reply or a queue change. Returns what was read.
    pub fn on_event(&self, event: &ConversationEvent) -> Option<String> {
        let mut state = self.lock();
        if !state.options.enabled || state.listening {
            return None;
        }
        let said = announcement(&event.change, &state.localizer)?;
        let text = match (said.kind, &said.author) {
            (AnnouncementKind::Reply, Some(author)) => {
                spoken_reply(author, &said.text, &state.localizer)
            }
            _ => {
                if state.last_queue_text.as_ref() == Some(&said.text) {
                    return None;
                }
                state.last_queue_text = Some(said.text.clone());
                said.text
            }
        };
        let utterance = Self::utterance(&state, text, false);
        match self.speaker().map(|speaker| speaker.speak(&utterance)) {
            Ok(Ok(())) => Some(utterance.text),
            Ok(Err(error)) => {
                tracing::warn!(%error, "a reply could not be read aloud");
                None
            }
            Err(_) => None,
        }
    }

    /// "Read aloud again": reads one reply now, interrupting any reading,
    /// whether or not read-aloud is on.
    pub fn read_again(&self, message: &Message) -> Result<(), ReadAloudError> {
        let state = self.lock();
        if state.listening {
            return Err(ReadAloudError::Listening);
        }
        let change = warmline_core::ConversationChange::MessageAdded {
            message: message.clone(),
        };
        let said = announcement(&change, &state.localizer)
            .filter(|said| said.kind == AnnouncementKind::Reply)
            .ok_or(ReadAloudError::NothingToRead)?;
        let author = said.author.unwrap_or_default();
        let text = spoken_reply(&author, &said.text, &state.localizer);
        self.speaker()?
            .speak(&Self::utterance(&state, text, true))?;
        Ok(())
    }

    fn utterance(state: &State, text: String, interrupt: bool) -> Utterance {
        let options = &state.options;
        Utterance {
            text,
            locale: state.locale.clone(),
            rate_percent: options
                .rate_percent
                .clamp(*RATE_RANGE.start(), *RATE_RANGE.end()),
            voice: options.voice.clone(),
            interrupt,
        }
    }

    fn stop_locked(&self) {
        // An engine not started yet reads nothing.
        if let Some(Ok(speaker)) = self.engine.get() {
            if let Err(error) = speaker.stop() {
                tracing::warn!(%error, "reading could not be stopped");
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests;
