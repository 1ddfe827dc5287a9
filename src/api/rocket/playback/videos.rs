//! Rocket media resolution, answered from memory:
//!
//! - `GET /api/account/items/{id}/videos` (getItemMediaFiles, Account
//!   Catalog token);
//! - `GET /api/account/items/{id}/videos-guarded` (getItemMediaFilesGuarded,
//!   Account Playback token, which only `/itv/pinauthorization` issues);
//! - `GET /api/items/{id}/videos` (getPublicItemMediaFiles, anonymous): the
//!   free files only ([`crate::core::decide::decide_public`]: the network
//!   and the content's own rules, then free-to-air). An item a product
//!   grants has no public files: 404, like one that does not exist.
//!
//! The account routes ask the playback use case for a grant
//! ([`crate::playback::Issuer::grant`], so [`crate::core::decide::decide`],
//! with no device: Rocket's account tokens name none) and answer its refusals with the rule's code.
//! On the Catalog route the decision applies the playback guard: an item
//! rated at or above the account's `minRatingPlaybackGuard` is refused with
//! **403 `{code: 1}`** ("classification restricted"; the client switches to
//! the guarded route with a Playback token), which serves it.
//!
//! The item is a catalogue title's or channel's id (its first technical
//! plays) or a technical's own id (the item's `customId`).
//!
//! The files: the item's playback URL as one `MediaFile`, its format read
//! from the URL's extension (`.m3u8` hls, `.mpd` mpd, `.mp4` mp4, anything
//! else external) and delivered as a stream (mp4: progressive). `delivery`
//! and `formats` filter it; nothing left is 404, as documented. Decisions:
//! `resolution` echoes the device's maximum (one rendition per URL; the
//! manifest carries the ladder) with its nominal width and height; `drm` is
//! `SSP` (content keys come with the SSP content token); `language` is `und`
//! (the catalogue holds no audio language).
//!
//! Must never: touch the store, or serve a guarded item on the Catalog route.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Rocket};
use crate::api::extract::rocket_auth::{AccountAuth, Catalog, Playback as PlaybackScope};
use crate::api::extract::{ClientAddr, PathParam, QueryParams, RocketTenant};
use crate::api::rocket::params::{csv_of, Common};
use crate::app::AppState;
use crate::core::decide::{Grant, Purpose, Request};
use crate::core::scoped_claims::ScopedClaims;

const DELIVERIES: &[&str] = &["stream", "progressive", "download"];
const RESOLUTIONS: &[&str] = &["HD-4K", "HD-1080", "HD-720", "SD", "External"];
const FORMATS: &[&str] = &["mp4", "mpd", "hls", "external"];

#[derive(Debug, Deserialize)]
pub struct MediaQuery {
    delivery: Option<String>,
    resolution: Option<String>,
    formats: Option<String>,
    #[serde(flatten)]
    common: Common,
}

#[derive(Debug, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    name: String,
    delivery_type: &'static str,
    url: String,
    drm: &'static str,
    format: &'static str,
    resolution: &'static str,
    width: i32,
    height: i32,
    language: &'static str,
}

impl MediaFile {
    /// The file a playback URL is: its format read from the extension,
    /// delivered as a stream (mp4: progressive), at `resolution` with its
    /// nominal size (an external format: `External`, 0×0).
    pub(super) fn of(name: String, url: &str, resolution: &'static str, drm: &'static str) -> Self {
        let format = format_of(url);
        let delivery_type = match format {
            "mp4" => "Progressive",
            _ => "Stream",
        };
        let resolution = if format == "external" {
            "External"
        } else {
            resolution
        };
        let (width, height) = dimensions(resolution);
        MediaFile {
            name,
            delivery_type,
            url: url.to_owned(),
            drm,
            format,
            resolution,
            width,
            height,
            language: "und",
        }
    }
}

fn bad(message: &'static str) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

/// The format a playback URL names, by its path's extension.
fn format_of(url: &str) -> &'static str {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("m3u8") => "hls",
        Some("mpd") => "mpd",
        Some("mp4") => "mp4",
        _ => "external",
    }
}

fn dimensions(resolution: &str) -> (i32, i32) {
    match resolution {
        "HD-4K" => (3840, 2160),
        "HD-1080" => (1920, 1080),
        "HD-720" => (1280, 720),
        "SD" => (720, 576),
        _ => (0, 0),
    }
}

fn no_files() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "no media files match the request",
    )
}

/// Who asks for an item's files.
#[derive(Clone, Copy)]
enum Caller<'a> {
    /// A signed-in account; `guarded_route` skips the playback guard.
    Account {
        claims: &'a ScopedClaims,
        guarded_route: bool,
    },
    /// Anyone: free-to-air items only.
    Public,
}

/// The item's files for the caller, or the refusal.
fn media_files(
    state: &AppState,
    tenant: &RocketTenant,
    caller: Caller<'_>,
    item_id: &str,
    client_ip: Option<std::net::IpAddr>,
    q: &MediaQuery,
) -> Result<Vec<MediaFile>, ApiError> {
    q.common.validate()?;
    let delivery = csv_of("delivery", q.delivery.as_deref(), DELIVERIES)?;
    if delivery.is_empty() {
        return Err(bad(
            "delivery is required: stream, progressive and/or download",
        ));
    }
    let resolution = q
        .resolution
        .as_deref()
        .and_then(|r| RESOLUTIONS.iter().find(|k| **k == r))
        .ok_or_else(|| bad("resolution is required: HD-4K, HD-1080, HD-720, SD or External"))?;
    let formats = csv_of("formats", q.formats.as_deref(), FORMATS)?;
    if item_id.is_empty() || item_id.len() > 256 || item_id.chars().any(char::is_control) {
        return Err(bad("the item id must be 1-256 printable characters"));
    }
    // An item id from the catalogue (a title or channel) plays its first
    // technical; any other id is a technical's own (`customId`).
    let item_id = tenant
        .snapshot
        .catalogue
        .get(tenant.id())
        .and_then(|cat| {
            cat.editorials
                .get(item_id)
                .and_then(|e| e.technicals.first().map(|t| t.id.as_str()))
                .or_else(|| {
                    let c = cat.services.get(item_id)?;
                    c.technicals.first().map(|t| t.id.as_str())
                })
        })
        .unwrap_or(item_id);
    let p = tenant
        .snapshot
        .playback
        .get(tenant.id())
        .ok_or_else(no_files)?;
    let (account_id, playback_guard) = match caller {
        Caller::Account {
            claims,
            guarded_route,
        } => (claims.account_id.as_str(), !guarded_route),
        Caller::Public => ("", false),
    };
    let request = Request {
        account_id,
        device_id: None,
        content_id: item_id,
        client_ip,
        in_home_claim: false,
        playback_guard,
        purpose: Purpose::Play,
        now: state.clock.now_s(),
    };
    fn files<'s>(grant: &Grant<'s>) -> Result<(String, &'s str), ApiError> {
        let url = grant.item.playback_url.as_deref().ok_or_else(no_files)?;
        Ok((grant.item.id.to_string(), url))
    }
    let (item_id, url) = match caller {
        Caller::Account { .. } => state.playback.grant(p, &request, files)?,
        // Public files are the free ones: an unknown item or one a product
        // grants has none (404, as documented), where other refusals
        // (window, location) keep their rule's answer.
        Caller::Public => {
            state
                .playback
                .grant_public(p, &request, files)
                .map_err(|e: ApiError| match e.status {
                    StatusCode::FORBIDDEN if e.code == codes::NOT_ENTITLED => no_files(),
                    _ => e,
                })?
        }
    };
    let file = MediaFile::of(item_id, url, resolution, "SSP");
    let wanted = file.delivery_type.to_ascii_lowercase();
    if !delivery.contains(&wanted.as_str())
        || !(formats.is_empty() || formats.contains(&file.format))
    {
        return Err(no_files());
    }
    Ok(vec![file])
}

/// `GET /api/account/items/{id}/videos`.
pub async fn get_item_media_files(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    ClientAddr(client_ip): ClientAddr,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<MediaQuery, Rocket>,
) -> Result<Json<Vec<MediaFile>>, FaceError<Rocket>> {
    let files = media_files(
        &state,
        &auth.tenant,
        Caller::Account {
            claims: &auth.claims,
            guarded_route: false,
        },
        &id,
        client_ip,
        &q,
    )?;
    Ok(Json(files))
}

/// `GET /api/account/items/{id}/videos-guarded`.
pub async fn get_item_media_files_guarded(
    State(state): State<AppState>,
    auth: AccountAuth<PlaybackScope>,
    ClientAddr(client_ip): ClientAddr,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<MediaQuery, Rocket>,
) -> Result<Json<Vec<MediaFile>>, FaceError<Rocket>> {
    let caller = Caller::Account {
        claims: &auth.claims,
        guarded_route: true,
    };
    let files = media_files(&state, &auth.tenant, caller, &id, client_ip, &q)?;
    Ok(Json(files))
}

/// `GET /api/items/{id}/videos` (getPublicItemMediaFiles, anonymous).
pub async fn get_public_item_media_files(
    State(state): State<AppState>,
    tenant: RocketTenant,
    ClientAddr(client_ip): ClientAddr,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<MediaQuery, Rocket>,
) -> Result<Json<Vec<MediaFile>>, FaceError<Rocket>> {
    let files = media_files(&state, &tenant, Caller::Public, &id, client_ip, &q)?;
    Ok(Json(files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of("https://cdn/x/index.m3u8"), "hls");
        assert_eq!(format_of("https://cdn/x/manifest.MPD?token=a.b"), "mpd");
        assert_eq!(format_of("https://cdn/x/film.mp4#t=10"), "mp4");
        assert_eq!(format_of("https://cdn/x/play"), "external");
        assert_eq!(format_of("https://cdn.example/x"), "external");
    }
}
