//! Concurrent-stream leases for the signed-on device's account (proposed
//! paths; see [`crate::plane::sessions`]):
//!
//! - `POST /sessions/v1/sessions` `{contentId}`: runs the playback decision
//!   and opens (or renews) the device's lease → 201 lease; a content token
//!   does the same, so players that fetch one need not call this;
//! - `POST /sessions/v1/sessions/{sessionId}/heartbeat` → 200 lease (404 once
//!   it has expired or stopped: fetch a new content token);
//! - `DELETE /sessions/v1/sessions/{sessionId}` → 204;
//! - `GET /sessions/v1/sessions` → `{totalRecords, resourceSet}`, the live
//!   leases, oldest first.
//!
//! The next stream past the account's (or the device group's) `maxSessions`
//! is 403 `40395` (`40396` for the group) with `activeSessions`: the live
//! leases, so a player can offer "stop another stream". Accounts whose
//! streams are not limited (`sessionControl.sessionControlEnabled` false in
//! the access token) hold no leases: start and heartbeat answer 404 `40402`.
//! Errors in the OPF envelope.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::content_token::{denial_error, playback_of};
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, JsonBody, PathParam, SignedOn};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::decide::{decide, Purpose, Request};
use crate::core::sessions::Lease;
use crate::plane::sessions::{limits_of, refusal, SessionError};

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// A lease as players see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseOut {
    session_id: String,
    device_id: String,
    content_id: String,
    group_id: Option<String>,
    started: String,
    expires: String,
    /// How often to send a heartbeat, in seconds (a third of the lease).
    heartbeat_s: i64,
}

impl LeaseOut {
    pub fn of(l: Lease, lease_s: i64) -> Self {
        Self {
            session_id: l.session_id,
            device_id: l.device_id,
            content_id: l.content_id,
            group_id: l.group_id,
            started: iso(l.started),
            expires: iso(l.expires),
            heartbeat_s: (lease_s / 3).max(1),
        }
    }
}

/// A lease refusal as the client sees it.
pub fn session_error(e: SessionError, lease_s: i64) -> ApiError {
    match e {
        SessionError::Full { group, active } => {
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

fn not_limited() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "this account's streams are not limited; no lease is kept",
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartIn {
    content_id: String,
}

/// `POST /sessions/v1/sessions`.
pub async fn start(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    JsonBody(body, ..): JsonBody<StartIn, Opf>,
) -> OpfResult<(StatusCode, Json<LeaseOut>)> {
    let claims = &signed_on.claims;
    let limits = limits_of(&claims.session_control).ok_or_else(not_limited)?;
    if body.content_id.is_empty()
        || body.content_id.len() > 256
        || body.content_id.chars().any(char::is_control)
    {
        return Err(ApiError::bad_request(
            codes::BAD_REQUEST,
            "contentId must be 1-256 printable characters",
        )
        .into());
    }
    let playback = playback_of(&signed_on.tenant)?;
    let now = state.clock.now_s();
    let request = Request {
        account_id: &claims.account_id,
        device_id: Some(&claims.device_id),
        content_id: &body.content_id,
        client_ip,
        in_home_claim: claims.in_home == Some(true),
        playback_guard: false,
        purpose: Purpose::Play,
        now,
    };
    decide(playback, &request, &mut ()).map_err(denial_error)?;
    let who = (
        signed_on.tenant.id(),
        claims.account_id.as_str(),
        claims.device_id.as_str(),
    );
    let lease = state
        .sessions
        .open(who, &body.content_id, &limits, now)
        .await
        .map_err(|e| session_error(e, state.sessions.lease_s()))?;
    Ok((
        StatusCode::CREATED,
        Json(LeaseOut::of(lease, state.sessions.lease_s())),
    ))
}

/// `POST /sessions/v1/sessions/{sessionId}/heartbeat`.
pub async fn heartbeat(
    State(state): State<AppState>,
    signed_on: SignedOn,
    PathParam(session_id, ..): PathParam<String, Opf>,
) -> OpfResult<Json<LeaseOut>> {
    let claims = &signed_on.claims;
    limits_of(&claims.session_control).ok_or_else(not_limited)?;
    let who = (signed_on.tenant.id(), claims.account_id.as_str());
    let lease = state
        .sessions
        .heartbeat(who, &session_id, state.clock.now_s())
        .await
        .map_err(|e| session_error(e, state.sessions.lease_s()))?;
    Ok(Json(LeaseOut::of(lease, state.sessions.lease_s())))
}

/// `DELETE /sessions/v1/sessions/{sessionId}`.
pub async fn stop(
    State(state): State<AppState>,
    signed_on: SignedOn,
    PathParam(session_id, ..): PathParam<String, Opf>,
) -> OpfResult<StatusCode> {
    let claims = &signed_on.claims;
    let who = (signed_on.tenant.id(), claims.account_id.as_str());
    state
        .sessions
        .stop(who, &session_id, state.clock.now_s())
        .await
        .map_err(|e| session_error(e, state.sessions.lease_s()))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeasePage {
    total_records: usize,
    resource_set: Vec<LeaseOut>,
}

/// `GET /sessions/v1/sessions`.
pub async fn list(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> OpfResult<Json<LeasePage>> {
    let claims = &signed_on.claims;
    let who = (signed_on.tenant.id(), claims.account_id.as_str());
    let leases = state
        .sessions
        .list(who, state.clock.now_s())
        .await
        .map_err(|e| session_error(e, state.sessions.lease_s()))?;
    let lease_s = state.sessions.lease_s();
    Ok(Json(LeasePage {
        total_records: leases.len(),
        resource_set: leases
            .into_iter()
            .map(|l| LeaseOut::of(l, lease_s))
            .collect(),
    }))
}
