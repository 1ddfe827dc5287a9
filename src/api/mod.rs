//! HTTP: the one route table, middleware, extractors, error envelopes and the
//! listener loop. `opf/` and `rocket/` hold thin handlers over `core` and `plane`.
//!
//! Must never: hold business rules (they live in `core` and `plane`), read the
//! environment, or return an error outside its face's envelope.

mod cacheable;
mod edge;
pub mod error;
pub mod extract;
mod json_answer;
mod lease_out;
pub mod middleware;
mod opf;
mod ops;
mod platform;
mod private_answer;
mod rocket;
pub mod routes;
pub mod server;
mod time_fmt;
pub mod timed_body;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::MethodRouter;
use axum::Router;

use crate::app::AppState;
use error::{codes, render_for_path, ApiError};

/// Every route playgate serves, built from the route table
/// ([`routes::table`]): each group's routes (methods of one path merged)
/// behind the group's layers.
pub fn router(state: AppState) -> Router {
    let admin_deadline = Duration::from_millis(state.config.server.admin_timeout_ms);
    let admin_limit = middleware::admin_limit::AdminLimit::new(
        state.config.server.admin_concurrency,
        Duration::from_millis(state.config.server.admin_queue_timeout_ms),
        state.config.server.max_body_bytes,
    );
    let table = routes::table();
    let group = |g: routes::Group| group_router(&table, g, &state);

    // Credential endpoints (passwords, PINs, device codes, managed-device ids,
    // single-use tokens): store-backed, and every 401 they answer counts against
    // the caller's address.
    let credentials = group(routes::Group::Credentials)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::network_guard::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::signon_throttle::layer,
        ));

    // Admin plane: store-backed, behind the concurrency limit and bounded by
    // a per-request deadline (which counts the wait for a slot).
    let admin = group(routes::Group::Admin)
        .merge(credentials)
        .route_layer(axum::middleware::from_fn_with_state(
            admin_limit,
            middleware::admin_limit::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            admin_deadline,
            middleware::deadline::layer,
        ));

    // Fast path: answered from the snapshot, no store access.
    let fast = group(routes::Group::Fast);
    let ops = group(routes::Group::Ops);

    Router::new()
        .merge(admin)
        .merge(fast)
        .merge(ops)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(state.config.server.max_body_bytes))
        .layer(middleware::observe::ObserveLayer::new(
            state.metrics.clone(),
        ))
        .with_state(state)
}

/// The table's routes of group `g` (the methods of one path merged).
fn group_router(table: &[routes::Route], g: routes::Group, state: &AppState) -> Router<AppState> {
    let mut paths: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for r in table.iter().filter(|r| r.group == g) {
        let handler = (r.handler)(state);
        match paths.iter_mut().find(|(p, _)| *p == r.path) {
            Some((_, methods)) => *methods = std::mem::take(methods).merge(handler),
            None => paths.push((r.path, handler)),
        }
    }
    paths
        .into_iter()
        .fold(Router::new(), |router, (path, methods)| {
            router.route(path, methods)
        })
}

/// The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for the
/// ops listener and the connections reserved past the connection cap;
/// anything else there is 503 (the public port is the place for it).
pub fn ops_router(state: AppState) -> Router {
    group_router(&routes::table(), routes::Group::Ops, &state)
        .fallback(ops_only)
        .layer(middleware::observe::ObserveLayer::new(
            state.metrics.clone(),
        ))
        .with_state(state)
}

async fn ops_only(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "this connection serves /healthz, /readyz and /metrics only; the server is at its connection limit",
        ),
    )
}

async fn unknown_route(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::NOT_FOUND,
            codes::ROUTE_NOT_FOUND,
            "no such route",
        ),
    )
}

async fn wrong_method(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::METHOD_NOT_ALLOWED,
            "method not allowed on this route",
        ),
    )
}
