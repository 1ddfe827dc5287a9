//! MDS-10 `GET /metadata/delivery/changes`: what changed in the catalogue
//! since a Unix time, oldest first, paged by `page` (1-based) and `limit`
//! (default 100, at most 1,000); `type` narrows to `vod` (editorials,
//! series, nodes, products), `channel` (services) or `programme`. Each
//! entry names the record and whether it was written or deleted:
//! `{"total_records": n, "changes": [{"id", "type", "entity", "action",
//! "modified"}]}`. Read from the store: deletes are only there.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::mds::{policy, to_bytes};
use crate::api::cacheable;
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{QueryParams, Tenant};
use crate::app::AppState;
use crate::core::catalogue::Kind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    since: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    page: Option<i64>,
    limit: Option<i64>,
    fields: Option<String>,
    cache: Option<bool>,
    pretty: Option<bool>,
    #[allow(dead_code)]
    token: Option<String>,
}

fn family(kind: Kind) -> &'static str {
    match kind {
        Kind::Service => "channel",
        Kind::Programme => "programme",
        Kind::Person => "person",
        Kind::Image => "image",
        _ => "vod",
    }
}

pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    QueryParams(p, ..): QueryParams<ChangesParams, Opf>,
) -> Result<Response, FaceError<Opf>> {
    let kinds: &[Kind] = match p.kind.as_deref() {
        None => &Kind::ALL,
        Some("vod") => &[Kind::Editorial, Kind::Series, Kind::Node, Kind::Product],
        Some("channel") => &[Kind::Service],
        Some("programme") => &[Kind::Programme],
        Some(_) => {
            return Err(ApiError::bad_request(
                codes::BAD_QUERY,
                "type must be programme, vod or channel",
            )
            .into())
        }
    };
    let fields: Option<Vec<String>> = match &p.fields {
        None => None,
        Some(f) => Some(serde_json::from_str(f).map_err(|_| {
            ApiError::bad_request(codes::BAD_QUERY, "fields must be a JSON array of names")
        })?),
    };
    let page = state
        .plane
        .catalogue
        .changes(
            tenant.id(),
            kinds,
            p.since.unwrap_or(0),
            p.limit.unwrap_or(100),
            p.page.unwrap_or(1),
        )
        .await?;
    let items: Vec<serde_json::Value> = page
        .items
        .iter()
        .map(|c| {
            let full = json!({
                "id": c.id,
                "type": family(c.kind),
                "entity": c.kind.as_str(),
                "action": if c.deleted { "delete" } else { "upsert" },
                "modified": c.modified,
            });
            match &fields {
                Some(names) => {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    super::shapes::project(&full, &names)
                }
                None => full,
            }
        })
        .collect();
    let body = json!({"total_records": page.total, "changes": items});
    Ok(cacheable::answer(
        &headers,
        to_bytes(&body, p.pretty),
        policy(&state, p.cache),
    ))
}
