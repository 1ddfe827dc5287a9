//! IAS v2 (deprecated but served): `POST /ias/v2/token?grant_type=...` and
//! `POST /ias/v2/signout`.
//!
//! Grants: `password` (`username`, `password`, optional `client_id` of a device
//! signed on before; without it a new device is created, as v3's first sign-on
//! does), `refresh_token` (`refresh_token`), and — proposed, as the reference
//! leaves it open — `client_credentials` with `casn` for managed devices.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{verify_access, OptionalJsonBody, QueryParams, Tenant};
use crate::api::opf::identity::ias::TokenResponse;
use crate::app::AppState;
use crate::plane::identity::signon::PasswordSignOn;
use crate::store::accounts::devices::ManagedId;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    client_id: Option<String>,
    refresh_token: Option<String>,
    casn: Option<String>,
}

fn required<'a>(value: &'a Option<String>, name: &'static str) -> Result<&'a str, ApiError> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::bad_request(
            codes::BAD_QUERY,
            format!("{name} is required for this grant_type"),
        )
    })
}

/// The JSON body apps send beside the query: `{"device": {"hardware": ..,
/// "OS": .., "screen": ..}}`, the device as it describes itself. Other
/// members are not read.
#[derive(Debug, Deserialize)]
pub struct TokenBody {
    device: Option<serde_json::Value>,
}

/// `POST /ias/v2/token?grant_type=...`.
pub async fn token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    QueryParams(q, ..): QueryParams<TokenQuery, Opf>,
    OptionalJsonBody(body, ..): OptionalJsonBody<TokenBody, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let described = body.and_then(|b| b.device).filter(|d| d.is_object());
    let issued = match q.grant_type.as_deref() {
        Some("password") => {
            let request = PasswordSignOn {
                username: required(&q.username, "username")?.to_owned(),
                password: required(&q.password, "password")?.to_owned(),
                // A first sign-on (no client_id) makes an OPEN device,
                // described by the body's `device` when sent.
                device_information: q.client_id.is_none().then(|| {
                    described.unwrap_or_else(|| serde_json::json!({ "deviceType": "OPEN" }))
                }),
                client_id: q.client_id.clone(),
            };
            state
                .plane
                .identity
                .sign_on_with_password(&tenant.view, request)
                .await?
        }
        Some("refresh_token") => {
            let token = required(&q.refresh_token, "refresh_token")?;
            state
                .plane
                .identity
                .refresh(&tenant.view, &tenant.snapshot.revoked, token)
                .await?
        }
        Some("client_credentials") => {
            let casn = required(&q.casn, "casn")?;
            state
                .plane
                .identity
                .sign_on_managed(&tenant.view, ManagedId::Casn, casn, None)
                .await?
        }
        _ => {
            return Err(ApiError::bad_request(
                codes::BAD_QUERY,
                "grant_type must be password, refresh_token or client_credentials",
            )
            .into())
        }
    };
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ias/v2/signout` with the access token in header `token`: 200, and the
/// whole sign-on chain is revoked.
pub async fn sign_out(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
) -> OpfResult<StatusCode> {
    let token = headers
        .get("token")
        .and_then(|v| v.to_str().ok())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::bad_request(codes::BAD_REQUEST, "header token is required"))?;
    let claims = verify_access(&state, &tenant, token)?;
    state.plane.identity.sign_out(&claims).await?;
    Ok(StatusCode::OK)
}
