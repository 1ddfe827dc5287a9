//! Rocket authorization (`/api/authorization...`): sign in for Account and
//! Profile tokens per scope, Profile tokens for another profile, refresh, sign
//! out, and single sign-on (no third-party provider is configured: 401/6000).
//!
//! `cookieType` is accepted as the document defines it; the content-filter cookie
//! it asks for carries subscription codes, which arrive with the catalogue work,
//! so no cookie is set yet. `DELETE /authorization` clears it regardless.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Rocket};
use crate::api::extract::rocket_auth::{AccountAuth, Catalog};
use crate::api::extract::{JsonBody, QueryParams, RocketTenant};
use crate::api::rocket::params::Common;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::scoped_claims::Scope;
use crate::plane::identity::scoped::ScopedToken;

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

/// Scopes a Profile token may have (no Playback).
#[derive(Debug, Clone, Copy, Deserialize)]
pub enum ProfileScope {
    Catalog,
    Commerce,
    Settings,
}

impl From<ProfileScope> for Scope {
    fn from(s: ProfileScope) -> Self {
        match s {
            ProfileScope::Catalog => Scope::Catalog,
            ProfileScope::Commerce => Scope::Commerce,
            ProfileScope::Settings => Scope::Settings,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileTokenRequest {
    profile_id: String,
    scopes: Vec<ProfileScope>,
    pin: Option<String>,
    #[allow(dead_code)]
    cookie_type: Option<CookieType>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub enum SsoProvider {
    Facebook,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
pub struct SingleSignOnRequest {
    provider: SsoProvider,
    token: String,
    #[serde(default)]
    scopes: Vec<Scope>,
    link_accounts: Option<bool>,
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

impl AccessToken {
    /// The response body of the operations that return `AccessToken[]`.
    pub fn list(tokens: Vec<ScopedToken>) -> Json<Vec<AccessToken>> {
        Json(tokens.into_iter().map(AccessToken::from).collect())
    }
}

impl From<ScopedToken> for AccessToken {
    fn from(t: ScopedToken) -> Self {
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
    let tokens = state
        .plane
        .identity
        .scoped_sign_in(&tenant.view, &body.email, &body.password, &body.scopes)
        .await?;
    Ok(AccessToken::list(tokens))
}

/// `POST /api/authorization/refresh` (refreshToken).
pub async fn refresh_token(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<TokenRefreshRequest, Rocket>,
) -> RocketResult<Json<AccessToken>> {
    common.validate()?;
    let token = state
        .plane
        .identity
        .scoped_refresh(&tenant.view, &tenant.snapshot.revoked, &body.token)
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

/// `POST /api/authorization/profile` (getProfileToken, Account Catalog token):
/// Profile tokens for one of the account's profiles, after its PIN if it has one.
pub async fn get_profile_token(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<ProfileTokenRequest, Rocket>,
) -> RocketResult<Json<Vec<AccessToken>>> {
    common.validate()?;
    let scopes: Vec<Scope> = body.scopes.into_iter().map(Scope::from).collect();
    let tokens = state
        .plane
        .identity
        .scoped_profile_tokens(
            &auth.tenant.view,
            &auth.claims,
            &body.profile_id,
            body.pin.as_deref(),
            &scopes,
        )
        .await?;
    Ok(AccessToken::list(tokens))
}

/// `POST /api/authorization/sso` (singleSignOn): no third-party identity
/// provider is configured, so every attempt is 401 with code 6000 (after the
/// body is checked).
///
/// The body is read as raw bytes: this operation documents no 415, so a missing
/// or non-JSON body is a 400 like any other malformed one.
pub async fn single_sign_on(
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    body: axum::body::Bytes,
) -> RocketResult<Json<Vec<AccessToken>>> {
    common.validate()?;
    serde_json::from_slice::<SingleSignOnRequest>(&body)
        .map_err(|e| ApiError::bad_request(codes::MALFORMED_JSON, format!("invalid body: {e}")))?;
    Err(ApiError::new(
        StatusCode::UNAUTHORIZED,
        codes::SSO_UNAVAILABLE,
        "single sign-on with this provider is not available",
    )
    .into())
}
