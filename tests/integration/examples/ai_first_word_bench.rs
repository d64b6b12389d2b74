//! Benchmark (not a test): time to the first visible word of the automatic
//! assistant's answer, with streaming on and off, against the real local
//! model (SmolLM2-135M-Instruct on llama.cpp's server, as in the tests).
//!
//! `cargo run -p warmline-integration-tests --example ai_first_word_bench [ROUNDS]`
//!
//! Each round opens a fresh conversation and asks one question; the clock
//! runs from `send_message` to the first `BotMessage` (what the user first
//! sees) and to the end of the answer. `WARMLINE_MODEL_THREADS` sets the
//! model's threads (default 1).

use std::sync::Arc;
use std::time::{Duration, Instant};

use warmline_backends::openai::{OpenAiBackend, OpenAiSettings};
use warmline_core::{
    BackendEvent, ConversationOptions, MemorySecrets, MessageId, OutgoingMessage, SupportBackend,
    Timestamp,
};
use warmline_model_server::{ModelServer, MODEL};

const QUESTIONS: [&str; 4] = [
    "What are your opening hours?",
    "How do I change the address for my parcel?",
    "My card was declined at the shop. What can I do?",
    "How can I pay my phone bill?",
];

fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(8);
    let server = tokio::task::spawn_blocking(ModelServer::start)
        .await
        .unwrap()
        .expect("the model server starts");
    println!(
        "model server at {} ({rounds} rounds per mode)",
        server.base_url()
    );
    for stream in [true, false] {
        let backend = OpenAiBackend::new(
            OpenAiSettings {
                stream,
                ..OpenAiSettings::new(server.base_url(), MODEL)
            },
            Arc::new(MemorySecrets::new()),
        )
        .expect("the assistant");
        let (mut first_word, mut whole) = (Vec::new(), Vec::new());
        // One round unmeasured: the server's first request warms it up.
        for round in 0..=rounds {
            let mut session = backend
                .open_conversation(ConversationOptions {
                    locale: "en-US".into(),
                    resume: None,
                })
                .await
                .unwrap();
            let _greeting = session.events.recv().await;
            let started = Instant::now();
            backend
                .send_message(
                    &session.conversation,
                    OutgoingMessage {
                        id: MessageId::new(),
                        text: QUESTIONS[round % QUESTIONS.len()].into(),
                        written_at: Timestamp::now(),
                    },
                )
                .await
                .unwrap();
            let mut first = None;
            while let Some(event) = session.events.recv().await {
                match event {
                    BackendEvent::BotMessage { .. } => {
                        first.get_or_insert_with(|| started.elapsed());
                    }
                    BackendEvent::Typing { active: false, .. }
                    | BackendEvent::BotTrouble { .. } => break,
                    _ => {}
                }
            }
            if round > 0 {
                first_word.push(first.unwrap_or_else(|| started.elapsed()));
                whole.push(started.elapsed());
            }
        }
        println!(
            "streaming {}: first visible word median {:.2} s (min {:.2}, max {:.2}); whole answer median {:.2} s",
            if stream { "on " } else { "off" },
            median(&mut first_word).as_secs_f64(),
            first_word[0].as_secs_f64(),
            first_word[first_word.len() - 1].as_secs_f64(),
            median(&mut whole).as_secs_f64(),
        );
    }
}
