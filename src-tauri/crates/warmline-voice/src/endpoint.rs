//! Energy-based end-of-speech detection for live capture.
//!
//! whisper.cpp's Silero VAD decides *what* in a finished recording is speech;
//! this detector decides *when* to stop listening: after the user has spoken
//! and then been quiet for a pause. The background level is the quietest
//! frame of the last few seconds (speech always has quieter moments between
//! syllables, steady noise does not), so a fan or a noisy room does not count
//! as speech, and speech from the very first moment still does.

use crate::resample::{rms_db, TARGET_RATE};

/// Length of one analysis frame (30 ms at 16 kHz).
const FRAME: usize = (TARGET_RATE as usize) * 30 / 1000;

/// Frames of history for the background level (3 s).
const HISTORY: usize = 100;

/// Tuning of the [`EndpointDetector`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EndpointConfig {
    /// Quiet time after speech that ends the utterance. Older speakers pause
    /// longer mid-sentence, so this is generous.
    pub pause_ms: u32,
    /// Speech needed before a pause can end anything (ignores clicks/coughs).
    pub min_speech_ms: u32,
    /// Give up when nobody has said anything for this long.
    pub no_speech_timeout_ms: u32,
    /// Hard limit on one utterance.
    pub max_utterance_ms: u32,
    /// How far above the noise floor a frame must be to count as speech.
    pub margin_db: f32,
    /// Frames quieter than this (dBFS) are never speech.
    pub absolute_floor_db: f32,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            pause_ms: 1_800,
            min_speech_ms: 250,
            no_speech_timeout_ms: 10_000,
            max_utterance_ms: 60_000,
            margin_db: 12.0,
            absolute_floor_db: -55.0,
        }
    }
}

/// Why listening ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// The user spoke and then paused.
    SpeechEnded,
    /// Nothing was said before the timeout.
    NoSpeech,
    /// The utterance reached the maximum length.
    TooLong,
}

/// Streams 16 kHz mono samples and reports when the utterance has ended.
#[derive(Debug, Clone)]
pub struct EndpointDetector {
    config: EndpointConfig,
    pending: Vec<f32>,
    history: std::collections::VecDeque<f32>,
    frames: u32,
    speech_frames: u32,
    silence_frames: u32,
    heard_speech: bool,
}

impl EndpointDetector {
    /// A detector with the given tuning.
    pub fn new(config: EndpointConfig) -> Self {
        Self {
            config,
            pending: Vec::with_capacity(FRAME),
            history: std::collections::VecDeque::with_capacity(HISTORY + 1),
            frames: 0,
            speech_frames: 0,
            silence_frames: 0,
            heard_speech: false,
        }
    }

    /// Whether speech has been heard so far.
    pub fn heard_speech(&self) -> bool {
        self.heard_speech
    }

    fn ms_to_frames(ms: u32) -> u32 {
        ms.div_ceil(30)
    }

    /// Feeds samples; returns `Some` once the utterance has ended (and keeps
    /// returning it afterwards).
    pub fn push(&mut self, samples: &[f32]) -> Option<Endpoint> {
        let mut result = None;
        self.pending.extend_from_slice(samples);
        let mut offset = 0;
        while self.pending.len() - offset >= FRAME {
            let frame = &self.pending[offset..offset + FRAME];
            offset += FRAME;
            if let Some(endpoint) = self.frame(rms_db(frame)) {
                result = result.or(Some(endpoint));
            }
        }
        self.pending.drain(..offset);
        result
    }

    fn frame(&mut self, db: f32) -> Option<Endpoint> {
        self.frames += 1;
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(db);
        let floor = self.history.iter().copied().fold(f32::INFINITY, f32::min);
        let c = &self.config;
        let is_speech = db > c.absolute_floor_db && db > floor + c.margin_db;
        if is_speech {
            self.speech_frames += 1;
            self.silence_frames = 0;
            if self.speech_frames >= Self::ms_to_frames(c.min_speech_ms) {
                self.heard_speech = true;
            }
        } else {
            self.silence_frames += 1;
            if !self.heard_speech && self.silence_frames > 3 {
                // Short blips before real speech do not add up.
                self.speech_frames = 0;
            }
        }
        if self.heard_speech && self.silence_frames >= Self::ms_to_frames(c.pause_ms) {
            Some(Endpoint::SpeechEnded)
        } else if !self.heard_speech && self.frames >= Self::ms_to_frames(c.no_speech_timeout_ms) {
            Some(Endpoint::NoSpeech)
        } else if self.frames >= Self::ms_to_frames(c.max_utterance_ms) {
            Some(Endpoint::TooLong)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(ms: u32, amplitude: f32, seed: &mut u32) -> Vec<f32> {
        (0..ms * 16)
            .map(|_| {
                *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                amplitude * ((*seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5)
            })
            .collect()
    }

    fn tone(ms: u32, amplitude: f32) -> Vec<f32> {
        (0..ms * 16)
            .map(|i| amplitude * (i as f32 * 0.12).sin() * (1.0 + 0.5 * (i as f32 * 0.003).sin()))
            .collect()
    }

    /// Syllables: 200 ms loud, 80 ms much quieter, like real speech.
    fn syllables(ms: u32, amplitude: f32) -> Vec<f32> {
        tone(ms, amplitude)
            .into_iter()
            .enumerate()
            .map(|(i, v)| if (i / 16) % 280 < 200 { v } else { v * 0.05 })
            .collect()
    }

    /// Feeds `blocks` in 20 ms pieces; returns the ms at which an endpoint came.
    fn run(blocks: &[Vec<f32>]) -> Option<(u32, Endpoint)> {
        let mut detector = EndpointDetector::new(EndpointConfig::default());
        let all: Vec<f32> = blocks.concat();
        for (i, piece) in all.chunks(320).enumerate() {
            if let Some(e) = detector.push(piece) {
                return Some(((i as u32 + 1) * 20, e));
            }
        }
        None
    }

    #[test]
    fn speech_then_pause_ends_after_the_pause() {
        let mut seed = 1;
        let (at, why) = run(&[
            noise(500, 0.002, &mut seed),
            tone(2_000, 0.3),
            noise(3_000, 0.002, &mut seed),
        ])
        .expect("an endpoint");
        assert_eq!(why, Endpoint::SpeechEnded);
        // 0.5 s lead-in + 2 s speech + 1.8 s pause, within a frame or two.
        assert!((4_250..=4_400).contains(&at), "ended at {at} ms");
    }

    #[test]
    fn a_short_pause_mid_sentence_does_not_end_it() {
        let mut seed = 2;
        let result = run(&[
            tone(1_000, 0.3),
            noise(1_000, 0.002, &mut seed),
            tone(1_000, 0.3),
            noise(1_000, 0.002, &mut seed),
        ]);
        assert_eq!(result, None);
    }

    #[test]
    fn steady_background_noise_is_not_speech() {
        let mut seed = 3;
        // Loud but steady noise (a fan): the floor adapts, nothing is heard.
        let (at, why) = run(&[noise(11_000, 0.05, &mut seed)]).expect("a timeout");
        assert_eq!(why, Endpoint::NoSpeech);
        assert!((9_900..=10_100).contains(&at), "gave up at {at} ms");
    }

    #[test]
    fn speech_from_the_first_moment_counts() {
        let mut seed = 5;
        let (_, why) =
            run(&[syllables(1_500, 0.3), noise(2_500, 0.002, &mut seed)]).expect("an endpoint");
        assert_eq!(why, Endpoint::SpeechEnded);
    }

    #[test]
    fn a_click_is_not_speech() {
        let mut seed = 4;
        let result = run(&[
            noise(500, 0.002, &mut seed),
            tone(60, 0.5),
            noise(4_000, 0.002, &mut seed),
        ]);
        assert_eq!(result, None);
    }
}
