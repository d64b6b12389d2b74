//! Benchmark: time from the end of speech to the final text, and the
//! real-time factor, for ~5 s and ~10 s utterances on tiny.en and base.
//!
//! ```text
//! cargo run --release -p warmline-voice --example voice_bench -- <models dir> [runs]
//! ```
//!
//! `<models dir>` holds `ggml-tiny.en.bin`, `ggml-base.bin` and optionally a
//! `ggml-silero-*.bin` VAD model (as `WARMLINE_TEST_MODELS` does). Speech is
//! Debian's `pocketsphinx-testdata` (English) and, when `espeak-ng` is
//! installed, generated Mandarin for base with zh-CN.
//!
//! "End of speech to final text" is measured from the moment capture stops
//! (the user presses the button) to the cleaned text, i.e. recognition with
//! whisper.cpp's VAD plus filtering and script conversion. When listening
//! ends by itself, the pause detector's 1.8 s wait comes on top.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use warmline_voice::capture::read_wav_16k_mono;
use warmline_voice::{
    clean_transcript, DictationLanguage, ModelCapabilities, SpeechRecognizer, WhisperOptions,
    WhisperRecognizer,
};

const LIBRIVOX: &str =
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-";

fn librivox(ids: &[&str]) -> Vec<f32> {
    let mut out = Vec::new();
    for id in ids {
        out.extend(
            read_wav_16k_mono(Path::new(&format!("{LIBRIVOX}{id}.wav")))
                .expect("pocketsphinx-testdata"),
        );
        out.extend(std::iter::repeat_n(0.0, 4_000)); // 0.25 s between sentences
    }
    out
}

fn espeak_mandarin(dir: &Path, name: &str, pinyin: &str) -> Option<Vec<f32>> {
    let path = dir.join(format!("{name}.wav"));
    let ok = std::process::Command::new("espeak-ng")
        .args(["-v", "cmn-latn-pinyin", "-s", "130", "-w"])
        .arg(&path)
        .arg(pinyin)
        .status()
        .ok()?
        .success();
    ok.then(|| read_wav_16k_mono(&path).ok()).flatten()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| {
        eprintln!("usage: voice_bench <models dir> [runs]");
        std::process::exit(2)
    }));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let vad = warmline_voice::service::find_vad_model(&dir);
    println!(
        "threads {}, VAD {}, {runs} runs after one warm-up, whisper.cpp {}",
        WhisperOptions::default().threads,
        vad.as_ref()
            .map_or("off".into(), |v| v.display().to_string()),
        whisper_rs::get_whisper_version()
    );
    let english_5s = librivox(&["0890"]);
    let english_10s = librivox(&["0870", "0930"]);
    let temp = std::env::temp_dir().join("warmline-voice-bench");
    let _ = std::fs::create_dir_all(&temp);
    let mandarin_5s = espeak_mandarin(
        &temp,
        "zh5",
        "ni3 hao3, wo3 xiang3 zhao3 ren2 gong1 ke4 fu2. wo3 de mi4 ma3 wang4 le, qing3 bang1 wo3.",
    );
    let mandarin_10s = espeak_mandarin(&temp, "zh10", "wo3 xiang3 cha2 yi2 xia4 wo3 de yin2 hang2 zhang4 hu4 yu2 e2. wo3 de ka3 jin1 tian1 zao3 shang4 zai4 shang1 dian4 bu4 neng2 yong4. wo3 yao4 da3 dian4 hua4 gei3 wo3 de er2 zi.");

    // Other work on the machine slows whisper down a lot: say how busy it was.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "load average before: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "\n| model | language | audio | load | end of speech → text (median) | real-time factor | text |"
    );
    println!("|---|---|---|---|---|---|---|");
    // (model file, multilingual, locale, label, audio)
    type Case<'a> = (&'a str, bool, &'a str, &'a str, Option<&'a Vec<f32>>);
    let cases: Vec<Case> = vec![
        (
            "ggml-tiny.en.bin",
            false,
            "en-US",
            "~5 s",
            Some(&english_5s),
        ),
        (
            "ggml-tiny.en.bin",
            false,
            "en-US",
            "~10 s",
            Some(&english_10s),
        ),
        ("ggml-base.bin", true, "en-US", "~5 s", Some(&english_5s)),
        ("ggml-base.bin", true, "en-US", "~10 s", Some(&english_10s)),
        ("ggml-base.bin", true, "zh-CN", "~5 s", mandarin_5s.as_ref()),
        (
            "ggml-base.bin",
            true,
            "zh-CN",
            "~10 s",
            mandarin_10s.as_ref(),
        ),
    ];
    for (file, multilingual, locale, label, audio) in cases {
        let Some(audio) = audio else {
            println!("| {file} | {locale} | {label} | – | skipped: no espeak-ng | | |");
            continue;
        };
        let started = Instant::now();
        let recognizer = WhisperRecognizer::load(
            &dir.join(file),
            ModelCapabilities {
                multilingual,
                cantonese: false,
            },
            WhisperOptions {
                vad_model: vad.clone(),
                ..WhisperOptions::default()
            },
        )
        .expect("model loads");
        let load = started.elapsed();
        let language = DictationLanguage::from_locale(locale);
        let mut times = Vec::new();
        let mut text = String::new();
        for run in 0..=runs {
            let started = Instant::now();
            let segments = recognizer.transcribe(audio, language).expect("recognition");
            text = clean_transcript(&segments, language);
            if run > 0 {
                times.push(started.elapsed());
            }
        }
        let seconds = audio.len() as f64 / 16_000.0;
        let latency = median(times);
        println!(
            "| {} | {locale} | {seconds:.1} s | {:.2} s | {:.2} s | {:.2} | {text} |",
            file.trim_start_matches("ggml-").trim_end_matches(".bin"),
            load.as_secs_f64(),
            latency.as_secs_f64(),
            latency.as_secs_f64() / seconds
        );
    }
}
