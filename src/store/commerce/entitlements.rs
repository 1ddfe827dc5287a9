//! Entitlements: which account holds which product, when (tenant-scoped).

use sqlx::{AnyConnection, Executor, Row};

use crate::core::query::resources::entitlement;
use crate::core::query::{Page, Query};
use crate::core::status::EntitlementStatus;
use crate::store::sql::{self, Table};
use crate::store::{Dialect, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    pub tenant_id: String,
    pub id: String,
    pub account_id: String,
    pub product_id: String,
    pub status: EntitlementStatus,
    pub valid_from: i64,
    pub expiry: Option<i64>,
    pub purchased_by_device_id: Option<String>,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str = "tenant_id, id, account_id, product_id, status, valid_from, expiry, \
    purchased_by_device_id, created, modified";

pub async fn insert(conn: &mut AnyConnection, e: &Entitlement) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO entitlements ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&e.tenant_id)
    .bind(&e.id)
    .bind(&e.account_id)
    .bind(&e.product_id)
    .bind(e.status.as_str())
    .bind(e.valid_from)
    .bind(e.expiry)
    .bind(e.purchased_by_device_id.as_deref())
    .bind(e.created)
    .bind(e.modified)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Entitlement, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(Entitlement {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        product_id: r.try_get("product_id")?,
        status: EntitlementStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("entitlement status {status}")))?,
        valid_from: r.try_get("valid_from")?,
        expiry: r.try_get("expiry")?,
        purchased_by_device_id: r.try_get("purchased_by_device_id")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    id: &str,
) -> Result<Option<Entitlement>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM entitlements WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list_for_account<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
) -> Result<Vec<Entitlement>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM entitlements WHERE tenant_id = $1 AND account_id = $2 ORDER BY created, id"
    ))
    .bind(tenant)
    .bind(account)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Changes status and validity; returns whether a row was matched.
pub async fn update(conn: &mut AnyConnection, e: &Entitlement) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE entitlements SET status = $3, valid_from = $4, expiry = $5, modified = $6 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(&e.tenant_id)
    .bind(&e.id)
    .bind(e.status.as_str())
    .bind(e.valid_from)
    .bind(e.expiry)
    .bind(e.modified)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The entitlements table as the query language reads it (fields of
/// [`entitlement::SCHEMA`]; the product's type and the archivable flag are
/// not columns).
pub const TABLE: Table = Table {
    name: "entitlements",
    select: COLUMNS,
    columns: &[
        Some("id"),
        Some("product_id"),
        Some("status"),
        None,
        Some("purchased_by_device_id"),
        None,
        Some("valid_from"),
        Some("expiry"),
        Some("created"),
        Some("modified"),
        Some("account_id"),
    ],
};

/// One page of a tenant's entitlements that `query` selects.
pub async fn list(
    conn: &mut AnyConnection,
    dialect: Dialect,
    tenant: &str,
    query: &Query,
) -> Result<Page<Entitlement>, StoreError> {
    sql::list(
        conn,
        dialect,
        &TABLE,
        &entitlement::SCHEMA,
        tenant,
        query,
        from_row,
    )
    .await
}

/// Records a play of a rental on `device` at `now`: `plays_used` grows by one
/// unless the same device played it within `same_play_s` (then the play just
/// goes on); `first_play_at` is set once. Returns the entitlement's account,
/// or `None` when the tenant has no such entitlement.
pub async fn record_play(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    device: &str,
    now: i64,
    same_play_s: i64,
) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "UPDATE entitlements SET \
         plays_used = plays_used + CASE WHEN last_play_device_id = $3 AND last_play_at > $5 \
           THEN 0 ELSE 1 END, \
         first_play_at = COALESCE(first_play_at, $4), \
         last_play_at = $4, last_play_device_id = $3, modified = $4 \
         WHERE tenant_id = $1 AND id = $2 RETURNING account_id",
    )
    .bind(tenant)
    .bind(id)
    .bind(device)
    .bind(now)
    .bind(now - same_play_s)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}
