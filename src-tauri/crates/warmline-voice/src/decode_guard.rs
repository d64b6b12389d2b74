//! Bounds and constraints on whisper's decoder, applied to its logits at
//! every step (whisper.cpp's `logits_filter_callback`).
//!
//! # Why
//! * **Stray full-width characters.** Whisper's vocabulary has no token for
//!   "，" (U+FF0C): it is spelled with three byte tokens, `EF` `BC` `8C`.
//!   When greedy or beam decoding fails (a repetition loop, low confidence),
//!   whisper.cpp falls back to *sampling* at rising temperatures, and a
//!   sampled last byte lands on a neighbour of `8C`: `A7` ("Ｇ"), `92`
//!   ("２"), `90` ("０"); sampling the middle byte gives `EF B9 91` ("﹑").
//!   The decoder then copies the wrong character into every repetition.
//!   Measured on a 11.9 s espeak-ng Mandarin clip with base: 11 × "Ｇ" in
//!   a loop after six temperature passes. A Chinese dictation never needs
//!   full-width letters, digits or small-form variants, so after `EF` only
//!   `BC`, and after `EF BC` only the bytes of the full-width punctuation a
//!   spoken sentence is written with (，！？), are allowed. The same
//!   wrong-neighbour choice happens at temperature 0 too ("：" for "，"), so
//!   capping the fallback alone would not be enough.
//! * **Decoding that takes minutes.** whisper.cpp decodes up to 220 tokens
//!   per pass, and a pass that ends in a loop is retried at up to six
//!   temperatures (the first with a beam of 5): on the same clip 500 s on a
//!   busy 2-core machine. The guard ends a decoder with end-of-text as soon
//!   as its last tokens repeat, and ends every decoder once the whole
//!   recognition has used its step budget; the caller also caps tokens per
//!   segment and the number of passes (see `whisper.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many passes whisper.cpp may make: the first at temperature 0 and at
/// most five sampling fallbacks (whisper's own ladder, 0.2 … 1.0). With one
/// fallback only (at 0.6), tiny.en took its first sample of plain noise as
/// a sentence ("We take over our questions.", the real-weights noise test);
/// the token cap, the loop cut and the step budget bound the passes instead.
pub const MAX_PASSES: usize = 6;

/// The temperature step that gives [`MAX_PASSES`] passes: whisper.cpp
/// tries `0, inc, 2·inc, …` while the temperature is at most 1.0.
pub const TEMPERATURE_INC: f32 = 0.2;

/// Tokens one pass may produce for `samples` of 16 kHz audio: 10 per second
/// of audio plus 16, at most whisper's own 220. Fast Mandarin is about 6
/// characters a second, most of them one token; English about 4 tokens.
pub fn max_tokens_for(samples: usize) -> usize {
    let seconds = samples.div_ceil(16_000);
    (16 + 10 * seconds).min(220)
}

/// Decoder steps a whole recognition may take: every decoder of the first
/// pass (the beam) and the sampling fallback each at most `max_tokens`.
/// (whisper.cpp may ask for one step past `max_tokens` before it stops.)
pub fn step_budget(max_tokens: usize, beam_size: usize) -> usize {
    (max_tokens + 1) * (beam_size.max(1) + (MAX_PASSES - 1))
}

/// The step budget of a whole recognition of `samples`: [`step_budget`]
/// for each 30 s window whisper decodes (a 60 s dictation is two).
pub fn recognition_budget(samples: usize, beam_size: usize) -> usize {
    let windows = samples.div_ceil(16_000 * 30).max(1);
    step_budget(max_tokens_for(samples), beam_size) * windows
}

/// The GPT-2 byte-level token id of one byte: whisper's vocabularies
/// (English-only and multilingual) start with the 256 byte tokens, the 188
/// printable bytes first in byte order, then the others.
pub fn byte_token(byte: u8) -> i32 {
    let printable = |b: u8| (b'!'..=b'~').contains(&b) || (0xA1..=0xAC).contains(&b) || b >= 0xAE;
    if printable(byte) {
        (0..byte).filter(|b| printable(*b)).count() as i32
    } else {
        188 + (0..byte).filter(|b| !printable(*b)).count() as i32
    }
}

/// Last bytes of `EF BC xx` that Chinese dictation may produce: ！ ， ？
/// (U+FF01, FF0C, FF1F). ：；（）％ are left out too: with them allowed,
/// base wrote "你好：我想找人幫客服：" for "你好，我想找人工客服。" in zh-TW, and
/// a spoken sentence hardly needs them.
const FULL_WIDTH_PUNCTUATION: [u8; 3] = [0x81, 0x8C, 0x9F];

/// What one recognition's decoding took, counted by the guard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Decoder steps (one per decoder per token), over all passes.
    pub steps: usize,
    /// Decoders started (a beam of 5 starts 5 per pass).
    pub decoders_started: usize,
    /// Decoders ended because their last tokens repeated.
    pub loops_cut: usize,
    /// Steps at which the byte constraint removed a candidate that was
    /// ahead (a stray full-width character that would have been written).
    pub bytes_constrained: usize,
    /// Whether the step budget ran out.
    pub budget_exhausted: bool,
}

/// The per-recognition state the logits filter works on. Shared by the
/// decoders whisper.cpp runs in parallel threads, hence the atomics.
#[derive(Debug)]
pub struct DecodeGuard {
    eot: i32,
    budget: usize,
    chinese: bool,
    steps: AtomicUsize,
    decoders_started: AtomicUsize,
    loops_cut: AtomicUsize,
    bytes_constrained: AtomicUsize,
}

impl DecodeGuard {
    /// A guard for one recognition: `eot` is the model's end-of-text token,
    /// `budget` the steps allowed in total ([`step_budget`]), `chinese`
    /// whether the full-width byte constraint applies.
    pub fn new(eot: i32, budget: usize, chinese: bool) -> Self {
        Self {
            eot,
            budget,
            chinese,
            steps: AtomicUsize::new(0),
            decoders_started: AtomicUsize::new(0),
            loops_cut: AtomicUsize::new(0),
            bytes_constrained: AtomicUsize::new(0),
        }
    }

    /// What was counted so far.
    pub fn stats(&self) -> DecodeStats {
        let steps = self.steps.load(Ordering::SeqCst);
        DecodeStats {
            steps,
            decoders_started: self.decoders_started.load(Ordering::SeqCst),
            loops_cut: self.loops_cut.load(Ordering::SeqCst),
            bytes_constrained: self.bytes_constrained.load(Ordering::SeqCst),
            budget_exhausted: steps > self.budget,
        }
    }

    /// Filters the logits of one decoder step: `tokens` are what this
    /// decoder has produced so far in this pass, `logits` one value per
    /// vocabulary entry (changed in place).
    pub fn filter(&self, tokens: &[i32], logits: &mut [f32]) {
        if tokens.is_empty() {
            self.decoders_started.fetch_add(1, Ordering::SeqCst);
        }
        let step = self.steps.fetch_add(1, Ordering::SeqCst) + 1;
        if step > self.budget {
            self.force_end(logits);
            return;
        }
        if ends_in_loop(tokens) {
            self.loops_cut.fetch_add(1, Ordering::SeqCst);
            self.force_end(logits);
            return;
        }
        if self.chinese {
            self.constrain_bytes(tokens, logits);
        }
    }

    fn force_end(&self, logits: &mut [f32]) {
        let eot = self.eot as usize;
        for (i, logit) in logits.iter_mut().enumerate() {
            if i != eot {
                *logit = f32::NEG_INFINITY;
            }
        }
    }

    fn constrain_bytes(&self, tokens: &[i32], logits: &mut [f32]) {
        let allowed: Vec<i32> = match tokens {
            [.., a, b] if *a == byte_token(0xEF) && *b == byte_token(0xBC) => {
                FULL_WIDTH_PUNCTUATION
                    .iter()
                    .map(|b| byte_token(*b))
                    .collect()
            }
            [.., b] if *b == byte_token(0xEF) => vec![byte_token(0xBC)],
            _ => return,
        };
        let best = argmax(logits);
        if !allowed.contains(&(best as i32)) {
            self.bytes_constrained.fetch_add(1, Ordering::SeqCst);
        }
        for (i, logit) in logits.iter_mut().enumerate() {
            if !allowed.contains(&(i as i32)) {
                *logit = f32::NEG_INFINITY;
            }
        }
    }
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i)
}

/// Whether the last tokens are one run repeated: 4 copies of a 1–3 token
/// unit, or 3 copies of a 4–32 token unit (a phrase said three times in a
/// row is a decoding loop, not dictation; "no, no, no" is 3 × 2 tokens and
/// passes).
pub fn ends_in_loop(tokens: &[i32]) -> bool {
    (1..=32usize).any(|unit| {
        let copies = if unit < 4 { 4 } else { 3 };
        let span = unit * copies;
        if tokens.len() < span {
            return false;
        }
        let tail = &tokens[tokens.len() - span..];
        let first = &tail[..unit];
        tail.chunks(unit).all(|chunk| chunk == first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EOT: i32 = 50_257;

    fn logits() -> Vec<f32> {
        vec![0.0; 51_865]
    }

    fn only_eot_left(logits: &[f32]) -> bool {
        logits
            .iter()
            .enumerate()
            .all(|(i, l)| (i as i32 == EOT) == l.is_finite())
    }

    #[test]
    fn byte_tokens_match_the_vocabulary() {
        // Ids read from base's vocabulary.txt (tests/models).
        assert_eq!(byte_token(b'!'), 0);
        assert_eq!(byte_token(0xA7), 100);
        assert_eq!(byte_token(0xBC), 120);
        assert_eq!(byte_token(0xEF), 171);
        assert_eq!(byte_token(0x8C), 234);
        assert_eq!(byte_token(0x90), 238);
        assert_eq!(byte_token(0x92), 240);
        assert_eq!(byte_token(b' '), 220);
        let all: std::collections::BTreeSet<i32> = (0..=255u8).map(byte_token).collect();
        assert_eq!(all.len(), 256);
        assert_eq!(*all.last().unwrap(), 255);
    }

    #[test]
    fn after_ef_bc_only_punctuation_can_follow() {
        let guard = DecodeGuard::new(EOT, 1_000, true);
        let mut l = logits();
        // "Ｇ" (EF BC A7) is the model's favourite, "，" second.
        l[byte_token(0xA7) as usize] = 5.0;
        l[byte_token(0x8C) as usize] = 4.0;
        guard.filter(&[1000, byte_token(0xEF), byte_token(0xBC)], &mut l);
        assert_eq!(argmax(&l), byte_token(0x8C) as usize);
        assert!(l[byte_token(0xA7) as usize].is_infinite());
        // "：" (EF BC 9A) is not let through either.
        let mut l = logits();
        l[byte_token(0x9A) as usize] = 5.0;
        l[byte_token(0x8C) as usize] = 4.0;
        guard.filter(&[byte_token(0xEF), byte_token(0xBC)], &mut l);
        assert_eq!(argmax(&l), byte_token(0x8C) as usize);
        assert_eq!(guard.stats().bytes_constrained, 2);
        // After EF only BC: "﹑" (EF B9 91) cannot start.
        let mut l = logits();
        l[byte_token(0xB9) as usize] = 5.0;
        guard.filter(&[1000, byte_token(0xEF)], &mut l);
        assert_eq!(argmax(&l), byte_token(0xBC) as usize);
        // English is not constrained.
        let english = DecodeGuard::new(EOT, 1_000, false);
        let mut l = logits();
        l[byte_token(0xA7) as usize] = 5.0;
        english.filter(&[byte_token(0xEF), byte_token(0xBC)], &mut l);
        assert_eq!(argmax(&l), byte_token(0xA7) as usize);
    }

    #[test]
    fn loops_are_cut_and_speech_is_not() {
        assert!(ends_in_loop(&[5, 7, 7, 7, 7]));
        assert!(ends_in_loop(&[1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5]));
        assert!(!ends_in_loop(&[7, 7, 7]));
        assert!(!ends_in_loop(&[1, 2, 1, 2, 1, 2]));
        assert!(!ends_in_loop(&[1, 2, 3, 4, 5, 1, 2, 3, 4, 5]));
        assert!(!ends_in_loop(&[]));
        let guard = DecodeGuard::new(EOT, 1_000, true);
        let mut l = logits();
        guard.filter(&[9, 8, 9, 8, 9, 8, 9, 8], &mut l);
        assert!(only_eot_left(&l));
        assert_eq!(guard.stats().loops_cut, 1);
        let mut l = logits();
        guard.filter(&[9, 8, 1, 2], &mut l);
        assert!(l.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn the_budget_ends_every_decoder() {
        let guard = DecodeGuard::new(EOT, 3, false);
        for step in 0..5 {
            let mut l = logits();
            let tokens: Vec<i32> = (0..step).collect();
            guard.filter(&tokens, &mut l);
            assert_eq!(only_eot_left(&l), step >= 3, "step {step}");
        }
        let stats = guard.stats();
        assert_eq!(stats.steps, 5);
        assert_eq!(stats.decoders_started, 1);
        assert!(stats.budget_exhausted);
    }

    #[test]
    fn bounds_scale_with_audio() {
        assert_eq!(max_tokens_for(16_000), 26);
        assert_eq!(max_tokens_for(16_000 * 12), 136);
        assert_eq!(max_tokens_for(16_000 * 30), 220);
        // The beam's decoders and one sampling decoder per fallback.
        assert_eq!(step_budget(136, 5), 137 * 10);
        assert_eq!(step_budget(26, 1), 27 * 6);
        assert_eq!(recognition_budget(16_000 * 12, 5), 137 * 10);
        // Two 30 s windows get two budgets.
        assert_eq!(recognition_budget(16_000 * 60, 5), 2 * 221 * 10);
    }
}
