//! Operator (CRM / back-office) credential for the tenant named in `nv-tenant-id`:
//! `Authorization: Bearer <credential>`, where the credential is either
//!
//! - the tenant's operator API key, checked against its SHA-256 in constant time;
//! - or a JWT from the tenant's own identity provider (settings `operatorJwt`,
//!   see [`crate::core::operator_jwt`]): signature by a key of the configured
//!   JWKS, issuer, audience, expiry, lifetime cap and required scope.
//!
//! Must never: log the presented credential, or accept a JWT for a tenant that
//! has not configured an issuer.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

use super::Tenant;
use crate::api::error::{codes, ApiError, Face, FaceError};
use crate::app::AppState;
use crate::core::operator_jwt::OperatorSubject;
use crate::plane::credentials::api_key_matches;

/// How the operator proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatorCredential {
    ApiKey,
    /// A JWT of the tenant's identity provider, naming its subject.
    Jwt(OperatorSubject),
}

/// An authenticated operator of one tenant.
pub struct Operator<F: Face> {
    pub tenant: Tenant<F>,
    pub credential: OperatorCredential,
}

impl<F: Face> Operator<F> {
    pub fn tenant_id(&self) -> &str {
        self.tenant.id()
    }
}

fn unauthenticated(message: &'static str, code: u32) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

impl<F: Face> FromRequestParts<AppState> for Operator<F> {
    type Rejection = FaceError<F>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let tenant = Tenant::<F>::from_request_parts(parts, state).await?;
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                unauthenticated(
                    "operator bearer credential required",
                    codes::UNAUTHENTICATED,
                )
            })?;
        let key_matches = tenant
            .view
            .operator_key_sha256
            .as_ref()
            .is_some_and(|digest| api_key_matches(presented, digest));
        if key_matches {
            return Ok(Operator {
                tenant,
                credential: OperatorCredential::ApiKey,
            });
        }
        let looks_like_jwt = presented.bytes().filter(|b| *b == b'.').count() == 2;
        match tenant.view.operator_issuer.as_deref() {
            Some(issuer) if looks_like_jwt => {
                let subject = issuer
                    .check(presented, state.clock.now_s(), state.config.tokens.leeway_s)
                    .map_err(|e| {
                        tracing::debug!(
                            tenant = tenant.id(),
                            reason = e.reason(),
                            "operator JWT refused"
                        );
                        unauthenticated(e.reason(), codes::BAD_CREDENTIALS)
                    })?;
                Ok(Operator {
                    tenant,
                    credential: OperatorCredential::Jwt(subject),
                })
            }
            _ => Err(unauthenticated(
                "operator credential not valid for this tenant",
                codes::BAD_CREDENTIALS,
            )
            .into()),
        }
    }
}
