//! GES guest rooms (OPF rows 39-41): `POST /ges/v1/user/room` (open, body
//! `{"createRoom": {"editorialChannelId"}}` → `{roomId}`), `PUT
//! /ges/v1/user/room/{roomId}` (join → `{roomId, sharedContentId}`) and `GET
//! /ges/v1/user/room/{roomId}` (status → `{startTime, endTime, roomId,
//! guestList[{deviceName}], countBase}`, epoch seconds). All 200 as
//! documented; rules in [`crate::plane::delivery::guest_rooms`]. Opening asks
//! the playback use case ([`crate::playback::Issuer::grant`], so
//! [`crate::core::decide::decide`]) whether the host may watch the channel now; a refusal carries
//! the decision's code. `sharedContentId` is the channel's editorial id (what
//! the client tunes to). Errors in the OPF envelope.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, JsonBody, PathParam, SignedOn};
use crate::api::opf::playback::content_token::playback_of;
use crate::app::AppState;
use crate::core::decide::{Basis, Denial, Purpose, Request};
use crate::core::snapshot::playback::OPEN_END;
use crate::plane::delivery::guest_rooms::Caller;
use crate::store::delivery::guest_rooms::Room;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateRoomIn {
    create_room: CreateRoom,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateRoom {
    editorial_channel_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomIdOut {
    room_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinedOut {
    room_id: String,
    shared_content_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Guest {
    device_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusOut {
    start_time: i64,
    end_time: i64,
    room_id: String,
    guest_list: Vec<Guest>,
    count_base: &'static str,
}

fn caller(signed_on: &SignedOn) -> Caller<'_> {
    Caller {
        account_id: &signed_on.claims.account_id,
        device_id: &signed_on.claims.device_id,
    }
}

/// `POST /ges/v1/user/room`.
pub async fn create_room(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    JsonBody(body, ..): JsonBody<CreateRoomIn, Opf>,
) -> OpfResult<Json<RoomIdOut>> {
    let tenant = signed_on.tenant.id();
    let channel = state
        .plane
        .delivery
        .guest_room_channel(tenant, &body.create_room.editorial_channel_id)
        .await?;
    let claims = &signed_on.claims;
    let rights_end = {
        let playback = playback_of(&signed_on.tenant)?;
        let request = Request {
            account_id: &claims.account_id,
            device_id: Some(&claims.device_id),
            content_id: &channel.channel_id,
            client_ip,
            in_home_claim: claims.in_home == Some(true),
            playback_guard: false,
            purpose: Purpose::Play,
            now: state.clock.now_s(),
        };
        state.playback.grant(playback, &request, |grant| {
            if let Basis::Guest { .. } = grant.basis {
                // Watching as someone's guest is not a right to invite others.
                return Err(ApiError::from(Denial::NotEntitled));
            }
            Ok(if grant.end == OPEN_END {
                i64::MAX
            } else {
                i64::from(grant.end)
            })
        })?
    };
    let room = state
        .plane
        .delivery
        .open_guest_room(tenant, caller(&signed_on), channel, rights_end)
        .await?;
    Ok(Json(RoomIdOut { room_id: room.id }))
}

/// `PUT /ges/v1/user/room/{roomId}`.
pub async fn join_room(
    State(state): State<AppState>,
    signed_on: SignedOn,
    PathParam(room_id, ..): PathParam<String, Opf>,
) -> OpfResult<Json<JoinedOut>> {
    let room: Room = state
        .plane
        .delivery
        .join_guest_room(signed_on.tenant.id(), caller(&signed_on), &room_id)
        .await?;
    Ok(Json(JoinedOut {
        room_id: room.id,
        shared_content_id: room.editorial_channel_id,
    }))
}

/// `GET /ges/v1/user/room/{roomId}`.
pub async fn room_status(
    State(state): State<AppState>,
    signed_on: SignedOn,
    PathParam(room_id, ..): PathParam<String, Opf>,
) -> OpfResult<Json<StatusOut>> {
    let (room, members) = state
        .plane
        .delivery
        .guest_room_status(signed_on.tenant.id(), caller(&signed_on), &room_id)
        .await?;
    Ok(Json(StatusOut {
        start_time: room.start_at,
        end_time: room.end_at,
        room_id: room.id,
        guest_list: members
            .into_iter()
            .map(|m| Guest {
                device_name: m.device_name,
            })
            .collect(),
        count_base: room.count_base.as_str(),
    }))
}
