//! Loopback fault-injection infrastructure for Warmline's tests.
