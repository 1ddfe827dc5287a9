//! `GET /api/account/profile/continue-watching/list`
//! (getContinueWatchingList): what the profile should resume, newest
//! first, from its bookmarks (the records OPF's bookmark PUTs and Rocket's
//! watched PUTs write).
//!
//! One entry per show: its most recently watched episode if that is not
//! fully watched, else the episode after it (a show whose last episode is
//! done is left out); `show_item_type` picks what stands for the show (the
//! episode, its season or the show). Other items appear while not fully
//! watched. `include` is checked and accepted; `listData` is not filled.
//! Ids the catalogue does not hold, and items above `max_rating`, are left
//! out.
//!
//! Must never: show another profile's progress, or an item above the
//! ceiling asked.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::profile::{fully_watched, target};
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::rocket_auth::{Catalog, ProfileAuth};
use crate::api::extract::QueryParams;
use crate::api::rocket::catalogue::browse::{bad, catalogue, BrowseQuery, PageQuery};
use crate::api::rocket::catalogue::shapes::ListMeta;
use crate::api::rocket::params::csv_of;
use crate::app::AppState;
use crate::core::activity::KindId;
use crate::core::catalogue::browse::Item;

#[derive(Debug, Default, Deserialize)]
pub struct ContinueQuery {
    show_item_type: Option<String>,
    include: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
    #[serde(flatten)]
    browse: BrowseQuery,
}

const SHOW_ITEM_TYPES: &[&str] = &["episode", "season", "show"];

/// `GET /api/account/profile/continue-watching/list`.
pub async fn get_list(
    State(state): State<AppState>,
    auth: ProfileAuth<Catalog>,
    QueryParams(q, ..): QueryParams<ContinueQuery, Rocket>,
) -> Result<Response, FaceError<Rocket>> {
    let show_as = match q.show_item_type.as_deref() {
        None | Some("") => "episode",
        Some(t) if SHOW_ITEM_TYPES.contains(&t) => t,
        Some(_) => return Err(bad("show_item_type is episode, season or show").into()),
    };
    csv_of("include", q.include.as_deref(), SHOW_ITEM_TYPES)?;
    if q.page.order.is_some() || q.page.item_type.is_some() {
        return Err(bad("continue-watching takes no order or item_type").into());
    }
    let page = q.page.page()?;
    if page.size > 50 {
        return Err(bad("page_size is a whole number from 1 to 50").into());
    }
    let t = target(&auth)?;
    let records = state.plane.activity.all(&t, KindId::Bookmark).await?;
    let cat = catalogue(&auth.tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let mut shows = HashSet::new();
    let mut items: Vec<Item<'_>> = Vec::new();
    let mut seen = HashSet::new();
    // Newest first (`all` answers most recently modified first).
    for r in &records {
        let Some(item) = cat.item(&r.item).or_else(|| cat.item_by_custom_id(&r.item)) else {
            continue;
        };
        let chosen = match item {
            Item::Title(e) if e.kind == "EPISODE" && e.series_ref.is_some() => {
                let show = e.series_ref.as_deref().unwrap_or_default();
                if !shows.insert(show.to_owned()) {
                    continue;
                }
                let episode = if fully_watched(r) {
                    match cat.next_episode(e) {
                        Some(next) => next,
                        None => continue,
                    }
                } else {
                    e
                };
                let stand_in = match show_as {
                    "season" => episode.season_ref.as_deref(),
                    "show" => episode.series_ref.as_deref(),
                    _ => None,
                };
                match stand_in.and_then(|id| cat.series.get(id)) {
                    Some(s) => Item::Series(s),
                    None => Item::Title(episode),
                }
            }
            other if !fully_watched(r) => other,
            _ => continue,
        };
        if seen.insert(chosen.id().to_owned()) {
            items.push(chosen);
        }
    }
    let meta = ListMeta {
        id: "continue-watching".into(),
        path: "/account/profile/continue-watching/list".into(),
        ..ListMeta::default()
    };
    let mut r = Json(view.list(meta, items, page)).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
