//! `POST /api/itv/items/clips` (getItemsMediaClipFiles, anonymous): the
//! clip files (trailers, clips, extras) of items, answered from memory.
//!
//! Body: `{"ids": "a,b,c"}` (`ItemDownloadableRequest`; at most 500 ids,
//! each once, in request order). An item is a catalogue title; its clips
//! are the editorials its `clipRefs` names, in that order. A clip's files
//! are its technicals that the public decision grants (the playback use
//! case's `grant_public`, so [`crate::core::decide::decide_public`]: free to air, inside their
//! windows, where the content's location rules allow), one `ItemClipFile`
//! each, shaped as the media routes shape files, its resolution from the
//! technical's definition as item offers read it (SD, HD → HD-1080, UHD → HD-4K, else Unknown)
//! and `drm` `SSP` as on the media routes (every technical names a DRM
//! instance). It reads a body, so it sits behind the admin layers (body
//! deadline and limits) though it answers from memory. Unknown items, and ids that
//! cannot be ids, are left out; a title with no playable clip answers
//! `clips: []`.
//!
//! Must never: touch the store, or list a clip file the public decision
//! refuses.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use super::items::ItemDownloadableRequest;
use super::videos::MediaFile;
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{ClientAddr, JsonBody, QueryParams, RocketTenant};
use crate::api::rocket::catalogue::shapes::resolution;
use crate::api::rocket::params::Common;
use crate::app::AppState;
use crate::core::decide::{Purpose, Request};
use crate::plane::catalogue::requested_item_ids;
use crate::playback::PlaybackError;

#[derive(Debug, Serialize)]
pub struct ItemClipFiles {
    id: String,
    clips: Vec<MediaFile>,
}

#[derive(Debug, Serialize)]
pub struct ItemClipFilesList {
    items: Vec<ItemClipFiles>,
}

/// `POST /api/itv/items/clips`.
pub async fn get_items_media_clip_files(
    State(state): State<AppState>,
    tenant: RocketTenant,
    ClientAddr(client_ip): ClientAddr,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<ItemDownloadableRequest, Rocket>,
) -> Result<Json<ItemClipFilesList>, FaceError<Rocket>> {
    common.validate()?;
    let ids = requested_item_ids(&body.ids)?;
    let cat = tenant.snapshot.catalogue_of(tenant.id());
    let playback = tenant.snapshot.playback.get(tenant.id());
    let now = state.clock.now_s();
    let items = ids
        .into_iter()
        .filter_map(|id| {
            let title = cat.editorials.get(&id)?;
            let clips = title
                .clip_refs
                .iter()
                .filter_map(|clip| cat.editorials.get(clip))
                .flat_map(|clip| clip.technicals.iter())
                .filter_map(|t| {
                    let request = Request {
                        account_id: "",
                        device_id: None,
                        content_id: &t.id,
                        client_ip,
                        in_home_claim: false,
                        playback_guard: false,
                        purpose: Purpose::Play,
                        now,
                    };
                    let url = state
                        .playback
                        .grant_public(playback?, &request, |g| {
                            Ok::<_, PlaybackError>(g.item.playback_url.as_deref())
                        })
                        .ok()
                        .flatten()?;
                    Some(MediaFile::of(
                        t.id.clone(),
                        url,
                        resolution(t.definition.as_deref()),
                        "SSP",
                    ))
                })
                .collect();
            Some(ItemClipFiles { id, clips })
        })
        .collect();
    Ok(Json(ItemClipFilesList { items }))
}
