//! playgate: playback authorisation and CDN tokens for OTT/IPTV operators.
//!
//! See `ARCHITECTURE.md` for the map of these modules and their invariants.

pub mod api;
pub mod app;
pub mod config;
pub mod core;
pub mod demo;
pub mod memory;
pub mod plane;
pub mod playback;
pub mod store;
pub mod sync;
