//! Rocket authorization (`/api/authorization...`): sign in for Account and
//! Profile tokens per scope, refresh, sign out.
//!
//! `cookieType` is accepted as the document defines it; the content-filter cookie
//! it asks for carries subscription codes, which arrive with the catalogue work,
//! so no cookie is set yet. `DELETE /authorization` clears it regardless.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::params::Common;
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{JsonBody, QueryParams, RocketTenant};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::rocket_claims::Scope;
use crate::plane::rocket_auth::RocketToken;
use crate::plane::signon::SignOnPolicy;

type RocketResult<T> = Result<T, FaceError<Rocket>>;

/// The content-filter cookie `cookieType` refers to.
pub const CONTENT_FILTER_COOKIE: &str = "rocket_cf";

#[derive(Debug, Clone, Copy, Deserialize)]
pub enum CookieType {
    Session,
    Persistent,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountTokenRequest {
    email: String,
    password: String,
    scopes: Vec<Scope>,
    #[allow(dead_code)]
    cookie_type: Option<CookieType>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRefreshRequest {
    token: String,
    #[allow(dead_code)]
    cookie_type: Option<CookieType>,
}

/// Rocket's `AccessToken`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessToken {
    value: String,
    #[serde(rename = "type")]
    token_type: String,
    expiration_date: String,
    refreshable: bool,
}

impl From<RocketToken> for AccessToken {
    fn from(t: RocketToken) -> Self {
        Self {
            expiration_date: iso(t.claims.exp),
            refreshable: t.claims.refreshable,
            token_type: t.claims.typ,
            value: t.value,
        }
    }
}

/// `POST /api/authorization` (getAccountToken).
pub async fn get_account_token(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<AccountTokenRequest, Rocket>,
) -> RocketResult<Json<Vec<AccessToken>>> {
    common.validate()?;
    let policy = SignOnPolicy::from_config(&state.config.tokens);
    let tokens = state
        .plane
        .rocket_sign_in(
            &tenant.view,
            &body.email,
            &body.password,
            &body.scopes,
            policy,
        )
        .await?;
    Ok(Json(tokens.into_iter().map(AccessToken::from).collect()))
}

/// `POST /api/authorization/refresh` (refreshToken).
pub async fn refresh_token(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<TokenRefreshRequest, Rocket>,
) -> RocketResult<Json<AccessToken>> {
    common.validate()?;
    let policy = SignOnPolicy::from_config(&state.config.tokens);
    let token = state
        .plane
        .rocket_refresh(&tenant.view, &tenant.snapshot.revoked, &body.token, policy)
        .await?;
    Ok(Json(token.into()))
}

/// `DELETE /api/authorization` (signOut): 204 and the content-filter cookie cleared.
pub async fn sign_out(
    QueryParams(common, ..): QueryParams<Common, Rocket>,
) -> RocketResult<Response> {
    common.validate()?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            format!("{CONTENT_FILTER_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax"),
        )],
    )
        .into_response())
}
