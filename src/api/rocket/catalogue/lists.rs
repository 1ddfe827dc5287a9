//! Rocket's lists over the catalogue's nodes (a node is a browsable list:
//! its shows and its titles that are not episodes):
//!
//! - `GET /api/lists/{id}` (getList): one page of a node, with `param`
//!   (`genre:<name>` keeps the items of that genre), `order_by` (`a-z` by
//!   title, `release-year`, `date-added`) and `order`, `item_type`,
//!   `max_rating`; an unknown node is 404;
//! - `GET /api/lists?ids=` (getLists): the first page of each list asked,
//!   in the order asked. Each id may carry its own options after pipes
//!   (`n-movies|order_by=a-z|page_size=5`, `n-movies|genre:Drama`), as the
//!   Rocket document describes; options it does not name are refused. An
//!   unknown node answers an empty list under its id rather than failing
//!   the other lists of the request (as `/schedules` does for channels).
//!
//! Decision: the catalogue does not keep when a record was added, so
//! `date-added` orders by id (ingest ids are usually increasing).
//!
//! Must never: touch the store, or show an item above the asked ceiling.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::browse::{bad, catalogue, checked_id, not_found, BrowseQuery, PageQuery};
use super::items::cached;
use super::shapes::{ItemList, ListMeta, View};
use crate::api::error::{ApiError, FaceError, Rocket};
use crate::api::extract::{PathParam, QueryParams, RocketTenant};
use crate::app::AppState;
use crate::core::catalogue::browse::{text, Ceiling, Item};

/// Most lists one `/lists` request may ask for.
const MAX_LISTS: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListOptions {
    order_by: Option<String>,
    param: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
}

#[derive(Debug, Deserialize)]
pub struct OneListQuery {
    #[serde(flatten)]
    options: ListOptions,
    #[serde(flatten)]
    browse: BrowseQuery,
}

#[derive(Debug, Deserialize)]
pub struct ListsQuery {
    ids: Option<String>,
    #[serde(flatten)]
    options: ListOptions,
    #[serde(flatten)]
    browse: BrowseQuery,
}

/// The node's items as one page, with `options` applied. `None` when the
/// tenant has no such node.
fn node_list(
    view: &View<'_>,
    id: &str,
    options: &ListOptions,
) -> Result<Option<ItemList>, ApiError> {
    let page = options.page.page()?;
    // Options are checked whether or not the node exists.
    let node = view.cat.nodes.get(id);
    let mut items = if node.is_some() {
        view.cat.node_items(id)
    } else {
        Vec::new()
    };
    let parameter = match options.param.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => {
            let (name, value) = p
                .split_once(':')
                .filter(|(n, v)| !n.is_empty() && !v.is_empty())
                .ok_or_else(|| bad("param is name:value"))?;
            if name != "genre" {
                return Err(bad("param: the lists take genre:<name>"));
            }
            items.retain(|i| {
                i.categories().iter().any(|c| {
                    c.strip_prefix("Genre:")
                        .unwrap_or(c)
                        .eq_ignore_ascii_case(value)
                })
            });
            Some(p.to_owned())
        }
    };
    match options.order_by.as_deref().filter(|o| !o.is_empty()) {
        None | Some("date-added") => {}
        Some("a-z") => {
            let key = |i: &Item<'_>| {
                text(i.locales(), view.lang, &view.cat.default_locale)
                    .and_then(|t| t.title.as_deref())
                    .unwrap_or_default()
                    .to_lowercase()
            };
            items.sort_by_cached_key(key);
        }
        Some("release-year") => items.sort_by_key(|i| i.year()),
        Some(_) => return Err(bad("order_by is a-z, release-year or date-added")),
    }
    let items = options.page.arrange(items)?;
    let Some(node) = node else {
        return Ok(None);
    };
    let txt = text(&node.locales, view.lang, &view.cat.default_locale);
    let meta = ListMeta {
        id: node.id.clone(),
        path: format!("/list/{}", node.id),
        title: txt.and_then(|t| t.title.clone()),
        description: txt.and_then(|t| t.description.clone()),
        parameter,
    };
    Ok(Some(view.list(meta, items, page)))
}

/// `GET /api/lists/{id}`.
pub async fn get_list(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<OneListQuery, Rocket>,
) -> Result<Response, FaceError<Rocket>> {
    let cat = catalogue(&tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let list =
        node_list(&view, checked_id(&id)?, &q.options)?.ok_or_else(|| not_found("no such list"))?;
    Ok(cached(&state, &headers, &list))
}

/// One encoded list query of `/lists`: `id|name=value|name:value...`,
/// over the request's own options.
fn encoded<'a>(
    spec: &'a str,
    base: &ListsQuery,
    view: &View<'_>,
) -> Result<(&'a str, ListOptions, Option<Ceiling>), ApiError> {
    let mut parts = spec.split('|');
    let id = checked_id(parts.next().unwrap_or_default())?;
    let mut o = ListOptions {
        order_by: base.options.order_by.clone(),
        param: base.options.param.clone(),
        page: PageQuery {
            page: None,
            ..base.options.page.clone()
        },
    };
    let mut ceiling = None;
    for part in parts {
        let (name, value) = match part.split_once('=') {
            Some(kv) => kv,
            None if part.contains(':') => ("param", part),
            None => return Err(bad(format!("ids: {part} is not name=value"))),
        };
        let code = value;
        let value = Some(value.to_owned());
        match name {
            "order" => o.page.order = value,
            "order_by" => o.order_by = value,
            "page_size" => o.page.page_size = value,
            "item_type" => o.page.item_type = value,
            "param" => o.param = value,
            "max_rating" => {
                ceiling =
                    Some(Ceiling::of(view.cat, code).ok_or_else(|| {
                        bad(format!("max_rating: unknown classification {code}"))
                    })?);
            }
            _ => {
                return Err(bad(
                    "ids: a list takes order, order_by, max_rating, page_size, item_type and param",
                ))
            }
        }
    }
    Ok((id, o, ceiling))
}

/// `GET /api/lists`.
pub async fn get_lists(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    QueryParams(q, ..): QueryParams<ListsQuery, Rocket>,
) -> Result<Response, FaceError<Rocket>> {
    let cat = catalogue(&tenant);
    let view = q.browse.view(&cat, state.clock.now_s())?;
    let ids = q
        .ids
        .as_deref()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| bad("ids is required"))?;
    let specs: Vec<&str> = ids.split(',').collect();
    if specs.len() > MAX_LISTS {
        return Err(bad(format!("ids names at most {MAX_LISTS} lists")).into());
    }
    let mut lists = Vec::with_capacity(specs.len());
    for spec in specs {
        let (id, options, ceiling) = encoded(spec, &q, &view)?;
        let v = View {
            ceiling: ceiling.unwrap_or(view.ceiling),
            ..view
        };
        let list = match node_list(&v, id, &options)? {
            Some(l) => l,
            None => v.list(
                ListMeta {
                    id: id.to_owned(),
                    path: format!("/list/{id}"),
                    ..ListMeta::default()
                },
                Vec::new(),
                options.page.page()?,
            ),
        };
        lists.push(list);
    }
    Ok(cached(&state, &headers, &lists))
}
