//! Cross-cutting request handling: correlation ids, metrics, deadlines,
//! security headers sent once, and,
//! on the credential endpoints, the per-address throttle and the tenant's
//! network policy.

pub mod admin_limit;
pub mod correlation;
pub mod deadline;
pub mod metrics;
pub mod network_guard;
pub mod observe;
pub mod signon_throttle;
pub mod single_headers;
