//! Cross-cutting request handling: correlation ids, metrics, deadlines, and the
//! per-address throttle of the credential endpoints.

pub mod correlation;
pub mod deadline;
pub mod metrics;
pub mod signon_throttle;
