//! Audio capture: the [`AudioSource`] trait and its microphone, file and fake
//! implementations. Every source delivers 16 kHz mono `f32`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::VoiceError;
use crate::resample::{MonoResampler, TARGET_RATE};

/// What a running source sends.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureEvent {
    /// More audio, 16 kHz mono.
    Audio(Vec<f32>),
    /// The device failed while capturing (unplugged). Everything sent before
    /// stays valid; nothing follows.
    Lost(VoiceError),
    /// The source has no more audio (end of a file). Nothing follows.
    Ended,
}

/// Where captured audio goes.
pub type CaptureSink = Sender<CaptureEvent>;

/// A source of speech audio, delivered as 16 kHz mono.
///
/// `start` either fails at once (no device, permission denied, unreadable
/// file) or returns and then sends [`CaptureEvent`]s from another thread until
/// [`AudioSource::stop`] is called or it sends `Lost`/`Ended`.
pub trait AudioSource: Send {
    /// Opens the device or file and starts sending audio to `sink`.
    fn start(&mut self, sink: CaptureSink) -> Result<(), VoiceError>;
    /// Stops capture. Audio captured up to now has been sent when this
    /// returns. Calling it twice, or after `Lost`/`Ended`, does nothing.
    fn stop(&mut self);
}

/// A background thread that a source stops through a flag.
#[derive(Debug, Default)]
struct Worker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn spawn(name: &str, body: impl FnOnce(Arc<AtomicBool>) + Send + 'static) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || body(flag))
            .ok();
        Self { stop, thread }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

// ---------------------------------------------------------------------------
// WAV file

/// How fast a [`WavFileSource`] delivers its audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Like a microphone: 20 ms of audio every 20 ms (the level meter moves,
    /// the end-of-speech detector works as it would live).
    RealTime,
    /// Everything at once (tests, benchmarks).
    AsFastAsPossible,
}

/// Reads a WAV file (any rate, channel count, 8–32 bit integer or float) and
/// delivers it like a microphone would. Used for `WARMLINE_AUDIO_INPUT`.
#[derive(Debug)]
pub struct WavFileSource {
    path: PathBuf,
    pacing: Pacing,
    worker: Option<Worker>,
}

impl WavFileSource {
    /// A source for the file at `path`; nothing is read before `start`.
    pub fn new(path: impl Into<PathBuf>, pacing: Pacing) -> Self {
        Self {
            path: path.into(),
            pacing,
            worker: None,
        }
    }
}

/// Reads a whole WAV file as interleaved `f32` in -1..1, with its rate and
/// channel count.
pub fn read_wav(path: &Path) -> Result<(Vec<f32>, u32, u16), VoiceError> {
    let fail = |e: hound::Error| VoiceError::AudioFile(format!("{}: {e}", path.display()));
    let mut reader = hound::WavReader::open(path).map_err(fail)?;
    let spec = reader.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .samples::<f32>()
            .collect::<Result<_, _>>()
            .map_err(fail)?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<Result<_, _>>()
                .map_err(fail)?
        }
    };
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(VoiceError::AudioFile(format!(
            "{}: no channels or no sample rate",
            path.display()
        )));
    }
    Ok((samples, spec.sample_rate, spec.channels))
}

/// Reads a WAV file and converts it to 16 kHz mono in one go.
pub fn read_wav_16k_mono(path: &Path) -> Result<Vec<f32>, VoiceError> {
    let (samples, rate, channels) = read_wav(path)?;
    let mut resampler = MonoResampler::new(rate, channels)
        .ok_or_else(|| VoiceError::AudioFile(format!("{}: unsupported format", path.display())))?;
    let mut out = resampler.push(&samples);
    out.extend(resampler.finish());
    Ok(out)
}

impl AudioSource for WavFileSource {
    fn start(&mut self, sink: CaptureSink) -> Result<(), VoiceError> {
        self.stop();
        let (samples, rate, channels) = read_wav(&self.path)?;
        let mut resampler = MonoResampler::new(rate, channels).ok_or_else(|| {
            VoiceError::AudioFile(format!("{}: unsupported format", self.path.display()))
        })?;
        let pacing = self.pacing;
        let frames_per_piece = (rate as usize / 50).max(1); // 20 ms
        self.worker = Some(Worker::spawn("voice-wav", move |stop| {
            let started = std::time::Instant::now();
            for (i, piece) in samples
                .chunks(frames_per_piece * usize::from(channels))
                .enumerate()
            {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if pacing == Pacing::RealTime {
                    let due = Duration::from_millis(20 * i as u64);
                    if let Some(wait) = due.checked_sub(started.elapsed()) {
                        std::thread::sleep(wait);
                    }
                }
                let out = resampler.push(piece);
                if !out.is_empty() && sink.send(CaptureEvent::Audio(out)).is_err() {
                    return;
                }
            }
            let tail = resampler.finish();
            let _ = sink.send(CaptureEvent::Audio(tail));
            if !stop.load(Ordering::SeqCst) {
                let _ = sink.send(CaptureEvent::Ended);
            }
        }));
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.stop();
        }
    }
}

// ---------------------------------------------------------------------------
// Fake

/// How a [`FakeSource`] ends after playing its audio.
#[derive(Debug, Clone, PartialEq)]
pub enum FakeEnding {
    /// Keeps the "device" open, sending silence, until stopped.
    WaitForStop,
    /// Sends [`CaptureEvent::Ended`], like the end of a file.
    Ended,
    /// Sends [`CaptureEvent::Lost`], like a microphone being unplugged.
    Unplugged,
}

/// A scripted source for tests: fails to open in a chosen way, or plays given
/// 16 kHz samples (as fast as possible) and then ends in a chosen way.
#[derive(Debug)]
pub struct FakeSource {
    open_error: Option<VoiceError>,
    samples: Vec<f32>,
    ending: FakeEnding,
    worker: Option<Worker>,
}

impl FakeSource {
    /// A source whose `start` fails with `error` (no microphone, permission
    /// denied, …).
    pub fn failing(error: VoiceError) -> Self {
        Self {
            open_error: Some(error),
            samples: Vec::new(),
            ending: FakeEnding::Ended,
            worker: None,
        }
    }

    /// A source that plays `samples_16k` and then ends as `ending` says.
    pub fn playing(samples_16k: Vec<f32>, ending: FakeEnding) -> Self {
        Self {
            open_error: None,
            samples: samples_16k,
            ending,
            worker: None,
        }
    }
}

impl AudioSource for FakeSource {
    fn start(&mut self, sink: CaptureSink) -> Result<(), VoiceError> {
        if let Some(error) = self.open_error.clone() {
            return Err(error);
        }
        let samples = self.samples.clone();
        let ending = self.ending.clone();
        self.worker = Some(Worker::spawn("voice-fake", move |stop| {
            for piece in samples.chunks(320) {
                if stop.load(Ordering::SeqCst)
                    || sink.send(CaptureEvent::Audio(piece.to_vec())).is_err()
                {
                    return;
                }
            }
            match ending {
                FakeEnding::Ended => {
                    let _ = sink.send(CaptureEvent::Ended);
                }
                FakeEnding::Unplugged => {
                    let _ = sink.send(CaptureEvent::Lost(VoiceError::DeviceLost(
                        "fake device unplugged".into(),
                    )));
                }
                FakeEnding::WaitForStop => {
                    while !stop.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(20));
                        if sink.send(CaptureEvent::Audio(vec![0.0; 320])).is_err() {
                            return;
                        }
                    }
                }
            }
        }));
        Ok(())
    }

    fn stop(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.stop();
        }
    }
}

// ---------------------------------------------------------------------------
// Microphone

/// The default input device through `cpal`, at its native rate, channel count
/// and sample format, converted to 16 kHz mono.
///
/// `cpal::Stream` may not move between threads on every platform, so the
/// stream lives on a thread of its own for as long as capture runs.
#[derive(Debug, Default)]
pub struct CpalMicrophone {
    worker: Option<Worker>,
}

impl CpalMicrophone {
    /// A microphone source; the device is opened by `start`.
    pub fn new() -> Self {
        Self::default()
    }
}

enum Raw {
    Samples(Vec<f32>),
    Failed(VoiceError),
}

/// Sorts an error text from the audio system into "permission denied" or
/// "no microphone".
fn open_error(detail: String) -> VoiceError {
    let lower = detail.to_lowercase();
    if lower.contains("permission") || lower.contains("denied") || lower.contains("not authorized")
    {
        VoiceError::PermissionDenied(detail)
    } else {
        VoiceError::NoMicrophone(detail)
    }
}

fn build_stream<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    raw: Sender<Raw>,
) -> Result<cpal::Stream, cpal::BuildStreamError>
where
    T: cpal::SizedSample + cpal::Sample,
    f32: cpal::FromSample<T>,
{
    use cpal::traits::DeviceTrait;
    let errors = raw.clone();
    let mut failed = false;
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| {
            let samples = data
                .iter()
                .map(|s| <f32 as cpal::FromSample<T>>::from_sample_(*s))
                .collect();
            let _ = raw.send(Raw::Samples(samples));
        },
        move |error| {
            // Every stream error after start means the device is gone or
            // unusable; report the first only.
            if !failed {
                failed = true;
                let _ = errors.send(Raw::Failed(VoiceError::DeviceLost(error.to_string())));
            }
        },
        None,
    )
}

/// The name of the default microphone, or `None` when there is none; for
/// "check everything", which must not open the device.
pub fn default_microphone_name() -> Option<String> {
    use cpal::traits::{DeviceTrait, HostTrait};
    let device = cpal::default_host().default_input_device()?;
    #[allow(deprecated)] // `name` is what cpal 0.16 offers on every host.
    let name = device.name().unwrap_or_default();
    Some(name)
}

fn open_microphone(raw: Sender<Raw>) -> Result<(cpal::Stream, u32, u16), VoiceError> {
    use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
    let host = cpal::default_host();
    let device = host
        .default_input_device()
        .ok_or_else(|| VoiceError::NoMicrophone("no default input device".into()))?;
    let supported = device
        .default_input_config()
        .map_err(|e| open_error(e.to_string()))?;
    let config: cpal::StreamConfig = supported.config();
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => build_stream::<f32>(&device, &config, raw),
        cpal::SampleFormat::I16 => build_stream::<i16>(&device, &config, raw),
        cpal::SampleFormat::U16 => build_stream::<u16>(&device, &config, raw),
        cpal::SampleFormat::I32 => build_stream::<i32>(&device, &config, raw),
        cpal::SampleFormat::I8 => build_stream::<i8>(&device, &config, raw),
        cpal::SampleFormat::U8 => build_stream::<u8>(&device, &config, raw),
        cpal::SampleFormat::F64 => build_stream::<f64>(&device, &config, raw),
        other => {
            return Err(VoiceError::NoMicrophone(format!(
                "unsupported sample format {other}"
            )))
        }
    }
    .map_err(|e| match e {
        cpal::BuildStreamError::DeviceNotAvailable => VoiceError::NoMicrophone(e.to_string()),
        other => open_error(other.to_string()),
    })?;
    stream.play().map_err(|e| open_error(e.to_string()))?;
    Ok((stream, config.sample_rate.0, config.channels))
}

impl AudioSource for CpalMicrophone {
    fn start(&mut self, sink: CaptureSink) -> Result<(), VoiceError> {
        self.stop();
        let (opened_tx, opened_rx) = mpsc::channel();
        let worker = Worker::spawn("voice-microphone", move |stop| {
            let (raw_tx, raw_rx) = mpsc::channel();
            let (stream, rate, channels) = match open_microphone(raw_tx) {
                Ok(opened) => opened,
                Err(error) => {
                    let _ = opened_tx.send(Err(error));
                    return;
                }
            };
            let Some(mut resampler) = MonoResampler::new(rate, channels) else {
                let _ = opened_tx.send(Err(VoiceError::NoMicrophone(format!(
                    "unusable format: {rate} Hz, {channels} channels"
                ))));
                return;
            };
            tracing::info!(rate, channels, "microphone open");
            let _ = opened_tx.send(Ok(()));
            let mut lost = None;
            while !stop.load(Ordering::SeqCst) {
                match raw_rx.recv_timeout(Duration::from_millis(30)) {
                    Ok(Raw::Samples(samples)) => {
                        let out = resampler.push(&samples);
                        if !out.is_empty() && sink.send(CaptureEvent::Audio(out)).is_err() {
                            break;
                        }
                    }
                    Ok(Raw::Failed(error)) => {
                        lost = Some(error);
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            }
            drop(stream);
            // Whatever arrived before the stop or the failure still counts.
            let mut tail = Vec::new();
            while let Ok(Raw::Samples(samples)) = raw_rx.try_recv() {
                tail.extend(resampler.push(&samples));
            }
            tail.extend(resampler.finish());
            let _ = sink.send(CaptureEvent::Audio(tail));
            if let Some(error) = lost {
                let _ = sink.send(CaptureEvent::Lost(error));
            }
        });
        match opened_rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(())) => {
                self.worker = Some(worker);
                Ok(())
            }
            Ok(Err(error)) => Err(error),
            Err(_) => Err(VoiceError::NoMicrophone(
                "the audio system did not open the microphone".into(),
            )),
        }
    }

    fn stop(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            worker.stop();
        }
    }
}

/// Samples per second of the audio every source delivers.
pub const SAMPLE_RATE: u32 = TARGET_RATE;

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(source: &mut dyn AudioSource) -> (Vec<f32>, CaptureEvent) {
        let (tx, rx) = mpsc::channel();
        source.start(tx).expect("start");
        let mut audio = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_secs(10)).expect("an event") {
                CaptureEvent::Audio(a) => audio.extend(a),
                other => return (audio, other),
            }
        }
    }

    #[test]
    fn wav_file_any_format_becomes_16k_mono() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stereo.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut writer = hound::WavWriter::create(&path, spec).unwrap();
        for i in 0..44_100 {
            let v = (8_000.0 * (i as f32 * 0.05).sin()) as i16;
            writer.write_sample(v).unwrap();
            writer.write_sample(v).unwrap();
        }
        writer.finalize().unwrap();
        let mut source = WavFileSource::new(&path, Pacing::AsFastAsPossible);
        let (audio, end) = collect(&mut source);
        assert_eq!(end, CaptureEvent::Ended);
        assert_eq!(audio.len(), 16_000);
        let peak = audio.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        assert!((0.2..0.3).contains(&peak), "peak {peak}");
    }

    #[test]
    fn a_missing_or_broken_file_is_an_audio_file_error() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.wav");
        std::fs::write(&broken, b"RIFF....not a wav").unwrap();
        for path in [dir.path().join("missing.wav"), broken] {
            let mut source = WavFileSource::new(&path, Pacing::AsFastAsPossible);
            let (tx, _rx) = mpsc::channel();
            let error = source.start(tx).unwrap_err();
            assert!(matches!(error, VoiceError::AudioFile(_)), "{error:?}");
        }
    }

    #[test]
    fn fake_unplug_keeps_what_was_played() {
        let mut source = FakeSource::playing(vec![0.1; 8_000], FakeEnding::Unplugged);
        let (audio, end) = collect(&mut source);
        assert_eq!(audio.len(), 8_000);
        assert!(matches!(end, CaptureEvent::Lost(VoiceError::DeviceLost(_))));
    }

    #[test]
    fn realtime_pacing_takes_about_as_long_as_the_audio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("short.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut writer = hound::WavWriter::create(&path, spec).unwrap();
        for _ in 0..4_000 {
            writer.write_sample(0.0f32).unwrap();
        }
        writer.finalize().unwrap();
        let started = std::time::Instant::now();
        let (audio, _) = collect(&mut WavFileSource::new(&path, Pacing::RealTime));
        let took = started.elapsed();
        assert_eq!(audio.len(), 8_000);
        assert!(took >= Duration::from_millis(450), "took {took:?}");
    }
}
