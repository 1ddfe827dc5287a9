//! Rocket's item routes, answered from the in-memory catalogue:
//!
//! - `GET /api/items/{id}` (getItem): the item's detail, with `expand`
//!   (`children`, `parent`, `ancestors`, `all`), `select_season`
//!   (`first`/`latest` season of a show) and `use_custom_id` (the id is a
//!   technical's: the id the playback routes take);
//! - `GET /api/items/{id}/children` (getItemChildrenList): a show's seasons
//!   or a season's episodes, paged; 404 when there are none;
//! - `GET /api/items/{id}/related` (getItemRelatedList): titles and shows
//!   sharing the item's nodes, ranked by shared nodes and genres, one page;
//! - `GET /api/items/{itemId}/next` (getAnonNextPlaybackItem) and
//!   `GET /api/account/profile/items/{itemId}/next` (getNextPlaybackItem,
//!   Profile Catalog token): the next episode in series order (the next of
//!   its season, else the first of the next season: `Sequential`), a show's
//!   or season's first episode (`StartWatching`), or no `next` (`None`).
//!   The profile variant answers the same until watch history exists;
//! - `GET /api/itv/itemsummary/{externalId}`: a 302 to the item's detail
//!   page path (the external id is a record id or a custom id).
//!
//! An item above `max_rating` is not found; answers carry the catalogue's
//! `ETag` and `Cache-Control` (the profile variant is `private`).
//!
//! Must never: touch the store, or show an item above the asked ceiling.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::browse::{bad, catalogue, checked_id, not_found, BrowseQuery, PageQuery};
use super::shapes::{ItemDetail, ItemList, ListMeta, Page, View};
use crate::api::cacheable::{self, CachePolicy};
use crate::api::error::{ApiError, FaceError, Rocket};
use crate::api::extract::rocket_auth::{Catalog, ProfileAuth};
use crate::api::extract::{PathParam, QueryParams, RocketTenant};
use crate::app::AppState;
use crate::core::catalogue::browse::Item;
use crate::core::catalogue::index::Catalogue;

type RocketResult<T> = Result<T, FaceError<Rocket>>;

/// The page size of a list embedded by `expand`.
const EXPANDED: Page = Page {
    number: 1,
    size: 100,
};

#[derive(Debug, Deserialize)]
pub struct ItemQuery {
    expand: Option<String>,
    select_season: Option<String>,
    use_custom_id: Option<String>,
    #[serde(flatten)]
    browse: BrowseQuery,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageQuery,
    #[serde(flatten)]
    browse: BrowseQuery,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    expand: Option<String>,
    #[serde(flatten)]
    browse: BrowseQuery,
}

/// A JSON body as a cacheable answer.
pub fn cached<T: Serialize>(state: &AppState, headers: &HeaderMap, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).expect("shapes serialise");
    let policy = CachePolicy(Some(state.config.catalogue.cache_max_age_s));
    cacheable::answer(headers, bytes, policy)
}

fn flag(name: &str, v: Option<&str>) -> Result<bool, ApiError> {
    match v {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(bad(format!("{name} is true or false"))),
    }
}

/// The item `id` names, if it is shown under `view`'s ceiling.
fn find<'a>(view: &View<'a>, id: &str, custom: bool) -> Result<Item<'a>, ApiError> {
    let item = if custom {
        view.cat.item_by_custom_id(id)
    } else {
        view.cat.item(id)
    };
    item.filter(|i| view.admits(*i))
        .ok_or_else(|| not_found("no such item"))
}

/// The item's parent: an episode's season (else its show), a season's show.
fn parent<'a>(cat: &'a Catalogue, item: Item<'a>) -> Option<Item<'a>> {
    let id = match item {
        Item::Title(e) => e.season_ref.as_deref().or(e.series_ref.as_deref())?,
        Item::Series(s) => s.series_ref.as_deref()?,
        _ => return None,
    };
    cat.series.get(id).map(Item::Series)
}

/// The lists under an item: its children and what is related to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Under {
    Children,
    Related,
}

impl Under {
    /// The list's items, and what names it.
    fn of<'a>(self, view: &View<'a>, item: Item<'a>) -> (Vec<Item<'a>>, ListMeta) {
        let (items, name, title) = match self {
            Under::Children => (view.cat.children(item), "children", None),
            Under::Related => (view.cat.related(item), "related", Some("Related".into())),
        };
        let meta = ListMeta {
            id: format!("{}-{name}", item.id()),
            path: format!("/items/{}/{name}", item.id()),
            title,
            ..ListMeta::default()
        };
        (items, meta)
    }
}

fn children_list(view: &View<'_>, item: Item<'_>, page: Page) -> ItemList {
    let (items, meta) = Under::Children.of(view, item);
    view.list(meta, items, page)
}

/// `item`'s detail with its children's list (shows and seasons).
fn with_children(view: &View<'_>, item: Item<'_>, children: bool) -> ItemDetail {
    let mut d = view.detail(item);
    if children {
        if let Item::Series(s) = item {
            let list = children_list(view, item, EXPANDED);
            if s.kind == "SERIES" && !view.cat.seasons(&s.id).is_empty() {
                d.seasons = Some(list);
            } else {
                d.episodes = Some(list);
            }
        }
    }
    d
}

/// Hangs `item`'s parent chain on `d`: the parent only, or every ancestor
/// (each with its children's list when `children`).
fn attach_parents(
    view: &View<'_>,
    d: &mut ItemDetail,
    item: Item<'_>,
    all_levels: bool,
    children: bool,
) {
    let Some(p) = parent(view.cat, item).filter(|p| view.admits(*p)) else {
        return;
    };
    let mut pd = with_children(view, p, children);
    if all_levels {
        attach_parents(view, &mut pd, p, true, children);
    }
    match p {
        Item::Series(s) if s.kind == "SEASON" => d.season = Some(Box::new(pd)),
        _ => d.show = Some(Box::new(pd)),
    }
}

/// `item` rendered with `expand` applied.
fn expanded(view: &View<'_>, item: Item<'_>, expand: Option<&str>) -> ItemDetail {
    let (children, parents, all_levels) = match expand {
        Some("children") => (true, false, false),
        Some("parent") => (false, true, false),
        Some("ancestors") => (false, true, true),
        Some("all") => (true, true, true),
        _ => (false, false, false),
    };
    let mut d = with_children(view, item, children);
    if parents {
        attach_parents(view, &mut d, item, all_levels, children);
    }
    d
}

fn checked_expand<'a>(v: Option<&'a str>, allowed: &[&str]) -> Result<Option<&'a str>, ApiError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v)),
        Some(_) => Err(bad(format!("expand is one of {}", allowed.join(", ")))),
    }
}

/// `GET /api/items/{id}`.
pub async fn get_item(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<ItemQuery, Rocket>,
) -> RocketResult<Response> {
    let cat = catalogue(&tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let expand = checked_expand(
        q.expand.as_deref(),
        &["all", "children", "ancestors", "parent"],
    )?;
    let custom = flag("use_custom_id", q.use_custom_id.as_deref())?;
    let mut item = find(&view, checked_id(&id)?, custom)?;
    match q.select_season.as_deref().filter(|v| !v.is_empty()) {
        None => {}
        Some(which @ ("first" | "latest")) => {
            let Item::Series(show) = item else {
                return Err(bad("select_season needs a show id").into());
            };
            let seasons = view.cat.seasons(&show.id);
            let mut shown = seasons.iter().filter(|s| view.admits(Item::Series(s)));
            let pick = if which == "first" {
                shown.next()
            } else {
                shown.next_back()
            };
            item = Item::Series(pick.ok_or_else(|| not_found("the show has no seasons"))?);
        }
        Some(_) => return Err(bad("select_season is first or latest").into()),
    }
    Ok(cached(&state, &headers, &expanded(&view, item, expand)))
}

/// One page of a list under an item (children: 404 when there are none).
fn under(
    state: &AppState,
    tenant: &RocketTenant,
    headers: &HeaderMap,
    id: &str,
    q: &ListQuery,
    which: Under,
) -> RocketResult<Response> {
    let cat = catalogue(tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let page = q.page.page()?;
    let item = find(&view, checked_id(id)?, false)?;
    let (items, meta) = which.of(&view, item);
    let items = q.page.arrange(items)?;
    if which == Under::Children && !items.iter().any(|c| view.admits(*c)) {
        return Err(not_found("the item has no children").into());
    }
    Ok(cached(state, headers, &view.list(meta, items, page)))
}

/// `GET /api/items/{id}/children`.
pub async fn get_children(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<ListQuery, Rocket>,
) -> RocketResult<Response> {
    under(&state, &tenant, &headers, &id, &q, Under::Children)
}

/// `GET /api/items/{id}/related`.
pub async fn get_related(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<ListQuery, Rocket>,
) -> RocketResult<Response> {
    under(&state, &tenant, &headers, &id, &q, Under::Related)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextPlaybackItem {
    source_item_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<ItemDetail>,
    suggestion_type: &'static str,
}

/// What to play after `id`, in series order.
fn next_item(q: &NextQuery, view: &View<'_>, id: &str) -> Result<NextPlaybackItem, ApiError> {
    let expand = checked_expand(q.expand.as_deref(), &["parent", "ancestors"])?;
    let item = find(view, checked_id(id)?, false)?;
    let (next, suggestion) = match item {
        Item::Title(e) if e.kind == "EPISODE" => {
            (view.cat.next_episode(e).map(Item::Title), "Sequential")
        }
        Item::Series(s) => {
            let first = if s.kind == "SERIES" {
                view.cat.show_episodes(&s.id).first().copied()
            } else {
                view.cat.episodes(&s.id).first().copied()
            };
            (first.map(Item::Title), "StartWatching")
        }
        _ => (None, "None"),
    };
    let next = next.filter(|n| view.admits(*n));
    Ok(NextPlaybackItem {
        source_item_id: item.id().to_owned(),
        suggestion_type: if next.is_some() { suggestion } else { "None" },
        next: next.map(|n| expanded(view, n, expand)),
    })
}

/// `GET /api/items/{itemId}/next`.
pub async fn get_anon_next(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<NextQuery, Rocket>,
) -> RocketResult<Response> {
    let cat = catalogue(&tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    Ok(cached(&state, &headers, &next_item(&q, &view, &id)?))
}

/// `GET /api/account/profile/items/{itemId}/next`.
pub async fn get_next(
    State(state): State<AppState>,
    auth: ProfileAuth<Catalog>,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<NextQuery, Rocket>,
) -> RocketResult<Response> {
    let cat = catalogue(&auth.tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let mut r = cached(&state, &headers, &next_item(&q, &view, &id)?);
    // A profile's answer is its own: no shared cache may keep it.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

/// `GET /api/itv/itemsummary/{externalId}`.
pub async fn item_summary_redirect(
    tenant: RocketTenant,
    PathParam(id, ..): PathParam<String, Rocket>,
) -> RocketResult<Response> {
    let cat = catalogue(&tenant);
    let id = checked_id(&id)?;
    let item = cat
        .item(id)
        .or_else(|| cat.item_by_custom_id(id))
        .ok_or_else(|| not_found("no such item"))?;
    let kind = super::shapes::kind_of(item);
    let location = format!("/{kind}/{}", item.id());
    let mut r = StatusCode::FOUND.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(&location).map_err(|_| bad("the item id cannot be a path"))?,
    );
    Ok(r)
}
