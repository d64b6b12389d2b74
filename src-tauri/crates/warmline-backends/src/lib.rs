//! Support backend adapters: each one implements
//! [`warmline_core::SupportBackend`] and passes the shared conformance suite
//! (`warmline_core::backend_conformance_tests!`). [`profile`] describes
//! what a caregiver sets up; [`factory::build_backend`] turns a profile into
//! its adapter.

#[cfg(feature = "chatwoot")]
pub mod chatwoot;
#[cfg(feature = "demo")]
pub mod demo;
pub mod factory;
#[cfg(feature = "matrix")]
pub mod matrix;
#[cfg(feature = "openai")]
pub mod openai;
pub mod profile;
#[cfg(feature = "relay")]
pub mod relay;
#[cfg(feature = "tiered")]
pub mod tiered;
#[cfg(feature = "tls")]
pub mod tls;

/// Log filter directives the app adds after the user's own filter, whatever
/// it says: dependencies that print whole requests, sign-in headers
/// included, at `trace` level are held at `debug`. (tungstenite logs the
/// WebSocket upgrade request, with its `Authorization` header, at `trace`.)
pub const SECRET_SAFE_LOG_DIRECTIVES: &[&str] = &["tungstenite::handshake=debug"];
