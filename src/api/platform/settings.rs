//! A tenant's settings document over HTTP (proposed paths):
//!
//! - `GET /platform/v1/tenants/{tenantId}/settings` → the document, its
//!   secrets shown as `***`;
//! - `PUT /platform/v1/tenants/{tenantId}/settings` (the whole document) →
//!   the stored document as `GET` shows it; every section is checked by the
//!   code that reads it (400 naming the key); a secret sent back as `***`
//!   keeps its stored value.

use axum::extract::State;
use axum::Json;
use serde_json::Value;

use crate::api::error::{Adm, FaceError};
use crate::api::extract::platform::Platform;
use crate::api::extract::{JsonBody, PathParam};
use crate::app::AppState;

type AdmResult<T> = Result<T, FaceError<Adm>>;

/// `GET /platform/v1/tenants/{tenantId}/settings`.
pub async fn get(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<Value>> {
    Ok(Json(state.plane.tenancy.tenant_settings(&id).await?))
}

/// `PUT /platform/v1/tenants/{tenantId}/settings`.
pub async fn put(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
    JsonBody(settings, ..): JsonBody<Value, Adm>,
) -> AdmResult<Json<Value>> {
    let stored = state
        .plane
        .tenancy
        .replace_tenant_settings(&id, settings)
        .await?;
    tracing::info!(tenant = id, "tenant settings replaced");
    Ok(Json(stored))
}
