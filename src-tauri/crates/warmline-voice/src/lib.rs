//! Offline voice input for Warmline.
