//! A request body with a deadline: the whole body must arrive within
//! `server.body_read_timeout_ms` of the request head, or reading it fails
//! with [`BodyTimedOut`] (408 in the face's envelope, from the body
//! extractors). A client that sends a head and part of a body cannot hold a
//! connection, a task and its buffers for longer than that, on any route.
//!
//! Requests without a body (most of the fast path's) are not wrapped, so
//! they pay nothing. A handler that never reads its body does not need the
//! deadline: hyper closes the connection when an unread body is dropped
//! with bytes still to come.
//!
//! Must never: end a body early while data keeps arriving within the
//! deadline, or wrap a body that is already complete.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::{Instant, Sleep};

/// Why a body stopped: it did not arrive in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// Whether `error` (or an error it wraps) is a [`BodyTimedOut`].
pub fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut e = Some(error);
    while let Some(err) = e {
        if err.is::<BodyTimedOut>() {
            return true;
        }
        e = err.source();
    }
    false
}

pin_project_lite::pin_project! {
    /// [`Incoming`] that fails once `deadline` passes.
    pub struct TimedBody {
        #[pin]
        inner: Incoming,
        #[pin]
        deadline: Sleep,
    }
}

/// The request body as handlers see it: `incoming` as it is when it is
/// already complete, else with a deadline `timeout` from now.
pub fn with_deadline(incoming: Incoming, timeout: Duration) -> Body {
    if incoming.is_end_stream() {
        Body::new(incoming)
    } else {
        Body::new(TimedBody {
            inner: incoming,
            deadline: tokio::time::sleep_until(Instant::now() + timeout),
        })
    }
}

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        match this.inner.poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending => match this.deadline.poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
