//! OPF clientdata (UAV-13…65 under `/useractivityvault/v1/clientdata`, and
//! AG-3…36, the same writes, under `/activitygateway/v1/clientdata`):
//! every route is generated from the kinds table
//! ([`crate::core::activity::kinds::KINDS`]) at account scope
//! (`/account/{account_id}/...`) and profile scope
//! (`/account/{account_id}/user/{user_id}/...`), and one handler
//! ([`serve`]) finds its kind and operation by the matched route.
//!
//! Who may call: the tenant's operator (any account: customer care), or a
//! user token of the account in the path (another account: 403 40307
//! before anything is read). A profile of another account, or a list of
//! another profile, is 404.
//!
//! Answers: records are the client's fields with the server's (`account`,
//! `userId`, `contentId` or `id`, the list id, `creationDate`,
//! `modifiedDate`); lists are `{<collection>: [...], "totalRecords": n}`;
//! PUT 200, POST 201, DELETE 200 (bulk deletes answer
//! `{<collection>: [], "totalRecords": <deleted>}`); every answer is
//! `Cache-Control: private, no-store`.
//!
//! Query: `expires` (seconds, writes), `limit` (0-1000, default 100),
//! `offset`, `sort` (`contentId`, `modifiedDateAsc`, `modifiedDateDesc`),
//! `filter` (one tag), `fields` (names to keep, comma-separated or a JSON
//! array); `pretty`, `cache` and `token` are accepted and ignored. A bulk
//! delete takes at most one of `metadata.seriesId`, `metadata.seasonId`,
//! `modifiedDate.gte`, `modifiedDate.lte` (ISO-8601 or epoch seconds).
//! Anything else is 400.
//!
//! Must never: act on an account the caller may not, or answer another
//! profile's records.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::extract::{MatchedPath, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Json;
use serde_json::{Map, Value};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{AccountCaller, OptionalJsonBody, PathParam};
use crate::api::private_answer::private;
use crate::api::time_fmt::{iso, parse_iso};
use crate::app::AppState;
use crate::core::activity::body::{self, PathIds};
use crate::core::activity::kinds::{Key, KindId, Op, KINDS};
use crate::core::activity::{Record, Scope};
use crate::plane::activity::{Match, PageAsk, Target};
use crate::store::activity::records::Order;

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// The two services that serve clientdata: the vault (reads and writes)
/// and the gateway (writes only).
pub const PREFIXES: [(&str, bool); 2] = [
    ("/useractivityvault/v1/clientdata", false),
    ("/activitygateway/v1/clientdata", true),
];

/// One generated route.
#[derive(Debug)]
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub kind: KindId,
    pub op: Op,
    pub profile_scope: bool,
}

/// Every clientdata route, in the kinds table's order.
pub static ENDPOINTS: LazyLock<Vec<Endpoint>> = LazyLock::new(|| {
    let mut out = Vec::new();
    for (prefix, gateway) in PREFIXES {
        for profile_scope in [false, true] {
            let scope = if profile_scope {
                "/account/{account_id}/user/{user_id}"
            } else {
                "/account/{account_id}"
            };
            for k in &KINDS {
                let Some(segment) = k.segment else { continue };
                for op in k.ops.iter().filter(|op| !gateway || op.writes()) {
                    let path = format!("{prefix}{scope}/{segment}{}", op.suffix());
                    out.push(Endpoint {
                        method: Method::from_bytes(op.method().as_bytes()).expect("a method"),
                        // Built once, for the process's life.
                        path: Box::leak(path.into_boxed_str()),
                        kind: k.id,
                        op: *op,
                        profile_scope,
                    });
                }
            }
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

fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

/// The query of a clientdata request.
#[derive(Debug, Default)]
struct Ask {
    expires: Option<i64>,
    limit: Option<i64>,
    offset: Option<i64>,
    sort: Option<Order>,
    tag: Option<String>,
    fields: Option<Vec<String>>,
    matching: Option<Match>,
}

fn number(k: &str, v: &str) -> Result<i64, ApiError> {
    v.parse::<i64>()
        .map_err(|_| bad(format!("{k} must be a whole number")))
}

fn instant(k: &str, v: &str) -> Result<i64, ApiError> {
    v.parse::<i64>()
        .ok()
        .or_else(|| parse_iso(v))
        .ok_or_else(|| bad(format!("{k} must be an ISO-8601 date or epoch seconds")))
}

fn parse_query(query: Option<&str>) -> Result<Ask, ApiError> {
    let mut ask = Ask::default();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let one = |m: Match, ask: &mut Ask| {
            if ask.matching.replace(m).is_some() {
                Err(bad("a bulk delete takes at most one filter"))
            } else {
                Ok(())
            }
        };
        match &*k {
            "expires" => ask.expires = Some(number(&k, &v)?),
            "limit" => ask.limit = Some(number(&k, &v)?),
            "offset" => ask.offset = Some(number(&k, &v)?),
            "sort" => {
                ask.sort = Some(match &*v {
                    "contentId" => Order::Item,
                    "modifiedDateAsc" => Order::ModifiedAsc,
                    "modifiedDateDesc" => Order::ModifiedDesc,
                    _ => {
                        return Err(bad(
                            "sort is contentId, modifiedDateAsc or modifiedDateDesc",
                        ))
                    }
                })
            }
            "filter" => {
                if v.is_empty() || v.chars().any(char::is_control) {
                    return Err(bad("filter is one tag"));
                }
                ask.tag = Some(v.into_owned());
            }
            "fields" => {
                let names: Vec<String> = if v.trim_start().starts_with('[') {
                    serde_json::from_str(&v).map_err(|_| bad("fields is a JSON array of names"))?
                } else {
                    v.split(',')
                        .map(|f| f.trim().to_owned())
                        .filter(|f| !f.is_empty())
                        .collect()
                };
                ask.fields = Some(names);
            }
            "metadata.seriesId" => one(Match::SeriesId(v.into_owned()), &mut ask)?,
            "metadata.seasonId" => one(Match::SeasonId(v.into_owned()), &mut ask)?,
            "modifiedDate.gte" => one(Match::ModifiedFrom(instant(&k, &v)?), &mut ask)?,
            "modifiedDate.lte" => one(Match::ModifiedTo(instant(&k, &v)?), &mut ask)?,
            "pretty" | "cache" | "token" => {}
            _ => return Err(bad(format!("unknown parameter {k}"))),
        }
    }
    Ok(ask)
}

/// A record as OPF answers it.
pub fn render(r: &Record, fields: Option<&[String]>) -> Value {
    let k = r.kind.kind();
    let mut m: Map<String, Value> = r.body.clone();
    m.insert("account".into(), r.scope.account.clone().into());
    if !r.scope.profile.is_empty() {
        m.insert("userId".into(), r.scope.profile.clone().into());
    }
    match k.key {
        Key::Content => m.insert("contentId".into(), r.item.clone().into()),
        Key::Server => m.insert("id".into(), r.item.clone().into()),
    };
    match r.kind {
        KindId::Favourite => {
            m.insert("favouriteListId".into(), r.parent.clone().into());
        }
        KindId::PlaylistEntry => {
            m.insert("playlistId".into(), r.parent.clone().into());
        }
        _ => {}
    }
    m.insert("creationDate".into(), iso(r.created).into());
    m.insert("modifiedDate".into(), iso(r.modified).into());
    if let Some(keep) = fields {
        m.retain(|name, _| keep.iter().any(|f| f == name));
    }
    Value::Object(m)
}

fn collection(kind: KindId, records: &[Record], total: u64, fields: Option<&[String]>) -> Value {
    let mut m = Map::new();
    m.insert(
        kind.kind().collection.into(),
        Value::Array(records.iter().map(|r| render(r, fields)).collect()),
    );
    m.insert("totalRecords".into(), total.into());
    Value::Object(m)
}

fn path_id<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, ApiError> {
    let id = params.get(name).map(String::as_str).unwrap_or_default();
    if body::is_item_id(id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            codes::BAD_PATH,
            format!(
                "{name} must be 1-{} bytes without control characters",
                body::MAX_ID_BYTES
            ),
        ))
    }
}

/// Every clientdata route.
#[allow(clippy::too_many_arguments)]
pub async fn serve(
    State(state): State<AppState>,
    method: Method,
    matched: MatchedPath,
    caller: AccountCaller,
    PathParam(params, ..): PathParam<HashMap<String, String>, Opf>,
    RawQuery(query): RawQuery,
    OptionalJsonBody(body, ..): OptionalJsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let e = *BY_ROUTE.get(&(method, matched.as_str())).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            codes::ROUTE_NOT_FOUND,
            "no such route",
        )
    })?;
    let account = path_id(&params, "account_id")?;
    caller.may_act_on(account)?;
    let profile = if e.profile_scope {
        path_id(&params, "user_id")?
    } else {
        ""
    };
    let item = params
        .contains_key("item_id")
        .then(|| path_id(&params, "item_id"))
        .transpose()?;
    let list = params
        .contains_key("list_id")
        .then(|| path_id(&params, "list_id"))
        .transpose()?;
    let tag = params
        .contains_key("tag")
        .then(|| path_id(&params, "tag"))
        .transpose()?;
    let ask = parse_query(query.as_deref())?;
    if ask.matching.is_some() && e.op != Op::DeleteWhere {
        return Err(bad("filters of a bulk delete are for DELETE on the collection").into());
    }
    let view = caller.tenant_view().clone();
    let t = Target {
        tenant: &view.id,
        settings: &view.activity,
        scope: if profile.is_empty() {
            Scope::account(account)
        } else {
            Scope::profile(account, profile)
        },
        vouched: caller.vouches_for(account, profile),
    };
    let plane = &state.plane.activity;
    let parse = |kind: KindId| {
        let empty = Value::Object(Map::new());
        body::parse(
            kind,
            body.as_ref().unwrap_or(&empty),
            PathIds {
                account,
                profile,
                item,
                list,
            },
        )
        .map_err(|m| ApiError::bad_request(codes::BAD_REQUEST, m))
    };
    let fields = ask.fields.as_deref();
    let kind = e.kind;
    let default_order = match kind.kind().key {
        Key::Content if kind.kind().parent.is_none() => Order::Item,
        _ => Order::CreatedAsc,
    };
    let page = PageAsk {
        order: ask.sort.unwrap_or(default_order),
        limit: ask.limit.unwrap_or(100),
        offset: ask.offset.unwrap_or(0),
        tag: ask.tag.as_deref(),
    };
    let out = match e.op {
        Op::List => {
            let (records, total) = plane.list(&t, kind, "", page).await?;
            private((
                StatusCode::OK,
                Json(collection(kind, &records, total, fields)),
            ))
        }
        Op::Entries => {
            let entries = kind.entries().unwrap_or(kind);
            let (records, total) = plane
                .list(&t, entries, list.unwrap_or_default(), page)
                .await?;
            private((
                StatusCode::OK,
                Json(collection(entries, &records, total, fields)),
            ))
        }
        Op::Get => {
            let r = plane.get(&t, kind, "", item.unwrap_or_default()).await?;
            private((StatusCode::OK, Json(render(&r, fields))))
        }
        Op::GetEntry => {
            // UAV-29: the group of favourites of that content in the list.
            let r = plane
                .get(&t, kind, list.unwrap_or_default(), item.unwrap_or_default())
                .await?;
            private((StatusCode::OK, Json(collection(kind, &[r], 1, fields))))
        }
        Op::Put => {
            let r = plane
                .put(
                    &t,
                    kind,
                    item.unwrap_or_default(),
                    parse(kind)?,
                    ask.expires,
                )
                .await?;
            private((StatusCode::OK, Json(render(&r, None))))
        }
        Op::PutEntry => {
            let r = plane
                .put_entry(
                    &t,
                    kind,
                    list.unwrap_or_default(),
                    item.unwrap_or_default(),
                    parse(kind)?,
                    ask.expires,
                )
                .await?;
            private((StatusCode::OK, Json(render(&r, None))))
        }
        Op::Create => {
            let r = plane
                .create(&t, kind, "", parse(kind)?, ask.expires)
                .await?;
            private((StatusCode::CREATED, Json(render(&r, None))))
        }
        Op::UpdateList => {
            let r = plane
                .update_list(
                    &t,
                    kind,
                    list.unwrap_or_default(),
                    parse(kind)?,
                    ask.expires,
                )
                .await?;
            private((StatusCode::OK, Json(render(&r, None))))
        }
        Op::Delete => {
            plane.delete(&t, kind, "", item.unwrap_or_default()).await?;
            private(StatusCode::OK)
        }
        Op::DeleteEntry => {
            plane
                .delete(&t, kind, list.unwrap_or_default(), item.unwrap_or_default())
                .await?;
            private(StatusCode::OK)
        }
        Op::DeleteList => {
            plane
                .delete_list(&t, kind, list.unwrap_or_default())
                .await?;
            private(StatusCode::OK)
        }
        Op::DeleteWhere | Op::DeleteTag => {
            let m = match (e.op, tag) {
                (Op::DeleteTag, Some(tag)) => Match::Tag(tag.to_owned()),
                _ => ask.matching.clone().unwrap_or(Match::All),
            };
            let n = plane.delete_where(&t, kind, &m).await?;
            private((StatusCode::OK, Json(collection(kind, &[], n, None))))
        }
    };
    Ok(out)
}

/// The router of a generated route's method.
pub fn handler(method: &Method) -> fn(&AppState) -> axum::routing::MethodRouter<AppState> {
    use axum::routing::{delete, get, post, put};
    match *method {
        Method::GET => |_| get(serve),
        Method::PUT => |_| put(serve),
        Method::POST => |_| post(serve),
        _ => |_| delete(serve),
    }
}
