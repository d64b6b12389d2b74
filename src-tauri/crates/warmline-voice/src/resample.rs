//! Down-mixing to mono and resampling to 16 kHz, the format whisper.cpp wants.

use rubato::{FftFixedIn, Resampler};

/// The sample rate every [`crate::AudioSource`] delivers.
pub const TARGET_RATE: u32 = 16_000;

/// Frames fed to the FFT resampler at once. 1024 frames is 23 ms at 44.1 kHz:
/// small enough for a smooth level meter, large enough to be cheap.
const CHUNK_FRAMES: usize = 1024;

/// Turns interleaved audio of any rate and channel count into 16 kHz mono.
///
/// Streaming: feed it with [`MonoResampler::push`] as audio arrives and call
/// [`MonoResampler::finish`] once at the end to get the tail. The resampler's
/// own delay is removed, so the output lines up with the input in time and has
/// `input_frames * 16000 / rate` samples in total.
pub struct MonoResampler {
    channels: usize,
    rate: u32,
    resampler: Option<FftFixedIn<f32>>,
    /// Mono frames waiting for a full resampler chunk.
    pending: Vec<f32>,
    /// Output samples still to drop (the resampler's delay).
    to_skip: usize,
    frames_in: u64,
    samples_out: u64,
}

impl std::fmt::Debug for MonoResampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonoResampler")
            .field("channels", &self.channels)
            .field("rate", &self.rate)
            .finish_non_exhaustive()
    }
}

impl MonoResampler {
    /// A converter for `channels` interleaved channels at `rate` Hz.
    ///
    /// Returns `None` for a rate or channel count of zero.
    pub fn new(rate: u32, channels: u16) -> Option<Self> {
        if rate == 0 || channels == 0 {
            return None;
        }
        let resampler = if rate == TARGET_RATE {
            None
        } else {
            Some(
                FftFixedIn::<f32>::new(rate as usize, TARGET_RATE as usize, CHUNK_FRAMES, 2, 1)
                    .ok()?,
            )
        };
        let to_skip = resampler.as_ref().map_or(0, |r| r.output_delay());
        Some(Self {
            channels: usize::from(channels),
            rate,
            resampler,
            pending: Vec::with_capacity(CHUNK_FRAMES * 2),
            to_skip,
            frames_in: 0,
            samples_out: 0,
        })
    }

    /// Feeds interleaved samples; returns whatever 16 kHz mono output is ready.
    /// A trailing incomplete frame is ignored.
    pub fn push(&mut self, interleaved: &[f32]) -> Vec<f32> {
        let channels = self.channels;
        let scale = 1.0 / channels as f32;
        let mono = interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() * scale);
        let before = self.pending.len();
        self.pending.extend(mono);
        self.frames_in += (self.pending.len() - before) as u64;
        self.drain(false)
    }

    /// Flushes the tail. Call once, after the last [`MonoResampler::push`].
    pub fn finish(&mut self) -> Vec<f32> {
        self.drain(true)
    }

    fn expected_total(&self) -> u64 {
        self.frames_in * u64::from(TARGET_RATE) / u64::from(self.rate)
    }

    fn drain(&mut self, finish: bool) -> Vec<f32> {
        let want = self.expected_total();
        let Some(resampler) = self.resampler.as_mut() else {
            self.samples_out += self.pending.len() as u64;
            return std::mem::take(&mut self.pending);
        };
        let mut out = Vec::new();
        let emit = |chunk: &[f32], to_skip: &mut usize, out: &mut Vec<f32>| {
            let skip = (*to_skip).min(chunk.len());
            *to_skip -= skip;
            out.extend_from_slice(&chunk[skip..]);
        };
        while self.pending.len() >= resampler.input_frames_next() {
            let n = resampler.input_frames_next();
            match resampler.process(&[&self.pending[..n]], None) {
                Ok(chunk) => emit(&chunk[0], &mut self.to_skip, &mut out),
                Err(error) => tracing::warn!(%error, "resampler refused a chunk"),
            }
            self.pending.drain(..n);
        }
        if finish {
            // Feed the remainder and then silence until the delayed tail is out.
            let mut guard = 0;
            while self.samples_out + (out.len() as u64) < want && guard < 16 {
                let input: Vec<f32> = std::mem::take(&mut self.pending);
                let result = if input.is_empty() {
                    resampler.process_partial::<&[f32]>(None, None)
                } else {
                    resampler.process_partial(Some(&[input.as_slice()]), None)
                };
                match result {
                    Ok(chunk) => emit(&chunk[0], &mut self.to_skip, &mut out),
                    Err(error) => {
                        tracing::warn!(%error, "resampler refused the tail");
                        break;
                    }
                }
                guard += 1;
            }
            let allowed = want.saturating_sub(self.samples_out) as usize;
            out.truncate(allowed);
        }
        self.samples_out += out.len() as u64;
        out
    }
}

/// Loudness of a block of samples for the level meter, 0..=1.
///
/// RMS in dBFS mapped linearly from -60 dB (0) to 0 dB (1), which looks
/// natural on a meter: quiet speech sits around a third, normal speech above
/// half.
pub fn level(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let db = rms_db(samples);
    ((db + 60.0) / 60.0).clamp(0.0, 1.0)
}

/// RMS of a block in dBFS (-120 for digital silence).
pub fn rms_db(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return -120.0;
    }
    let mean_square = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
    (10.0 * mean_square.max(1e-12).log10()).max(-120.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, freq: f32, seconds: f32, channels: u16) -> Vec<f32> {
        let frames = (rate as f32 * seconds) as usize;
        let mut out = Vec::with_capacity(frames * channels as usize);
        for i in 0..frames {
            let v = 0.5 * (2.0 * std::f32::consts::PI * freq * i as f32 / rate as f32).sin();
            for _ in 0..channels {
                out.push(v);
            }
        }
        out
    }

    /// 44.1 kHz stereo sine in odd-sized pieces → 16 kHz mono matches the
    /// ideal sine sample for sample (after the edges), and has the right length.
    #[test]
    fn sine_44k1_stereo_becomes_16k_mono() {
        let input = sine(44_100, 440.0, 1.0, 2);
        let mut resampler = MonoResampler::new(44_100, 2).unwrap();
        let mut out = Vec::new();
        for piece in input.chunks(2 * 333) {
            out.extend(resampler.push(piece));
        }
        out.extend(resampler.finish());
        assert_eq!(out.len(), 16_000);
        let ideal = sine(16_000, 440.0, 1.0, 1);
        let worst = out[400..15_600]
            .iter()
            .zip(&ideal[400..15_600])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 0.01, "worst deviation {worst}");
    }

    /// Left and right in opposite phase cancel: the mix is an average.
    #[test]
    fn downmix_averages_channels() {
        let mut resampler = MonoResampler::new(16_000, 2).unwrap();
        let out = resampler.push(&[0.5, -0.5, 0.2, 0.4]);
        assert_eq!(out.len(), 2);
        assert!(out[0].abs() < 1e-6 && (out[1] - 0.3).abs() < 1e-6);
    }

    /// A tone above 8 kHz cannot exist at 16 kHz; the resampler must filter it
    /// out instead of folding it back as a whistle.
    #[test]
    fn no_aliasing_from_high_tones() {
        let input = sine(48_000, 11_000.0, 0.5, 1);
        let mut resampler = MonoResampler::new(48_000, 1).unwrap();
        let mut out = resampler.push(&input);
        out.extend(resampler.finish());
        assert!(rms_db(&out[200..out.len() - 200]) < -40.0);
    }

    #[test]
    fn level_maps_loudness() {
        assert_eq!(level(&[0.0; 100]), 0.0);
        assert!(level(&sine(16_000, 300.0, 0.1, 1)) > 0.8);
        assert!(level(&[0.001; 100]) < 0.1);
    }
}
