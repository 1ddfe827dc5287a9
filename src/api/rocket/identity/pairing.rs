//! Rocket pin-code device pairing: `/authorization/device/code` (the device asks
//! for a code), `/account/devices/authorization` (a signed-in app authorizes it),
//! `/authorization/device` (the device exchanges id + code for tokens).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::rocket_auth::{AccountAuth, Catalog};
use crate::api::extract::{JsonBody, QueryParams, RocketTenant};
use crate::api::rocket::identity::authorization::AccessToken;
use crate::api::rocket::params::Common;
use crate::app::AppState;
use crate::core::scoped_claims::Scope;
use crate::plane::identity::pairing::PairingDevice;

type RocketResult<T> = Result<T, FaceError<Rocket>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceRegistrationRequest {
    id: String,
    name: String,
    #[serde(rename = "type")]
    device_type: String,
}

/// `DeviceAuthorizationCode`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceAuthorizationCode {
    code: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountTokenByCodeRequest {
    id: String,
    code: String,
    scopes: Vec<Scope>,
}

/// `POST /api/authorization/device/code` (generateDeviceAuthorizationCode).
pub async fn generate_code(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<DeviceRegistrationRequest, Rocket>,
) -> RocketResult<Json<DeviceAuthorizationCode>> {
    common.validate()?;
    let code = state
        .plane
        .identity
        .pairing_code(
            tenant.id(),
            PairingDevice {
                id: body.id,
                name: body.name,
                device_type: body.device_type,
            },
        )
        .await?;
    Ok(Json(DeviceAuthorizationCode { code }))
}

/// `POST /api/account/devices/authorization` (authorizeDevice, Account Catalog
/// token): 204.
pub async fn authorize_device(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<DeviceAuthorizationCode, Rocket>,
) -> RocketResult<StatusCode> {
    common.validate()?;
    state
        .plane
        .identity
        .authorize_pairing(auth.tenant.id(), &auth.claims, &body.code)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/authorization/device` (getAccountTokenByCode).
pub async fn token_by_code(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<AccountTokenByCodeRequest, Rocket>,
) -> RocketResult<Json<Vec<AccessToken>>> {
    common.validate()?;
    let tokens = state
        .plane
        .identity
        .redeem_pairing_code(&tenant.view, &body.id, &body.code, &body.scopes)
        .await?;
    Ok(AccessToken::list(tokens))
}
