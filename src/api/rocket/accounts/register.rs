//! `POST /api/register`: a new account, signed in with Catalog and Commerce
//! tokens for the account and its profile.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{JsonBody, QueryParams, RocketTenant};
use crate::api::rocket::identity::authorization::AccessToken;
use crate::api::rocket::params::Common;
use crate::app::AppState;
use crate::plane::identity::scoped::Registration;

/// `RegistrationRequest`. `languageCode`, `marketing` and `segments` are
/// accepted; profile preferences arrive with the profile service.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)]
pub struct RegistrationRequest {
    email: String,
    password: String,
    first_name: Option<String>,
    last_name: Option<String>,
    language_code: Option<String>,
    marketing: Option<bool>,
    pin: Option<String>,
    #[serde(default)]
    segments: Vec<String>,
}

pub async fn register(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<RegistrationRequest, Rocket>,
) -> Result<Json<Vec<AccessToken>>, FaceError<Rocket>> {
    common.validate()?;
    let tokens = state
        .plane
        .identity
        .register_with_tokens(
            &tenant.view,
            Registration {
                email: body.email,
                password: body.password,
                first_name: body.first_name,
                last_name: body.last_name,
                pin: body.pin,
            },
        )
        .await?;
    Ok(AccessToken::list(tokens))
}
