//! Transcribes a WAV file with a whisper model, as dictation would.
//!
//! ```text
//! cargo run --release -p warmline-voice --example transcribe -- \
//!     <model.bin> <locale> <file.wav> [--vad <silero.bin>] [--beam N] [--no-prompt]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use warmline_voice::capture::read_wav_16k_mono;
use warmline_voice::{
    clean_transcript, DictationLanguage, ModelCapabilities, SpeechRecognizer, WhisperOptions,
    WhisperRecognizer,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 3 {
        eprintln!("usage: transcribe <model.bin> <locale> <file.wav> [--vad <silero.bin>] [--beam N] [--no-prompt]");
        std::process::exit(2);
    }
    let model = PathBuf::from(&args[0]);
    let language = DictationLanguage::from_locale(&args[1]);
    let mut options = WhisperOptions::default();
    let mut rest = args[3..].iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--vad" => options.vad_model = rest.next().map(PathBuf::from),
            "--beam" => options.beam_size = rest.next().and_then(|n| n.parse().ok()),
            "--no-prompt" => options.initial_prompt = Some(String::new()),
            "--prompt" => options.initial_prompt = rest.next().cloned(),
            other => panic!("unknown option {other}"),
        }
    }
    let name = model.file_name().unwrap().to_string_lossy().into_owned();
    let capabilities = ModelCapabilities {
        multilingual: !name.contains(".en"),
        cantonese: name.contains("large-v3"),
    };
    let recognizer = WhisperRecognizer::load(&model, capabilities, options).expect("model loads");
    let samples = read_wav_16k_mono(std::path::Path::new(&args[2])).expect("readable WAV");
    let started = Instant::now();
    let segments = recognizer
        .transcribe(&samples, language)
        .expect("recognition");
    let took = started.elapsed();
    println!("segments: {segments:?}");
    println!("text: {}", clean_transcript(&segments, language));
    println!("decoding: {:?}", recognizer.last_decode_stats());
    println!(
        "audio {:.2} s, recognition {:.2} s",
        samples.len() as f64 / 16_000.0,
        took.as_secs_f64()
    );
}
