//! The rows the playback snapshot is built from: one query per kind for a
//! whole tenant (start-up, catalogue changes) or for one account (the change
//! feed's account, device and entitlement entries). Products are read with
//! [`super::catalogue::products`].
//!
//! Must never: select secrets (password or PIN hashes), or rows of another tenant.

use sqlx::any::AnyRow;
use sqlx::{Executor, Row};

use super::{flag_of, StoreError};

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
    let sql = format!(
        "SELECT a.id, a.status, a.home_ips, p.enable_approval_limit \
         FROM accounts a JOIN account_profiles p \
           ON p.tenant_id = a.tenant_id AND p.id = a.account_profile_id \
         WHERE a.tenant_id = $1{}",
        scope.clause("a.id")
    );
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(|r| {
            Ok(AccountRow {
                id: r.try_get("id")?,
                status: r.try_get("status")?,
                approval_required: flag_of(r, "enable_approval_limit")?,
                home_ips: r.try_get("home_ips")?,
            })
        })
        .collect()
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
    let sql = format!(
        "SELECT id, account_id, device_type, status, activity, deleted_at, approved, \
         playout_device_class, name FROM devices WHERE tenant_id = $1{}",
        scope.clause("account_id")
    );
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(|r| {
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
        })
        .collect()
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
    let sql = format!(
        "SELECT id, account_id, product_id, status, valid_from, expiry, created, plays_used, \
         first_play_at, modified, is_archivable, purchased_by_device_id FROM entitlements \
         WHERE tenant_id = $1{}",
        scope.clause("account_id")
    );
    rows(executor, &sql, tenant, scope)
        .await?
        .iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            let archivable: i64 = r.try_get("is_archivable")?;
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
                is_archivable: archivable != 0,
                purchased_by_device_id: r.try_get("purchased_by_device_id")?,
            })
        })
        .collect()
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
