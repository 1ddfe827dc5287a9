//! The tenant a request is for, resolved from memory (the snapshot).

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};

use crate::api::error::{codes, ApiError, Face, FaceError};
use crate::app::AppState;
use crate::core::ids::is_valid_tenant_id;
use crate::core::snapshot::{Snapshot, TenantStatus, TenantView};

/// OPF tenant: header `nv-tenant-id`, or `tenantId` (v2 and managed-device
/// calls), or else the tenant of the request's token.
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

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(Some)
            .map_err(|_| ApiError::bad_request(codes::TENANT_MISSING, "tenant id is malformed")),
    }
}

/// The tenant id a request names, before it is looked up: `nv-tenant-id`;
/// else, on Rocket routes (`rocket_default` given), `rocket.default_tenant`,
/// and on OPF routes `tenantId` (`None` when there is neither; header names
/// are case-insensitive, so `Nv-Tenant-Id` and `tenantid` are the same
/// headers; when both are sent, `nv-tenant-id` wins and `tenantId` is not
/// read, which costs the fast path nothing). An error when the header is
/// not text. Middleware that must know the tenant before the handler runs
/// uses this too, so both read the same tenant.
pub(crate) fn named<'a>(
    headers: &'a HeaderMap,
    rocket_default: Option<&'a str>,
) -> Result<Option<&'a str>, ApiError> {
    if let Some(id) = header(headers, "nv-tenant-id")? {
        return Ok(Some(id));
    }
    match rocket_default {
        Some(default) => Ok(Some(default)),
        None => header(headers, "tenantid"),
    }
}

/// The token an OPF request authenticates with, if any: `Authorization`
/// (`Bearer <token>` or bare, as AGS sends it), else header `token` (IAS v2
/// sign-out).
fn presented_token(headers: &HeaderMap) -> Option<&str> {
    super::bearer::authorization_token(headers).or_else(|| {
        headers
            .get("token")
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.is_empty())
    })
}

impl<F: Face> FromRequestParts<AppState> for Tenant<F> {
    type Rejection = FaceError<F>;

    /// The tenant a header names; without one, the tenant the request's
    /// token claims (apps send only `Authorization: Bearer`). The claim
    /// only chooses whose keys verify the token, which every
    /// token-authenticated handler then does, so a token that lies about
    /// its tenant is refused there.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let claimed;
        let id = match named(&parts.headers, None)? {
            Some(id) => id,
            None => {
                claimed = presented_token(&parts.headers)
                    .and_then(crate::core::jwt::claimed_tenant)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            codes::TENANT_MISSING,
                            "nv-tenant-id header (or a token of the tenant) is required",
                        )
                    })?;
                &claimed
            }
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
        let default = state.config.rocket.default_tenant.as_str();
        let id = named(&parts.headers, Some(default))?.unwrap_or(default);
        let (snapshot, view) = resolve(state, id)?;
        Ok(RocketTenant { view, snapshot })
    }
}
