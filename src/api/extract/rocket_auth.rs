//! Rocket bearer tokens with the type and scope an operation declares
//! (`accountAuth` or `profileAuth`, with one scope; scopes are not
//! hierarchical). Missing or invalid token: 401; valid but of another type
//! or scope: 403 `40303`.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::{bearer_token, RocketTenant};
use crate::api::error::{codes, ApiError, FaceError, Rocket};
use crate::app::AppState;
use crate::core::scoped_claims::{Scope, ScopedClaims, ACCOUNT_TYP, PROFILE_TYP};
use crate::plane::identity::Identity;

/// A scope as a type, so a handler's signature states what it needs.
pub trait RequiredScope: Send + Sync + 'static {
    const SCOPE: Scope;
}

pub struct Catalog;
pub struct Commerce;
pub struct Settings;
pub struct Playback;

impl RequiredScope for Catalog {
    const SCOPE: Scope = Scope::Catalog;
}
impl RequiredScope for Commerce {
    const SCOPE: Scope = Scope::Commerce;
}
impl RequiredScope for Settings {
    const SCOPE: Scope = Scope::Settings;
}
impl RequiredScope for Playback {
    const SCOPE: Scope = Scope::Playback;
}

/// A request carrying an Account token of scope `S`.
pub struct AccountAuth<S: RequiredScope> {
    pub tenant: RocketTenant,
    pub claims: ScopedClaims,
    _scope: PhantomData<S>,
}

async fn checked(
    parts: &mut Parts,
    state: &AppState,
    typ: &str,
    scope: Scope,
) -> Result<(RocketTenant, ScopedClaims), FaceError<Rocket>> {
    let tenant = RocketTenant::from_request_parts(parts, state).await?;
    let token = bearer_token(&parts.headers).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHENTICATED,
            "Bearer token required",
        )
    })?;
    let claims = Identity::check_scoped_token(
        &tenant.view,
        &tenant.snapshot.revoked,
        token,
        state.clock.now_s(),
        state.config.tokens.leeway_s,
    )
    .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, codes::TOKEN_INVALID, e.reason()))?;
    if claims.typ != typ || claims.scope != scope {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::WRONG_TOKEN_SCOPE,
            "token type or scope does not allow this operation",
        )
        .into());
    }
    Ok((tenant, claims))
}

impl<S: RequiredScope> FromRequestParts<AppState> for AccountAuth<S> {
    type Rejection = FaceError<Rocket>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (tenant, claims) = checked(parts, state, ACCOUNT_TYP, S::SCOPE).await?;
        Ok(Self {
            tenant,
            claims,
            _scope: PhantomData,
        })
    }
}

/// A request carrying a Profile token of scope `S` (its claims name the
/// profile).
pub struct ProfileAuth<S: RequiredScope> {
    pub tenant: RocketTenant,
    pub claims: ScopedClaims,
    _scope: PhantomData<S>,
}

impl<S: RequiredScope> FromRequestParts<AppState> for ProfileAuth<S> {
    type Rejection = FaceError<Rocket>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (tenant, claims) = checked(parts, state, PROFILE_TYP, S::SCOPE).await?;
        Ok(Self {
            tenant,
            claims,
            _scope: PhantomData,
        })
    }
}
