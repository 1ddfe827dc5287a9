//! The one admin-plane error type; the API maps it to each face's envelope in one place.

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum PlaneError {
    /// Input that fails validation; `message` names the field.
    #[error("{0}")]
    BadRequest(String),
    /// The named thing does not exist (in this tenant).
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// Credentials missing or wrong (401).
    #[error("{0}")]
    Unauthorized(&'static str),
    /// A rule refuses the request (403) with a documented code (e.g. 20001).
    #[error("{message}")]
    Refused { code: u32, message: &'static str },
    /// A rule refuses the request (403) until some time has passed (the
    /// client is told with `Retry-After`).
    #[error("{message}")]
    RefusedFor {
        code: u32,
        message: &'static str,
        retry_after_s: i64,
    },
    /// Too many failed attempts; retry after this many seconds (429).
    #[error("too many failed attempts")]
    Throttled { retry_after_s: i64 },
    /// A service playgate depends on (e.g. the DAS server) failed (502).
    #[error("{0}")]
    Upstream(&'static str),
    /// The store cannot be reached: retry later.
    #[error("service temporarily unavailable")]
    Unavailable,
    /// A bug or corrupt data; details are logged, never returned.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for PlaneError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => PlaneError::NotFound("resource"),
            StoreError::Conflict(what) => PlaneError::Conflict(what),
            StoreError::Unavailable(detail) => {
                // The caller gets a bare 503; the operator sees why (pool
                // exhausted, database locked, unreachable: no secrets).
                tracing::warn!(error = %detail, "store unavailable");
                PlaneError::Unavailable
            }
            other => PlaneError::Internal(other.to_string()),
        }
    }
}
