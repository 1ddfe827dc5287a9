//! Answers that are one caller's own data (a profile's bookmarks, an
//! account's profiles): `Cache-Control: private, no-store`, so no shared
//! cache keeps them.
//!
//! Must never: mark an answer that a shared cache may keep.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// `body` with `Cache-Control: private, no-store`.
pub fn private(body: impl IntoResponse) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}
