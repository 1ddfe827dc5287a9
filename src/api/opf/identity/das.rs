//! The DAS rows: `dasSignOnByCasn`, `dasSignOnByUserNamePassword` (proposed),
//! `/das/v1/user/actions/validateCredentials` and `getDeviceId` (proposed).
//! Every one answers 404 when no DAS server is configured.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Opf};
use crate::api::extract::{JsonBody, SignedOn, Tenant};
use crate::api::middleware::correlation;
use crate::api::opf::identity::ias::TokenResponse;
use crate::app::AppState;
use crate::plane::identity::das::client::DasProof;
use crate::plane::identity::das::DasPasswordSignOn;
use crate::plane::PlaneError;

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// The header a managed device sends its MAC address in (in-home detection).
const MAC_HEADER: &str = "nv-mac-address";

fn proof(challenge: Option<String>, scheme: Option<&str>) -> Result<DasProof, PlaneError> {
    DasProof::from_request(challenge, scheme, correlation::current())
        .map_err(|m| PlaneError::BadRequest(m.into()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DasCasnIn {
    casn: Option<String>,
    das_challenge: Option<String>,
    scheme: Option<String>,
}

/// `POST /ias/v3/token/actions/dasSignOnByCasn` (header `tenantId`; `nv-mac-address`
/// when the tenant runs in-home detection).
pub async fn sign_on_by_casn(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<DasCasnIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    state.plane.identity.require_das()?;
    let casn = body
        .casn
        .ok_or_else(|| PlaneError::BadRequest("casn is required".into()))?;
    let proof = proof(body.das_challenge, body.scheme.as_deref())?;
    let mac =
        match headers.get(MAC_HEADER) {
            Some(v) => Some(v.to_str().map_err(|_| {
                PlaneError::BadRequest("nv-mac-address must be a MAC address".into())
            })?),
            None => None,
        };
    let issued = state
        .plane
        .identity
        .das_sign_on_by_casn(&tenant.view, &casn, proof, mac)
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DasPasswordIn {
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    username: String,
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    password: String,
    das_challenge: Option<String>,
    scheme: Option<String>,
    device_information: Option<serde_json::Value>,
}

/// `POST /ias/v3/token/actions/dasSignOnByUserNamePassword` (proposed path).
pub async fn sign_on_by_username_password(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<DasPasswordIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    state.plane.identity.require_das()?;
    let proof = proof(body.das_challenge, body.scheme.as_deref())?;
    let issued = state
        .plane
        .identity
        .das_sign_on_with_password(
            &tenant.view,
            DasPasswordSignOn {
                username: body.username,
                password: body.password,
                device_information: body.device_information,
                proof,
            },
        )
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceIdOut {
    device_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateCredentialsIn {
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    username: String,
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    password: String,
    /// The DAS SDK challenge (`dasChallenge` accepted too, as on the IAS rows).
    #[serde(alias = "dasChallenge")]
    challenge: Option<String>,
    scheme: Option<String>,
}

/// `POST /das/v1/user/actions/validateCredentials` (proposed path): `{deviceId}`.
pub async fn validate_credentials(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<ValidateCredentialsIn, Opf>,
) -> OpfResult<Json<DeviceIdOut>> {
    state.plane.identity.require_das()?;
    let proof = proof(body.challenge, body.scheme.as_deref())?;
    let device_id = state
        .plane
        .identity
        .das_validate_credentials(&tenant.view, &body.username, &body.password, &proof)
        .await?;
    Ok(Json(DeviceIdOut { device_id }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDeviceIdIn {
    #[serde(alias = "dasChallenge")]
    challenge: Option<String>,
    scheme: Option<String>,
}

/// `POST /das/v1/user/actions/getDeviceId` (proposed path) with the access
/// token: `{deviceId}` of the signed-on device.
pub async fn get_device_id(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<GetDeviceIdIn, Opf>,
) -> OpfResult<Json<DeviceIdOut>> {
    state.plane.identity.require_das()?;
    let proof = proof(body.challenge, body.scheme.as_deref())?;
    let device_id = state
        .plane
        .identity
        .das_device_id_of_signed_on(&signed_on.tenant.view, &signed_on.claims, &proof)
        .await?;
    Ok(Json(DeviceIdOut { device_id }))
}
