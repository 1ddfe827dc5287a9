//! Self-service tokens (`/ias/v3/token/actions/selfServiceToken` with the
//! credentials in the body, and the deprecated `/ias/v2/self_service_token` with
//! them in the query; both proposed paths) and guest tokens
//! (`/ias/v2/anonymoustoken`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, QueryParams, Tenant};
use crate::app::AppState;
use crate::plane::identity::limited_tokens::LimitedToken;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsIn {
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    username: String,
    #[serde(deserialize_with = "crate::api::opf::escapes::decoded")]
    password: String,
}

#[derive(Debug, Serialize)]
pub struct LimitedTokenOut {
    access_token: String,
    token_type: &'static str,
    expires_in: i64,
    #[serde(rename = "accountId", skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
}

fn out(t: LimitedToken, now_s: i64) -> Json<LimitedTokenOut> {
    Json(LimitedTokenOut {
        expires_in: t.claims.exp - now_s,
        account_id: t.claims.account_id,
        access_token: t.token,
        token_type: "bearer",
    })
}

async fn self_service(
    state: &AppState,
    tenant: &Tenant<Opf>,
    username: &str,
    password: &str,
) -> OpfResult<Json<LimitedTokenOut>> {
    let token = state
        .plane
        .identity
        .self_service_token(&tenant.view, username, password)
        .await?;
    Ok(out(token, state.clock.now_s()))
}

/// `POST /ias/v3/token/actions/selfServiceToken` (body `{username, password}`).
pub async fn self_service_v3(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    JsonBody(body, ..): JsonBody<CredentialsIn, Opf>,
) -> OpfResult<Json<LimitedTokenOut>> {
    self_service(&state, &tenant, &body.username, &body.password).await
}

#[derive(Debug, Deserialize)]
pub struct CredentialsQuery {
    username: Option<String>,
    password: Option<String>,
}

/// `POST /ias/v2/self_service_token?username=...&password=...` (deprecated:
/// credentials in a URL end up in proxies' logs; served for old portals).
pub async fn self_service_v2(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    QueryParams(q, ..): QueryParams<CredentialsQuery, Opf>,
) -> OpfResult<Json<LimitedTokenOut>> {
    let (Some(username), Some(password)) = (q.username, q.password) else {
        return Err(
            ApiError::bad_request(codes::BAD_QUERY, "username and password are required").into(),
        );
    };
    self_service(&state, &tenant, &username, &password).await
}

/// `POST /ias/v2/anonymoustoken` (header `tenantId`, optional `country-code`):
/// a guest token. The country must be given until client addresses can be
/// located.
pub async fn anonymous_token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
) -> OpfResult<Json<LimitedTokenOut>> {
    let country = headers
        .get("country-code")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::BAD_REQUEST,
                "country-code header is required (the client address cannot be located)",
            )
        })?;
    let token = state
        .plane
        .identity
        .guest_token(&tenant.view, country)
        .await?;
    Ok(out(token, state.clock.now_s()))
}
