//! The layer every request passes first: its correlation id
//! ([`super::correlation`]), its count and latency ([`super::metrics`]),
//! and the refusal of a repeated security header ([`super::single_headers`],
//! the one change it makes to an answer beyond the correlation id).
//!
//! One hand-written tower service with a concrete future, not two
//! `axum::middleware::from_fn` layers: each of those cloned the route's
//! boxed service and boxed the rest of the request's future, per request
//! (measured with `loadtest/instructions.sh`; docs/PERF.md).
//!
//! Must never: change the request, or the answer beyond the correlation id
//! header and the repeated-header refusal, or log anything of them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method};
use axum::response::Response;
use tokio::task::futures::TaskLocalFuture;
use tower::{Layer, Service};

use super::correlation;
use super::metrics::Metrics;
use super::single_headers::{self, Checked};

/// Wraps each route in [`Observe`].
#[derive(Clone)]
pub struct ObserveLayer {
    metrics: Arc<Metrics>,
}

impl ObserveLayer {
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self { metrics }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// A route (or the fallback) with its requests observed.
#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ObserveFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let started = Instant::now();
        let method = request.method().clone();
        let route = request.extensions().get::<MatchedPath>().cloned();
        let (id, header) = correlation::of_request(request.headers_mut());
        let checked = match single_headers::refusal(&request) {
            None => Checked::Pass {
                inner: self.inner.call(request),
            },
            Some(refusal) => Checked::Refused {
                path: request.uri().path().to_owned(),
                refusal,
            },
        };
        ObserveFuture {
            inner: correlation::scope(id, checked),
            seen: Some(Seen {
                started,
                method,
                route,
                header,
                metrics: self.metrics.clone(),
            }),
        }
    }
}

/// What is recorded when the answer is ready.
struct Seen {
    started: Instant,
    method: Method,
    route: Option<MatchedPath>,
    header: HeaderValue,
    metrics: Arc<Metrics>,
}

pin_project_lite::pin_project! {
    /// The route's future, inside the correlation id's scope.
    pub struct ObserveFuture<F> {
        #[pin]
        inner: TaskLocalFuture<String, Checked<F>>,
        seen: Option<Seen>,
    }
}

impl<F, E> Future for ObserveFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        if let Some(seen) = this.seen.take() {
            seen.metrics.observe(
                seen.method,
                seen.route,
                response.status().as_u16(),
                seen.started.elapsed().as_secs_f64(),
            );
            response
                .headers_mut()
                .insert(correlation::HEADER, seen.header);
        }
        Poll::Ready(Ok(response))
    }
}
