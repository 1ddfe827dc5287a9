//! Accounts, account profiles, user profiles and credentials (tenant-scoped).

use std::collections::BTreeMap;

use sqlx::{AnyConnection, Executor, Row};

use crate::core::query::resources::account;
use crate::core::query::{Page, Query};
use crate::core::status::AccountStatus;
use crate::store::secret_failures::{self, FailureState, Slot, SlotKind};
use crate::store::sql::{self, Table};
use crate::store::{Dialect, StoreError};

/// The limits an operator tunes per group of accounts (§2.6 of the OPF reference).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountProfile {
    pub tenant_id: String,
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub enable_device_limit: bool,
    pub max_devices: i64,
    pub enable_active_device_limit: bool,
    pub max_active_devices: i64,
    pub enable_user_limit: bool,
    pub max_users: i64,
    pub enable_session_limit: bool,
    pub max_sessions_allowed: i64,
    pub enable_approval_limit: bool,
    pub max_approved_devices: i64,
    pub approvals_allowed_in_period: i64,
    pub approval_period_days: i64,
    pub in_home_restriction: bool,
    pub in_home_detection: bool,
    pub session_groups: serde_json::Value,
    pub created: i64,
    pub modified: i64,
}

const PROFILE_COLUMNS: &str = "tenant_id, id, name, status, enable_device_limit, max_devices, \
    enable_active_device_limit, max_active_devices, enable_user_limit, max_users, \
    enable_session_limit, max_sessions_allowed, enable_approval_limit, max_approved_devices, \
    approvals_allowed_in_period, approval_period_days, in_home_restriction, in_home_detection, \
    session_groups, created, modified";

/// Inserts an account profile, or replaces every setting of an existing one.
pub async fn upsert_profile(
    conn: &mut AnyConnection,
    p: &AccountProfile,
) -> Result<(), StoreError> {
    let updates = PROFILE_COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| !matches!(*c, "tenant_id" | "id" | "created"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "INSERT INTO account_profiles ({PROFILE_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET {updates}"
    ))
    .bind(&p.tenant_id)
    .bind(&p.id)
    .bind(&p.name)
    .bind(if p.enabled { "ENABLED" } else { "DISABLED" })
    .bind(crate::store::flag(p.enable_device_limit))
    .bind(p.max_devices)
    .bind(crate::store::flag(p.enable_active_device_limit))
    .bind(p.max_active_devices)
    .bind(crate::store::flag(p.enable_user_limit))
    .bind(p.max_users)
    .bind(crate::store::flag(p.enable_session_limit))
    .bind(p.max_sessions_allowed)
    .bind(crate::store::flag(p.enable_approval_limit))
    .bind(p.max_approved_devices)
    .bind(p.approvals_allowed_in_period)
    .bind(p.approval_period_days)
    .bind(crate::store::flag(p.in_home_restriction))
    .bind(crate::store::flag(p.in_home_detection))
    .bind(p.session_groups.to_string())
    .bind(p.created)
    .bind(p.modified)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_profile<'c, E>(
    executor: E,
    tenant: &str,
    id: &str,
) -> Result<Option<AccountProfile>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {PROFILE_COLUMNS} FROM account_profiles WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let groups: String = r.try_get("session_groups")?;
    Ok(Some(AccountProfile {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        enabled: r.try_get::<String, _>("status")? == "ENABLED",
        enable_device_limit: crate::store::flag_of(&r, "enable_device_limit")?,
        max_devices: r.try_get("max_devices")?,
        enable_active_device_limit: crate::store::flag_of(&r, "enable_active_device_limit")?,
        max_active_devices: r.try_get("max_active_devices")?,
        enable_user_limit: crate::store::flag_of(&r, "enable_user_limit")?,
        max_users: r.try_get("max_users")?,
        enable_session_limit: crate::store::flag_of(&r, "enable_session_limit")?,
        max_sessions_allowed: r.try_get("max_sessions_allowed")?,
        enable_approval_limit: crate::store::flag_of(&r, "enable_approval_limit")?,
        max_approved_devices: r.try_get("max_approved_devices")?,
        approvals_allowed_in_period: r.try_get("approvals_allowed_in_period")?,
        approval_period_days: r.try_get("approval_period_days")?,
        in_home_restriction: crate::store::flag_of(&r, "in_home_restriction")?,
        in_home_detection: crate::store::flag_of(&r, "in_home_detection")?,
        session_groups: serde_json::from_str(&groups)
            .map_err(|e| StoreError::Corrupt(format!("session_groups: {e}")))?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    }))
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub tenant_id: String,
    pub id: String,
    pub account_profile_id: String,
    pub status: AccountStatus,
    pub username: String,
    pub provider_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub billing_address: serde_json::Value,
    pub home_ips: Vec<String>,
    pub parental_thresholds: BTreeMap<String, Option<String>>,
    pub min_rating_playback_guard: Option<String>,
    pub credit_spent: i64,
    pub created: i64,
    pub modified: i64,
}

const ACCOUNT_COLUMNS: &str = "tenant_id, id, account_profile_id, status, username, provider_id, \
    first_name, last_name, billing_address, home_ips, parental_thresholds, \
    min_rating_playback_guard, credit_spent, created, modified";

pub async fn insert(conn: &mut AnyConnection, a: &Account) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    ))
    .bind(&a.tenant_id)
    .bind(&a.id)
    .bind(&a.account_profile_id)
    .bind(a.status.as_str())
    .bind(&a.username)
    .bind(a.provider_id.as_deref())
    .bind(a.first_name.as_deref())
    .bind(a.last_name.as_deref())
    .bind(a.billing_address.to_string())
    .bind(serde_json::to_string(&a.home_ips).expect("strings serialise"))
    .bind(serde_json::to_string(&a.parental_thresholds).expect("map serialises"))
    .bind(a.min_rating_playback_guard.as_deref())
    .bind(a.credit_spent)
    .bind(a.created)
    .bind(a.modified)
    .execute(conn)
    .await?;
    Ok(())
}

fn json<T: serde::de::DeserializeOwned>(r: &sqlx::any::AnyRow, col: &str) -> Result<T, StoreError> {
    let text: String = r.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("{col}: {e}")))
}

fn account_from_row(r: &sqlx::any::AnyRow) -> Result<Account, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Account {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        account_profile_id: r.try_get("account_profile_id")?,
        status: AccountStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("account status {status}")))?,
        username: r.try_get("username")?,
        provider_id: r.try_get("provider_id")?,
        first_name: r.try_get("first_name")?,
        last_name: r.try_get("last_name")?,
        billing_address: json(r, "billing_address")?,
        home_ips: json(r, "home_ips")?,
        parental_thresholds: json(r, "parental_thresholds")?,
        min_rating_playback_guard: r.try_get("min_rating_playback_guard")?,
        credit_spent: r.try_get("credit_spent")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

pub async fn get<'c, E>(executor: E, tenant: &str, id: &str) -> Result<Option<Account>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

pub async fn get_by_username<'c, E>(
    executor: E,
    tenant: &str,
    username: &str,
) -> Result<Option<Account>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE tenant_id = $1 AND username = $2"
    ))
    .bind(tenant)
    .bind(username)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(account_from_row).transpose()
}

/// The accounts table as the query language reads it (fields of
/// [`account::SCHEMA`]).
pub const TABLE: Table = Table {
    name: "accounts",
    select: ACCOUNT_COLUMNS,
    columns: &[
        Some("id"),
        Some("username"),
        Some("status"),
        Some("account_profile_id"),
        Some("created"),
        Some("modified"),
    ],
};

/// One page of a tenant's accounts that `query` selects.
pub async fn list(
    conn: &mut AnyConnection,
    dialect: Dialect,
    tenant: &str,
    query: &Query,
) -> Result<Page<Account>, StoreError> {
    sql::list(
        conn,
        dialect,
        &TABLE,
        &account::SCHEMA,
        tenant,
        query,
        account_from_row,
    )
    .await
}

/// Replaces the mutable fields of an account; returns whether it existed.
pub async fn update(conn: &mut AnyConnection, a: &Account) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE accounts SET account_profile_id = $1, status = $2, provider_id = $3, \
         first_name = $4, last_name = $5, billing_address = $6, home_ips = $7, \
         parental_thresholds = $8, min_rating_playback_guard = $9, modified = $10 \
         WHERE tenant_id = $11 AND id = $12",
    )
    .bind(&a.account_profile_id)
    .bind(a.status.as_str())
    .bind(a.provider_id.as_deref())
    .bind(a.first_name.as_deref())
    .bind(a.last_name.as_deref())
    .bind(a.billing_address.to_string())
    .bind(serde_json::to_string(&a.home_ips).expect("strings serialise"))
    .bind(serde_json::to_string(&a.parental_thresholds).expect("map serialises"))
    .bind(a.min_rating_playback_guard.as_deref())
    .bind(a.modified)
    .bind(&a.tenant_id)
    .bind(&a.id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets (or replaces) the account's password hash and clears its failure count.
pub async fn set_password_hash(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    phc: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO credentials (tenant_id, account_id, kind, secret_hash, modified) \
         VALUES ($1, $2, 'password', $3, $4) \
         ON CONFLICT (tenant_id, account_id, kind) DO UPDATE SET \
         secret_hash = excluded.secret_hash, modified = excluded.modified",
    )
    .bind(tenant)
    .bind(account)
    .bind(phc)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    secret_failures::clear(
        conn,
        Slot {
            tenant,
            kind: SlotKind::Password,
            owner: account,
            name: "",
        },
    )
    .await
}

/// The stored argon2id hash for an account's password, if it has one.
pub async fn password_hash<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
) -> Result<Option<String>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT secret_hash FROM credentials WHERE tenant_id = $1 AND account_id = $2 AND kind = 'password'",
    )
    .bind(tenant)
    .bind(account)
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    pub tenant_id: String,
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub is_default: bool,
    pub child_profile: bool,
    pub pin_prompt_required: bool,
    pub created: i64,
}

pub async fn insert_user_profile(
    conn: &mut AnyConnection,
    p: &UserProfile,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_profiles (tenant_id, id, account_id, name, is_default, child_profile, \
         pin_prompt_required, created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&p.tenant_id)
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(&p.name)
    .bind(crate::store::flag(p.is_default))
    .bind(crate::store::flag(p.child_profile))
    .bind(crate::store::flag(p.pin_prompt_required))
    .bind(p.created)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn user_profiles<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
) -> Result<Vec<UserProfile>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT tenant_id, id, account_id, name, is_default, child_profile, pin_prompt_required, created \
         FROM user_profiles WHERE tenant_id = $1 AND account_id = $2 ORDER BY created, id",
    )
    .bind(tenant)
    .bind(account)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UserProfile {
                tenant_id: r.try_get("tenant_id")?,
                id: r.try_get("id")?,
                account_id: r.try_get("account_id")?,
                name: r.try_get("name")?,
                is_default: crate::store::flag_of(r, "is_default")?,
                child_profile: crate::store::flag_of(r, "child_profile")?,
                pin_prompt_required: crate::store::flag_of(r, "pin_prompt_required")?,
                created: r.try_get("created")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// The account a user profile belongs to, if the profile exists.
pub async fn profile_account<'c, E>(
    executor: E,
    tenant: &str,
    profile: &str,
) -> Result<Option<String>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT account_id FROM user_profiles WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(profile)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// A user profile's own PIN: (owning account, PIN hash if one is set, failures).
pub async fn profile_pin(
    conn: &mut AnyConnection,
    tenant: &str,
    profile: &str,
) -> Result<Option<(String, Option<String>, FailureState)>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT s.account_id, s.pin_hash, f.failed_attempts, f.locked_until \
             FROM user_profiles s {} WHERE s.tenant_id = $1 AND s.id = $2",
        secret_failures::join(SlotKind::ProfilePin, "s.id", "''")
    ))
    .bind(tenant)
    .bind(profile)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("account_id")?,
            r.try_get("pin_hash")?,
            secret_failures::from_joined(&r)?,
        ))
    })
    .transpose()
}

/// Sets (or clears, with `None`) a profile's PIN hash and clears its failures.
pub async fn set_profile_pin(
    conn: &mut AnyConnection,
    tenant: &str,
    profile: &str,
    phc: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE user_profiles SET pin_hash = $1, modified = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(phc)
    .bind(now)
    .bind(tenant)
    .bind(profile)
    .execute(&mut *conn)
    .await?;
    secret_failures::clear(
        conn,
        Slot {
            tenant,
            kind: SlotKind::ProfilePin,
            owner: profile,
            name: "",
        },
    )
    .await
}
