//! ADM device approval (§2.6), for the signed-on device and the operator:
//!
//! - `GET /adm/v1/user/devices/amiapproved`: **201** `{_id}` when the calling
//!   device may play as far as approval goes, **403** 40340 when it is not on
//!   the approved list (status code carries the answer, as documented), 403
//!   20003 when the device is gone; from memory, like every approval check
//!   playback makes;
//! - `POST /adm/v1/user/devices/amendapprovals` `{deviceToApprove,
//!   deviceToUnapprove}` (either or both, device ids of the account): 201;
//!   403 40380 list full / 40381 cool-off; 404 unknown device;
//! - `GET /adm/v1/user/devices/canIApproveADevice`: the account's standing
//!   (every documented field; `nextDeviceCanBeApprovedOn` ISO-8601, `null`
//!   when the list is full);
//! - `GET /adm/v1/user/devices?limit=&page=`: the account's devices with
//!   `approved`, `lastApproved`, `lastUnapproved` (`{totalRecords,
//!   resourceSet}`);
//! - operator twins (operator key): `GET
//!   /adm/v1/devices/canAccountApproveADevice/{accountId}` (documented), and
//!   (proposed) `POST /adm/v1/devices/amendapprovals/{accountId}` (exempt from
//!   the cool-off, not from the maximum) and `GET
//!   /adm/v1/accounts/{accountId}/devices`.
//!
//! Token errors render as the OPF edge does for every client API; the
//! handlers' own errors in the ADM envelope. Must never: read or change
//! another account's devices, or decide approval outside
//! [`crate::core::devices`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{Adm, ApiError, FaceError};
use crate::api::extract::{JsonBody, Operator, PathParam, QueryParams, SignedOn};
use crate::api::opf::playback::content_token::playback_of;
use crate::api::opf::resource_set::ResourceSet;
use crate::api::opf::PageQuery;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::decide::Denial;
use crate::core::devices::{is_approved, ApprovalStatus};
use crate::core::query::Page;
use crate::plane::accounts::device_approvals::{Actor, Amendment};
use crate::store::accounts::devices::Device;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Serialize)]
pub struct DeviceRef<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
}

/// `GET /adm/v1/user/devices/amiapproved`.
pub async fn am_i_approved(signed_on: SignedOn) -> AdmResult<Response> {
    let p = playback_of(&signed_on.tenant)?;
    let claims = &signed_on.claims;
    // A token whose device is gone (deleted since): stop, as playback would.
    let unknown = || {
        let d = Denial::DeviceDeleted;
        ApiError::new(StatusCode::FORBIDDEN, d.code(), d.message())
    };
    let account = p.accounts.get(&claims.account_id).ok_or_else(unknown)?;
    if is_approved(account, &claims.device_id).ok_or_else(unknown)? {
        let body = DeviceRef {
            id: &claims.device_id,
        };
        return Ok((StatusCode::CREATED, Json(body)).into_response());
    }
    let d = Denial::DeviceNotApproved;
    Err(ApiError::new(StatusCode::FORBIDDEN, d.code(), d.message()).into())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AmendIn {
    device_to_approve: Option<String>,
    device_to_unapprove: Option<String>,
}

impl From<AmendIn> for Amendment {
    fn from(a: AmendIn) -> Self {
        Amendment {
            approve: a.device_to_approve,
            unapprove: a.device_to_unapprove,
        }
    }
}

/// `POST /adm/v1/user/devices/amendapprovals` → 201.
pub async fn amend_approvals(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<AmendIn, Adm>,
) -> AdmResult<StatusCode> {
    let claims = &signed_on.claims;
    state
        .plane
        .accounts
        .amend_approvals(
            signed_on.tenant.id(),
            &claims.account_id,
            &body.into(),
            Actor::User,
        )
        .await?;
    Ok(StatusCode::CREATED)
}

/// `POST /adm/v1/devices/amendapprovals/{accountId}` (operator) → 201.
pub async fn amend_approvals_for(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): JsonBody<AmendIn, Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .accounts
        .amend_approvals(
            operator.tenant_id(),
            &account_id,
            &body.into(),
            Actor::Operator,
        )
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StandingOut {
    current_number_of_approved_devices: i64,
    number_of_devices_approved_in_period: i64,
    number_of_allowed_approvals_in_period: i64,
    maximum_number_of_devices_can_be_approved: i64,
    number_of_days_in_approval_period: i64,
    next_device_can_be_approved_on: Option<String>,
    allowed_to_approve: bool,
}

impl From<ApprovalStatus> for StandingOut {
    fn from(s: ApprovalStatus) -> Self {
        Self {
            current_number_of_approved_devices: s.current,
            number_of_devices_approved_in_period: s.in_period,
            number_of_allowed_approvals_in_period: s.allowed_in_period,
            maximum_number_of_devices_can_be_approved: s.maximum,
            number_of_days_in_approval_period: s.period_days,
            next_device_can_be_approved_on: s.next_on.map(iso),
            allowed_to_approve: s.allowed,
        }
    }
}

/// `GET /adm/v1/user/devices/canIApproveADevice`.
pub async fn can_i_approve(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> AdmResult<Json<StandingOut>> {
    let status = state
        .plane
        .accounts
        .approval_status(signed_on.tenant.id(), &signed_on.claims.account_id)
        .await?;
    Ok(Json(status.into()))
}

/// `GET /adm/v1/devices/canAccountApproveADevice/{accountId}` (operator).
pub async fn can_account_approve(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<StandingOut>> {
    let status = state
        .plane
        .accounts
        .approval_status(operator.tenant_id(), &account_id)
        .await?;
    Ok(Json(status.into()))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceOut {
    #[serde(rename = "_id")]
    id: String,
    account_id: String,
    name: Option<String>,
    device_type: &'static str,
    status: &'static str,
    activity: &'static str,
    playout_device_class: Option<String>,
    approved: bool,
    last_approved: Option<String>,
    last_unapproved: Option<String>,
    created: String,
    modified: String,
}

impl From<Device> for DeviceOut {
    fn from(d: Device) -> Self {
        Self {
            id: d.id,
            account_id: d.account_id,
            name: d.name,
            device_type: d.device_type.as_str(),
            status: d.status.as_str(),
            activity: d.activity.as_str(),
            playout_device_class: d.playout_device_class,
            approved: d.approved,
            last_approved: d.last_approved.map(iso),
            last_unapproved: d.last_unapproved.map(iso),
            created: iso(d.created),
            modified: iso(d.modified),
        }
    }
}

async fn devices_page(
    state: &AppState,
    tenant: &str,
    account_id: &str,
    q: PageQuery,
) -> AdmResult<Json<ResourceSet<DeviceOut>>> {
    let (limit, page) = (q.limit.unwrap_or(100), q.page.unwrap_or(1));
    let offset = crate::plane::validate::page(limit, page)?;
    let devices = state
        .plane
        .accounts
        .account_devices(tenant, account_id)
        .await?;
    let page = Page {
        total: devices.len() as u64,
        items: devices
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(0))
            .collect(),
    };
    Ok(Json(ResourceSet::page(page, DeviceOut::from)))
}

/// `GET /adm/v1/user/devices`: the signed-on account's devices.
pub async fn my_devices(
    State(state): State<AppState>,
    signed_on: SignedOn,
    QueryParams(q, ..): QueryParams<PageQuery, Adm>,
) -> AdmResult<Json<ResourceSet<DeviceOut>>> {
    let account = &signed_on.claims.account_id;
    devices_page(&state, signed_on.tenant.id(), account, q).await
}

/// `GET /adm/v1/accounts/{accountId}/devices` (operator).
pub async fn account_devices(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
    QueryParams(q, ..): QueryParams<PageQuery, Adm>,
) -> AdmResult<Json<ResourceSet<DeviceOut>>> {
    devices_page(&state, operator.tenant_id(), &account_id, q).await
}
