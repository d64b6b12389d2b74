//! The dictation facade the app calls: [`VoiceService`].

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::capture::{AudioSource, CaptureEvent, CpalMicrophone, Pacing, WavFileSource};
use crate::endpoint::{Endpoint, EndpointConfig, EndpointDetector};
use crate::error::VoiceError;
use crate::events::{DictationState, ModelStatus, ModelSummary, VoiceEvent, VoiceServiceStatus};
use crate::models::{Catalogue, CatalogueEntry, ModelStore};
use crate::recognizer::{clean_transcript, DictationLanguage, Language, SpeechRecognizer};
use crate::resample::level;
use crate::whisper::{WhisperOptions, WhisperRecognizer};

/// Finds a ggml Silero VAD model (`ggml-silero-*.bin`, newest name first)
/// in `dir`.
pub fn find_vad_model(dir: &Path) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("ggml-silero-") && n.ends_with(".bin"))
        })
        .collect();
    found.sort();
    found.pop()
}

/// How the app sets up voice input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoiceConfig {
    /// Where models are stored (the app-data `models` folder).
    pub models_dir: PathBuf,
    /// Download base replacing `https://huggingface.co/ggerganov/whisper.cpp/resolve/main/`,
    /// e.g. `https://hf-mirror.com/ggerganov/whisper.cpp/resolve/main/`.
    pub mirror: Option<String>,
    /// Read this WAV file (in real time) instead of the microphone. The app
    /// sets it from the environment variable `WARMLINE_AUDIO_INPUT`.
    pub audio_input_override: Option<PathBuf>,
    /// The ggml Silero VAD model. `None`: a `ggml-silero-*.bin` in
    /// `models_dir` if there is one, else whisper runs without VAD (the
    /// energy detector and the hallucination filter still apply).
    pub vad_model: Option<PathBuf>,
    /// The models known; `None`: the built-in catalogue (tests give their
    /// own, with checksums of the bytes their loopback server sends).
    pub catalogue: Option<Catalogue>,
}

/// Opens a fresh audio source for each dictation.
pub type SourceFactory = Arc<dyn Fn() -> Box<dyn AudioSource> + Send + Sync>;

/// Loads a recognizer for a catalogue model from its file.
pub type RecognizerFactory = Arc<
    dyn Fn(&CatalogueEntry, &Path) -> Result<Arc<dyn SpeechRecognizer>, VoiceError> + Send + Sync,
>;

enum Control {
    Stop,
    Cancel,
}

enum Dictation {
    Idle,
    Listening(Sender<Control>),
    Working,
}

struct Inner {
    store: ModelStore,
    file_input: bool,
    events: broadcast::Sender<VoiceEvent>,
    dictation: Mutex<Dictation>,
    /// The one loaded model (id, engine): loading is slow, memory is dear.
    loaded: Mutex<Option<(String, Arc<dyn SpeechRecognizer>)>>,
    corrupt: Mutex<HashSet<String>>,
    downloads: Mutex<HashMap<String, (u64, Option<u64>)>>,
    sources: SourceFactory,
    recognizers: RecognizerFactory,
    endpoint: EndpointConfig,
}

/// Voice input for the app: dictation, model downloads and status.
///
/// Cheap to clone (an `Arc` inside). Every method returns quickly: capture,
/// recognition and downloads run on threads of their own (never on the
/// async runtime), and report through [`VoiceService::subscribe`].
#[derive(Clone)]
pub struct VoiceService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for VoiceService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VoiceService").finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl VoiceService {
    /// The real service: microphone (or the override file) and whisper.cpp.
    pub fn new(config: VoiceConfig) -> Self {
        // Looked for at every load, so a VAD downloaded after start is used.
        let vad = config.vad_model.clone();
        let models_dir = config.models_dir.clone();
        let sources: SourceFactory = match config.audio_input_override.clone() {
            Some(path) => Arc::new(move || {
                Box::new(WavFileSource::new(path.clone(), Pacing::RealTime)) as Box<dyn AudioSource>
            }),
            None => Arc::new(|| Box::new(CpalMicrophone::new()) as Box<dyn AudioSource>),
        };
        let recognizers: RecognizerFactory = Arc::new(move |entry, path| {
            let options = WhisperOptions {
                vad_model: vad.clone().or_else(|| find_vad_model(&models_dir)),
                ..WhisperOptions::default()
            };
            WhisperRecognizer::load(path, entry.capabilities(), options)
                .map(|r| Arc::new(r) as Arc<dyn SpeechRecognizer>)
        });
        Self::with_engines(config, sources, recognizers, EndpointConfig::default())
    }

    /// A service with its own audio sources and recognizers: for tests (a
    /// fake microphone) and for a second engine (e.g. SenseVoice).
    pub fn with_engines(
        config: VoiceConfig,
        sources: SourceFactory,
        recognizers: RecognizerFactory,
        endpoint: EndpointConfig,
    ) -> Self {
        let (events, _) = broadcast::channel(256);
        Self {
            inner: Arc::new(Inner {
                store: ModelStore::new(
                    config.models_dir.clone(),
                    config.catalogue.clone().unwrap_or_else(Catalogue::builtin),
                    config.mirror.as_deref(),
                ),
                file_input: config.audio_input_override.is_some(),
                events,
                dictation: Mutex::new(Dictation::Idle),
                loaded: Mutex::new(None),
                corrupt: Mutex::new(HashSet::new()),
                downloads: Mutex::new(HashMap::new()),
                sources,
                recognizers,
                endpoint,
            }),
        }
    }

    /// Events: dictation state, level, partial and final text, failures,
    /// model download progress.
    pub fn subscribe(&self) -> broadcast::Receiver<VoiceEvent> {
        self.inner.events.subscribe()
    }

    /// Model availability and the dictation state.
    pub fn status(&self) -> VoiceServiceStatus {
        let inner = &self.inner;
        let dictation = match &*lock(&inner.dictation) {
            Dictation::Idle => DictationState::Idle,
            Dictation::Listening(_) => DictationState::Listening,
            Dictation::Working => DictationState::Working,
        };
        let models = inner
            .store
            .catalogue()
            .entries()
            .iter()
            .map(|entry| ModelSummary {
                id: entry.id.clone(),
                languages: entry.languages(),
                size_bytes: entry.size_mib << 20,
                status: inner.model_status(&entry.id),
            })
            .collect();
        VoiceServiceStatus {
            dictation,
            models,
            english_model: inner.choose_model(Language::English).ok(),
            chinese_model: inner.choose_model(Language::Mandarin).ok(),
            file_input: inner.file_input,
        }
    }

    /// Starts listening in the language of the UI `locale` (`en-US`,
    /// `zh-CN`, `zh-TW`). Fails at once, staying idle, when no model for the
    /// language is installed ([`VoiceError::NoModel`]), or the microphone
    /// cannot be opened (no device, permission denied) or the override file
    /// read. Listening ends by [`VoiceService::stop_dictation`], by a pause
    /// after speech, or by the device going away.
    pub fn start_dictation(&self, locale: &str) -> Result<(), VoiceError> {
        let language = DictationLanguage::from_locale(locale);
        let inner = &self.inner;
        let mut dictation = lock(&inner.dictation);
        if !matches!(*dictation, Dictation::Idle) {
            return Err(VoiceError::WrongState("already running"));
        }
        let model = inner.choose_model(language.language)?;
        let mut source = (inner.sources)();
        let (audio_tx, audio_rx) = mpsc::channel();
        source.start(audio_tx)?;
        let (control_tx, control_rx) = mpsc::channel();
        *dictation = Dictation::Listening(control_tx);
        drop(dictation);
        inner.emit(VoiceEvent::State {
            state: DictationState::Listening,
        });
        let worker = self.inner.clone();
        let spawned = std::thread::Builder::new()
            .name("voice-dictation".into())
            .spawn(move || worker.run_dictation(source, audio_rx, control_rx, model, language));
        if let Err(e) = spawned {
            *lock(&inner.dictation) = Dictation::Idle;
            return Err(VoiceError::RecognitionFailed(format!("no thread: {e}")));
        }
        Ok(())
    }

    /// The user pressed the button again: stop listening and transcribe what
    /// was heard. The text arrives as [`VoiceEvent::Final`].
    pub fn stop_dictation(&self) -> Result<(), VoiceError> {
        match &*lock(&self.inner.dictation) {
            Dictation::Listening(control) => {
                let _ = control.send(Control::Stop);
                Ok(())
            }
            Dictation::Working => Ok(()),
            Dictation::Idle => Err(VoiceError::WrongState("not running")),
        }
    }

    /// Stops listening and throws the audio away. Does nothing when idle.
    /// (Recognition already under way finishes, but its text is dropped.)
    pub fn cancel_dictation(&self) {
        if let Dictation::Listening(control) = &*lock(&self.inner.dictation) {
            let _ = control.send(Control::Cancel);
        }
    }

    /// Downloads a catalogue model in the background; progress, the end
    /// and failures come as [`VoiceEvent::Model`] and [`VoiceEvent::Failed`].
    /// A second call for a model already downloading does nothing.
    pub fn download_model(&self, id: &str) -> Result<(), VoiceError> {
        let inner = self.inner.clone();
        inner.store.path(id)?;
        {
            let mut downloads = lock(&inner.downloads);
            if downloads.contains_key(id) {
                return Ok(());
            }
            downloads.insert(id.to_owned(), (inner.store.partial_bytes(id), None));
        }
        let id = id.to_owned();
        std::thread::Builder::new()
            .name("voice-download".into())
            .spawn(move || inner.run_download(&id))
            .map_err(|e| VoiceError::DownloadFailed(format!("no thread: {e}")))?;
        Ok(())
    }

    /// Copies a model file the user has into the store, checking it against
    /// the pinned checksum when the catalogue has one. Blocks while copying
    /// (hundreds of MB): call it from a blocking task.
    pub fn import_model(&self, id: &str, path: &Path) -> Result<(), VoiceError> {
        let inner = &self.inner;
        inner.store.import(id, path)?;
        lock(&inner.corrupt).remove(id);
        inner.forget_loaded(id);
        inner.emit(VoiceEvent::Model {
            id: id.to_owned(),
            status: inner.model_status(id),
        });
        Ok(())
    }
}

impl Inner {
    fn emit(&self, event: VoiceEvent) {
        // No subscriber is fine: nobody is looking.
        let _ = self.events.send(event);
    }

    fn set_state(&self, next: Dictation) {
        let state = match next {
            Dictation::Idle => DictationState::Idle,
            Dictation::Listening(_) => DictationState::Listening,
            Dictation::Working => DictationState::Working,
        };
        *lock(&self.dictation) = next;
        self.emit(VoiceEvent::State { state });
    }

    fn model_status(&self, id: &str) -> ModelStatus {
        if let Some((received, total)) = lock(&self.downloads).get(id) {
            return ModelStatus::Downloading {
                received: *received,
                total: *total,
            };
        }
        if lock(&self.corrupt).contains(id) {
            return ModelStatus::Corrupt;
        }
        self.store.status(id)
    }

    /// The best installed, loadable model for `language`.
    fn choose_model(&self, language: Language) -> Result<String, VoiceError> {
        self.store
            .catalogue()
            .preference(language)
            .iter()
            .find(|id| matches!(self.model_status(id), ModelStatus::Ready { .. }))
            .cloned()
            .ok_or_else(|| VoiceError::NoModel(format!("{language:?}")))
    }

    fn forget_loaded(&self, id: &str) {
        let mut loaded = lock(&self.loaded);
        if loaded
            .as_ref()
            .is_some_and(|(loaded_id, _)| loaded_id == id)
        {
            *loaded = None;
        }
    }

    fn recognizer(&self, id: &str) -> Result<Arc<dyn SpeechRecognizer>, VoiceError> {
        let mut loaded = lock(&self.loaded);
        if let Some((loaded_id, recognizer)) = loaded.as_ref() {
            if loaded_id == id {
                return Ok(recognizer.clone());
            }
        }
        // Free the old model before loading the next one.
        *loaded = None;
        let entry = self
            .store
            .catalogue()
            .get(id)
            .ok_or_else(|| VoiceError::UnknownModel(id.to_owned()))?;
        let path = self.store.path(id)?;
        let started = Instant::now();
        match (self.recognizers)(entry, &path) {
            Ok(recognizer) => {
                tracing::info!(
                    id,
                    ms = started.elapsed().as_millis() as u64,
                    "model loaded"
                );
                *loaded = Some((id.to_owned(), recognizer.clone()));
                Ok(recognizer)
            }
            Err(error) => {
                if matches!(error, VoiceError::ModelCorrupt(_)) {
                    lock(&self.corrupt).insert(id.to_owned());
                    self.emit(VoiceEvent::Model {
                        id: id.to_owned(),
                        status: ModelStatus::Corrupt,
                    });
                }
                Err(error)
            }
        }
    }

    fn run_dictation(
        self: Arc<Self>,
        mut source: Box<dyn AudioSource>,
        audio: Receiver<CaptureEvent>,
        control: Receiver<Control>,
        model: String,
        language: DictationLanguage,
    ) {
        // Load the model while the user speaks (the first time it takes a
        // second or two); the result is waited for after capture.
        let loader = {
            let inner = self.clone();
            let model = model.clone();
            std::thread::spawn(move || inner.recognizer(&model))
        };
        let mut samples: Vec<f32> = Vec::with_capacity(16_000 * 30);
        let mut detector = EndpointDetector::new(self.endpoint);
        let mut meter = Vec::with_capacity(800);
        let mut lost = None;
        let mut handle =
            |chunk: Vec<f32>, detector: &mut EndpointDetector, meter: &mut Vec<f32>| {
                let mut ended = detector.push(&chunk);
                // One level per 50 ms of audio (20 a second).
                let mut rest = chunk.as_slice();
                while !rest.is_empty() {
                    let take = (800 - meter.len()).min(rest.len());
                    meter.extend_from_slice(&rest[..take]);
                    rest = &rest[take..];
                    if meter.len() == 800 {
                        self.emit(VoiceEvent::Level {
                            level: level(meter),
                        });
                        meter.clear();
                    }
                }
                samples.extend(chunk);
                if ended == Some(Endpoint::TooLong) {
                    tracing::info!("dictation reached its maximum length");
                }
                ended.take()
            };
        let mut paused = false;
        let cancelled = loop {
            match control.try_recv() {
                Ok(Control::Stop) => break false,
                Ok(Control::Cancel) => break true,
                Err(_) => {}
            }
            match audio.recv_timeout(Duration::from_millis(20)) {
                Ok(CaptureEvent::Audio(chunk)) => {
                    if handle(chunk, &mut detector, &mut meter).is_some() {
                        paused = true;
                        break false;
                    }
                }
                Ok(CaptureEvent::Ended) => break false,
                Ok(CaptureEvent::Lost(error)) => {
                    lost = Some(error);
                    break false;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break false,
            }
        };
        source.stop();
        // Audio sent before a press of the button still counts; after a
        // pause ended the utterance, what follows is more of the pause.
        while let Ok(event) = audio.try_recv() {
            match event {
                CaptureEvent::Audio(_) if paused => {}
                CaptureEvent::Audio(chunk) => {
                    handle(chunk, &mut detector, &mut meter);
                }
                CaptureEvent::Lost(error) => lost = Some(error),
                CaptureEvent::Ended => {}
            }
        }
        if cancelled {
            self.set_state(Dictation::Idle);
            return;
        }
        self.set_state(Dictation::Working);
        let heard_speech = detector.heard_speech();
        let result = loader
            .join()
            .unwrap_or_else(|_| {
                Err(VoiceError::RecognitionFailed(
                    "model loader panicked".into(),
                ))
            })
            .and_then(|recognizer| {
                if !heard_speech {
                    // Silence (or steady noise): nothing to insert, and no
                    // chance for whisper to invent "Thank you for watching".
                    return Ok(String::new());
                }
                let started = Instant::now();
                let segments = recognizer.transcribe(&samples, language)?;
                let text = clean_transcript(&segments, language);
                tracing::info!(
                    engine = %recognizer.name(),
                    audio_ms = samples.len() / 16,
                    ms = started.elapsed().as_millis() as u64,
                    "dictation recognised"
                );
                Ok(text)
            });
        match result {
            Ok(text) => self.emit(VoiceEvent::Final { text }),
            Err(error) => self.emit(VoiceEvent::Failed {
                error: error.to_failure(),
            }),
        }
        if let Some(error) = lost {
            self.emit(VoiceEvent::Failed {
                error: error.to_failure(),
            });
        }
        self.set_state(Dictation::Idle);
    }

    fn run_download(self: Arc<Self>, id: &str) {
        let cancel = AtomicBool::new(false);
        let mut last = Instant::now() - Duration::from_secs(1);
        let result = self.store.download(id, &cancel, |received, total| {
            lock(&self.downloads).insert(id.to_owned(), (received, total));
            // At most ten progress events a second.
            if last.elapsed() >= Duration::from_millis(100) || Some(received) == total {
                last = Instant::now();
                self.emit(VoiceEvent::Model {
                    id: id.to_owned(),
                    status: ModelStatus::Downloading { received, total },
                });
            }
        });
        lock(&self.downloads).remove(id);
        if result.is_ok() {
            lock(&self.corrupt).remove(id);
            self.forget_loaded(id);
        }
        // A user who downloads a speech model gets the VAD with it.
        let vad = self.store.catalogue().vad().map(|e| e.id.clone());
        if let Some(vad) = vad.filter(|v| result.is_ok() && v != id) {
            if self.store.status(&vad) == ModelStatus::Missing {
                let vad_result = self.store.download(&vad, &cancel, |_, _| {});
                match vad_result {
                    // The loaded model was made without it.
                    Ok(_) => *lock(&self.loaded) = None,
                    // Dictation works without VAD; the next download retries.
                    Err(error) => tracing::warn!(%error, "VAD model download failed"),
                }
                self.emit(VoiceEvent::Model {
                    status: self.model_status(&vad),
                    id: vad,
                });
            }
        }
        if let Err(error) = &result {
            tracing::warn!(id, %error, "model download failed");
            self.emit(VoiceEvent::Failed {
                error: error.to_failure(),
            });
        }
        self.emit(VoiceEvent::Model {
            id: id.to_owned(),
            status: self.model_status(id),
        });
    }
}
