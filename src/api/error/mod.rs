//! Errors as clients see them: one [`ApiError`] value, mapped from the admin
//! plane's error in one place, rendered by each face in its documented envelope.
//!
//! Must never: put internal error text (SQL, panics, file paths) in a response.

pub mod codes;
mod envelopes;
mod fast_path;

use std::borrow::Cow;
use std::marker::PhantomData;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use envelopes::{Adm, Face, Opf, Rocket};

use crate::plane::PlaneError;

/// A client-facing error: HTTP status, registry code and a safe message.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: u32,
    pub message: Cow<'static, str>,
    /// Seconds for a `Retry-After` header (429, 503).
    pub retry_after_s: Option<i64>,
    /// One more field of the envelope, for the refusals that say what to
    /// do next (e.g. `activeSessions`, the streams a player may stop).
    pub extra: Option<Box<(&'static str, serde_json::Value)>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: u32, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_s: None,
            extra: None,
        }
    }

    /// With one more envelope field.
    pub fn with(mut self, key: &'static str, value: serde_json::Value) -> Self {
        self.extra = Some(Box::new((key, value)));
        self
    }

    pub fn bad_request(code: u32, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<PlaneError> for ApiError {
    #[track_caller]
    fn from(e: PlaneError) -> Self {
        match e {
            PlaneError::BadRequest(m) => Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, m),
            PlaneError::NotFound(what) => Self::new(
                StatusCode::NOT_FOUND,
                codes::NOT_FOUND,
                format!("{what} not found"),
            ),
            PlaneError::Conflict(m) => Self::new(StatusCode::CONFLICT, codes::CONFLICT, m),
            PlaneError::Unauthorized(m) => {
                Self::new(StatusCode::UNAUTHORIZED, codes::BAD_CREDENTIALS, m)
            }
            PlaneError::Refused { code, message } => {
                Self::new(StatusCode::FORBIDDEN, code, message)
            }
            PlaneError::RefusedFor {
                code,
                message,
                retry_after_s,
            } => Self {
                retry_after_s: Some(retry_after_s.max(1)),
                ..Self::new(StatusCode::FORBIDDEN, code, message)
            },
            PlaneError::Throttled { retry_after_s } => Self {
                retry_after_s: Some(retry_after_s.max(1)),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    codes::THROTTLED,
                    "too many failed attempts, retry later",
                )
            },
            PlaneError::Upstream(m) => Self::new(StatusCode::BAD_GATEWAY, codes::UPSTREAM, m),
            PlaneError::Unavailable => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "service temporarily unavailable, retry later",
            ),
            PlaneError::Internal(detail) => {
                let at = std::panic::Location::caller();
                tracing::error!(error = %detail, at = %at, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    codes::INTERNAL,
                    "internal error",
                )
            }
        }
    }
}

/// A list query the language refuses: 400 `40003` naming the part.
impl From<crate::core::query::QueryError> for ApiError {
    fn from(e: crate::core::query::QueryError) -> Self {
        Self::bad_request(codes::BAD_QUERY, e.0)
    }
}

/// An [`ApiError`] that renders in face `F`'s envelope.
pub struct FaceError<F: Face>(pub ApiError, PhantomData<F>);

impl<F: Face> FaceError<F> {
    pub fn new(e: ApiError) -> Self {
        Self(e, PhantomData)
    }
}

impl<F: Face> std::fmt::Debug for FaceError<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<F: Face> From<ApiError> for FaceError<F> {
    fn from(e: ApiError) -> Self {
        Self::new(e)
    }
}

impl<F: Face> From<PlaneError> for FaceError<F> {
    #[track_caller]
    fn from(e: PlaneError) -> Self {
        Self::new(ApiError::from(e))
    }
}

impl<F: Face> IntoResponse for FaceError<F> {
    fn into_response(self) -> Response {
        F::render(&self.0)
    }
}

/// Which face a path belongs to, for errors raised before a handler is chosen
/// (unknown route, wrong method, deadline).
pub fn render_for_path(path: &str, err: &ApiError) -> Response {
    if path == "/api" || path.starts_with("/api/") {
        Rocket::render(err)
    } else if path.starts_with("/adm/") || path.starts_with("/platform/") {
        Adm::render(err)
    } else {
        Opf::render(err)
    }
}
