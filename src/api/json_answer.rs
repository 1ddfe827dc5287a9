//! The hot endpoints' JSON answers: a [`JsonObject`] written by hand (see
//! [`crate::core::json_out`]) sent as a `200` with `content-type:
//! application/json`, the body being the buffer itself, not a copy.
//!
//! Must never: be used for answers off the hot path, where axum's `Json`
//! is clearer.

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

pub use crate::core::json_out::JsonObject;

/// `o` as a `200` JSON answer.
pub fn respond(o: JsonObject) -> Response {
    let mut response = Body::from(o.finish()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
