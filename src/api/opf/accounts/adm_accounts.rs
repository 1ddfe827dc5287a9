//! ADM operator account API: `/adm/v1/accounts[/{accountId}]` (create, list, get,
//! update). Operator-authenticated; errors in the ADM envelope.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::error::{codes, Adm, ApiError, FaceError};
use crate::api::extract::{JsonBody, Operator, PathParam, QueryParams};
use crate::api::opf::resource_set::ResourceSet;
use crate::api::opf::{PageQuery, WriteResult};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::status::AccountStatus;
use crate::plane::accounts::account::{AccountPatch, NewAccount};
use crate::store::accounts::account::Account;

type AdmResult<T> = Result<T, FaceError<Adm>>;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParentalControlIn {
    #[serde(default)]
    rating_threshold: BTreeMap<String, Option<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountIn {
    #[serde(rename = "_id")]
    id: Option<String>,
    username: String,
    password: Option<String>,
    status: Option<String>,
    account_profile_id: Option<String>,
    provider_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    home_ips: Vec<String>,
    parental_control: Option<ParentalControlIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountPatchIn {
    status: Option<String>,
    account_profile_id: Option<String>,
    password: Option<String>,
    provider_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    home_ips: Option<Vec<String>>,
    parental_control: Option<ParentalControlIn>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountOut {
    #[serde(rename = "_id")]
    id: String,
    status: &'static str,
    account_profile_id: String,
    provider_id: Option<String>,
    username: String,
    first_name: Option<String>,
    last_name: Option<String>,
    billing_address: Value,
    home_ips: Vec<String>,
    parental_control: Value,
    credit_spent: i64,
    created: String,
    modified: String,
}

impl From<Account> for AccountOut {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            status: a.status.as_str(),
            account_profile_id: a.account_profile_id,
            provider_id: a.provider_id,
            username: a.username,
            first_name: a.first_name,
            last_name: a.last_name,
            billing_address: a.billing_address,
            home_ips: a.home_ips,
            parental_control: serde_json::json!({ "ratingThreshold": a.parental_thresholds }),
            credit_spent: a.credit_spent,
            created: iso(a.created),
            modified: iso(a.modified),
        }
    }
}

fn parse_status(s: Option<String>) -> Result<Option<AccountStatus>, ApiError> {
    s.map(|s| {
        AccountStatus::parse(&s).ok_or_else(|| {
            ApiError::bad_request(
                codes::BAD_REQUEST,
                "status must be ACTIVE, SUSPENDED, CANCELLED or INACTIVE",
            )
        })
    })
    .transpose()
}

/// `POST /adm/v1/accounts` → 201 with the account.
pub async fn create_account(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    JsonBody(body, ..): JsonBody<AccountIn, Adm>,
) -> AdmResult<(StatusCode, Json<AccountOut>)> {
    let new = NewAccount {
        id: body.id,
        username: body.username,
        password: body.password,
        status: parse_status(body.status)?,
        account_profile_id: body.account_profile_id,
        provider_id: body.provider_id,
        first_name: body.first_name,
        last_name: body.last_name,
        home_ips: body.home_ips,
        parental_thresholds: body.parental_control.unwrap_or_default().rating_threshold,
        pin: None,
    };
    let account = state
        .plane
        .accounts
        .create_account(operator.tenant_id(), new)
        .await?;
    Ok((StatusCode::CREATED, Json(account.into())))
}

/// `GET /adm/v1/accounts/{accountId}`.
pub async fn get_account(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
) -> AdmResult<Json<AccountOut>> {
    let account = state
        .plane
        .accounts
        .get_account(operator.tenant_id(), &account_id)
        .await?;
    Ok(Json(account.into()))
}

/// `GET /adm/v1/accounts?limit=&page=` → `{totalRecords, resourceSet}`;
/// `limit=0` counts only.
pub async fn list_accounts(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    QueryParams(q, ..): QueryParams<PageQuery, Adm>,
) -> AdmResult<Json<ResourceSet<AccountOut>>> {
    let page = state
        .plane
        .accounts
        .list_accounts(
            operator.tenant_id(),
            q.limit.unwrap_or(100),
            q.page.unwrap_or(1),
        )
        .await?;
    Ok(Json(ResourceSet::page(page, AccountOut::from)))
}

/// `PUT /adm/v1/accounts/{accountId}` → `{matchedCount, modifiedCount}`; 404 if
/// the account does not exist.
pub async fn update_account(
    State(state): State<AppState>,
    operator: Operator<Adm>,
    PathParam(account_id, ..): PathParam<String, Adm>,
    JsonBody(body, ..): JsonBody<AccountPatchIn, Adm>,
) -> AdmResult<Json<WriteResult>> {
    let patch = AccountPatch {
        status: parse_status(body.status)?,
        account_profile_id: body.account_profile_id,
        password: body.password,
        provider_id: body.provider_id,
        first_name: body.first_name,
        last_name: body.last_name,
        home_ips: body.home_ips,
        parental_thresholds: body.parental_control.map(|p| p.rating_threshold),
    };
    let (matched, modified) = state
        .plane
        .accounts
        .update_account(operator.tenant_id(), &account_id, patch)
        .await?;
    if matched == 0 {
        return Err(
            ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, "account not found").into(),
        );
    }
    Ok(Json(WriteResult::new(matched, modified)))
}
