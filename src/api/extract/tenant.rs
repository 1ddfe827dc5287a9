//! The tenant a request is for, resolved from memory (the snapshot).

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::api::error::{codes, ApiError, Face, FaceError};
use crate::app::AppState;
use crate::core::ids::is_valid_tenant_id;
use crate::core::snapshot::{Snapshot, TenantStatus, TenantView};

/// OPF tenant: header `nv-tenant-id`, or `tenantId` (v2 and managed-device calls).
/// Holds the snapshot it was resolved from: the request reads everything else
/// (revocations, ...) from that same snapshot.
pub struct Tenant<F: Face> {
    pub view: Arc<TenantView>,
    pub snapshot: Arc<Snapshot>,
    _face: PhantomData<F>,
}

impl<F: Face> Tenant<F> {
    pub fn id(&self) -> &str {
        &self.view.id
    }
}

/// Looks a tenant id up in the current snapshot; returns the snapshot too.
pub(crate) fn resolve(
    state: &AppState,
    id: &str,
) -> Result<(Arc<Snapshot>, Arc<TenantView>), ApiError> {
    if !is_valid_tenant_id(id) {
        return Err(ApiError::bad_request(
            codes::TENANT_MISSING,
            "tenant id is malformed",
        ));
    }
    let snapshot = state.snapshot.load();
    let Some(view) = snapshot.tenant(id) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            codes::TENANT_UNKNOWN,
            "unknown tenant",
        ));
    };
    if view.status != TenantStatus::Active {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::TENANT_SUSPENDED,
            "tenant is suspended",
        ));
    }
    let view = view.clone();
    Ok((snapshot, view))
}

fn header<'a>(parts: &'a Parts, name: &str) -> Result<Option<&'a str>, ApiError> {
    match parts.headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::bad_request(codes::TENANT_MISSING, "tenant id is malformed")),
    }
}

impl<F: Face> FromRequestParts<AppState> for Tenant<F> {
    type Rejection = FaceError<F>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let id = match header(parts, "nv-tenant-id")? {
            Some(id) => id,
            None => header(parts, "tenantid")?.ok_or_else(|| {
                ApiError::bad_request(codes::TENANT_MISSING, "nv-tenant-id header is required")
            })?,
        };
        let (snapshot, view) = resolve(state, id)?;
        Ok(Tenant {
            view,
            snapshot,
            _face: PhantomData,
        })
    }
}

/// Rocket tenant: `nv-tenant-id` if sent, else the configured `rocket.default_tenant`.
pub struct RocketTenant {
    pub view: Arc<TenantView>,
    /// The snapshot the tenant was resolved from (see [`Tenant`]).
    pub snapshot: Arc<Snapshot>,
}

impl RocketTenant {
    pub fn id(&self) -> &str {
        &self.view.id
    }
}

impl FromRequestParts<AppState> for RocketTenant {
    type Rejection = FaceError<crate::api::error::Rocket>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let id = header(parts, "nv-tenant-id")?
            .map(str::to_owned)
            .unwrap_or_else(|| state.config.rocket.default_tenant.clone());
        let (snapshot, view) = resolve(state, &id)?;
        Ok(RocketTenant { view, snapshot })
    }
}
