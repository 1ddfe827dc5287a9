//! JSON request bodies: content type, size, control characters
//! ([`super::control_chars`]) and shape checked, each failure a 4xx in the
//! face's envelope.

use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use super::control_chars::field_with_control;
use crate::api::error::{codes, ApiError, Face, FaceError};
use crate::api::timed_body::is_timeout;

/// A deserialised JSON body. With `LINES`, its strings may hold line
/// breaks (and no other control character): see [`MultilineJsonBody`].
pub struct JsonBody<T, F: Face, const LINES: bool = false>(pub T, pub PhantomData<F>);

/// A JSON body whose strings may hold line breaks, for the few that carry
/// PEM text (a CDN's private key).
pub type MultilineJsonBody<T, F> = JsonBody<T, F, true>;

/// The media type of a `Content-Type` value, without its parameters.
fn essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// The request's `Content-Type` ("" when absent or not text).
fn content_type(req: &Request) -> &str {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The whole body: 408 past `server.body_read_timeout_ms`, 413 past the
/// route's body limit, else `unreadable`.
async fn read_bytes<S: Send + Sync>(
    req: Request,
    state: &S,
    unreadable: impl FnOnce() -> ApiError,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if is_timeout(&rejection) {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                codes::BODY_TIMEOUT,
                "the request body did not arrive in time",
            )
        } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::BODY_TOO_LARGE,
                "request body is too large",
            )
        } else {
            unreadable()
        }
    })
}

fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence.eq_ignore_ascii_case("application/json")
        || (essence.len() > 5
            && essence[..essence.len() - 5].contains('/')
            && essence[essence.len() - 5..].eq_ignore_ascii_case("+json"))
}

impl<T, F, S, const LINES: bool> FromRequest<S> for JsonBody<T, F, LINES>
where
    T: DeserializeOwned,
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(content_type(&req)) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                "request body must be application/json",
            )
            .into());
        }
        let bytes = read_bytes(req, state, || {
            ApiError::bad_request(codes::MALFORMED_JSON, "request body could not be read")
        })
        .await?;
        if let Some(field) = field_with_control(&bytes, LINES) {
            return Err(ApiError::bad_request(
                codes::BAD_REQUEST,
                format!("{field} must not hold control characters"),
            )
            .into());
        }
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            // serde_json's messages name the field and position, never other data.
            ApiError::bad_request(codes::MALFORMED_JSON, format!("invalid JSON body: {e}"))
        })?;
        Ok(JsonBody(value, PhantomData))
    }
}

/// A JSON body that may be absent: an empty body is `None`; a non-empty one is
/// checked exactly as [`JsonBody`] checks it.
pub struct OptionalJsonBody<T, F: Face>(pub Option<T>, pub PhantomData<F>);

impl<T, F, S> FromRequest<S> for OptionalJsonBody<T, F>
where
    T: DeserializeOwned,
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let declared_empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() == b"0");
        let no_body = declared_empty
            || (req.headers().get(header::CONTENT_LENGTH).is_none()
                && req.headers().get(header::TRANSFER_ENCODING).is_none());
        if no_body {
            return Ok(OptionalJsonBody(None, PhantomData));
        }
        let JsonBody(value, _) = JsonBody::<T, F>::from_request(req, state).await?;
        Ok(OptionalJsonBody(Some(value), PhantomData))
    }
}

/// A CSV (or plain text) body as UTF-8 text; its size is bounded by the
/// route's body limit.
pub struct CsvBody<F: Face>(pub String, pub PhantomData<F>);

impl<F, S> FromRequest<S> for CsvBody<F>
where
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let essence = essence(content_type(&req));
        if !(essence.eq_ignore_ascii_case("text/csv") || essence.eq_ignore_ascii_case("text/plain"))
        {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                codes::UNSUPPORTED_MEDIA_TYPE,
                "request body must be text/csv",
            )
            .into());
        }
        let bytes = read_bytes(req, state, || {
            ApiError::bad_request(codes::BAD_REQUEST, "request body could not be read")
        })
        .await?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            ApiError::bad_request(
                codes::BAD_REQUEST,
                format!(
                    "request body is not UTF-8 (at byte {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Ok(CsvBody(text, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json(""));
        assert!(!is_json("text/plain"));
        assert!(!is_json("+json"));
        assert!(!is_json("application/x-www-form-urlencoded"));
    }
}
