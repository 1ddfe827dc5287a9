//! The rows the playback snapshot is built from: one query per kind for a
//! whole tenant (start-up, catalogue changes) or for one account (the change
//! feed's account, device and entitlement entries). Products are read with
//! [`super::catalogue::products`].
//!
//! Must never: select secrets (password or PIN hashes), or rows of another tenant.

use futures_util::{StreamExt, TryStreamExt};
use sqlx::any::AnyRow;
use sqlx::{Executor, Row};

use super::{flag_of, Dialect, Store, StoreError};

/// Which accounts to read.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Tenant,
    Account(&'a str),
}

impl Scope<'_> {
    fn clause(self, column: &str) -> String {
        match self {
            Scope::Tenant => String::new(),
            Scope::Account(_) => format!(" AND {column} = $2"),
        }
    }
}

async fn rows<'c, E>(
    executor: E,
    sql: &str,
    tenant: &str,
    scope: Scope<'_>,
) -> Result<Vec<AnyRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let mut q = sqlx::query(sql).bind(tenant);
    if let Scope::Account(id) = scope {
        q = q.bind(id);
    }
    Ok(q.fetch_all(executor).await?)
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub status: String,
    /// Whether the account's profile turns device approval on.
    pub approval_required: bool,
    /// JSON array of addresses / prefixes.
    pub home_ips: String,
}

pub async fn accounts<'c, E>(
    executor: E,
    tenant: &str,
    scope: Scope<'_>,
) -> Result<Vec<AccountRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = format!("{ACCOUNTS}{}", scope.clause("a.id"));
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(account_row)
        .collect()
}

const ACCOUNTS: &str = "SELECT a.id, a.status, a.home_ips, p.enable_approval_limit \
     FROM accounts a JOIN account_profiles p \
       ON p.tenant_id = a.tenant_id AND p.id = a.account_profile_id \
     WHERE a.tenant_id = $1";

fn account_row(r: &AnyRow) -> Result<AccountRow, StoreError> {
    Ok(AccountRow {
        id: r.try_get("id")?,
        status: r.try_get("status")?,
        approval_required: flag_of(r, "enable_approval_limit")?,
        home_ips: r.try_get("home_ips")?,
    })
}

#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub id: String,
    pub account_id: String,
    pub device_type: String,
    pub status: String,
    pub activity: String,
    pub deleted: bool,
    pub approved: bool,
    pub class: Option<String>,
    pub model: Option<String>,
}

pub async fn devices<'c, E>(
    executor: E,
    tenant: &str,
    scope: Scope<'_>,
) -> Result<Vec<DeviceRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = format!("{DEVICES}{} ORDER BY id", scope.clause("account_id"));
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(device_row)
        .collect()
}

const DEVICES: &str =
    "SELECT id, account_id, device_type, status, activity, deleted_at, approved, \
     playout_device_class, name FROM devices WHERE tenant_id = $1";

fn device_row(r: &AnyRow) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        device_type: r.try_get("device_type")?,
        status: r.try_get("status")?,
        activity: r.try_get("activity")?,
        deleted: r.try_get::<Option<i64>, _>("deleted_at")?.is_some(),
        approved: flag_of(r, "approved")?,
        class: r.try_get("playout_device_class")?,
        model: r.try_get("name")?,
    })
}

#[derive(Debug, Clone)]
pub struct EntitlementRow {
    pub id: String,
    pub account_id: String,
    pub product_id: String,
    pub subscribed: bool,
    pub valid_from: i64,
    pub expiry: Option<i64>,
    pub created: i64,
    pub plays_used: i64,
    pub first_play_at: Option<i64>,
    pub modified: i64,
    pub is_archivable: bool,
    pub purchased_by_device_id: Option<String>,
}

pub async fn entitlements<'c, E>(
    executor: E,
    tenant: &str,
    scope: Scope<'_>,
) -> Result<Vec<EntitlementRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = format!("{ENTITLEMENTS}{} ORDER BY id", scope.clause("account_id"));
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(entitlement_row)
        .collect()
}

const ENTITLEMENTS: &str =
    "SELECT id, account_id, product_id, status, valid_from, expiry, created, \
     plays_used, first_play_at, modified, is_archivable, purchased_by_device_id FROM entitlements \
     WHERE tenant_id = $1";

fn entitlement_row(r: &AnyRow) -> Result<EntitlementRow, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(EntitlementRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        product_id: r.try_get("product_id")?,
        subscribed: status == "SUBSCRIBED",
        valid_from: r.try_get("valid_from")?,
        expiry: r.try_get("expiry")?,
        created: r.try_get("created")?,
        plays_used: r.try_get("plays_used")?,
        first_play_at: r.try_get("first_play_at")?,
        modified: r.try_get("modified")?,
        is_archivable: flag_of(r, "is_archivable")?,
        purchased_by_device_id: r.try_get("purchased_by_device_id")?,
    })
}

/// Every account of a tenant with its devices and entitlements, handed to
/// `each` one account at a time. Three streams ordered by account id (byte
/// order: `COLLATE "C"` on PostgreSQL, SQLite's default) merged as they
/// arrive, so a whole tenant is never held as rows; a device or entitlement
/// whose account is not listed is skipped.
pub async fn for_each_account(
    store: &Store,
    tenant: &str,
    mut each: impl FnMut(AccountRow, Vec<DeviceRow>, Vec<EntitlementRow>),
) -> Result<(), StoreError> {
    let order = match store.dialect() {
        Dialect::Postgres => " COLLATE \"C\"",
        Dialect::Sqlite => "",
    };
    let pool = store.pool();
    let accounts_sql = format!("{ACCOUNTS} ORDER BY a.id{order}");
    let devices_sql = format!("{DEVICES} ORDER BY account_id{order}, id");
    let entitlements_sql = format!("{ENTITLEMENTS} ORDER BY account_id{order}, id");
    let mut accounts = sqlx::query(&accounts_sql).bind(tenant).fetch(pool);
    let mut devices = sqlx::query(&devices_sql)
        .bind(tenant)
        .fetch(pool)
        .peekable();
    let mut entitlements = sqlx::query(&entitlements_sql)
        .bind(tenant)
        .fetch(pool)
        .peekable();
    let mut devices = std::pin::Pin::new(&mut devices);
    let mut entitlements = std::pin::Pin::new(&mut entitlements);
    while let Some(row) = accounts.try_next().await? {
        let account = account_row(&row)?;
        let mut d = Vec::new();
        while let Some(next) = take_if_for(devices.as_mut(), &account.id, device_row).await? {
            d.extend(next);
        }
        let mut e = Vec::new();
        while let Some(next) =
            take_if_for(entitlements.as_mut(), &account.id, entitlement_row).await?
        {
            e.extend(next);
        }
        each(account, d, e);
    }
    Ok(())
}

/// The head row of `rows` if it belongs to `account` (`Some(Some(row))`) or
/// to an account before it, which is skipped (`Some(None)`); `None` once the
/// head belongs to a later account or the rows are done.
async fn take_if_for<S, T>(
    mut rows: std::pin::Pin<&mut futures_util::stream::Peekable<S>>,
    account: &str,
    map: fn(&AnyRow) -> Result<T, StoreError>,
) -> Result<Option<Option<T>>, StoreError>
where
    S: futures_util::Stream<Item = Result<AnyRow, sqlx::Error>>,
{
    let owner = match rows.as_mut().peek().await {
        None => return Ok(None),
        Some(Err(_)) => {
            let err = rows.next().await.and_then(Result::err);
            return Err(err.map_or_else(|| StoreError::Corrupt("row stream".into()), Into::into));
        }
        Some(Ok(r)) => r.try_get::<String, _>("account_id")?,
    };
    match owner.as_str().cmp(account) {
        std::cmp::Ordering::Greater => Ok(None),
        ordering => {
            let Some(row) = rows.next().await.transpose()? else {
                return Ok(None);
            };
            Ok(Some(
                (ordering == std::cmp::Ordering::Equal)
                    .then(|| map(&row))
                    .transpose()?,
            ))
        }
    }
}

/// A VOD content or a channel, as one playable item.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub is_channel: bool,
    pub id: String,
    pub editorial_id: String,
    pub drm_id: Option<String>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub technical_start_at: Option<i64>,
    pub technical_end_at: Option<i64>,
    pub in_home_only: bool,
    pub block_if_off_net: bool,
}

pub async fn items<'c, E>(executor: E, tenant: &str) -> Result<Vec<ItemRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any> + Copy,
{
    let mut out = Vec::new();
    let contents = "SELECT id, editorial_id, drm_id, start_at, end_at, technical_start_at, \
                    technical_end_at, in_home_only, block_if_off_net FROM contents WHERE tenant_id = $1";
    for r in rows(executor, contents, tenant, Scope::Tenant).await? {
        out.push(ItemRow {
            is_channel: false,
            id: r.try_get("id")?,
            editorial_id: r.try_get("editorial_id")?,
            drm_id: r.try_get("drm_id")?,
            start_at: r.try_get("start_at")?,
            end_at: r.try_get("end_at")?,
            technical_start_at: r.try_get("technical_start_at")?,
            technical_end_at: r.try_get("technical_end_at")?,
            in_home_only: flag_of(&r, "in_home_only")?,
            block_if_off_net: flag_of(&r, "block_if_off_net")?,
        });
    }
    let channels = "SELECT id, editorial_id, drm_id, in_home_only, block_if_off_net \
                    FROM channels WHERE tenant_id = $1";
    for r in rows(executor, channels, tenant, Scope::Tenant).await? {
        out.push(ItemRow {
            is_channel: true,
            id: r.try_get("id")?,
            editorial_id: r.try_get("editorial_id")?,
            drm_id: r.try_get("drm_id")?,
            start_at: None,
            end_at: None,
            technical_start_at: None,
            technical_end_at: None,
            in_home_only: flag_of(&r, "in_home_only")?,
            block_if_off_net: flag_of(&r, "block_if_off_net")?,
        });
    }
    Ok(out)
}

/// (product id, target kind, target id)
pub async fn grants<'c, E>(
    executor: E,
    tenant: &str,
) -> Result<Vec<(String, String, String)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = "SELECT product_id, target_kind, target_id FROM product_grants WHERE tenant_id = $1";
    rows(executor, sql, tenant, Scope::Tenant)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: String,
    pub channel_id: String,
    pub start_at: i64,
    pub end_at: i64,
}

pub async fn events<'c, E>(executor: E, tenant: &str) -> Result<Vec<EventRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = "SELECT id, channel_id, start_at, end_at FROM ppv_events WHERE tenant_id = $1";
    rows(executor, sql, tenant, Scope::Tenant)
        .await?
        .iter()
        .map(|r| {
            Ok(EventRow {
                id: r.try_get("id")?,
                channel_id: r.try_get("channel_id")?,
                start_at: r.try_get("start_at")?,
                end_at: r.try_get("end_at")?,
            })
        })
        .collect()
}

/// The account a device belongs to (device change entries name the device).
pub async fn device_account<'c, E>(
    executor: E,
    tenant: &str,
    device: &str,
) -> Result<Option<String>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT account_id FROM devices WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(device)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}
