//! Token services outside sign-on: the Token Validation Service
//! (`POST /tvs/v1/token/actions/validate`, proposed path) and each tenant's public
//! keys (`GET /ias/v3/jwks/{tenantId}`, proposed path).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{bearer_token, OptionalJsonBody, PathParam, Tenant};
use crate::app::AppState;
use crate::core::claims::{not_revoked, sign_on_from_payload, ACCESS_TYP, REFRESH_TYP};
use crate::core::jwt::{self, TokenError};
use crate::core::limited_claims::{limited_from_payload, GUEST_TYP, SELF_SERVICE_TYP};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateBody {
    token: Option<String>,
}

/// Validates a token of the request's tenant (sign-on access or refresh,
/// self-service or guest) and returns its decoded claims. The token comes from `Authorization: Bearer` or,
/// failing that, a JSON body `{"token": "..."}`.
pub async fn validate_token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    OptionalJsonBody(body, ..): OptionalJsonBody<ValidateBody, Opf>,
) -> Result<Response, FaceError<Opf>> {
    let from_body = body.and_then(|b| b.token);
    let token = bearer_token(&headers)
        .or(from_body.as_deref())
        .ok_or_else(|| {
            ApiError::bad_request(codes::BAD_REQUEST, "a token is required (Bearer or body)")
        })?;
    let (now, leeway) = (state.clock.now_s(), state.config.tokens.leeway_s);
    let (view, revoked) = (&tenant.view, &tenant.snapshot.revoked);
    // The signature is checked once; the claims are then read as the type says.
    let verified = jwt::verify(&view.access_keys, token, now).map_err(ApiError::from)?;
    let payload = &verified.payload;
    match sign_on_from_payload(view, payload, &[ACCESS_TYP, REFRESH_TYP], now, leeway) {
        Ok(claims) => {
            let claims = not_revoked(view, revoked, claims).map_err(ApiError::from)?;
            Ok(axum::Json(claims).into_response())
        }
        // Not shaped like a sign-on token: perhaps a self-service or guest one.
        Err(e @ (TokenError::WrongType | TokenError::Malformed)) => {
            let typs = [SELF_SERVICE_TYP, GUEST_TYP];
            let claims = limited_from_payload(view, revoked, payload, &typs, now, leeway).map_err(
                |limited| match limited {
                    TokenError::WrongType | TokenError::Malformed => ApiError::from(e),
                    other => ApiError::from(other),
                },
            )?;
            Ok(axum::Json(claims).into_response())
        }
        Err(e) => Err(ApiError::from(e).into()),
    }
}

/// The tenant's public signing keys (ES256 / EdDSA) as a JWKS document.
pub async fn jwks(
    State(state): State<AppState>,
    PathParam(tenant_id, ..): PathParam<String, Opf>,
) -> Result<Response, FaceError<Opf>> {
    let (_, view) = crate::api::extract::resolve_tenant(&state, &tenant_id)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/jwk-set+json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        view.jwks.to_string(),
    )
        .into_response())
}
