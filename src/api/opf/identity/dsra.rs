//! DSRA (device sign-on registration) and `signOnBySignOnActivationToken`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Opf};
use crate::api::extract::{require_bearer, JsonBody, Operator, OptionalJsonBody, SignedOn, Tenant};
use crate::api::opf::identity::ias::TokenResponse;
use crate::app::AppState;
use crate::plane::identity::dsra::{PollDevice, PollOutcome};

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationCodeOut {
    device_registration_code: String,
    dsra_token: String,
    expires_after_millis: i64,
    polling_period_seconds: i64,
}

/// `GET /dsra/v1/user/deviceRegistrationCode`.
pub async fn registration_code(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
) -> OpfResult<Json<RegistrationCodeOut>> {
    let r = state
        .plane
        .identity
        .create_registration(tenant.id())
        .await?;
    Ok(Json(RegistrationCodeOut {
        device_registration_code: r.code,
        dsra_token: r.dsra_token,
        expires_after_millis: r.expires_after_ms,
        polling_period_seconds: r.polling_period_s,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDeviceInformation {
    #[serde(rename = "caSN")]
    ca_sn: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollIn {
    client_id: Option<String>,
    device_information: Option<serde_json::Value>,
    managed_device_information: Option<ManagedDeviceInformation>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationOut {
    client_id: String,
    sign_on_activation_token: String,
}

/// `PUT /dsra/v1/user/signOnActivationToken` with `Authorization: Bearer <dsraToken>`:
/// 204 while not approved, 202 with the activation token once approved.
pub async fn poll(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    OptionalJsonBody(body, ..): OptionalJsonBody<PollIn, Opf>,
) -> OpfResult<Response> {
    let token = require_bearer(&headers)?;
    let body = body.unwrap_or_default();
    let device = PollDevice {
        client_id: body.client_id,
        device_information: body.device_information,
        managed_casn: body.managed_device_information.map(|m| m.ca_sn),
    };
    let outcome = state
        .plane
        .identity
        .poll_registration(&tenant.view, token, device)
        .await?;
    Ok(match outcome {
        PollOutcome::Pending => StatusCode::NO_CONTENT.into_response(),
        PollOutcome::Activated {
            client_id,
            activation_token,
        } => (
            StatusCode::ACCEPTED,
            Json(ActivationOut {
                client_id,
                sign_on_activation_token: activation_token,
            }),
        )
            .into_response(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApproveIn {
    device_registration_code: String,
}

/// `PUT /dsra/v1/user/deviceRegistrationCode/actions/approve`, by a signed-in
/// companion app for its own account: 202.
pub async fn approve_by_user(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<ApproveIn, Opf>,
) -> OpfResult<StatusCode> {
    state
        .plane
        .identity
        .approve_registration(
            signed_on.tenant.id(),
            &body.device_registration_code,
            &signed_on.claims.account_id,
            false,
        )
        .await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OperatorApproveIn {
    device_registration_code: String,
    account_id: String,
}

/// `PUT /dsra/v1/operator/deviceRegistrationCode/actions/approve` (web portal /
/// operator, names the account): 202.
pub async fn approve_by_operator(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    JsonBody(body, ..): JsonBody<OperatorApproveIn, Opf>,
) -> OpfResult<StatusCode> {
    state
        .plane
        .identity
        .approve_registration(
            operator.tenant_id(),
            &body.device_registration_code,
            &body.account_id,
            true,
        )
        .await?;
    Ok(StatusCode::ACCEPTED)
}

/// `POST /ias/v3/token/actions/signOnBySignOnActivationToken` with
/// `Authorization: Bearer <signOnActivationToken>`: 201 with the tokens.
pub async fn sign_on_by_activation_token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
) -> OpfResult<(StatusCode, Json<TokenResponse>)> {
    let token = require_bearer(&headers)?;
    let issued = state
        .plane
        .identity
        .sign_on_with_activation_token(&tenant.view, token)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse::new(issued, state.clock.now_s())),
    ))
}
