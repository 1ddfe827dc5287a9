//! The platform credential: `Authorization: Bearer <platform.api_key>`, for
//! whoever runs playgate (tenant provisioning). Compared as SHA-256 digests
//! in constant time; a tenant's operator key is never one.
//!
//! Must never: log the presented key, or answer anything but 404 while no
//! platform key is configured.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::bearer_token;
use crate::api::error::{codes, Adm, ApiError, FaceError};
use crate::app::AppState;
use crate::plane::credentials::{api_key_digest, api_key_matches};

/// A request made with the platform key.
#[derive(Debug, Clone, Copy)]
pub struct Platform;

impl FromRequestParts<AppState> for Platform {
    type Rejection = FaceError<Adm>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let configured = &state.config.platform.api_key;
        if configured.is_empty() {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                codes::NOT_FOUND,
                "the platform API is not enabled (platform.api_key)",
            )
            .into());
        }
        let presented = bearer_token(&parts.headers).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::UNAUTHENTICATED,
                "platform bearer key required",
            )
        })?;
        if api_key_matches(presented, &api_key_digest(configured)) {
            Ok(Platform)
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                codes::BAD_CREDENTIALS,
                "platform key not valid",
            )
            .into())
        }
    }
}
