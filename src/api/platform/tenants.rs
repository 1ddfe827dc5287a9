//! Tenant provisioning over HTTP (proposed paths):
//!
//! - `POST /platform/v1/tenants` `{id, name}` → 201 `{id, name, status,
//!   operatorKey, signingKeys[{kid, purpose, alg}], pinTypes, created}`: the
//!   operator key is in this answer only (409 if the id is taken);
//! - `GET /platform/v1/tenants` → `{totalRecords, resourceSet[tenant]}`;
//! - `GET /platform/v1/tenants/{tenantId}` → the tenant;
//! - `POST /platform/v1/tenants/{tenantId}/actions/disable` and `.../enable`
//!   → the tenant with its new status;
//! - `POST /platform/v1/tenants/{tenantId}/actions/rotateOperatorKey` →
//!   `{operatorKey}` (the old key stops working).
//!
//! Must never: show an operator key in a read, or a tenant's settings
//! (they may name its peers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{Adm, FaceError};
use crate::api::extract::platform::Platform;
use crate::api::extract::{JsonBody, PathParam};
use crate::api::opf::resource_set::ResourceSet;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::snapshot::TenantStatus;
use crate::store::tenancy::tenants::Tenant;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTenantIn {
    id: String,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantOut {
    id: String,
    name: String,
    status: &'static str,
    created: String,
    modified: String,
}

impl From<Tenant> for TenantOut {
    fn from(t: Tenant) -> Self {
        Self {
            id: t.id,
            name: t.name,
            status: t.status.as_str(),
            created: iso(t.created),
            modified: iso(t.modified),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyOut {
    kid: String,
    purpose: &'static str,
    alg: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedOut {
    #[serde(flatten)]
    tenant: TenantOut,
    operator_key: String,
    signing_keys: Vec<KeyOut>,
    pin_types: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorKeyOut {
    operator_key: String,
}

/// `POST /platform/v1/tenants`.
pub async fn create(
    State(state): State<AppState>,
    _: Platform,
    JsonBody(body, ..): JsonBody<NewTenantIn, Adm>,
) -> AdmResult<(StatusCode, Json<ProvisionedOut>)> {
    let p = state
        .plane
        .tenancy
        .provision_tenant(&body.id, &body.name)
        .await?;
    tracing::info!(tenant = p.tenant.id, "tenant provisioned");
    Ok((
        StatusCode::CREATED,
        Json(ProvisionedOut {
            tenant: p.tenant.into(),
            operator_key: p.operator_key,
            signing_keys: p
                .signing_keys
                .into_iter()
                .map(|k| KeyOut {
                    kid: k.kid,
                    purpose: k.purpose.as_str(),
                    alg: k.alg.as_str(),
                })
                .collect(),
            pin_types: p.pin_types,
        }),
    ))
}

/// `GET /platform/v1/tenants`.
pub async fn list(
    State(state): State<AppState>,
    _: Platform,
) -> AdmResult<Json<ResourceSet<TenantOut>>> {
    let tenants = state.plane.tenancy.tenants().await?;
    Ok(Json(ResourceSet::all(
        tenants.into_iter().map(TenantOut::from).collect(),
    )))
}

/// `GET /platform/v1/tenants/{tenantId}`.
pub async fn get(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<TenantOut>> {
    Ok(Json(state.plane.tenancy.tenant(&id).await?.into()))
}

/// `POST /platform/v1/tenants/{tenantId}/actions/disable`.
pub async fn disable(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<TenantOut>> {
    let t = state
        .plane
        .tenancy
        .set_tenant_status(&id, TenantStatus::Suspended)
        .await?;
    tracing::info!(tenant = t.id, "tenant disabled");
    Ok(Json(t.into()))
}

/// `POST /platform/v1/tenants/{tenantId}/actions/enable`.
pub async fn enable(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<TenantOut>> {
    let t = state
        .plane
        .tenancy
        .set_tenant_status(&id, TenantStatus::Active)
        .await?;
    tracing::info!(tenant = t.id, "tenant enabled");
    Ok(Json(t.into()))
}

/// `POST /platform/v1/tenants/{tenantId}/actions/rotateOperatorKey`.
pub async fn rotate_operator_key(
    State(state): State<AppState>,
    _: Platform,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<OperatorKeyOut>> {
    let operator_key = state.plane.tenancy.rotate_operator_key(&id).await?;
    tracing::info!(tenant = id, "operator key rotated");
    Ok(Json(OperatorKeyOut { operator_key }))
}
