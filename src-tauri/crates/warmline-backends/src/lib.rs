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
pub mod profile;
#[cfg(feature = "relay")]
pub mod relay;
