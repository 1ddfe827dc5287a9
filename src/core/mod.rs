//! The fast path: pure, synchronous decision-making over in-memory snapshots.
//!
//! Owns: the immutable snapshots readers `load()` per request, the injected clock
//! and id source, and (as they land) the decision, tokens, network tables and CDN
//! signers.
//!
//! Must never: perform I/O, await, or import the HTTP or SQL layers (`axum`,
//! `hyper`, `sqlx`, `tokio::net`). A test in `tests/it/layout.rs` fails the build's
//! tests if it does.

pub mod activity;
pub mod catalogue;
pub mod cdn;
pub mod claims;
pub mod clock;
pub mod content_claims;
pub mod decide;
pub mod device_codes;
pub mod devices;
pub mod gateway_claims;
pub mod ids;
pub mod inhome;
pub mod json_out;
pub mod jwt;
pub mod keys;
pub mod limited_claims;
pub mod net;
pub mod operator_jwt;
pub mod parental;
pub mod query;
pub mod scoped_claims;
pub mod sessions;
pub mod snapshot;
pub mod status;
pub mod username;
