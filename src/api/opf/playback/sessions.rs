//! Concurrent-stream leases for the signed-on device's account (proposed
//! paths; see [`crate::playback::leases`]):
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
use serde::Deserialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, JsonBody, PathParam, SignedOn};
use crate::api::lease_out::LeaseOut;
use crate::api::opf::playback::content_token::playback_of;
use crate::api::opf::resource_set::ResourceSet;
use crate::app::AppState;
use crate::core::decide::Purpose;
use crate::playback::leases::limits_of;
use crate::playback::{Ask, Binding};

type OpfResult<T> = Result<T, FaceError<Opf>>;

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
    let ask = Ask {
        tenant: &signed_on.tenant.view,
        playback: playback_of(&signed_on.tenant)?,
        claims,
        content_id: &body.content_id,
        binding: Binding::Device,
        purpose: Purpose::Play,
        client_ip,
    };
    let lease = state.playback.lease(ask, &limits).await?;
    Ok((
        StatusCode::CREATED,
        Json(LeaseOut::of(lease, state.playback.leases.lease_s())),
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
        .playback
        .leases
        .heartbeat(who, &session_id, state.clock.now_s())
        .await
        .map_err(ApiError::from)?;
    Ok(Json(LeaseOut::of(lease, state.playback.leases.lease_s())))
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
        .playback
        .leases
        .stop(who, &session_id, state.clock.now_s())
        .await
        .map_err(ApiError::from)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /sessions/v1/sessions`.
pub async fn list(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> OpfResult<Json<ResourceSet<LeaseOut>>> {
    let claims = &signed_on.claims;
    let who = (signed_on.tenant.id(), claims.account_id.as_str());
    let leases = state
        .playback
        .leases
        .list(who, state.clock.now_s())
        .await
        .map_err(ApiError::from)?;
    let lease_s = state.playback.leases.lease_s();
    Ok(Json(ResourceSet::all(
        leases
            .into_iter()
            .map(|l| LeaseOut::of(l, lease_s))
            .collect(),
    )))
}
