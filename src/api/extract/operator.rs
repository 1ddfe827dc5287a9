//! Operator (CRM / back-office) credential: `Authorization: Bearer <operator API
//! key>` for the tenant named in `nv-tenant-id`, checked against the key's SHA-256
//! in constant time.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

use super::Tenant;
use crate::api::error::{codes, ApiError, Face, FaceError};
use crate::app::AppState;
use crate::plane::credentials::api_key_matches;

/// An authenticated operator of one tenant.
pub struct Operator<F: Face> {
    pub tenant: Tenant<F>,
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
        let valid = tenant
            .view
            .operator_key_sha256
            .as_ref()
            .is_some_and(|digest| api_key_matches(presented, digest));
        if !valid {
            return Err(unauthenticated(
                "operator credential not valid for this tenant",
                codes::BAD_CREDENTIALS,
            )
            .into());
        }
        Ok(Operator { tenant })
    }
}
