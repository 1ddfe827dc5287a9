//! Per-request deadline for the admin plane: past it, 503 in the face's envelope.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::api::error::{codes, render_for_path, ApiError};

pub async fn layer(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, "admin request ran past its deadline");
            render_for_path(
                &path,
                &ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    codes::UNAVAILABLE,
                    "request deadline exceeded, retry later",
                ),
            )
        }
    }
}
