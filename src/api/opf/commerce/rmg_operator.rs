//! RMG operator entitlement API: `/rmg/v1/operator/entitlements[/{id}]`
//! (create, change status / validity, read, list) — how a CRM feeds
//! entitlements in. Operator-authenticated; errors in the OPF envelope.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, Operator, PathParam, QueryParams};
use crate::api::opf::resource_set::ResourceSet;
use crate::api::opf::WriteResult;
use crate::api::time_fmt::{iso, parse_iso};
use crate::app::AppState;
use crate::core::status::EntitlementStatus;
use crate::plane::commerce::entitlements::{EntitlementPatch, NewEntitlement};
use crate::store::commerce::entitlements::Entitlement;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntitlementIn {
    #[serde(rename = "_id")]
    id: Option<String>,
    account_id: String,
    product_id: String,
    status: Option<String>,
    valid_from: Option<String>,
    expiry_date: Option<String>,
    purchased_by_device_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementOut {
    #[serde(rename = "_id")]
    id: String,
    product_id: String,
    account_id: String,
    status: &'static str,
    validity_type: &'static str,
    valid_from: String,
    expiry_date: Option<String>,
    purchased_by_device_id: Option<String>,
    created: String,
    modified: String,
}

impl From<Entitlement> for EntitlementOut {
    fn from(e: Entitlement) -> Self {
        Self {
            id: e.id,
            product_id: e.product_id,
            account_id: e.account_id,
            status: e.status.as_str(),
            validity_type: "ABSOLUTE",
            valid_from: iso(e.valid_from),
            expiry_date: e.expiry.map(iso),
            purchased_by_device_id: e.purchased_by_device_id,
            created: iso(e.created),
            modified: iso(e.modified),
        }
    }
}

fn time_field(name: &'static str, v: Option<String>) -> Result<Option<i64>, ApiError> {
    v.map(|s| {
        parse_iso(&s).ok_or_else(|| {
            ApiError::bad_request(
                codes::BAD_REQUEST,
                format!("{name} must be an RFC 3339 date-time"),
            )
        })
    })
    .transpose()
}

fn parse_status(v: Option<&str>) -> Result<Option<EntitlementStatus>, ApiError> {
    v.map(|s| {
        EntitlementStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                codes::BAD_REQUEST,
                "status must be SUBSCRIBED or UNSUBSCRIBED",
            )
        })
    })
    .transpose()
}

/// `POST /rmg/v1/operator/entitlements` → 201 with the entitlement.
pub async fn create_entitlement(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    JsonBody(body, ..): JsonBody<EntitlementIn, Opf>,
) -> OpfResult<(StatusCode, Json<EntitlementOut>)> {
    let status = parse_status(body.status.as_deref())?.unwrap_or(EntitlementStatus::Subscribed);
    let new = NewEntitlement {
        id: body.id,
        account_id: body.account_id,
        product_id: body.product_id,
        status,
        valid_from: time_field("validFrom", body.valid_from)?,
        expiry: time_field("expiryDate", body.expiry_date)?,
        purchased_by_device_id: body.purchased_by_device_id,
    };
    let e = state
        .plane
        .commerce
        .grant_entitlement(operator.tenant_id(), new)
        .await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// `GET /rmg/v1/operator/entitlements/{entitlementId}`.
pub async fn get_entitlement(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(id, ..): PathParam<String, Opf>,
) -> OpfResult<Json<EntitlementOut>> {
    let e = state
        .plane
        .commerce
        .get_entitlement(operator.tenant_id(), &id)
        .await?;
    Ok(Json(e.into()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EntitlementPatchIn {
    status: Option<String>,
    valid_from: Option<String>,
    expiry_date: Option<String>,
}

/// `PUT /rmg/v1/operator/entitlements/{entitlementId}` (status, validity) →
/// `{matchedCount, modifiedCount}`; unknown id 404.
pub async fn update_entitlement(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(id, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<EntitlementPatchIn, Opf>,
) -> OpfResult<Json<WriteResult>> {
    let patch = EntitlementPatch {
        status: parse_status(body.status.as_deref())?,
        valid_from: time_field("validFrom", body.valid_from)?,
        expiry: time_field("expiryDate", body.expiry_date)?,
    };
    let (matched_count, modified_count) = state
        .plane
        .commerce
        .update_entitlement(operator.tenant_id(), &id, patch)
        .await?;
    Ok(Json(WriteResult::new(matched_count, modified_count)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListIn {
    account_id: Option<String>,
    limit: Option<i64>,
    page: Option<i64>,
}

/// `GET /rmg/v1/operator/entitlements?accountId=&limit=&page=` →
/// `{totalRecords, resourceSet}` (`limit=0` counts only).
pub async fn list_entitlements(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    QueryParams(q, ..): QueryParams<ListIn, Opf>,
) -> OpfResult<Json<ResourceSet<EntitlementOut>>> {
    let page = state
        .plane
        .commerce
        .list_entitlements(
            operator.tenant_id(),
            q.account_id.as_deref(),
            q.limit.unwrap_or(100),
            q.page.unwrap_or(1),
        )
        .await?;
    Ok(Json(ResourceSet::page(page, EntitlementOut::from)))
}
