//! Fault-injection tools for Warmline's tests: a reference server of the
//! Warmline relay protocol whose state survives a restart
//! ([`relay_server::RelayServer`]), and a loopback TCP proxy that cuts,
//! refuses, stalls and slows connections ([`fault_proxy::FaultProxy`]).
//!
//! Nothing here is shipped in the app.

pub mod delivery;
pub mod fault_proxy;
pub mod relay_server;
pub mod tls;

pub use delivery::DeliveryCount;
pub use fault_proxy::{FaultProxy, Flow};
pub use relay_server::{ReceivedMessage, RelayServer, RelayServerConfig};
pub use tls::{ServerIdentity, TestCa};

#[cfg(test)]
mod tests;
