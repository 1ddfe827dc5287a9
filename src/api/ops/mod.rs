//! Operational endpoints: liveness, readiness, metrics.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

use crate::app::AppState;

/// Liveness: the process answers HTTP.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// Readiness: 200 only once the first snapshot is loaded (the fast path can answer).
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.snapshot.is_loaded() {
        let snapshot = state.snapshot.load();
        (
            StatusCode::OK,
            Json(json!({ "status": "ready", "snapshotVersion": snapshot.version })),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "loading" })),
        )
    }
}

/// Prometheus / OpenMetrics text.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let snapshot = state.snapshot.load();
    state.metrics.snapshot_version.set(snapshot.version);
    let age_ms = state
        .clock
        .now_ms()
        .saturating_sub(snapshot.built_at_ms)
        .max(0);
    state
        .metrics
        .snapshot_age_seconds
        .set(if state.snapshot.is_loaded() {
            age_ms as f64 / 1000.0
        } else {
            f64::NAN
        });
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}
