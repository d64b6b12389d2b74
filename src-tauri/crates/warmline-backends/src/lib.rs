//! Support backend adapters: each one implements
//! [`warmline_core::SupportBackend`] and passes the shared conformance suite
//! (`warmline_core::backend_conformance_tests!`).

#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "relay")]
pub mod relay;
