//! The listeners: hyper HTTP/1.1 connections over pre-bound listeners, with
//! header-size limits, head and body read deadlines, a cap on open
//! connections, and graceful shutdown (stop accepting, let in-flight
//! requests finish, close idle keep-alives).
//!
//! Connections on the public listener hold one of `server.max_connections`
//! permits for their whole life. Past the cap a new connection is closed at
//! once, except `server.reserved_ops_connections` more that are served the
//! operations routes only (`/healthz`, `/readyz`, `/metrics`), one request
//! each, so a load balancer's probe still gets an answer while the public
//! port is flooded. `server.ops_listen`, when set, is a second listener
//! that serves only those routes, with connections of its own. A request
//! head must arrive within `server.header_read_timeout_ms` (which also
//! bounds an idle keep-alive connection), its body within
//! `server.body_read_timeout_ms` ([`super::timed_body`]).
//!
//! Must never: let a connection live without its permit, or block the
//! accept loop on anything but `accept`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt as _;

use super::middleware::metrics::Metrics;
use super::timed_body::with_deadline;
use crate::config::ServerConfig;

/// Connections the ops listener serves at once.
const OPS_LISTENER_CONNECTIONS: usize = 64;
/// Head deadline on a reserved (over-the-cap) connection.
const RESERVED_HEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// What a node serves, and on which listeners.
pub struct Listeners {
    pub public: TcpListener,
    pub ops: Option<TcpListener>,
}

/// The two route tables: everything, and the operations routes alone.
pub struct Apps {
    pub full: Router,
    pub ops: Router,
}

/// A connection's permit and its place in the open-connections gauge,
/// both given back when the connection ends.
struct Held {
    _permit: OwnedSemaphorePermit,
    metrics: Arc<Metrics>,
}

impl Held {
    fn new(permit: OwnedSemaphorePermit, metrics: &Arc<Metrics>) -> Self {
        metrics.connections_open.inc();
        Held {
            _permit: permit,
            metrics: metrics.clone(),
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.metrics.connections_open.dec();
    }
}

/// How one accepted connection is served.
#[derive(Clone, Copy)]
enum Served {
    /// The whole route table.
    Full,
    /// The operations routes, keep-alive as usual (ops listener).
    Ops,
    /// The operations routes, one request (a reserved slot past the cap).
    Reserved,
}

/// Serves until `shutdown` resolves, then drains.
pub async fn serve(
    listeners: Listeners,
    apps: Apps,
    config: &ServerConfig,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) {
    let header_timeout = Duration::from_millis(config.header_read_timeout_ms);
    let body_timeout = Duration::from_millis(config.body_read_timeout_ms);
    let builder = |header_timeout: Duration, keep_alive: bool| {
        let mut http = http1::Builder::new();
        http.max_buf_size(config.max_header_bytes)
            .max_headers(config.max_headers)
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(keep_alive);
        http
    };
    let http = builder(header_timeout, true);
    let reserved_http = builder(RESERVED_HEADER_TIMEOUT, false);
    let max_connections = fit_open_files(config.max_connections, config.reserved_ops_connections);
    let public_permits = Arc::new(Semaphore::new(max_connections));
    let reserved_permits = Arc::new(Semaphore::new(config.reserved_ops_connections));
    let ops_permits = Arc::new(Semaphore::new(OPS_LISTENER_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (accepted, from_ops) = tokio::select! {
            a = listeners.public.accept() => (a, false),
            a = accept_ops(listeners.ops.as_ref()) => (a, true),
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // EMFILE and friends: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let admitted = if from_ops {
            ops_permits
                .clone()
                .try_acquire_owned()
                .ok()
                .map(|p| (p, Served::Ops))
        } else {
            public_permits
                .clone()
                .try_acquire_owned()
                .map(|p| (p, Served::Full))
                .or_else(|_| {
                    reserved_permits
                        .clone()
                        .try_acquire_owned()
                        .map(|p| (p, Served::Reserved))
                })
                .ok()
        };
        let Some((permit, served)) = admitted else {
            // Over every limit: closed at once, nothing read or allocated.
            metrics.connections_refused.inc();
            drop(stream);
            continue;
        };
        let held = Held::new(permit, &metrics);
        let (router, http) = match served {
            Served::Full => (&apps.full, &http),
            Served::Ops => (&apps.ops, &http),
            Served::Reserved => (&apps.ops, &reserved_http),
        };
        let connection = graceful.watch(http.serve_connection(
            TokioIo::new(stream),
            service(router.clone(), peer, body_timeout),
        ));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(held);
        });
    }
    drop(listeners);
    let grace = Duration::from_millis(config.shutdown_grace_ms);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections drained"),
        () = tokio::time::sleep(grace) => tracing::warn!("shutdown grace period over; closing remaining connections"),
    }
}

/// The next connection of the ops listener, or never when there is none.
async fn accept_ops(ops: Option<&TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match ops {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// One connection's service: the route table, the peer's address, the body
/// deadline.
fn service(
    router: Router,
    peer: SocketAddr,
    body_timeout: Duration,
) -> impl hyper::service::Service<
    hyper::Request<Incoming>,
    Response = axum::response::Response,
    Error = std::convert::Infallible,
    Future = impl Future<Output = Result<axum::response::Response, std::convert::Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(|b| with_deadline(b, body_timeout));
        request
            .extensions_mut()
            .insert(ConnectInfo::<SocketAddr>(peer));
        router.clone().oneshot(request)
    })
}

/// The connection cap the process's open-file limit allows: the soft limit
/// is raised towards the hard one to fit `wanted` connections plus the
/// reserve and room for the store, logs and peers; if it cannot be, the cap
/// is lowered to fit, with a warning.
fn fit_open_files(wanted: usize, reserved: usize) -> usize {
    const SPARE: usize = 512;
    let need = (wanted + reserved + SPARE) as u64;
    match rlimit::increase_nofile_limit(need) {
        Ok(limit) if limit >= need => wanted,
        Ok(limit) => {
            let fit = (limit as usize).saturating_sub(reserved + SPARE).max(1);
            tracing::warn!(
                wanted,
                open_file_limit = limit,
                max_connections = fit,
                "the open-file limit is too low for server.max_connections; serving fewer"
            );
            fit
        }
        Err(e) => {
            tracing::warn!(error = %e, "the open-file limit could not be read; keeping server.max_connections");
            wanted
        }
    }
}
