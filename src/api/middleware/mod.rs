//! Cross-cutting request handling: correlation ids, metrics, deadlines.

pub mod correlation;
pub mod deadline;
pub mod metrics;
