//! Answers from memory that caches and CDNs may keep (catalogue lists):
//! a strong `ETag` (a digest of the body, so it changes exactly when the
//! answer does, time-dependent flags included), `Cache-Control` with the
//! configured `max-age` (or `no-store` when the request says `cache=false`),
//! and `304 Not Modified` when `If-None-Match` names the current tag.
//!
//! Must never: answer 304 to a tag that is not this body's.

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// How long caches may keep the answer; `None`: not at all.
#[derive(Debug, Clone, Copy)]
pub struct CachePolicy(pub Option<u32>);

impl CachePolicy {
    fn header(self) -> HeaderValue {
        match self.0 {
            Some(s) => HeaderValue::from_str(&format!("public, max-age={s}"))
                .expect("digits are a header value"),
            None => HeaderValue::from_static("no-store"),
        }
    }
}

/// The strong entity tag of `body`.
pub fn etag(body: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, body);
    format!("\"{}\"", hex::encode(&digest.as_ref()[..16]))
}

/// Whether `If-None-Match` names `tag` (or `*`). Weak comparison, as
/// RFC 9110 asks of `If-None-Match`: `W/"x"` matches `"x"`.
pub fn matches(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == tag)
}

/// The JSON `body` as a cacheable answer to a request with `headers`.
pub fn answer(headers: &HeaderMap, body: Vec<u8>, policy: CachePolicy) -> Response {
    let tag = etag(&body);
    let tag_value = HeaderValue::from_str(&tag).expect("hex is a header value");
    let mut response = if matches(headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Body::from(body).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        r
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, tag_value);
    h.insert(header::CACHE_CONTROL, policy.header());
    h.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, nv-tenant-id"),
    );
    response
}
