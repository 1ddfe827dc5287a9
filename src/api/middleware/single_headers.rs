//! Security-relevant headers arrive once or the request is refused: a
//! request that carries `Authorization`, a tenant header, `Content-Type` or
//! another header in [`SINGLE`] twice gets 400 in its face's envelope before
//! any extractor reads it, so no part of playgate can read the first copy
//! while a proxy, a WAF or the edge read the last.
//!
//! Checked by the observe layer ([`super::observe`]), which every request
//! passes first, so a refusal carries the request's correlation id and is
//! counted like any answer. Cheap on the fast path: a request whose header
//! map holds as many values as names (no header repeated) is passed on
//! after one comparison; only one with a repeated header looks the names
//! up.
//!
//! Must never: refuse a repeated header that is not in [`SINGLE`] (proxies
//! legitimately repeat `X-Forwarded-For`, `Forwarded`, `Accept`, ...).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;

use crate::api::error::{codes, render_for_path, ApiError};

/// Headers whose value decides who the caller is, which tenant, what the
/// body is, or which token or id a request carries.
pub const SINGLE: &[&str] = &[
    "authorization",
    "content-type",
    "nv-tenant-id",
    "tenantid",
    "x-auth-service-id",
    "user-token",
    "token",
    "country-code",
    "nv-mac-address",
    "xcid",
    "x-correlation-id",
    "cta-common-access-token",
    "x-original-uri",
    "x-original-host",
    "x-original-scheme",
];

/// The first header of [`SINGLE`] that `headers` carries more than once.
pub fn repeated(headers: &HeaderMap) -> Option<&'static str> {
    if headers.len() == headers.keys_len() {
        return None;
    }
    SINGLE
        .iter()
        .copied()
        .find(|name| headers.get_all(*name).iter().nth(1).is_some())
}

/// The refusal of a request that repeats a header of [`SINGLE`], if it does.
pub fn refusal(request: &Request) -> Option<ApiError> {
    repeated(request.headers()).map(|name| {
        ApiError::bad_request(
            codes::BAD_REQUEST,
            format!("header {name} must be sent once"),
        )
    })
}

pin_project_lite::pin_project! {
    /// The route's future, or the refusal (rendered in the face of its
    /// path when polled, inside the request's correlation scope).
    #[project = Projected]
    pub enum Checked<F> {
        Pass { #[pin] inner: F },
        Refused { path: String, refusal: ApiError },
    }
}

impl<F, E> Future for Checked<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projected::Pass { inner } => inner.poll(cx),
            Projected::Refused { path, refusal } => Poll::Ready(Ok(render_for_path(path, refusal))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_headers_repeated_are_found() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer a".parse().unwrap());
        h.append("x-forwarded-for", "192.0.2.1".parse().unwrap());
        h.append("x-forwarded-for", "192.0.2.2".parse().unwrap());
        assert_eq!(repeated(&h), None);
        h.append("Content-Type", "application/json".parse().unwrap());
        assert_eq!(repeated(&h), None);
        h.append("TenantId", "a".parse().unwrap());
        h.append("tenantid", "b".parse().unwrap());
        assert_eq!(repeated(&h), Some("tenantid"));
        let mut h = HeaderMap::new();
        for name in SINGLE {
            h.append(*name, "x".parse().unwrap());
        }
        assert_eq!(repeated(&h), None);
        h.append("authorization", "Bearer b".parse().unwrap());
        assert_eq!(repeated(&h), Some("authorization"));
    }
}
