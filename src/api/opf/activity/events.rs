//! OPF user activity: events and ratings.
//!
//! Writes (202, no body; the store has them within the write-behind delay):
//! - `POST /useractivityvault/v1/useractivity/{activityName}` (UAV-12) and
//!   `/activitygateway/v1/useractivity/{activityName}` (AG-2): an `Activity`;
//! - `POST .../useractivity/rating` (UAV-9, AG-1): a rating (1-10) of
//!   `contentId`, one per content per profile (or per account when no
//!   `userId`), a rewrite replaces it;
//! - `POST /contentdiscovery/v2/useractivity/{userActivity}/account/{accountId}`
//!   (CG-5), `/contentdiscovery/v2/ratings/account/{accountId}` (CG-3),
//!   `/contentdiscovery/v2/bookmarks/account/{accountId}` (CG-1: a bookmark
//!   of the token's profile, or of the account for the operator);
//! - `POST /recommendations/v1/useractivity` (RF-2; the account from the
//!   token).
//!
//! Reads: events per account (UAV-11) and profile (UAV-10), newest first
//! (`name`, `limit`, `offset`); ratings by account (UAV-3), profile
//! (UAV-7), content and account (UAV-5), content, account and profile
//! (UAV-4), content across the tenant (UAV-6: the operator sees every
//! account's, a user token only its own account's); a content's average
//! (UAV-8, 404 when unrated); averages and view counts changed since
//! `startDate` (UAV-2, UAV-1; any caller of the tenant: aggregates name
//! no account). Views are events named `watch`, `play` or
//! `playbackStart` with a content `key`.
//!
//! Who may call: as clientdata ([`super::clientdata`]): the operator, or a
//! user token of the account named (in the path or the body).
//!
//! Must never: take an event or rating for an account the caller may not
//! act on.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde_json::{json, Map, Value};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{AccountCaller, JsonBody, PathParam};
use crate::api::private_answer::private;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::activity::body::{self, PathIds};
use crate::core::activity::events::{self as checks, EventIn};
use crate::core::activity::{KindId, Record, Scope};
use crate::plane::activity::Target;
use crate::store::activity::aggregates::Aggregate;
use crate::store::activity::events::Event;

type OpfResult<T> = Result<T, FaceError<Opf>>;

fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_REQUEST, message)
}

fn bad_query(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

fn accepted() -> Response {
    private(StatusCode::ACCEPTED)
}

/// The target of a write that names its account in the body (or, for a
/// user token, takes it from the token) and its profile as `userId`.
fn target_of<'a>(
    caller: &'a AccountCaller,
    view: &'a crate::core::snapshot::TenantView,
    account: Option<&str>,
    profile: Option<&str>,
) -> Result<Target<'a>, ApiError> {
    let account = match (account, caller.own_account()) {
        (Some(a), _) => a.to_owned(),
        (None, Some(own)) => own.to_owned(),
        (None, None) => return Err(bad("accountId is required")),
    };
    caller.may_act_on(&account)?;
    let profile = profile.unwrap_or_default();
    Ok(Target {
        tenant: &view.id,
        settings: &view.activity,
        vouched: caller.vouches_for(&account, profile),
        scope: Scope {
            account,
            profile: profile.to_owned(),
        },
    })
}

/// The token's own profile, for the faces whose bodies name none.
fn token_profile(caller: &AccountCaller) -> Option<&str> {
    match caller {
        AccountCaller::User(u) => Some(u.claims.user_id.as_str()),
        AccountCaller::Operator(_) => None,
    }
}

/// A body's `contentId` (required).
fn content_id(body: &Value) -> Result<&str, ApiError> {
    body.get("contentId")
        .and_then(Value::as_str)
        .filter(|c| body::is_item_id(c))
        .ok_or_else(|| bad("contentId is required"))
}

/// A body's `rating` (required; its range is the plane's).
fn rating_of(body: &Value) -> Result<i64, ApiError> {
    body.get("rating")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad("rating is a whole number from 1 to 10"))
}

/// UAV-12 / AG-2 `POST .../useractivity/{activityName}`.
pub async fn report(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(name, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let e = checks::parse(&body, &name).map_err(bad)?;
    let view = caller.tenant_view().clone();
    let t = target_of(
        &caller,
        &view,
        e.account_id.as_deref(),
        e.user_id.as_deref(),
    )?;
    queue(&state, &t, e).await?;
    Ok(accepted())
}

async fn queue(state: &AppState, t: &Target<'_>, e: EventIn) -> Result<(), ApiError> {
    if !t.vouched {
        state.plane.activity.check_target(t).await?;
    }
    state.plane.activity.report(t.tenant, &t.scope, e);
    Ok(())
}

/// UAV-9 / AG-1 `POST .../useractivity/rating`.
pub async fn rate(
    State(state): State<AppState>,
    caller: AccountCaller,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let e = checks::parse(&body, "rating").map_err(bad)?;
    let (content, rating) = (content_id(&body)?, rating_of(&body)?);
    let view = caller.tenant_view().clone();
    let t = target_of(
        &caller,
        &view,
        e.account_id.as_deref(),
        e.user_id.as_deref(),
    )?;
    let device = (!e.device_id.is_empty()).then_some(e.device_id.as_str());
    state
        .plane
        .activity
        .rate(&t, content, rating, device)
        .await?;
    Ok(accepted())
}

/// CG-3 `POST /contentdiscovery/v2/ratings/account/{accountId}`.
pub async fn cdg_rate(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(account, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let (content, rating) = (content_id(&body)?, rating_of(&body)?);
    let view = caller.tenant_view().clone();
    let t = target_of(&caller, &view, Some(&account), token_profile(&caller))?;
    state.plane.activity.rate(&t, content, rating, None).await?;
    Ok(accepted())
}

/// CG-5 `POST /contentdiscovery/v2/useractivity/{userActivity}/account/{accountId}`.
pub async fn cdg_report(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((name, account), ..): PathParam<(String, String), Opf>,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let e = checks::parse_cdg(&body, &name).map_err(bad)?;
    let view = caller.tenant_view().clone();
    let t = target_of(&caller, &view, Some(&account), token_profile(&caller))?;
    queue(&state, &t, e).await?;
    Ok(accepted())
}

/// CG-1 `POST /contentdiscovery/v2/bookmarks/account/{accountId}`.
pub async fn cdg_bookmark(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(account, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let view = caller.tenant_view().clone();
    let t = target_of(&caller, &view, Some(&account), token_profile(&caller))?;
    let content = content_id(&body)?.to_owned();
    // The CDG body carries `deviceType`; the record keeps bookmark fields.
    let mut kept = body.clone();
    if let Some(o) = kept.as_object_mut() {
        o.remove("deviceType");
    }
    let parsed = body::parse(
        KindId::Bookmark,
        &kept,
        PathIds {
            account: &t.scope.account,
            // The CDG body has no duration: checked as an account's.
            profile: "",
            item: Some(&content),
            list: None,
        },
    )
    .map_err(bad)?;
    state
        .plane
        .activity
        .put(&t, KindId::Bookmark, &content, parsed, None)
        .await?;
    Ok(accepted())
}

/// RF-2 `POST /recommendations/v1/useractivity` (a user token's account).
pub async fn recommendation_report(
    State(state): State<AppState>,
    caller: AccountCaller,
    JsonBody(body, ..): JsonBody<Value, Opf>,
) -> OpfResult<Response> {
    let e = checks::parse_recommendation(&body).map_err(bad)?;
    if caller.own_account().is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            codes::ACCOUNT_MISMATCH,
            "the account comes from a user token",
        )
        .into());
    }
    let view = caller.tenant_view().clone();
    let t = target_of(&caller, &view, None, token_profile(&caller))?;
    queue(&state, &t, e).await?;
    Ok(accepted())
}

/// `limit`, `offset`, and the other names a read takes.
struct Paging {
    limit: i64,
    offset: i64,
    name: Option<String>,
    start: Option<i64>,
}

fn paging(query: Option<&str>, names: &[&str]) -> Result<Paging, ApiError> {
    let mut p = Paging {
        limit: 100,
        offset: 0,
        name: None,
        start: None,
    };
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let number = || {
            v.parse::<i64>()
                .map_err(|_| bad_query(format!("{k} must be a whole number")))
        };
        match &*k {
            "limit" => p.limit = number()?,
            "offset" => p.offset = number()?,
            "name" if names.contains(&"name") => {
                if !checks::is_name(&v) {
                    return Err(bad_query("name is an activity name"));
                }
                p.name = Some(v.into_owned());
            }
            "startDate" if names.contains(&"startDate") => {
                p.start = Some(
                    checks::instant(&Value::String(v.clone().into_owned()))
                        .or_else(|| v.parse().ok())
                        .ok_or_else(|| bad_query("startDate is an ISO-8601 time"))?,
                )
            }
            "fields" | "pretty" | "cache" | "token" => {}
            _ => return Err(bad_query(format!("unknown parameter {k}"))),
        }
    }
    Ok(p)
}

fn event_out(e: &Event) -> Value {
    json!({
        "id": e.id,
        "accountId": e.account_id,
        "userId": e.profile_id,
        "deviceId": e.device_id,
        "name": e.name,
        "key": e.key,
        "value": e.value,
        "timestamp": iso(e.at),
        "metadata": serde_json::from_str::<Value>(&e.metadata).unwrap_or(Value::Object(Map::new())),
    })
}

fn scoped<'a>(
    caller: &'a AccountCaller,
    view: &'a crate::core::snapshot::TenantView,
    account: &str,
    profile: &str,
) -> Result<Target<'a>, ApiError> {
    for id in [account, profile] {
        if !id.is_empty() && !body::is_item_id(id) {
            return Err(ApiError::bad_request(
                codes::BAD_PATH,
                "ids are 1-256 bytes",
            ));
        }
    }
    caller.may_act_on(account)?;
    Ok(Target {
        tenant: &view.id,
        settings: &view.activity,
        vouched: caller.vouches_for(account, profile),
        scope: Scope {
            account: account.to_owned(),
            profile: profile.to_owned(),
        },
    })
}

async fn events_of(
    state: &AppState,
    caller: &AccountCaller,
    account: &str,
    profile: &str,
    query: Option<&str>,
) -> OpfResult<Response> {
    let p = paging(query, &["name"])?;
    let view = caller.tenant_view().clone();
    let t = scoped(caller, &view, account, profile)?;
    let (events, total) = state
        .plane
        .activity
        .events(&t, p.name.as_deref(), p.limit, p.offset)
        .await?;
    Ok(private((
        StatusCode::OK,
        Json(
            json!({"activities": events.iter().map(event_out).collect::<Vec<_>>(), "totalRecords": total}),
        ),
    )))
}

/// UAV-11 `GET /useractivityvault/v1/useractivity/account/{accountId}`.
pub async fn account_events(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(account, ..): PathParam<String, Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    events_of(&state, &caller, &account, "", query.as_deref()).await
}

/// UAV-10 `GET /useractivityvault/v1/useractivity/account/{accountId}/user/{userId}`.
pub async fn profile_events(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((account, profile), ..): PathParam<(String, String), Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    events_of(&state, &caller, &account, &profile, query.as_deref()).await
}

fn rating_out(r: &Record) -> Value {
    let mut v = json!({
        "contentId": r.item,
        "accountId": r.scope.account,
        "rating": r.body.get("rating").cloned().unwrap_or(Value::Null),
    });
    if !r.scope.profile.is_empty() {
        v["userId"] = r.scope.profile.clone().into();
    }
    if let Some(d) = r.body.get("deviceId") {
        v["deviceId"] = d.clone();
    }
    v
}

fn ratings_page(records: &[Record], p: &Paging) -> Result<Response, ApiError> {
    if !(0..=1000).contains(&p.limit) || p.offset < 0 {
        return Err(bad_query("limit must be 0-1000 and offset 0 or more"));
    }
    let page: Vec<Value> = records
        .iter()
        .skip(usize::try_from(p.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(p.limit).unwrap_or(0))
        .map(rating_out)
        .collect();
    Ok(private((
        StatusCode::OK,
        Json(json!({"ratings": page, "totalRecords": records.len()})),
    )))
}

async fn ratings_of(
    state: &AppState,
    caller: &AccountCaller,
    account: &str,
    profile: Option<&str>,
    content: Option<&str>,
    query: Option<&str>,
) -> OpfResult<Response> {
    let p = paging(query, &[])?;
    let view = caller.tenant_view().clone();
    let t = scoped(caller, &view, account, profile.unwrap_or_default())?;
    let records = state
        .plane
        .activity
        .account_ratings(&t, profile, content)
        .await?;
    Ok(ratings_page(&records, &p)?)
}

/// UAV-3 `GET /useractivityvault/v1/ratings/account/{accountId}`.
pub async fn account_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(account, ..): PathParam<String, Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    ratings_of(&state, &caller, &account, None, None, query.as_deref()).await
}

/// UAV-7 `GET /useractivityvault/v1/ratings/account/{accountId}/user/{userId}`.
pub async fn profile_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((account, profile), ..): PathParam<(String, String), Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    ratings_of(
        &state,
        &caller,
        &account,
        Some(&profile),
        None,
        query.as_deref(),
    )
    .await
}

/// UAV-5 `GET /useractivityvault/v1/ratings/content/{contentId}/account/{accountId}`.
pub async fn content_account_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((content, account), ..): PathParam<(String, String), Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    ratings_of(
        &state,
        &caller,
        &account,
        None,
        Some(&content),
        query.as_deref(),
    )
    .await
}

/// UAV-4 `GET /useractivityvault/v1/ratings/content/{contentId}/account/{accountId}/user/{userId}`.
pub async fn content_profile_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((content, account, profile), ..): PathParam<(String, String, String), Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    ratings_of(
        &state,
        &caller,
        &account,
        Some(&profile),
        Some(&content),
        query.as_deref(),
    )
    .await
}

/// UAV-6 `GET /useractivityvault/v1/ratings/content/{contentId}`.
pub async fn content_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(content, ..): PathParam<String, Opf>,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    let p = paging(query.as_deref(), &[])?;
    if !body::is_item_id(&content) {
        return Err(ApiError::bad_request(codes::BAD_PATH, "contentId is 1-256 bytes").into());
    }
    let mut records = state
        .plane
        .activity
        .content_ratings(caller.tenant_id(), &content)
        .await?;
    if let Some(own) = caller.own_account() {
        records.retain(|r| r.scope.account == own);
    }
    Ok(ratings_page(&records, &p)?)
}

fn average_out(a: &Aggregate) -> Value {
    let average = if a.count > 0 {
        a.total as f64 / a.count as f64
    } else {
        0.0
    };
    json!({
        "id": a.content_id,
        "contentId": a.content_id,
        "average": (average * 100.0).round() / 100.0,
        "count": a.count,
        "timestamp": iso(a.modified),
    })
}

/// UAV-8 `GET /useractivityvault/v1/ratings/content/{contentId}/average`.
pub async fn average(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam(content, ..): PathParam<String, Opf>,
) -> OpfResult<Response> {
    if !body::is_item_id(&content) {
        return Err(ApiError::bad_request(codes::BAD_PATH, "contentId is 1-256 bytes").into());
    }
    let a = state
        .plane
        .activity
        .average(caller.tenant_id(), &content)
        .await?;
    Ok(private((StatusCode::OK, Json(average_out(&a)))))
}

async fn changed(
    state: &AppState,
    caller: &AccountCaller,
    ratings: bool,
    query: Option<&str>,
) -> OpfResult<Response> {
    let p = paging(query, &["startDate"])?;
    let since = p.start.ok_or_else(|| bad_query("startDate is required"))?;
    let found = state
        .plane
        .activity
        .changed_since(caller.tenant_id(), ratings, since, p.limit.max(1), p.offset)
        .await?;
    let body = if ratings {
        Value::Array(found.iter().map(average_out).collect())
    } else {
        json!({
            "viewCounts": found.iter().map(|a| json!({"contentId": a.content_id, "count": a.count, "timestamp": iso(a.modified)})).collect::<Vec<_>>(),
            "totalRecords": found.len(),
        })
    };
    Ok(private((StatusCode::OK, Json(body))))
}

/// UAV-1 `GET /useractivityvault/v1/notifications/viewcounts?startDate=`.
pub async fn view_counts(
    State(state): State<AppState>,
    caller: AccountCaller,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    changed(&state, &caller, false, query.as_deref()).await
}

/// UAV-2 `GET /useractivityvault/v1/notifications/averageratings?startDate=`.
pub async fn average_ratings(
    State(state): State<AppState>,
    caller: AccountCaller,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    changed(&state, &caller, true, query.as_deref()).await
}
