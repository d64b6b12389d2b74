//! The whisper.cpp engine (through `whisper-rs`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use whisper_rs::{
    FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters, WhisperState,
    WhisperVadParams,
};

use crate::decode_guard::{self, DecodeGuard, DecodeStats};
use crate::error::VoiceError;
use crate::logits_ffi;
use crate::recognizer::{
    whisper_language_code, DictationLanguage, ModelCapabilities, SpeechRecognizer,
};

/// The first four bytes of a ggml whisper model ("ggml" as a little-endian
/// `u32`).
const GGML_MAGIC: [u8; 4] = [0x6c, 0x6d, 0x67, 0x67];

/// Options of the whisper engine.
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperOptions {
    /// The ggml Silero VAD model; when set, whisper.cpp cuts non-speech out
    /// before decoding (fewer hallucinations on pauses and breath).
    pub vad_model: Option<PathBuf>,
    /// CPU threads for decoding. Default: all cores, at most 4.
    pub threads: usize,
    /// Beam width; 1 is greedy decoding (fastest). `None`: 5 (whisper.cpp's
    /// command-line default) for Chinese, where it was clearly more accurate
    /// on the real Mandarin recording (2 wrong characters of 19 instead of 4
    /// with base) for about 15% more time, and greedy for English, where
    /// base and tiny.en already make few errors.
    pub beam_size: Option<usize>,
    /// The initial prompt; `None` uses the language's own
    /// ([`DictationLanguage::initial_prompt`]), `Some("")` none at all.
    pub initial_prompt: Option<String>,
}

impl Default for WhisperOptions {
    fn default() -> Self {
        Self {
            vad_model: None,
            threads: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(4),
            beam_size: None,
            initial_prompt: None,
        }
    }
}

/// A whisper.cpp model loaded once and reused for every dictation.
pub struct WhisperRecognizer {
    name: String,
    capabilities: ModelCapabilities,
    options: WhisperOptions,
    // The context must outlive the state; both are kept here. One state:
    // dictations are transcribed one at a time.
    state: Mutex<WhisperState>,
    // What the last recognition's decoding took (for tests and the bench).
    last_stats: Mutex<DecodeStats>,
    eot: i32,
    _context: WhisperContext,
}

impl std::fmt::Debug for WhisperRecognizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WhisperRecognizer")
            .field("name", &self.name)
            .field("capabilities", &self.capabilities)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Memory the system can still give us, from `/proc/meminfo` (Linux only).
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

impl WhisperRecognizer {
    /// Loads the ggml model at `path`.
    ///
    /// A file that is not a ggml model, or that whisper.cpp refuses, is
    /// [`VoiceError::ModelCorrupt`]; not enough free memory for the model
    /// (checked beforehand where the system tells us, and state allocation
    /// failing) is [`VoiceError::OutOfMemory`].
    pub fn load(
        path: &Path,
        capabilities: ModelCapabilities,
        options: WhisperOptions,
    ) -> Result<Self, VoiceError> {
        use std::io::Read;
        let shown = path.display().to_string();
        let mut magic = [0u8; 4];
        let size = std::fs::File::open(path)
            .and_then(|mut f| {
                f.read_exact(&mut magic)?;
                f.metadata()
            })
            .map_err(|e| VoiceError::ModelCorrupt(format!("{shown}: {e}")))?
            .len();
        if magic != GGML_MAGIC {
            return Err(VoiceError::ModelCorrupt(format!(
                "{shown}: not a ggml model"
            )));
        }
        // The weights plus about 30% for the compute buffers.
        if let Some(available) = available_memory() {
            if size + size / 3 > available {
                return Err(VoiceError::OutOfMemory(format!(
                    "{shown} needs about {} MiB, {} MiB available",
                    (size + size / 3) >> 20,
                    available >> 20
                )));
            }
        }
        if let Some(vad) = &options.vad_model {
            if !vad.is_file() {
                return Err(VoiceError::ModelCorrupt(format!(
                    "VAD model {} is missing",
                    vad.display()
                )));
            }
        }
        whisper_rs::install_logging_hooks();
        let path_str = path
            .to_str()
            .ok_or_else(|| VoiceError::ModelCorrupt(format!("{shown}: path is not UTF-8")))?;
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false);
        let context = WhisperContext::new_with_params(path_str, params)
            .map_err(|e| VoiceError::ModelCorrupt(format!("{shown}: {e}")))?;
        if capabilities.multilingual != context.is_multilingual() {
            return Err(VoiceError::ModelCorrupt(format!(
                "{shown}: the catalogue says multilingual={}, the file says {}",
                capabilities.multilingual,
                context.is_multilingual()
            )));
        }
        let state = context
            .create_state()
            .map_err(|e| VoiceError::OutOfMemory(format!("{shown}: {e}")))?;
        let name = path
            .file_name()
            .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
        let eot = context.token_eot();
        Ok(Self {
            name: format!("whisper:{name}"),
            capabilities,
            options,
            state: Mutex::new(state),
            last_stats: Mutex::new(DecodeStats::default()),
            eot,
            _context: context,
        })
    }
}

impl WhisperRecognizer {
    /// What the decoding of the last [`SpeechRecognizer::transcribe`] took:
    /// decoder steps, decoders started, loops cut (see [`decode_guard`]).
    pub fn last_decode_stats(&self) -> DecodeStats {
        self.last_stats.lock().map(|s| *s).unwrap_or_default()
    }
}

impl SpeechRecognizer for WhisperRecognizer {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn capabilities(&self) -> ModelCapabilities {
        self.capabilities
    }

    fn transcribe(
        &self,
        samples: &[f32],
        language: DictationLanguage,
    ) -> Result<Vec<String>, VoiceError> {
        let code = whisper_language_code(language.language, self.capabilities)?;
        // whisper.cpp does nothing useful with less than 0.1 s.
        if samples.len() < 1_600 {
            return Ok(Vec::new());
        }
        let beam_size = self
            .options
            .beam_size
            .unwrap_or(if language.is_chinese() { 5 } else { 1 });
        let strategy = if beam_size > 1 {
            SamplingStrategy::BeamSearch {
                beam_size: beam_size as i32,
                patience: -1.0,
            }
        } else {
            SamplingStrategy::Greedy { best_of: 1 }
        };
        let mut params = FullParams::new(strategy);
        params.set_n_threads(self.options.threads as i32);
        // The bound on decoding (decode_guard): tokens per segment scaled
        // to the audio, whisper's temperature ladder, and the guard's
        // loop cut and step budget.
        let max_tokens = decode_guard::max_tokens_for(samples.len());
        params.set_max_tokens(max_tokens as i32);
        params.set_temperature(0.0);
        params.set_temperature_inc(decode_guard::TEMPERATURE_INC);
        let guard = DecodeGuard::new(
            self.eot,
            decode_guard::recognition_budget(samples.len(), beam_size),
            language.is_chinese(),
        );
        // `guard` outlives `state.full` below, which is the only user.
        logits_ffi::install(&mut params, &guard);
        params.set_language(Some(code));
        params.set_translate(false);
        params.set_no_context(true);
        params.set_no_timestamps(true);
        params.set_suppress_blank(true);
        params.set_suppress_nst(true);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        let prompt = match &self.options.initial_prompt {
            Some(own) => Some(own.as_str()),
            None => language.initial_prompt(),
        };
        if let Some(prompt) = prompt.filter(|p| !p.is_empty()) {
            params.set_initial_prompt(prompt);
        }
        if let Some(vad) = self.options.vad_model.as_deref().and_then(Path::to_str) {
            params.set_vad_model_path(Some(vad));
            let mut vad_params = WhisperVadParams::new();
            vad_params.set_threshold(0.5);
            vad_params.set_min_silence_duration(300);
            vad_params.set_speech_pad(200);
            params.set_vad_params(vad_params);
            params.enable_vad(true);
        }
        let mut state = self
            .state
            .lock()
            .map_err(|_| VoiceError::RecognitionFailed("a previous recognition panicked".into()))?;
        let result = state.full(params, samples);
        let stats = guard.stats();
        if let Ok(mut last) = self.last_stats.lock() {
            *last = stats;
        }
        tracing::debug!(?stats, max_tokens, "decoding");
        result.map_err(|e| VoiceError::RecognitionFailed(e.to_string()))?;
        let mut segments = Vec::new();
        for segment in state.as_iter() {
            // Segments whisper itself thinks are not speech are skipped.
            if segment.no_speech_probability() > 0.8 {
                continue;
            }
            match segment.to_str_lossy() {
                Ok(text) => segments.push(text.into_owned()),
                Err(e) => tracing::warn!(error = %e, "unreadable segment"),
            }
        }
        Ok(segments)
    }
}
