//! The operator's network lists and what they tell about a client:
//!
//! - `PUT /adm/v1/network/lists/{kind}` (proposed; `kind` = `vpn` | `geo`):
//!   replace the tenant's list with the CSV body (formats:
//!   [`crate::core::net`]'s `lists` module; samples in `config/network/`);
//!   200 `{kind, entries, modified}`, or 400 naming the first bad row. Every
//!   node swaps in the new lookup table once the change feed lands.
//! - `GET` the same path: that summary (404 when there is none); `DELETE`:
//!   remove the list (204).
//! - `GET /locale/v1/locale` (proposed path and answer): where the client
//!   address is, from the tenant's geo list, answered from memory:
//!   `{countryCode, region, city, locale, ipAddress}`, `null` where the list
//!   says nothing.
//!
//! Must never: show or change another tenant's lists.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use crate::api::error::{codes, Adm, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, CsvBody, Operator, PathParam, Tenant};
use crate::api::opf::playback::content_token::playback_of;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::net::ListKind;
use crate::store::delivery::network_lists::ListInfo;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOut {
    kind: String,
    entries: i64,
    modified: String,
}

impl From<ListInfo> for ListOut {
    fn from(l: ListInfo) -> Self {
        Self {
            kind: l.kind,
            entries: l.entries,
            modified: iso(l.modified),
        }
    }
}

fn kind_of(s: &str) -> Result<ListKind, ApiError> {
    ListKind::parse(s)
        .ok_or_else(|| ApiError::bad_request(codes::BAD_REQUEST, "list kind must be vpn or geo"))
}

/// `PUT /adm/v1/network/lists/{kind}`.
pub async fn put_list(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(kind, ..): PathParam<String, Adm>,
    CsvBody(body, ..): CsvBody<Adm>,
) -> AdmResult<Json<ListOut>> {
    let kind = kind_of(&kind)?;
    let info = state
        .plane
        .delivery
        .put_network_list(operator.tenant_id(), kind, &body)
        .await?;
    Ok(Json(info.into()))
}

/// `GET /adm/v1/network/lists/{kind}`.
pub async fn get_list(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(kind, ..): PathParam<String, Adm>,
) -> AdmResult<Json<ListOut>> {
    let kind = kind_of(&kind)?;
    let info = state
        .plane
        .delivery
        .network_list(operator.tenant_id(), kind)
        .await?;
    Ok(Json(info.into()))
}

/// `DELETE /adm/v1/network/lists/{kind}`.
pub async fn delete_list(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(kind, ..): PathParam<String, Adm>,
) -> AdmResult<StatusCode> {
    let kind = kind_of(&kind)?;
    state
        .plane
        .delivery
        .delete_network_list(operator.tenant_id(), kind)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Locale {
    country_code: Option<Box<str>>,
    region: Option<Box<str>>,
    city: Option<Box<str>>,
    locale: Option<Box<str>>,
    ip_address: Option<String>,
}

/// `GET /locale/v1/locale`.
pub async fn locale(
    tenant: Tenant<Opf>,
    ClientAddr(client_ip): ClientAddr,
) -> Result<Json<Locale>, FaceError<Opf>> {
    let p = playback_of(&tenant)?;
    let place = client_ip.and_then(|ip| p.geo.place(ip)).cloned();
    Ok(Json(Locale {
        country_code: place.as_ref().map(|p| p.country.clone()),
        region: place.as_ref().and_then(|p| p.region.clone()),
        city: place.as_ref().and_then(|p| p.city.clone()),
        locale: place.and_then(|p| p.locale),
        ip_address: client_ip.map(|ip| ip.to_string()),
    }))
}
