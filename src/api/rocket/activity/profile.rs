//! Rocket's profile collections (`/account/profile/watched`,
//! `/bookmarks`, `/ratings`): every route is generated from the kinds
//! table's Rocket families ([`crate::core::activity::kinds::RocketFamily`])
//! and served by one handler that finds its kind and operation by the
//! matched route. A Profile token of scope `Catalog` names the account and
//! profile; the records are the collection engine's, so an OPF bookmark
//! PUT for this profile is the watched status Rocket reads.
//!
//! - watched: the bookmark kind. `PUT ...?position=` writes the playhead
//!   (write-behind; the item's duration from the catalogue goes in
//!   `metadata.contentDuration`); `isFullyWatched` when the position is 90%
//!   of the duration or more (opf-api-admin §2.5's continue-watching
//!   threshold); `DELETE ...?item_ids=` removes those (or, without it,
//!   all).
//! - bookmarks: the watch-list kind (`{itemId, creationDate}`).
//! - ratings: `PUT ...?rating=` 1-10.
//! - `.../list`: the collected items the catalogue holds, as an `ItemList`
//!   (`order` asc/desc, default desc; `order_by` date-added or
//!   date-modified; `completed` for watched; `item_type`; `page`,
//!   `page_size` 1-50); ids the catalogue does not hold are left out.
//!
//! Answers are the profile's own: `Cache-Control: private, no-store`.
//!
//! Must never: read or write another profile's records.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use axum::extract::{MatchedPath, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::error::{ApiError, FaceError, Rocket};
use crate::api::extract::rocket_auth::{Catalog, ProfileAuth};
use crate::api::extract::{PathParam, QueryParams};
use crate::api::private_answer::private;
use crate::api::rocket::catalogue::browse::{bad, catalogue, not_found, BrowseQuery, PageQuery};
use crate::api::rocket::catalogue::shapes::{ListMeta, View};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::activity::body::is_item_id;
use crate::core::activity::kinds::{KindId, KINDS};
use crate::core::activity::{Record, Scope};
use crate::core::catalogue::browse::Item;
use crate::plane::activity::{Match, Target};

type RocketResult<T> = Result<T, FaceError<Rocket>>;

/// The share of an item's duration at which it counts as fully watched.
pub const FULLY_WATCHED: f64 = 0.9;

/// What a generated route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RocketOp {
    Map,
    Get,
    Put,
    DeleteOne,
    DeleteMany,
    List,
}

/// One generated route.
#[derive(Debug)]
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub operation: &'static str,
    pub kind: KindId,
    pub op: RocketOp,
}

/// Every Rocket profile-collection route.
pub static ENDPOINTS: LazyLock<Vec<Endpoint>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for k in &KINDS {
        let Some(f) = &k.rocket else { continue };
        let base = format!("/api/account/profile/{}", f.segment);
        let mut add = |method: Method, path: String, operation: &'static str, op| {
            out.push(Endpoint {
                method,
                // Built once, for the process's life.
                path: Box::leak(path.into_boxed_str()),
                operation,
                kind: k.id,
                op,
            })
        };
        add(Method::GET, base.clone(), f.map, RocketOp::Map);
        add(Method::GET, format!("{base}/list"), f.list, RocketOp::List);
        add(
            Method::GET,
            format!("{base}/{{item_id}}"),
            f.get,
            RocketOp::Get,
        );
        add(
            Method::PUT,
            format!("{base}/{{item_id}}"),
            f.put,
            RocketOp::Put,
        );
        if let Some(op) = f.delete_one {
            add(
                Method::DELETE,
                format!("{base}/{{item_id}}"),
                op,
                RocketOp::DeleteOne,
            );
        }
        if let Some(op) = f.delete_many {
            add(Method::DELETE, base.clone(), op, RocketOp::DeleteMany);
        }
    }
    out
});

static BY_ROUTE: LazyLock<HashMap<(Method, &'static str), &'static Endpoint>> =
    LazyLock::new(|| {
        ENDPOINTS
            .iter()
            .map(|e| ((e.method.clone(), e.path), e))
            .collect()
    });

/// Every query parameter these routes take (numbers as text: a flattened
/// number cannot be parsed by serde's query format).
#[derive(Debug, Default, Deserialize)]
pub struct ProfileQuery {
    position: Option<String>,
    rating: Option<String>,
    item_ids: Option<String>,
    completed: Option<String>,
    order_by: Option<String>,
    #[serde(flatten)]
    page: PageQuery,
    #[serde(flatten)]
    browse: BrowseQuery,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Watched {
    item_id: String,
    position: i64,
    first_watched_date: String,
    last_watched_date: String,
    is_fully_watched: bool,
}

/// Whether a bookmark's position is at least 90% of its duration.
pub fn fully_watched(r: &Record) -> bool {
    let duration = r
        .body
        .get("metadata")
        .and_then(|m| m.get("contentDuration"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    duration > 0.0 && r.position().unwrap_or(0) as f64 >= FULLY_WATCHED * duration
}

pub fn watched(r: &Record) -> Watched {
    Watched {
        item_id: r.item.clone(),
        position: r.position().unwrap_or(0),
        first_watched_date: iso(r.created),
        last_watched_date: iso(r.modified),
        is_fully_watched: fully_watched(r),
    }
}

fn rating_of(r: &Record) -> i64 {
    r.body.get("rating").and_then(Value::as_i64).unwrap_or(0)
}

/// One record in the family's shape.
fn one(kind: KindId, r: &Record) -> Value {
    match kind {
        KindId::Bookmark => serde_json::to_value(watched(r)).unwrap_or_default(),
        KindId::Rating => serde_json::json!({"itemId": r.item, "rating": rating_of(r)}),
        _ => serde_json::json!({"itemId": r.item, "creationDate": iso(r.created)}),
    }
}

/// The map's value of one record.
fn map_value(kind: KindId, r: &Record) -> Value {
    match kind {
        KindId::Bookmark => serde_json::to_value(watched(r)).unwrap_or_default(),
        KindId::Rating => rating_of(r).into(),
        _ => iso(r.created).into(),
    }
}

fn whole(name: &str, v: Option<&str>, min: i64, max: i64) -> Result<i64, ApiError> {
    v.and_then(|v| v.parse::<i64>().ok())
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| bad(format!("{name} is a whole number from {min} to {max}")))
}

/// The profile a token acts for, as a collection target.
pub fn target<'a>(auth: &'a ProfileAuth<Catalog>) -> Result<Target<'a>, ApiError> {
    let profile = auth
        .claims
        .profile_id
        .as_deref()
        .ok_or_else(|| not_found("the token names no profile"))?;
    Ok(Target {
        tenant: auth.tenant.id(),
        settings: &auth.tenant.view.activity,
        scope: Scope::profile(&auth.claims.account_id, profile),
        vouched: true,
    })
}

/// Every Rocket profile-collection route.
pub async fn serve(
    State(state): State<AppState>,
    method: Method,
    matched: MatchedPath,
    auth: ProfileAuth<Catalog>,
    PathParam(params, ..): PathParam<HashMap<String, String>, Rocket>,
    QueryParams(q, ..): QueryParams<ProfileQuery, Rocket>,
) -> RocketResult<Response> {
    let e = *BY_ROUTE
        .get(&(method, matched.as_str()))
        .ok_or_else(|| not_found("no such route"))?;
    let t = target(&auth)?;
    let item = match params.get("item_id") {
        Some(id) if !is_item_id(id) => {
            return Err(bad("an item id is 1-256 printable characters").into())
        }
        Some(id) => id.as_str(),
        None => "",
    };
    let plane = &state.plane.activity;
    let kind = e.kind;
    Ok(match e.op {
        RocketOp::Map => {
            let all = plane.all(&t, kind).await?;
            let map: BTreeMap<&str, Value> = all
                .iter()
                .map(|r| (r.item.as_str(), map_value(kind, r)))
                .collect();
            private((
                StatusCode::OK,
                Json(serde_json::to_value(map).unwrap_or_default()),
            ))
        }
        RocketOp::Get => {
            let r = plane
                .get(&t, kind, "", item)
                .await
                .map_err(|_| not_found("no such record"))?;
            private((StatusCode::OK, Json(one(kind, &r))))
        }
        RocketOp::Put => {
            let mut body = Map::new();
            match kind {
                KindId::Bookmark => {
                    let position = whole("position", q.position.as_deref(), 0, i32::MAX.into())?;
                    body.insert("position".into(), position.into());
                    let cat = catalogue(&auth.tenant);
                    let duration = match cat.item(item).or_else(|| cat.item_by_custom_id(item)) {
                        Some(Item::Title(e)) => e.duration,
                        _ => None,
                    };
                    body.insert(
                        "metadata".into(),
                        serde_json::json!({ "contentDuration": duration.unwrap_or(0) }),
                    );
                }
                KindId::Rating => {
                    let rating = whole("rating", q.rating.as_deref(), 1, 10)?;
                    body.insert("rating".into(), rating.into());
                }
                _ => {}
            }
            let parsed = crate::core::activity::body::Parsed {
                fields: body,
                content_id: None,
            };
            let r = plane.put(&t, kind, item, parsed, None).await?;
            private((StatusCode::OK, Json(one(kind, &r))))
        }
        RocketOp::DeleteOne => {
            plane
                .delete(&t, kind, "", item)
                .await
                .map_err(|_| not_found("no such record"))?;
            private(StatusCode::NO_CONTENT)
        }
        RocketOp::DeleteMany => {
            let m = match q.item_ids.as_deref() {
                None => Match::All,
                Some(ids) => {
                    let ids: Vec<String> = ids.split(',').map(str::to_owned).collect();
                    if ids.iter().any(|i| !is_item_id(i)) {
                        return Err(bad("item_ids are 1-256 printable characters each").into());
                    }
                    Match::Items(ids)
                }
            };
            plane.delete_where(&t, kind, &m).await?;
            private(StatusCode::NO_CONTENT)
        }
        RocketOp::List => {
            let all = plane.all(&t, kind).await?;
            let list = item_list(&state, &auth, &q, kind, e, all)?;
            private((StatusCode::OK, Json(list)))
        }
    })
}

/// The collected items the catalogue holds, as an `ItemList`.
fn item_list(
    state: &AppState,
    auth: &ProfileAuth<Catalog>,
    q: &ProfileQuery,
    kind: KindId,
    e: &Endpoint,
    mut records: Vec<Record>,
) -> Result<Value, ApiError> {
    let cat = catalogue(&auth.tenant);
    let view: View<'_> = q.browse.view(&cat, state.clock.now_s())?;
    let page = q.page.page()?;
    if page.size > 50 {
        return Err(bad("page_size is a whole number from 1 to 50"));
    }
    // Oldest first; `order` (default desc) turns it.
    match q.order_by.as_deref() {
        None | Some("") | Some("date-added") => {
            records.sort_by(|a, b| (a.created, &a.item).cmp(&(b.created, &b.item)))
        }
        Some("date-modified") => {
            records.sort_by(|a, b| (a.modified, &a.item).cmp(&(b.modified, &b.item)))
        }
        Some(_) => return Err(bad("order_by is date-added or date-modified")),
    }
    if kind == KindId::Bookmark {
        match q.completed.as_deref() {
            None | Some("") => {}
            Some("true") => records.retain(fully_watched),
            Some("false") => records.retain(|r| !fully_watched(r)),
            Some(_) => return Err(bad("completed is true or false")),
        }
    }
    let items: Vec<Item<'_>> = records
        .iter()
        .filter_map(|r| cat.item(&r.item).or_else(|| cat.item_by_custom_id(&r.item)))
        .collect();
    let mut order = q.page.clone();
    if order.order.as_deref().is_none_or(str::is_empty) {
        order.order = Some("desc".into());
    }
    let items = order.arrange(items)?;
    let meta = ListMeta {
        id: format!("profile-{}", e.path.rsplit('/').nth(1).unwrap_or_default()),
        path: e.path.trim_start_matches("/api").to_owned(),
        ..ListMeta::default()
    };
    Ok(serde_json::to_value(view.list(meta, items, page)).unwrap_or_default())
}

/// The router of a generated route's method.
pub fn handler(method: &Method) -> fn(&AppState) -> axum::routing::MethodRouter<AppState> {
    use axum::routing::{delete, get, put};
    match *method {
        Method::GET => |_| get(serve),
        Method::PUT => |_| put(serve),
        _ => |_| delete(serve),
    }
}
