//! `GET /api/samsung-preview` (getPublicPreview, anonymous): the Samsung
//! Smart Hub public preview, from memory, as the tenant's settings
//! (`rocket.samsungPreview`, [`SamsungPreview`]) lay it out.
//!
//! - Sections are the configured lists (catalogue nodes), or the
//!   top-level lists (the root nodes' children); a section's title is the node's, in the tenant's
//!   default locale; sections left with no tile are dropped.
//! - At most 40 tiles in all, split evenly over the sections that have
//!   tiles, the remainder to the first (as the Rocket document says); a
//!   section with fewer items than its share keeps what it has.
//! - A tile is an item of the list (its shows and non-episode titles)
//!   that links an image of the configured type and whose window has not
//!   ended: `image_url` is IM-1 for that image at the tile's size (250 px
//!   high, the ratio's width) under `rocket.imageBaseUrl`; `action_data` is JSON
//!   `{"id", "path"}` for the app's deep link; `is_playable` for titles and
//!   channels; `display_from`/`display_until` the title's window; the
//!   subtitle its year.
//! - `expires` (UNIX seconds) when `refreshMinutes` is set: the next
//!   multiple of that period, so the answer stays the same in between.
//!
//! Without `rocket.imageBaseUrl` the preview is not offered: 404 (a relative
//! image URL is no use to a TV).
//!
//! Must never: touch the store, or list more than 40 tiles.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use super::browse::{catalogue, not_found};
use super::items::cached;
use super::shapes::{kind_of, record_kind};
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::RocketTenant;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::catalogue::browse::{text, Item};
use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::settings::SamsungPreview;

/// Most tiles a preview holds.
pub const MAX_TILES: usize = 40;
/// A tile's image height (Smart Hub's minimum).
const TILE_HEIGHT: u32 = 250;

#[derive(Debug, Serialize)]
pub struct Preview {
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<i64>,
    sections: Vec<Section>,
}

#[derive(Debug, Serialize)]
pub struct Section {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    position: i32,
    tiles: Vec<Tile>,
}

#[derive(Debug, Serialize)]
pub struct Tile {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtitle: Option<String>,
    image_ratio: &'static str,
    image_url: String,
    action_data: String,
    is_playable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_until: Option<String>,
    position: i32,
}

/// The rows the preview shows: the configured ones, else the top-level
/// lists (the children of each root node, in `nodeOrder`; a root with no
/// children is a list itself), as a home page lays them out.
fn rows<'a>(cat: &'a Catalogue, p: &'a SamsungPreview) -> Vec<&'a str> {
    if !p.rows.is_empty() {
        return p.rows.iter().map(String::as_str).collect();
    }
    let ordered = |parent: Option<&str>| {
        let mut nodes: Vec<_> = cat
            .nodes
            .rows()
            .iter()
            .filter(|n| n.parent.as_deref() == parent)
            .collect();
        nodes.sort_by(|a, b| (a.node_order, &a.id).cmp(&(b.node_order, &b.id)));
        nodes
    };
    let mut out = Vec::new();
    for root in ordered(None) {
        let children = ordered(Some(&root.id));
        if children.is_empty() {
            out.push(root.id.as_str());
        }
        out.extend(children.into_iter().map(|n| n.id.as_str()));
    }
    out
}

/// The tile for `item`, if it links an image of the wanted type and has
/// not ended.
fn tile(cat: &Catalogue, p: &SamsungPreview, base: &str, item: Item<'_>, now: i64) -> Option<Tile> {
    let (ratio, width) = p.ratio();
    let wanted = p.image_type();
    let image = cat
        .image_refs(record_kind(item), item.id())?
        .iter()
        .find(|id| cat.images.get(id).is_some_and(|i| i.kind == wanted))?;
    let window = match item {
        Item::Title(e) => Some(&e.period),
        _ => None,
    };
    if window.and_then(|w| w.end).is_some_and(|end| end <= now) {
        return None;
    }
    let path = format!("/{}/{}", kind_of(item), item.id());
    let txt = text(item.locales(), None, &cat.default_locale);
    let year = match item {
        Item::Title(e) => e.year,
        _ => None,
    };
    Some(Tile {
        title: txt.and_then(|t| t.title.clone()),
        subtitle: year.map(|y| y.to_string()),
        image_ratio: ratio,
        image_url: format!(
            "{base}/images/v1/image/imageid/{image}?width={width}&height={TILE_HEIGHT}"
        ),
        action_data: serde_json::json!({ "id": item.id(), "path": path }).to_string(),
        is_playable: matches!(item, Item::Title(_) | Item::Channel(_)),
        display_from: window.and_then(|w| w.start).map(iso),
        display_until: window.and_then(|w| w.end).map(iso),
        position: 0,
    })
}

/// The next refresh boundary after `now`, every `minutes`: in the future
/// and at most `minutes` ahead, and the same for every request in between
/// (so the answer, and its ETag, stay put until then).
fn expires(now: i64, minutes: i64) -> i64 {
    let step = minutes.max(1) * 60;
    (now.div_euclid(step) + 1) * step
}

/// Tile budgets for `n` sections: even shares, the remainder to the first.
fn shares(n: usize) -> impl Iterator<Item = usize> {
    let (each, extra) = (MAX_TILES / n.max(1), MAX_TILES % n.max(1));
    (0..n).map(move |i| if i == 0 { each + extra } else { each })
}

/// `GET /api/samsung-preview`.
pub async fn get_public_preview(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
) -> Result<Response, FaceError<Rocket>> {
    let cat = catalogue(&tenant);
    let p = &cat.app.samsung_preview;
    let base = cat
        .app
        .image_base_url
        .as_deref()
        .ok_or_else(|| not_found("the Samsung preview is not configured"))?;
    let now = state.clock.now_s();
    // Each row's candidate tiles first: only rows with some share the 40.
    let filled: Vec<(&str, Vec<Tile>)> = rows(&cat, p)
        .into_iter()
        .filter_map(|row| {
            let tiles: Vec<Tile> = cat
                .node_items(row)
                .into_iter()
                .filter_map(|item| tile(&cat, p, base, item, now))
                .take(MAX_TILES)
                .collect();
            (!tiles.is_empty()).then_some((row, tiles))
        })
        .take(MAX_TILES)
        .collect();
    let n = filled.len();
    let sections = filled
        .into_iter()
        .zip(shares(n))
        .enumerate()
        .map(|(i, ((row, mut tiles), share))| {
            tiles.truncate(share);
            for (j, t) in tiles.iter_mut().enumerate() {
                t.position = j as i32 + 1;
            }
            let title = cat
                .nodes
                .get(row)
                .and_then(|node| text(&node.locales, None, &cat.default_locale))
                .and_then(|t| t.title.clone());
            Section {
                title,
                position: i as i32 + 1,
                tiles,
            }
        })
        .collect();
    let preview = Preview {
        expires: p.refresh_minutes.map(|m| expires(now, m)),
        sections,
    };
    Ok(cached(&state, &headers, &preview))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forty_tiles_split_evenly_the_rest_first() {
        assert_eq!(shares(3).collect::<Vec<_>>(), [14, 13, 13]);
        assert_eq!(shares(1).collect::<Vec<_>>(), [40]);
        assert_eq!(shares(40).sum::<usize>(), 40);
        assert_eq!(shares(7).sum::<usize>(), MAX_TILES);
    }

    #[test]
    fn expires_at_the_next_boundary() {
        assert_eq!(expires(3_600, 60), 7_200, "on a boundary: the next one");
        assert_eq!(expires(3_601, 60), 7_200);
        assert_eq!(expires(7_199, 60), 7_200);
        assert_eq!(expires(7_199, 10), 7_200);
    }
}
