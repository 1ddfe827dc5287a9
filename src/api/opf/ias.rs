//! IAS v3 sign-on token actions: `signOnByUserNamePassword`, `refresh`,
//! `signOut` (proposed path).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::tokens::token_error;
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, Tenant};
use crate::app::AppState;
use crate::core::claims::ACCESS_TYP;
use crate::plane::signon::{Issued, PasswordSignOn, SignOnPolicy};
use crate::plane::Plane;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordSignOnIn {
    username: String,
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
    fn new(issued: Issued, now_s: i64) -> Self {
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

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHENTICATED,
                "Bearer token required",
            )
        })
}

/// `POST /ias/v3/token/actions/signOnByUserNamePassword`.
pub async fn sign_on_by_username_password(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<PasswordSignOnIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let policy = SignOnPolicy::from_config(&state.config.tokens);
    let issued = state
        .plane
        .sign_on_with_password(
            &tenant.view,
            PasswordSignOn {
                username: body.username,
                password: body.password,
                device_information: body.device_information,
                client_id: body.client_id,
            },
            policy,
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
    let token = bearer(&headers)?;
    let policy = SignOnPolicy::from_config(&state.config.tokens);
    let snapshot = state.snapshot.load();
    let issued = state
        .plane
        .refresh(&tenant.view, &snapshot.revoked, token, policy)
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ias/v3/token/actions/signOut` with the access token: 204, and every
/// token of that sign-on stops working at once.
pub async fn sign_out(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
) -> OpfResult<StatusCode> {
    let token = bearer(&headers)?;
    let snapshot = state.snapshot.load();
    let claims = Plane::check_token(
        &tenant.view,
        &snapshot.revoked,
        token,
        ACCESS_TYP,
        state.clock.now_s(),
        state.config.tokens.leeway_s,
    )
    .map_err(token_error)?;
    state.plane.sign_out(&claims).await?;
    Ok(StatusCode::NO_CONTENT)
}
