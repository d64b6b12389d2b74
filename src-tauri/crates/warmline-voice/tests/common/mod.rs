//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::time::Duration;

use tokio::sync::broadcast::{error::TryRecvError, Receiver};
use warmline_voice::VoiceEvent;

/// 16 kHz "speech": syllables of a warbling tone with short dips between
/// them, loud enough for the pause detector.
pub fn speech(ms: u32) -> Vec<f32> {
    (0..ms * 16)
        .map(|i| {
            let v = 0.3 * (i as f32 * 0.12).sin() * (1.0 + 0.5 * (i as f32 * 0.003).sin());
            if (i / 16) % 280 < 200 {
                v
            } else {
                v * 0.05
            }
        })
        .collect()
}

/// 16 kHz near-silence (a quiet room).
pub fn quiet(ms: u32) -> Vec<f32> {
    let mut seed = 7u32;
    (0..ms * 16)
        .map(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            0.002 * ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5)
        })
        .collect()
}

/// Collects events until the dictation is back to idle after having been
/// busy (or `timeout` passes).
pub fn events_until_idle(rx: &mut Receiver<VoiceEvent>, timeout: Duration) -> Vec<VoiceEvent> {
    let deadline = std::time::Instant::now() + timeout;
    let mut events = Vec::new();
    loop {
        match rx.try_recv() {
            Ok(event) => {
                let done = matches!(
                    event,
                    VoiceEvent::State {
                        state: warmline_voice::DictationState::Idle
                    }
                );
                events.push(event);
                if done {
                    return events;
                }
            }
            Err(TryRecvError::Empty) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "timed out; events so far: {events:?}"
                );
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(error) => panic!("event channel: {error}"),
        }
    }
}

/// The texts of the `final` events.
pub fn finals(events: &[VoiceEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            VoiceEvent::Final { text } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// The message ids of the `failed` events.
pub fn failures(events: &[VoiceEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            VoiceEvent::Failed { error } => Some(error.message_id.clone()),
            _ => None,
        })
        .collect()
}

/// Word error rate (or, with `chars`, character error rate) of `hypothesis`
/// against `reference`, by edit distance.
pub fn error_rate(reference: &[String], hypothesis: &[String]) -> f64 {
    let (n, m) = (reference.len(), hypothesis.len());
    let mut previous: Vec<usize> = (0..=m).collect();
    for i in 1..=n {
        let mut current = vec![i; m + 1];
        for j in 1..=m {
            let substitution = previous[j - 1] + usize::from(reference[i - 1] != hypothesis[j - 1]);
            current[j] = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
        }
        previous = current;
    }
    previous[m] as f64 / n.max(1) as f64
}

/// Lower-case words without punctuation ("Mr." → "mister" is not done).
pub fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Chinese characters (and other letters/digits) without punctuation or
/// spaces, one per item.
pub fn chars(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_string())
        .collect()
}

#[test]
fn error_rate_counts_edits() {
    let r = words("he was not an ill disposed young man");
    assert_eq!(error_rate(&r, &r), 0.0);
    let h = words("he was an ill-disposed young man");
    // one deletion ("not"), "ill disposed" → "ill disposed" after splitting.
    assert!((error_rate(&r, &h) - 1.0 / 8.0).abs() < 1e-9);
    assert_eq!(error_rate(&chars("你好"), &chars("你们好")), 0.5);
}
