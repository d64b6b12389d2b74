//! Opens the default microphone for a few seconds and prints the level
//! meter and any error, without a model — for diagnosing a user's audio set-up.
//!
//! ```text
//! cargo run --release -p warmline-voice --example mic_check -- [seconds]
//! ```

use std::sync::mpsc;
use std::time::{Duration, Instant};

use warmline_voice::resample::level;
use warmline_voice::{AudioSource, CaptureEvent, CpalMicrophone};

fn main() {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut microphone = CpalMicrophone::new();
    let (tx, rx) = mpsc::channel();
    if let Err(error) = microphone.start(tx) {
        println!(
            "could not open the microphone: {error} ({})",
            error.message_id()
        );
        std::process::exit(1);
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut total = 0usize;
    while Instant::now() < until {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(CaptureEvent::Audio(samples)) => {
                total += samples.len();
                let bar = "#".repeat((level(&samples) * 40.0) as usize);
                println!("{:>6.2} s {bar}", total as f64 / 16_000.0);
            }
            Ok(CaptureEvent::Lost(error)) => {
                println!("microphone lost: {error} ({})", error.message_id());
                std::process::exit(1);
            }
            Ok(CaptureEvent::Ended) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    microphone.stop();
    println!("captured {:.2} s of 16 kHz audio", total as f64 / 16_000.0);
}
