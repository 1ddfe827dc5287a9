//! ADM PINs (§2.8), for the signed-on account and the operator:
//!
//! - `GET /adm/v1/user/accounts/pins` (proposed): `{totalRecords,
//!   resourceSet[{pinType, isSet}]}`, one per defined type;
//! - `GET /adm/v1/user/accounts/pins/status`: `{totalRecords,
//!   resourceSet[{pinType, status, extendedStatus, lockTimeRemaining}]}`;
//! - `POST /adm/v1/user/accounts/actions/pin` `{accountId, type, value}`:
//!   201 (409 when already set; 404 for an unknown type, or an `accountId`
//!   the token does not name);
//! - `POST /adm/v1/user/accounts/actions/validatePin` `{type, value}`: 200
//!   right, 401 wrong, 403 40390 locked (`Retry-After`: seconds left), 404
//!   unset;
//! - `PUT /adm/v1/user/accounts/actions/changePin` `{type, oldValue,
//!   newValue}` → `{matchedCount, modifiedCount}` (`type` defaults to the
//!   tenant's first mandatory type; `oldValue` is required, see
//!   [`crate::plane::accounts::pins`]);
//! - operator: `GET /adm/v1/pinTypes`, `POST /adm/v1/pinTypes` and `PUT
//!   /adm/v1/pinTypes/{value}` (proposed: define the types), `GET
//!   /adm/v1/accounts/{accountId}/pins/status`, and `PUT
//!   /adm/v1/accounts/actions/{accountId}/pin` `{type, value?}` (reset:
//!   unlock, or set a new value).
//!
//! Token errors render as the OPF edge does; the handlers' own errors in the
//! ADM envelope. Must never: echo a PIN.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{Adm, FaceError};
use crate::api::extract::{JsonBody, Operator, PathParam, SignedOn};
use crate::api::opf::resource_set::ResourceSet;
use crate::api::opf::WriteResult;
use crate::app::AppState;
use crate::plane::accounts::pins::PinStatus;
use crate::plane::PlaneError;
use crate::store::accounts::pins::PinType;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PinTypeBody {
    value: String,
    #[serde(default)]
    description: String,
    min_length: i64,
    max_length: i64,
    /// `DIGITS` or `ALPHANUMERIC`.
    characters: String,
    max_attempts: i64,
    lock_time_seconds: i64,
    #[serde(default)]
    mandatory: bool,
}

impl From<PinType> for PinTypeBody {
    fn from(t: PinType) -> Self {
        Self {
            value: t.id,
            description: t.description,
            min_length: t.min_length,
            max_length: t.max_length,
            characters: if t.digits_only {
                "DIGITS"
            } else {
                "ALPHANUMERIC"
            }
            .into(),
            max_attempts: t.max_attempts,
            lock_time_seconds: t.lock_seconds,
            mandatory: t.mandatory,
        }
    }
}

impl TryFrom<PinTypeBody> for PinType {
    type Error = PlaneError;

    fn try_from(b: PinTypeBody) -> Result<Self, PlaneError> {
        let digits_only = match b.characters.as_str() {
            "DIGITS" => true,
            "ALPHANUMERIC" => false,
            _ => {
                return Err(PlaneError::BadRequest(
                    "characters must be DIGITS or ALPHANUMERIC".into(),
                ))
            }
        };
        Ok(PinType {
            id: b.value,
            description: b.description,
            min_length: b.min_length,
            max_length: b.max_length,
            digits_only,
            max_attempts: b.max_attempts,
            lock_seconds: b.lock_time_seconds,
            mandatory: b.mandatory,
        })
    }
}

/// `GET /adm/v1/pinTypes`.
pub async fn pin_types(
    State(state): State<AppState>,
    operator: Operator<Adm>,
) -> AdmResult<Json<ResourceSet<PinTypeBody>>> {
    let types = state.plane.accounts.pin_types(operator.tenant_id()).await?;
    Ok(Json(ResourceSet::all(
        types.into_iter().map(PinTypeBody::from).collect(),
    )))
}

/// `POST /adm/v1/pinTypes` → 201 with the type.
pub async fn create_pin_type(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    JsonBody(body, ..): JsonBody<PinTypeBody, Adm>,
) -> AdmResult<(StatusCode, Json<PinTypeBody>)> {
    let t = PinType::try_from(body)?;
    state
        .plane
        .accounts
        .create_pin_type(operator.tenant_id(), &t)
        .await?;
    Ok((StatusCode::CREATED, Json(t.into())))
}

/// `PUT /adm/v1/pinTypes/{value}`: the whole definition (its `value` must
/// be the path's).
pub async fn update_pin_type(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): JsonBody<PinTypeBody, Adm>,
) -> AdmResult<Json<WriteResult>> {
    if body.value != id {
        return Err(PlaneError::BadRequest("value must be the path's PIN type".into()).into());
    }
    let t = PinType::try_from(body)?;
    state
        .plane
        .accounts
        .update_pin_type(operator.tenant_id(), &t)
        .await?;
    Ok(Json(WriteResult::new(1, 1)))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IsSet {
    pin_type: String,
    is_set: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusOut {
    pin_type: String,
    status: &'static str,
    extended_status: &'static str,
    lock_time_remaining: i64,
}

impl From<PinStatus> for StatusOut {
    fn from(s: PinStatus) -> Self {
        Self {
            status: s.state.as_str(),
            extended_status: if s.pin_type.mandatory {
                "MANDATORY"
            } else {
                "OPTIONAL"
            },
            lock_time_remaining: s.state.lock_time_remaining(),
            pin_type: s.pin_type.id,
        }
    }
}

/// `GET /adm/v1/user/accounts/pins`.
pub async fn my_pins(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> AdmResult<Json<ResourceSet<IsSet>>> {
    let statuses = state
        .plane
        .accounts
        .pin_statuses(signed_on.tenant.id(), &signed_on.claims.account_id)
        .await?;
    Ok(Json(ResourceSet::all(
        statuses
            .into_iter()
            .map(|s| IsSet {
                is_set: s.state != crate::plane::accounts::pins::PinState::Unset,
                pin_type: s.pin_type.id,
            })
            .collect(),
    )))
}

/// `GET /adm/v1/user/accounts/pins/status`.
pub async fn my_pin_statuses(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> AdmResult<Json<ResourceSet<StatusOut>>> {
    let statuses = state
        .plane
        .accounts
        .pin_statuses(signed_on.tenant.id(), &signed_on.claims.account_id)
        .await?;
    Ok(Json(ResourceSet::all(
        statuses.into_iter().map(StatusOut::from).collect(),
    )))
}

/// `GET /adm/v1/accounts/{accountId}/pins/status` (operator).
pub async fn pin_statuses(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<ResourceSet<StatusOut>>> {
    let statuses = state
        .plane
        .accounts
        .pin_statuses(operator.tenant_id(), &account_id)
        .await?;
    Ok(Json(ResourceSet::all(
        statuses.into_iter().map(StatusOut::from).collect(),
    )))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateIn {
    account_id: Option<String>,
    #[serde(rename = "type")]
    pin_type: String,
    value: String,
}

/// `POST /adm/v1/user/accounts/actions/pin` → 201.
pub async fn create_pin(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<CreateIn, Adm>,
) -> AdmResult<StatusCode> {
    let account = &signed_on.claims.account_id;
    if body.account_id.as_ref().is_some_and(|a| a != account) {
        return Err(PlaneError::NotFound("account").into());
    }
    state
        .plane
        .accounts
        .create_pin(signed_on.tenant.id(), account, &body.pin_type, &body.value)
        .await?;
    Ok(StatusCode::CREATED)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidateIn {
    #[serde(rename = "type")]
    pin_type: String,
    value: String,
}

/// `POST /adm/v1/user/accounts/actions/validatePin` → 200.
pub async fn validate_pin(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<ValidateIn, Adm>,
) -> AdmResult<StatusCode> {
    state
        .plane
        .accounts
        .validate_pin(
            signed_on.tenant.id(),
            &signed_on.claims.account_id,
            &body.pin_type,
            &body.value,
        )
        .await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeIn {
    #[serde(rename = "type")]
    pin_type: Option<String>,
    #[serde(default)]
    old_value: String,
    new_value: String,
}

/// `PUT /adm/v1/user/accounts/actions/changePin`.
pub async fn change_pin(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<ChangeIn, Adm>,
) -> AdmResult<Json<WriteResult>> {
    state
        .plane
        .accounts
        .change_pin(
            signed_on.tenant.id(),
            &signed_on.claims.account_id,
            body.pin_type.as_deref(),
            &body.old_value,
            &body.new_value,
        )
        .await?;
    Ok(Json(WriteResult::new(1, 1)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetIn {
    #[serde(rename = "type")]
    pin_type: String,
    value: Option<String>,
}

/// `PUT /adm/v1/accounts/actions/{accountId}/pin` (operator reset).
pub async fn reset_pin(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): JsonBody<ResetIn, Adm>,
) -> AdmResult<Json<WriteResult>> {
    let (matched, modified) = state
        .plane
        .accounts
        .reset_pin(
            operator.tenant_id(),
            &account_id,
            &body.pin_type,
            body.value.as_deref(),
        )
        .await?;
    Ok(Json(WriteResult::new(matched, modified)))
}
