//! IAS v3 sign-on token actions: `signOnByUserNamePassword`, `refresh`,
//! `signOut` (proposed path).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Opf};
use crate::api::extract::{require_bearer, JsonBody, OptionalJsonBody, SignedOn, Tenant};
use crate::app::AppState;
use crate::plane::identity::signon::{Issued, PasswordSignOn};
use crate::store::accounts::devices::ManagedId;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSignOnIn {
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    username: String,
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    password: String,
    device_information: Option<serde_json::Value>,
    client_id: Option<String>,
}

/// The bearer-token response of every sign-on and refresh.
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    expires_in: i64,
    refresh_expires_in: i64,
    fixed_refresh_expires_in: i64,
    client_id: String,
    #[serde(rename = "accountId")]
    account_id: String,
}

impl TokenResponse {
    pub fn new(issued: Issued, now_s: i64) -> Self {
        Self {
            expires_in: issued.access.exp - now_s,
            refresh_expires_in: issued.refresh.exp - now_s,
            fixed_refresh_expires_in: issued.refresh.fixed_exp - now_s,
            client_id: issued.access.device_id.clone(),
            account_id: issued.access.account_id.clone(),
            access_token: issued.access_token,
            refresh_token: issued.refresh_token,
            token_type: "bearer",
        }
    }
}

/// `POST /ias/v3/token/actions/signOnByUserNamePassword`.
pub async fn sign_on_by_username_password(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<PasswordSignOnIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let issued = state
        .plane
        .identity
        .sign_on_with_password(
            &tenant.view,
            PasswordSignOn {
                username: body.username,
                password: body.password,
                device_information: body.device_information,
                client_id: body.client_id,
            },
        )
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ias/v3/token/actions/refresh` with `Authorization: Bearer <refresh token>`.
pub async fn refresh(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
) -> OpfResult<Json<TokenResponse>> {
    let token = require_bearer(&headers)?;
    let issued = state
        .plane
        .identity
        .refresh(&tenant.view, &tenant.snapshot.revoked, token)
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ias/v3/token/actions/signOut` with the access token: 204, and every
/// token of that sign-on stops working at once.
pub async fn sign_out(State(state): State<AppState>, signed_on: SignedOn) -> OpfResult<StatusCode> {
    state.plane.identity.sign_out(&signed_on.claims).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CasnIn {
    casn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SmartCardIn {
    smart_card_id: String,
}

/// `POST /ias/v3/token/actions/signOnByCasn` (header `tenantId`).
pub async fn sign_on_by_casn(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<CasnIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let issued = state
        .plane
        .identity
        .sign_on_managed(&tenant.view, ManagedId::Casn, &body.casn, None)
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ias/v3/token/actions/signOnBySmartCardId` (header `tenantId`).
pub async fn sign_on_by_smart_card_id(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<SmartCardIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let issued = state
        .plane
        .identity
        .sign_on_managed(
            &tenant.view,
            ManagedId::SmartCard,
            &body.smart_card_id,
            None,
        )
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TvKeyActivationIn {
    tv_key_id: String,
    device_information: Option<serde_json::Value>,
}

/// `POST /ias/v3/token/actions/signOnByTVKeyActivation` (header `tenantId`): a
/// TVKey device registered to an account (operator provisioning or AGS
/// `register/tvkey`) signs on by its TVKey id, optionally updating its
/// description.
pub async fn sign_on_by_tvkey_activation(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<TvKeyActivationIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let issued = state
        .plane
        .identity
        .sign_on_managed(
            &tenant.view,
            ManagedId::TvKey,
            &body.tv_key_id,
            body.device_information,
        )
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeUserProfileIn {
    new_user_profile_id: String,
}

#[derive(Debug, Serialize)]
pub struct AccessTokenOnly {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
}

/// `POST /ias/v3/token/actions/changeUserProfile`: a new access token whose
/// `userId` is the new profile; the client uses it from now on.
pub async fn change_user_profile(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<ChangeUserProfileIn, Opf>,
) -> OpfResult<Json<AccessTokenOnly>> {
    let issued = state
        .plane
        .identity
        .change_user_profile(
            &signed_on.tenant.view,
            &signed_on.claims,
            &body.new_user_profile_id,
        )
        .await?;
    Ok(Json(AccessTokenOnly {
        expires_in: issued.access.exp - state.clock.now_s(),
        access_token: issued.access_token,
        token_type: "bearer",
    }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InHomeTokenOut {
    in_home_token: String,
    #[serde(rename = "expires_in")]
    expires_in: i64,
}

/// `GET /ias/v3/token/actions/generateUpdateInHomeToken` (managed STB, access
/// token): the encrypted string to broadcast on the home network.
pub async fn generate_update_in_home_token(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> OpfResult<Json<InHomeTokenOut>> {
    let s = state
        .plane
        .identity
        .generate_in_home_token(&signed_on.tenant.view, &signed_on.claims)
        .await?;
    Ok(Json(InHomeTokenOut {
        in_home_token: s.token,
        expires_in: s.expires_in,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInHomeIn {
    in_home_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct InHomeStatusOut {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    #[serde(rename = "inHome")]
    in_home: bool,
}

/// `POST /ias/v3/token/actions/updateInHomeStatus` (open device, access token;
/// body `{inHomeToken}` heard on the network, or none): a new access token
/// carrying `inHome`, which the client uses from now on.
pub async fn update_in_home_status(
    State(state): State<AppState>,
    signed_on: SignedOn,
    OptionalJsonBody(body, ..): OptionalJsonBody<UpdateInHomeIn, Opf>,
) -> OpfResult<Json<InHomeStatusOut>> {
    let body = body.unwrap_or_default();
    let (issued, in_home) = state
        .plane
        .identity
        .update_in_home_status(
            &signed_on.tenant.view,
            &signed_on.claims,
            body.in_home_token.as_deref(),
        )
        .await?;
    Ok(Json(InHomeStatusOut {
        expires_in: issued.access.exp - state.clock.now_s(),
        access_token: issued.access_token,
        token_type: "bearer",
        in_home,
    }))
}
