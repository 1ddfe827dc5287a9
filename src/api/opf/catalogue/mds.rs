//! MDS delivery lists (reference `opf-api-admin.md` MDS-1…9, §2.2, §2.8),
//! answered from this node's in-memory catalogue: one handler for every
//! list in [`LISTS`] (the route table is generated from it), reading the
//! query language's `filter`, `sort`, `fields`, `limit` (up to 10,000),
//! `offset` / `skip`, plus `cache` and `pretty`; `locale` is read from the
//! filter (else the tenant's default). VOD lists show visible (and, v1,
//! valid) items unless the filter names `isVisible` / `isValid`.
//! Answers are `{"total_records": n, "<entity>": [...], "version": ".."}`
//! with `ETag` and `Cache-Control` ([`crate::api::cacheable`]).
//!
//! MDS-7 (`blackout_programmes`) has its own parameters
//! ([`blackout_programmes`]).
//!
//! Who may call: anyone naming the tenant (`nv-tenant-id` / `tenantId`) or
//! holding one of its tokens; the catalogue is what every viewer browses,
//! per-account data is not here. An unknown provider is 404.
//!
//! Must never: await the store.

use std::sync::Arc;

use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value as Json};

use super::shapes;
use crate::api::cacheable::{self, CachePolicy};
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{PathParam, QueryParams, Tenant};
use crate::app::AppState;
use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::lists::{self, prepare};
use crate::core::catalogue::views;
use crate::core::query::{Query, QueryText, Schema};

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// An MDS list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    VodNodes,
    /// Technical model (E-T-P-V rows).
    VodEditorials,
    /// Editorial model.
    VodEditorialsV2,
    VodSeries,
    VodProducts,
    BtvServices,
    BtvProgrammes,
    BtvSeries,
    BtvProducts,
}

/// Every MDS list: its path and the answer's collection name.
pub const LISTS: &[(&str, List, &str)] = &[
    (
        "/metadata/delivery/{prov}/vod/nodes",
        List::VodNodes,
        "nodes",
    ),
    (
        "/metadata/delivery/{prov}/vod/editorials",
        List::VodEditorials,
        "editorials",
    ),
    (
        "/metadata/delivery/v2/{prov}/vod/editorials",
        List::VodEditorialsV2,
        "editorials",
    ),
    (
        "/metadata/delivery/{prov}/vod/series",
        List::VodSeries,
        "series",
    ),
    (
        "/metadata/delivery/{prov}/vod/products",
        List::VodProducts,
        "products",
    ),
    (
        "/metadata/delivery/{prov}/btv/services",
        List::BtvServices,
        "services",
    ),
    (
        "/metadata/delivery/{prov}/btv/programmes",
        List::BtvProgrammes,
        "programmes",
    ),
    (
        "/metadata/delivery/{prov}/btv/series",
        List::BtvSeries,
        "series",
    ),
    (
        "/metadata/delivery/{prov}/btv/products",
        List::BtvProducts,
        "products",
    ),
];

impl List {
    fn schema(self) -> &'static Schema {
        match self {
            List::VodNodes => &views::node::SCHEMA,
            List::VodEditorials => &views::etpv::SCHEMA,
            List::VodEditorialsV2 => &views::editorial::SCHEMA,
            List::VodSeries | List::BtvSeries => &views::series::SCHEMA,
            List::VodProducts | List::BtvProducts => &views::product::SCHEMA,
            List::BtvServices => &views::service::SCHEMA,
            List::BtvProgrammes => &views::programme::SCHEMA,
        }
    }

    fn locale_field(self) -> usize {
        match self {
            List::VodNodes => views::node::LOCALE,
            List::VodEditorials => views::etpv::LOCALE,
            List::VodEditorialsV2 => views::editorial::LOCALE,
            List::VodSeries | List::BtvSeries => views::series::LOCALE,
            List::VodProducts | List::BtvProducts => views::product::LOCALE,
            List::BtvServices => views::service::LOCALE,
            List::BtvProgrammes => views::programme::LOCALE,
        }
    }

    /// Terms required unless the filter names their field.
    fn defaults(self) -> &'static [(usize, bool)] {
        match self {
            List::VodEditorials => &[
                (views::etpv::IS_VISIBLE, true),
                (views::etpv::IS_VALID, true),
            ],
            List::VodEditorialsV2 => &[(views::editorial::IS_VISIBLE, true)],
            _ => &[],
        }
    }
}

/// An MDS list's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MdsParams {
    filter: Option<String>,
    sort: Option<String>,
    fields: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
    skip: Option<i64>,
    page: Option<i64>,
    cache: Option<bool>,
    pretty: Option<bool>,
    /// Sent by some apps beside their header; not read.
    #[allow(dead_code)]
    token: Option<String>,
}

impl MdsParams {
    fn query(&self, schema: &Schema) -> Result<Query, ApiError> {
        let text = QueryText {
            filter: self.filter.as_deref(),
            sort: self.sort.as_deref(),
            fields: self.fields.as_deref(),
            limit: self.limit,
            page: self.page,
            offset: self.offset,
            skip: self.skip,
        };
        Ok(Query::parse(schema, &text)?)
    }
}

/// The answer's cache policy: the configured `max-age` unless `cache=false`.
pub fn policy(state: &AppState, cache: Option<bool>) -> CachePolicy {
    CachePolicy((cache != Some(false)).then_some(state.config.catalogue.cache_max_age_s))
}

/// `value` as the answer's bytes (`pretty=true`: indented).
pub fn to_bytes(value: &Json, pretty: Option<bool>) -> Vec<u8> {
    if pretty == Some(true) {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .expect("JSON values serialise")
}

/// The tenant's catalogue (empty until its first records arrive).
pub fn catalogue_of(tenant: &Tenant<Opf>) -> Arc<Catalogue> {
    tenant.snapshot.catalogue_of(tenant.id())
}

/// The tenant's catalogue, if `provider` is one of its providers (404 if
/// not).
fn provider_catalogue(tenant: &Tenant<Opf>, provider: &str) -> Result<Arc<Catalogue>, ApiError> {
    let cat = catalogue_of(tenant);
    if !cat.has_provider(provider) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            format!("unknown provider {provider}"),
        ));
    }
    Ok(cat)
}

pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    matched: MatchedPath,
    PathParam(provider, ..): PathParam<String, Opf>,
    headers: HeaderMap,
    QueryParams(params, ..): QueryParams<MdsParams, Opf>,
) -> OpfResult<Response> {
    let Some(&(_, list, entity)) = LISTS.iter().find(|(p, ..)| *p == matched.as_str()) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            codes::ROUTE_NOT_FOUND,
            "no such list",
        )
        .into());
    };
    let cat = provider_catalogue(&tenant, &provider)?;
    let schema = list.schema();
    let query = prepare(params.query(schema)?, list.defaults());
    let now = state.clock.now_s();
    let ctx = lists::ctx(&cat, &query, list.locale_field(), now);
    let p = provider.as_str();
    let (total, items): (u64, Vec<Json>) = match list {
        List::VodNodes => {
            let l = lists::nodes(&cat, &query, &ctx);
            (
                l.total,
                l.rows
                    .iter()
                    .map(|n| shapes::node(n, &cat, &ctx, p))
                    .collect(),
            )
        }
        List::VodEditorials => {
            let (total, rows) = lists::etpv(&cat, &query, &ctx);
            (
                total,
                rows.iter()
                    .map(|r| shapes::etpv(r, &cat, &ctx, p))
                    .collect(),
            )
        }
        List::VodEditorialsV2 => {
            let l = lists::editorials(&cat, &query, &ctx);
            (
                l.total,
                l.rows
                    .iter()
                    .map(|e| shapes::editorial(e, &cat, &ctx, p))
                    .collect(),
            )
        }
        List::VodSeries | List::BtvSeries => {
            let domain = if list == List::VodSeries {
                "vod"
            } else {
                "btv"
            };
            let l = lists::series(&cat, &query, &ctx, domain);
            (
                l.total,
                l.rows.iter().map(|s| shapes::series(s, &ctx, p)).collect(),
            )
        }
        List::VodProducts | List::BtvProducts => {
            let domain = if list == List::VodProducts {
                "vod"
            } else {
                "btv"
            };
            let l = lists::products(&cat, &query, &ctx, domain);
            (
                l.total,
                l.rows.iter().map(|x| shapes::product(x, &ctx, p)).collect(),
            )
        }
        List::BtvServices => {
            let devices = asked_devices(&query, views::service::DEVICE_TYPE);
            let l = lists::services(&cat, &query, &ctx);
            (
                l.total,
                l.rows
                    .iter()
                    .map(|s| shapes::service(s, &ctx, p, &devices))
                    .collect(),
            )
        }
        List::BtvProgrammes => {
            let l = lists::programmes(&cat, &query, &ctx);
            (
                l.total,
                l.rows
                    .iter()
                    .map(|x| shapes::programme(x, &cat, &ctx, p))
                    .collect(),
            )
        }
    };
    let items = match &query.fields {
        Some(fields) => {
            let names: Vec<&str> = fields.iter().map(|f| schema.fields[*f].name).collect();
            items.iter().map(|i| shapes::project(i, &names)).collect()
        }
        None => items,
    };
    let body = json!({
        "total_records": total,
        entity: items,
        "version": cat.version.to_string(),
    });
    Ok(cacheable::answer(
        &headers,
        to_bytes(&body, params.pretty),
        policy(&state, params.cache),
    ))
}

/// The device types a filter asks for (`technical.deviceType` as a value
/// or `$in`), to pick the technical a service shows.
fn asked_devices(query: &Query, field: usize) -> Vec<&str> {
    use crate::core::query::{Expr, Op, Scalar};
    let mut out = Vec::new();
    for t in crate::core::catalogue::index::conjuncts(&query.filter) {
        match t {
            Expr::Cmp {
                field: f,
                op: Op::Eq,
                value: Some(Scalar::Str(s)),
            } if *f == field => out.push(s.as_str()),
            Expr::In {
                field: f,
                values,
                negate: false,
                ..
            } if *f == field => out.extend(values.iter().filter_map(|v| match v {
                Scalar::Str(s) => Some(s.as_str()),
                _ => None,
            })),
            _ => {}
        }
    }
    out
}

/// MDS-7's query string.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutParams {
    connection_type: Option<String>,
    start: Option<i64>,
    end: Option<i64>,
    page: Option<i64>,
    limit: Option<i64>,
    cache: Option<bool>,
    pretty: Option<bool>,
    #[allow(dead_code)]
    token: Option<String>,
}

/// Longest window MDS-7 lists, in seconds (the default is the next 24 h).
const MAX_BLACKOUT_WINDOW: i64 = 14 * 86_400;

/// MDS-7 `GET /metadata/delivery/{prov}/btv/blackout_programmes`: the
/// programmes running in `[start, end)` (epoch seconds; default the next
/// 24 h) that a blackout rule names for `connection_type` (mandatory, e.g.
/// `4G`), in start order, each with whether live (`live`), start-over
/// (`so`) and catch-up (`cu`) are blacked out; paged by `page` (1-based)
/// and `limit` (default 100, at most 1,000).
pub async fn blackout_programmes(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    PathParam(provider, ..): PathParam<String, Opf>,
    headers: HeaderMap,
    QueryParams(p, ..): QueryParams<BlackoutParams, Opf>,
) -> OpfResult<Response> {
    let cat = provider_catalogue(&tenant, &provider)?;
    let bad =
        |m: &'static str| -> FaceError<Opf> { ApiError::bad_request(codes::BAD_QUERY, m).into() };
    let connection = p
        .connection_type
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 32)
        .ok_or_else(|| bad("connection_type is required (e.g. 4G)"))?;
    let now = state.clock.now_s();
    let start = p.start.unwrap_or(now);
    let end = p.end.unwrap_or(start + 86_400);
    if start < 0 || end <= start || end - start > MAX_BLACKOUT_WINDOW {
        return Err(bad("end must be after start, at most 14 days later"));
    }
    let limit = p.limit.unwrap_or(100);
    let page = p.page.unwrap_or(1);
    if !(1..=1000).contains(&limit) {
        return Err(bad("limit must be 1-1000"));
    }
    if page < 1 {
        return Err(bad("page must be 1 or more"));
    }
    let all = lists::blackouts(&cat, connection, start, end);
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let items: Vec<Json> = all
        .iter()
        .skip(skip)
        .take(limit as usize)
        .map(|(prog, rule)| {
            json!({
                "id": prog.id,
                "serviceRef": prog.service_ref,
                "period": { "start": prog.start(), "end": prog.end() },
                "live": rule.live,
                "so": rule.start_over,
                "cu": rule.catch_up,
            })
        })
        .collect();
    let body = json!({
        "total_records": all.len(),
        "blackout_programmes": items,
        "version": cat.version.to_string(),
    });
    Ok(cacheable::answer(
        &headers,
        to_bytes(&body, p.pretty),
        policy(&state, p.cache),
    ))
}
