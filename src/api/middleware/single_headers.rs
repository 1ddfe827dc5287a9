//! Security-relevant headers arrive once or the request is refused: a
//! request that carries `Authorization`, a tenant header, `Content-Type` or
//! another header in [`SINGLE`] twice gets 400 in its face's envelope before
//! any extractor reads it, so no part of playgate can read the first copy
//! while a proxy, a WAF or the edge read the last.
//!
//! Cheap on the fast path: a request whose header map holds as many values
//! as names (no header repeated) is passed on after one comparison; only
//! one with a repeated header looks the names up.
//!
//! Must never: refuse a repeated header that is not in [`SINGLE`] (proxies
//! legitimately repeat `X-Forwarded-For`, `Forwarded`, `Accept`, ...).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::response::Response;
use tower::{Layer, Service};

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

/// Wraps each route in [`SingleHeaders`].
#[derive(Clone, Copy, Default)]
pub struct SingleHeadersLayer;

impl<S> Layer<S> for SingleHeadersLayer {
    type Service = SingleHeaders<S>;

    fn layer(&self, inner: S) -> SingleHeaders<S> {
        SingleHeaders { inner }
    }
}

#[derive(Clone)]
pub struct SingleHeaders<S> {
    inner: S,
}

impl<S> Service<Request> for SingleHeaders<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = SingleHeadersFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match repeated(request.headers()) {
            None => SingleHeadersFuture::Pass {
                inner: self.inner.call(request),
            },
            Some(name) => {
                let refusal = ApiError::bad_request(
                    codes::BAD_REQUEST,
                    format!("header {name} must be sent once"),
                );
                SingleHeadersFuture::Refused {
                    response: Some(render_for_path(request.uri().path(), &refusal)),
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The route's future, or the refusal.
    #[project = Projected]
    pub enum SingleHeadersFuture<F> {
        Pass { #[pin] inner: F },
        Refused { response: Option<Response> },
    }
}

impl<F, E> Future for SingleHeadersFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Projected::Pass { inner } => inner.poll(cx),
            Projected::Refused { response } => {
                Poll::Ready(Ok(response.take().expect("polled after completion")))
            }
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
