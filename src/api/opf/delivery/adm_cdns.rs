//! The operator's CDNs (proposed paths; the vendor documents CDN token
//! protection as platform configuration, not an API):
//!
//! - `GET /adm/v1/cdns`: `{totalRecords, resourceSet[{cdnId, name, scheme,
//!   settings, default, keys[{keyId, active, created}]}]}`;
//! - `PUT /adm/v1/cdns/{cdnId}` `{name, scheme, settings, default}`: 201
//!   created, 200 replaced (settings per scheme:
//!   [`crate::core::cdn::registry`]); `DELETE`: 204;
//! - `POST /adm/v1/cdns/{cdnId}/keys` `{keyId, secret, active}`: 201 (409
//!   when the id is taken); `POST .../keys/{keyId}/actions/activate`: 204,
//!   the key signs from now on; `DELETE .../keys/{keyId}`: 204 (409 for the
//!   key that signs).
//!
//! Must never: return a key's secret.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{Adm, FaceError};
use crate::api::extract::{JsonBody, MultilineJsonBody, Operator, PathParam};
use crate::api::opf::resource_set::ResourceSet;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::plane::delivery::cdns::CdnView;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyOut {
    key_id: String,
    active: bool,
    created: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CdnOut {
    cdn_id: String,
    name: String,
    scheme: String,
    settings: serde_json::Value,
    default: bool,
    keys: Vec<KeyOut>,
}

impl From<CdnView> for CdnOut {
    fn from(v: CdnView) -> Self {
        Self {
            cdn_id: v.cdn.id,
            name: v.cdn.name,
            scheme: v.cdn.scheme,
            settings: v.cdn.settings,
            default: v.cdn.is_default,
            keys: v
                .keys
                .into_iter()
                .map(|(key_id, active, created)| KeyOut {
                    key_id,
                    active,
                    created: iso(created),
                })
                .collect(),
        }
    }
}

/// `GET /adm/v1/cdns`.
pub async fn list(
    State(state): State<AppState>,
    operator: Operator<Adm>,
) -> AdmResult<Json<ResourceSet<CdnOut>>> {
    let cdns: Vec<CdnOut> = state
        .plane
        .delivery
        .cdns(operator.tenant_id())
        .await?
        .into_iter()
        .map(CdnOut::from)
        .collect();
    Ok(Json(ResourceSet::all(cdns)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CdnBody {
    name: String,
    scheme: String,
    settings: serde_json::Value,
    #[serde(default)]
    default: bool,
}

/// `PUT /adm/v1/cdns/{cdnId}`.
pub async fn put(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): JsonBody<CdnBody, Adm>,
) -> AdmResult<StatusCode> {
    let created = state
        .plane
        .delivery
        .put_cdn(
            operator.tenant_id(),
            &id,
            &body.name,
            &body.scheme,
            body.settings,
            body.default,
        )
        .await?;
    Ok(if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// `DELETE /adm/v1/cdns/{cdnId}`.
pub async fn delete(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(id, ..): PathParam<String, Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .delivery
        .delete_cdn(operator.tenant_id(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyBody {
    key_id: String,
    secret: String,
    #[serde(default)]
    active: bool,
}

impl std::fmt::Debug for KeyBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyBody")
            .field("key_id", &self.key_id)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// `POST /adm/v1/cdns/{cdnId}/keys`.
pub async fn add_key(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): MultilineJsonBody<KeyBody, Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .delivery
        .add_cdn_key(
            operator.tenant_id(),
            &id,
            &body.key_id,
            &body.secret,
            body.active,
        )
        .await?;
    Ok(StatusCode::CREATED)
}

/// `POST /adm/v1/cdns/{cdnId}/keys/{keyId}/actions/activate`.
pub async fn activate_key(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam((id, key), ..): PathParam<(String, String), Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .delivery
        .activate_cdn_key(operator.tenant_id(), &id, &key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /adm/v1/cdns/{cdnId}/keys/{keyId}`.
pub async fn delete_key(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam((id, key), ..): PathParam<(String, String), Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .delivery
        .delete_cdn_key(operator.tenant_id(), &id, &key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
