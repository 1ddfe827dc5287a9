//! CCP users (CCP-2…5, proposed paths): the people a user profile follows
//! (`followedPersonas`: ids of CCP-1's cast, crew and personas).
//!
//! - `GET /ccp/v1/users/account/{accountId}/user/{userId}`: the record; 404
//!   when the profile has none.
//! - `PUT` on the same path: replaces (or creates) the list, 200 with the
//!   record. The body is `{"followedPersonas": [...]}`, or a record read
//!   back (its `accountId` and `userId` must match the path; `created` and
//!   `lastModified` are ignored). Unknown ids refuse the whole write (400).
//! - `DELETE` on the same path: 204; 404 when there was nothing.
//! - `GET /ccp/v1/users?accountId=&limit=&page=`: `{"users": [...],
//!   "totalRecords": n}` by user id; `limit` 0-1000 (default 100, 0 counts
//!   only), `page` from 0 as in CCP-1.
//!
//! Who may call: the tenant's operator (any account), or a user signed on
//! to the account named (their own account's profiles only: a path naming
//! another account answers 403 40307, whether it exists or not; the list
//! is confined to their account, and asking for another's answers 403 too).
//! Answers are per-account data: `Cache-Control: private, no-store`.
//!
//! Must never: answer another account's rows to a user token.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{AccountCaller, JsonBody, PathParam};
use crate::api::private_answer::private;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::store::accounts::follows::CcpUser;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CcpUserOut {
    account_id: String,
    user_id: String,
    followed_personas: Vec<String>,
    created: String,
    last_modified: String,
}

impl From<CcpUser> for CcpUserOut {
    fn from(u: CcpUser) -> Self {
        CcpUserOut {
            account_id: u.account_id,
            user_id: u.user_id,
            followed_personas: u.followed,
            created: iso(u.created),
            last_modified: iso(u.modified),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CcpUserIn {
    followed_personas: Vec<String>,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default, rename = "created")]
    _created: Option<serde_json::Value>,
    #[serde(default, rename = "lastModified")]
    _last_modified: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CcpUsersOut {
    users: Vec<CcpUserOut>,
    total_records: u64,
}

fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

/// CCP-2 `GET /ccp/v1/users/account/{accountId}/user/{userId}`.
pub async fn get_user(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((account, user), ..): PathParam<(String, String), Opf>,
) -> OpfResult<Response> {
    caller.may_act_on(&account)?;
    let u = state
        .plane
        .accounts
        .ccp_user(caller.tenant_id(), &account, &user)
        .await?;
    Ok(private(Json(CcpUserOut::from(u))))
}

/// CCP-3 `PUT /ccp/v1/users/account/{accountId}/user/{userId}`.
pub async fn put_user(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((account, user), ..): PathParam<(String, String), Opf>,
    JsonBody(body, ..): JsonBody<CcpUserIn, Opf>,
) -> OpfResult<Response> {
    caller.may_act_on(&account)?;
    if body.account_id.as_deref().is_some_and(|a| a != account)
        || body.user_id.as_deref().is_some_and(|u| u != user)
    {
        return Err(ApiError::bad_request(
            codes::BAD_REQUEST,
            "accountId and userId in the body must match the path",
        )
        .into());
    }
    let u = state
        .plane
        .accounts
        .put_ccp_user(caller.tenant_id(), &account, &user, body.followed_personas)
        .await?;
    Ok(private(Json(CcpUserOut::from(u))))
}

/// CCP-4 `DELETE /ccp/v1/users/account/{accountId}/user/{userId}`.
pub async fn delete_user(
    State(state): State<AppState>,
    caller: AccountCaller,
    PathParam((account, user), ..): PathParam<(String, String), Opf>,
) -> OpfResult<StatusCode> {
    caller.may_act_on(&account)?;
    state
        .plane
        .accounts
        .delete_ccp_user(caller.tenant_id(), &account, &user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// CCP-5 `GET /ccp/v1/users?accountId=&limit=&page=`.
pub async fn list_users(
    State(state): State<AppState>,
    caller: AccountCaller,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    let (mut account, mut limit, mut page) = (None::<String>, 100i64, 0i64);
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        let number = || {
            v.parse::<i64>()
                .map_err(|_| bad(format!("{k} must be a number")))
        };
        match &*k {
            "accountId" => account = Some(v.clone().into_owned()),
            "limit" => limit = number()?,
            "page" => page = number()?,
            _ => return Err(bad(format!("unknown parameter {k}")).into()),
        }
    }
    if page < 0 {
        return Err(bad("page is a page number from 0").into());
    }
    if let Some(asked) = &account {
        caller.may_act_on(asked)?;
    }
    let account = account.or_else(|| caller.own_account().map(str::to_owned));
    let found = state
        .plane
        .accounts
        .list_ccp_users(
            caller.tenant_id(),
            account.as_deref(),
            limit,
            page.saturating_add(1),
        )
        .await?;
    Ok(private(Json(CcpUsersOut {
        total_records: found.total,
        users: found.items.into_iter().map(CcpUserOut::from).collect(),
    })))
}
