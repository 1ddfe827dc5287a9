//! Rocket pin-code device pairing codes (tenant-scoped). Each state change is a
//! guarded UPDATE, so a code moves PENDING → AUTHORIZED → USED once, whatever
//! runs concurrently.

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub tenant_id: String,
    pub code: String,
    pub device_id: String,
    pub device_name: String,
    pub device_type: String,
    pub status: String,
    pub account_id: Option<String>,
    pub expires_at: i64,
}

/// Inserts a PENDING code; `Conflict` if the code is taken.
pub async fn insert(conn: &mut AnyConnection, c: &DeviceCode, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO device_codes (tenant_id, code, device_id, device_name, device_type, status, \
         expires_at, created, modified) VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $7)",
    )
    .bind(&c.tenant_id)
    .bind(&c.code)
    .bind(&c.device_id)
    .bind(&c.device_name)
    .bind(&c.device_type)
    .bind(c.expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a tenant's codes that expired before `now` (codes can be reused).
pub async fn purge_expired(
    conn: &mut AnyConnection,
    tenant: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM device_codes WHERE tenant_id = $1 AND expires_at <= $2")
        .bind(tenant)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    code: &str,
) -> Result<Option<DeviceCode>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT tenant_id, code, device_id, device_name, device_type, status, account_id, expires_at \
         FROM device_codes WHERE tenant_id = $1 AND code = $2",
    )
    .bind(tenant)
    .bind(code)
    .fetch_optional(executor)
    .await?;
    row.map(|r| {
        Ok(DeviceCode {
            tenant_id: r.try_get("tenant_id")?,
            code: r.try_get("code")?,
            device_id: r.try_get("device_id")?,
            device_name: r.try_get("device_name")?,
            device_type: r.try_get("device_type")?,
            status: r.try_get("status")?,
            account_id: r.try_get("account_id")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// PENDING and unexpired → AUTHORIZED for `account`. False if the code was not
/// in that state.
pub async fn authorize(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    account: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE device_codes SET status = 'AUTHORIZED', account_id = $1, modified = $2 \
         WHERE tenant_id = $3 AND code = $4 AND status = 'PENDING' AND expires_at > $2",
    )
    .bind(account)
    .bind(now)
    .bind(tenant)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// AUTHORIZED and unexpired → USED. False if the code was not in that state.
pub async fn use_up(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE device_codes SET status = 'USED', modified = $1 \
         WHERE tenant_id = $2 AND code = $3 AND status = 'AUTHORIZED' AND expires_at > $1",
    )
    .bind(now)
    .bind(tenant)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
