//! The admin plane's concurrency limit: at most `server.admin_concurrency`
//! admin-plane requests are served at once; the next ones wait for a slot
//! up to `server.admin_queue_timeout_ms`, then answer 503 `50300` (with
//! `Retry-After: 1`) in the face's envelope. So a burst of slow admin work
//! (store queries, KDFs) queues here instead of taking the async workers
//! the fast path's routes, which are outside this group, need.
//!
//! A request body is read before a slot is taken (up to
//! `server.max_body_bytes`, under the body deadline), so a client that
//! stalls its body holds no slot: it gets its 408 from the handler's
//! extractor as before, without one. A body that fails to arrive is handed
//! on as it failed, and the handler answers that without a slot. Only a
//! body larger than `max_body_bytes` (a network list upload, or a 413 to
//! be) is read by the handler holding its slot.
//!
//! Must never: wrap a fast-path route, hold a slot past the answer, or
//! change what a handler reads of its body.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Body as HttpBody, Frame};
use http_body_util::BodyExt as _;
use tokio::sync::Semaphore;

use crate::api::error::{codes, render_for_path, ApiError};

/// The slots, how long a request waits for one, and how much of a body is
/// read before.
#[derive(Clone)]
pub struct AdminLimit {
    slots: Arc<Semaphore>,
    queue_timeout: Duration,
    max_body: usize,
}

impl AdminLimit {
    pub fn new(concurrency: usize, queue_timeout: Duration, max_body: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(concurrency)),
            queue_timeout,
            max_body,
        }
    }
}

/// A request after its body was read (see [`read_body`]).
enum Read {
    /// The whole body, in memory (or there was none).
    Whole(Request),
    /// Past the cap: what was read, then the rest as it comes.
    TooLarge(Request),
    /// The body failed (its deadline, a broken connection): handed on as
    /// it failed.
    Failed(Request),
}

/// Reads `request`'s body, up to `cap` bytes, into memory.
async fn read_body(request: Request, cap: usize) -> Read {
    let headers = request.headers();
    let bodiless = match headers.get(header::CONTENT_LENGTH) {
        Some(len) => len.as_bytes() == b"0",
        None => !headers.contains_key(header::TRANSFER_ENCODING),
    };
    if bodiless {
        return Read::Whole(request);
    }
    let (parts, mut body) = request.into_parts();
    let mut read = Vec::new();
    loop {
        match body.frame().await {
            None => return Read::Whole(Request::from_parts(parts, Body::from(read))),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    read.extend_from_slice(&data);
                    if read.len() > cap {
                        let body = Body::new(Prefixed {
                            prefix: Some(Bytes::from(read)),
                            rest: body,
                        });
                        return Read::TooLarge(Request::from_parts(parts, body));
                    }
                }
            }
            Some(Err(e)) => {
                let body = Body::new(Failed(Some(e)));
                return Read::Failed(Request::from_parts(parts, body));
            }
        }
    }
}

/// A body whose first bytes were read already.
struct Prefixed {
    prefix: Option<Bytes>,
    rest: Body,
}

impl HttpBody for Prefixed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Some(prefix) = self.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(prefix))));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }
}

/// A body that failed while it was read: the same error, once.
struct Failed(Option<axum::Error>);

impl HttpBody for Failed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Poll::Ready(self.0.take().map(Err))
    }
}

pub async fn layer(State(limit): State<AdminLimit>, request: Request, next: Next) -> Response {
    let request = match read_body(request, limit.max_body).await {
        Read::Whole(r) | Read::TooLarge(r) => r,
        // The handler answers the failure (408, ...) at once; no slot.
        Read::Failed(r) => return next.run(r).await,
    };
    match tokio::time::timeout(limit.queue_timeout, limit.slots.clone().acquire_owned()).await {
        Ok(Ok(_slot)) => next.run(request).await,
        _ => {
            tracing::warn!(
                path = request.uri().path(),
                "admin plane busy: no slot in time"
            );
            render_for_path(
                request.uri().path(),
                &ApiError {
                    retry_after_s: Some(1),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        codes::UNAVAILABLE,
                        "the admin plane is busy, retry later",
                    )
                },
            )
        }
    }
}
