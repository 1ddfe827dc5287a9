//! `POST /api/itv/pinauthorization` (getAccountTokenWithPin): the account PIN
//! for an Account Playback token, the only way to get one.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::rocket_auth::{AccountAuth, Catalog};
use crate::api::extract::{JsonBody, QueryParams};
use crate::api::rocket::identity::authorization::{AccessToken, CookieType};
use crate::api::rocket::params::Common;
use crate::app::AppState;
use crate::core::scoped_claims::Scope;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItvPinAuthRequest {
    pin: String,
    #[serde(default)]
    scopes: Vec<Scope>,
    #[allow(dead_code)]
    cookie_type: Option<CookieType>,
}

/// Account Catalog token + the 4-digit PIN → Account Playback token (+ Account
/// tokens for other scopes asked for).
pub async fn get_account_token_with_pin(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<ItvPinAuthRequest, Rocket>,
) -> Result<Json<Vec<AccessToken>>, FaceError<Rocket>> {
    common.validate()?;
    let tokens = state
        .plane
        .identity
        .scoped_pin_authorization(&auth.tenant.view, &auth.claims, &body.pin, &body.scopes)
        .await?;
    Ok(AccessToken::list(tokens))
}
