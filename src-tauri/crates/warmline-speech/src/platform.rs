//! [`PlatformSpeaker`]: the system's own speech through the `tts` crate
//! (speech-dispatcher on Linux, WinRT/SAPI on Windows, AVFoundation on macOS).
//!
//! `tts::Tts` holds an `Rc` and some platforms want one thread for their
//! engine, so one thread owns it and the rest of Warmline sends it
//! requests over a channel.

use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use crate::speaker::{choose_voice, engine_rate, Speaker, SpeechError, Utterance, VoiceInfo};

type Reply<T> = mpsc::Sender<Result<T, SpeechError>>;

enum Request {
    Speak(Utterance, Reply<()>),
    Stop(Reply<()>),
    Voices(Reply<Vec<VoiceInfo>>),
}

/// The platform's speech engine, owned by its own thread (ended when the
/// last handle is dropped).
pub struct PlatformSpeaker {
    requests: Mutex<mpsc::Sender<Request>>,
}

impl PlatformSpeaker {
    /// Connects to the platform's engine, which reports on `speaking`
    /// whether it reads; [`SpeechError::NoEngine`] when there is none (on
    /// Linux: speech-dispatcher missing or not starting).
    pub fn start(speaking: Arc<tokio::sync::watch::Sender<bool>>) -> Result<Self, SpeechError> {
        let (requests, receiver) = mpsc::channel();
        let (ready, started) = mpsc::channel();
        std::thread::Builder::new()
            .name("warmline-speech".into())
            .spawn(move || match Engine::open(speaking) {
                Ok(mut engine) => {
                    let _ = ready.send(Ok(()));
                    for request in receiver {
                        engine.handle(request);
                    }
                }
                Err(error) => {
                    let _ = ready.send(Err(error));
                }
            })
            .map_err(|error| SpeechError::NoEngine(error.to_string()))?;
        started
            .recv()
            .map_err(|_| SpeechError::NoEngine("the speech thread ended".into()))??;
        Ok(Self {
            requests: Mutex::new(requests),
        })
    }

    fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, SpeechError> {
        let (reply, answer) = mpsc::channel();
        let sent = self
            .requests
            .lock()
            .map_err(|_| SpeechError::Failed("poisoned".into()))?
            .send(make(reply));
        sent.map_err(|_| SpeechError::Failed("the speech thread ended".into()))?;
        answer
            .recv()
            .map_err(|_| SpeechError::Failed("the speech thread ended".into()))?
    }
}

impl Speaker for PlatformSpeaker {
    fn speak(&self, utterance: &Utterance) -> Result<(), SpeechError> {
        self.ask(|reply| Request::Speak(utterance.clone(), reply))
    }

    fn stop(&self) -> Result<(), SpeechError> {
        self.ask(Request::Stop)
    }

    fn voices(&self) -> Result<Vec<VoiceInfo>, SpeechError> {
        self.ask(Request::Voices)
    }
}

/// The utterances started and not yet ended or stopped, by the engine's id
/// (its `Debug` form: the id type has no `Hash` on every platform).
#[derive(Default)]
struct Ids {
    reading: HashSet<String>,
    /// Ended before `speak` returned their id (a very short text).
    ended_early: HashSet<String>,
}

impl Ids {
    fn started(&mut self, id: String) {
        if !self.ended_early.remove(&id) {
            self.reading.insert(id);
        }
    }

    fn ended(&mut self, id: String) {
        if !self.reading.remove(&id) {
            self.ended_early.insert(id);
        }
    }

    fn clear(&mut self) {
        self.reading.clear();
    }
}

#[derive(Clone)]
struct InFlight {
    ids: Arc<Mutex<Ids>>,
    speaking: Arc<tokio::sync::watch::Sender<bool>>,
}

impl InFlight {
    fn update(&self, change: impl FnOnce(&mut Ids)) {
        if let Ok(mut ids) = self.ids.lock() {
            change(&mut ids);
            let now = !ids.reading.is_empty();
            self.speaking.send_if_modified(|speaking| {
                let changed = *speaking != now;
                *speaking = now;
                changed
            });
        }
    }
}

struct Engine {
    tts: tts::Tts,
    in_flight: InFlight,
    voices: Option<Vec<VoiceInfo>>,
    voice: Option<String>,
}

impl Engine {
    fn open(speaking: Arc<tokio::sync::watch::Sender<bool>>) -> Result<Self, SpeechError> {
        let tts = tts::Tts::default().map_err(|error| SpeechError::NoEngine(error.to_string()))?;
        let in_flight = InFlight {
            ids: Arc::default(),
            speaking,
        };
        if tts.supported_features().utterance_callbacks {
            let ended = |in_flight: InFlight| {
                Box::new(move |id: tts::UtteranceId| {
                    let key = format!("{id:?}");
                    in_flight.update(|ids| ids.ended(key));
                }) as Box<dyn FnMut(tts::UtteranceId)>
            };
            let failed = |error: tts::Error| SpeechError::Failed(error.to_string());
            tts.on_utterance_end(Some(ended(in_flight.clone())))
                .map_err(failed)?;
            tts.on_utterance_stop(Some(ended(in_flight.clone())))
                .map_err(failed)?;
        }
        Ok(Self {
            tts,
            in_flight,
            voices: None,
            voice: None,
        })
    }

    fn handle(&mut self, request: Request) {
        match request {
            Request::Speak(utterance, reply) => {
                let _ = reply.send(self.speak(&utterance));
            }
            Request::Stop(reply) => {
                let result = self
                    .tts
                    .stop()
                    .map(|_| ())
                    .map_err(|error| SpeechError::Failed(error.to_string()));
                self.in_flight.update(Ids::clear);
                let _ = reply.send(result);
            }
            Request::Voices(reply) => {
                let _ = reply.send(self.voices().map(<[VoiceInfo]>::to_vec));
            }
        }
    }

    fn voices(&mut self) -> Result<&[VoiceInfo], SpeechError> {
        if self.voices.is_none() {
            let voices = self
                .tts
                .voices()
                .map_err(|error| SpeechError::Failed(error.to_string()))?;
            self.voices = Some(
                voices
                    .into_iter()
                    .map(|voice| VoiceInfo {
                        id: voice.id(),
                        name: voice.name(),
                        language: voice.language().to_string(),
                    })
                    .collect(),
            );
        }
        Ok(self.voices.as_deref().unwrap_or_default())
    }

    fn speak(&mut self, utterance: &Utterance) -> Result<(), SpeechError> {
        let failed = |error: tts::Error| SpeechError::Failed(error.to_string());
        let features = self.tts.supported_features();
        if features.voice {
            let locale = utterance.locale.clone();
            let chosen = choose_voice(self.voices()?, &locale, utterance.voice.as_deref())
                .map(|voice| voice.id.clone())
                .ok_or(SpeechError::NoVoice(locale))?;
            if self.voice.as_ref() != Some(&chosen) {
                let voice = self
                    .tts
                    .voices()
                    .map_err(failed)?
                    .into_iter()
                    .find(|voice| voice.id() == chosen)
                    .ok_or_else(|| SpeechError::NoVoice(utterance.locale.clone()))?;
                self.tts.set_voice(&voice).map_err(failed)?;
                self.voice = Some(chosen);
            }
        }
        if features.rate {
            let rate = engine_rate(
                utterance.rate_percent,
                self.tts.min_rate(),
                self.tts.normal_rate(),
                self.tts.max_rate(),
            );
            self.tts.set_rate(rate).map_err(failed)?;
        }
        if utterance.interrupt {
            self.tts.stop().map_err(failed)?;
            self.in_flight.update(Ids::clear);
        }
        let id = self
            .tts
            .speak(utterance.text.as_str(), false)
            .map_err(failed)?;
        if let Some(id) = id {
            let key = format!("{id:?}");
            self.in_flight.update(|ids| ids.started(key));
        }
        Ok(())
    }
}
