//! The fast path's typed refusals as client errors, each written once:
//! [`Denial`] (the decision), [`TokenError`] (a token's own reason, as the
//! Token Validation Service names it; client APIs word theirs with
//! [`crate::api::extract::client_token_error`]), [`SessionError`] (leases),
//! [`PlaybackError`] (the use case), [`DeliveryError`] and
//! [`OutsideLocation`] (the URL Builder's delivery rules).

use axum::http::StatusCode;

use super::{codes, ApiError};
use crate::api::lease_out::LeaseOut;
use crate::core::cdn::delivery::DeliveryError;
use crate::core::cdn::location::OutsideLocation;
use crate::core::decide::Denial;
use crate::core::jwt::TokenError;
use crate::playback::leases::{refusal, SessionError};
use crate::playback::PlaybackError;

impl From<Denial> for ApiError {
    fn from(d: Denial) -> Self {
        let status = StatusCode::from_u16(d.http_status()).unwrap_or(StatusCode::FORBIDDEN);
        ApiError::new(status, d.code(), d.message())
    }
}

/// A token problem as OPF's edge reports it: 403 `99999:403` with the reason.
impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, codes::TOKEN_INVALID, e.reason())
    }
}

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        match e {
            SessionError::Full {
                group,
                active,
                lease_s,
            } => {
                let (code, message) = if group {
                    (
                        refusal::TOO_MANY_STREAMS_IN_GROUP,
                        "this kind of device already plays as many streams as the account allows; stop one of the activeSessions",
                    )
                } else {
                    (
                        refusal::TOO_MANY_STREAMS,
                        "the account already plays as many streams as it allows; stop one of the activeSessions",
                    )
                };
                let active: Vec<LeaseOut> = active
                    .into_iter()
                    .map(|l| LeaseOut::of(l, lease_s))
                    .collect();
                ApiError::new(StatusCode::FORBIDDEN, code, message).with(
                    "activeSessions",
                    serde_json::to_value(active).expect("leases serialise"),
                )
            }
            SessionError::NotFound => ApiError::new(
                StatusCode::NOT_FOUND,
                codes::NOT_FOUND,
                "no live session with this id",
            ),
            SessionError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "session lease store unavailable");
                ApiError {
                    retry_after_s: Some(1),
                    ..ApiError::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        codes::UNAVAILABLE,
                        "session leases are unavailable, retry",
                    )
                }
            }
        }
    }
}

impl From<PlaybackError> for ApiError {
    fn from(e: PlaybackError) -> Self {
        match e {
            PlaybackError::Denied(d) => d.into(),
            PlaybackError::Lease(e) => e.into(),
            PlaybackError::NoContentKey => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                "the tenant has no content signing key yet, retry later",
            ),
        }
    }
}

impl From<OutsideLocation> for ApiError {
    fn from(e: OutsideLocation) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            codes::OUTSIDE_PLAYBACK_LOCATION,
            e.message(),
        )
    }
}

impl From<DeliveryError> for ApiError {
    fn from(e: DeliveryError) -> Self {
        match e {
            DeliveryError::UnknownCdn(id) => ApiError::bad_request(
                codes::BAD_QUERY,
                format!("the content's CDN {id} is not configured for this tenant"),
            ),
            DeliveryError::NotOnCdn { cdn, base_url } => ApiError::bad_request(
                codes::BAD_QUERY,
                format!("content_URL is not on CDN {cdn} ({base_url})"),
            ),
            DeliveryError::NoCdn => ApiError::bad_request(
                codes::BAD_QUERY,
                "content_URL is on no CDN of this tenant, and the content requires a CDN token",
            ),
            DeliveryError::NoSigningKey(id) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                codes::UNAVAILABLE,
                format!("CDN {id} has no signing key yet, retry later"),
            ),
            DeliveryError::ClientAddressUnknown => ApiError::bad_request(
                codes::BAD_REQUEST,
                "the client address is unknown and the CDN binds tokens to it",
            ),
        }
    }
}

impl<F: super::Face> From<PlaybackError> for super::FaceError<F> {
    fn from(e: PlaybackError) -> Self {
        Self::new(e.into())
    }
}
