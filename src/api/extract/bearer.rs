//! Bearer credentials: the token from `Authorization: Bearer`, and the verified
//! sign-on (access token) behind it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};

use super::Tenant;
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::app::AppState;
use crate::core::claims::{check_sign_on, SignOnClaims, ACCESS_TYP};
use crate::core::jwt::{claimed_tenant, TokenError};

/// The token of an `Authorization: Bearer <token>` value, if it is one.
fn bearer_of(value: &HeaderValue) -> Option<&str> {
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The token of `Authorization: Bearer <token>`, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(bearer_of)
}

/// 401 `40100`: no bearer token.
fn bearer_required() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        codes::UNAUTHENTICATED,
        "Bearer token required",
    )
}

/// The bearer token, or 401 `40100`.
pub fn require_bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    bearer_token(headers).ok_or_else(bearer_required)
}

/// The token of an `Authorization` header that carries it bare (AGS sends
/// `Authorization: <token>`) or as `Bearer <token>`; 401 `40100` if absent.
pub fn require_authorization_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    authorization_token(headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHENTICATED,
            "Authorization header with a token is required",
        )
    })
}

/// The token of an `Authorization` header, bare or as `Bearer <token>`.
pub(crate) fn authorization_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim())
        .filter(|t| !t.is_empty())
}

/// Verifies an OPF access token of the request's tenant from memory (signature,
/// type, time, revocation); a problem is 403 `99999:403` as deployed apps read
/// it ([`client_token_error`]), or 403 `40306` when the token is another
/// tenant's than the one the request named.
pub fn verify_access(
    state: &AppState,
    tenant: &Tenant<Opf>,
    token: &str,
) -> Result<SignOnClaims, ApiError> {
    check_sign_on(
        &tenant.view,
        &tenant.snapshot.revoked,
        token,
        &[ACCESS_TYP],
        state.clock.now_s(),
        state.config.tokens.leeway_s,
    )
    .map_err(|e| {
        // Off the success path: only a refusal looks at whose token it is.
        match claimed_tenant(token) {
            Some(other) if other != tenant.id() => ApiError::new(
                StatusCode::FORBIDDEN,
                codes::TENANT_MISMATCH,
                "the tenant header names another tenant than the token",
            ),
            _ => client_token_error(e),
        }
    })
}

/// A bearer token refused on a client API, as deployed OPF apps read it
/// (their refresh logic keys on `result`): `"Bearer Token Expired"` for a
/// token past its expiry, `"Bearer Token Decoding Failure"` for one that is
/// malformed, unsigned, badly signed or under an unknown or retired key; a
/// refusal of a well-formed token (wrong type, revoked, another tenant's,
/// not yet valid) keeps its own reason. Always 403 `99999:403`; the precise
/// reason goes to the log.
pub fn client_token_error(e: TokenError) -> ApiError {
    tracing::info!(reason = e.reason(), "bearer token refused");
    let result = match e {
        TokenError::Expired | TokenError::PastFixedExpiry => "Bearer Token Expired",
        TokenError::Malformed
        | TokenError::Unsigned
        | TokenError::AlgorithmMismatch
        | TokenError::UnknownKey
        | TokenError::KeyRetired
        | TokenError::BadSignature
        | TokenError::ExpiryPastFixedExpiry => "Bearer Token Decoding Failure",
        other => return other.into(),
    };
    ApiError::new(StatusCode::FORBIDDEN, codes::TOKEN_INVALID, result)
}

/// A request signed on with an OPF access token (`Authorization: Bearer`).
pub struct SignedOn {
    pub tenant: Tenant<Opf>,
    pub claims: SignOnClaims,
    /// The `Authorization` header the token came in (a reference-counted view
    /// of the request's bytes, so keeping it copies nothing).
    authorization: HeaderValue,
}

impl SignedOn {
    /// The verified access token, as the caller sent it.
    pub fn token(&self) -> &str {
        bearer_of(&self.authorization).unwrap_or_default()
    }
}

impl FromRequestParts<AppState> for SignedOn {
    type Rejection = FaceError<Opf>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tenant = Tenant::<Opf>::from_request_parts(parts, state).await?;
        let authorization = parts
            .headers
            .get(header::AUTHORIZATION)
            .cloned()
            .ok_or_else(bearer_required)?;
        let token = bearer_of(&authorization).ok_or_else(bearer_required)?;
        let claims = verify_access(state, &tenant, token)?;
        Ok(SignedOn {
            tenant,
            claims,
            authorization,
        })
    }
}
