//! DSRA device registrations (tenant-scoped, except lookups by token digest,
//! which are unique across tenants and then checked against the request's tenant).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub tenant_id: String,
    pub code: String,
    pub status: String,
    pub account_id: Option<String>,
    pub approved_by: Option<String>,
    pub expires_at: i64,
    pub device_id: Option<String>,
    pub activation_expires_at: Option<i64>,
}

const COLUMNS: &str =
    "tenant_id, code, status, account_id, approved_by, expires_at, device_id, activation_expires_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Registration, StoreError> {
    Ok(Registration {
        tenant_id: r.try_get("tenant_id")?,
        code: r.try_get("code")?,
        status: r.try_get("status")?,
        account_id: r.try_get("account_id")?,
        approved_by: r.try_get("approved_by")?,
        expires_at: r.try_get("expires_at")?,
        device_id: r.try_get("device_id")?,
        activation_expires_at: r.try_get("activation_expires_at")?,
    })
}

/// Inserts a PENDING registration; `Conflict` if the code is taken.
pub async fn insert(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    dsra_token_sha256: &str,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO device_registrations (tenant_id, code, dsra_token_sha256, status, expires_at, created, modified) \
         VALUES ($1, $2, $3, 'PENDING', $4, $5, $5)",
    )
    .bind(tenant)
    .bind(code)
    .bind(dsra_token_sha256)
    .bind(expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a tenant's registrations that expired before `now` (codes can be reused).
pub async fn purge_expired(
    conn: &mut AnyConnection,
    tenant: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM device_registrations WHERE tenant_id = $1 AND expires_at < $2 \
         AND (activation_expires_at IS NULL OR activation_expires_at < $2)",
    )
    .bind(tenant)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The column a registration is looked up by; fixed names, never caller text.
#[derive(Debug, Clone, Copy)]
enum Key {
    Code,
    DsraToken,
    ActivationToken,
}

async fn find<'c, E>(
    executor: E,
    tenant: &str,
    key: Key,
    value: &str,
) -> Result<Option<Registration>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let column = match key {
        Key::Code => "code",
        Key::DsraToken => "dsra_token_sha256",
        Key::ActivationToken => "activation_token_sha256",
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM device_registrations WHERE tenant_id = $1 AND {column} = $2"
    ))
    .bind(tenant)
    .bind(value)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_code<'c, E>(
    executor: E,
    tenant: &str,
    code: &str,
) -> Result<Option<Registration>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    find(executor, tenant, Key::Code, code).await
}

/// By the SHA-256 (hex) of a DSRA token.
pub async fn by_dsra_token<'c, E>(
    executor: E,
    tenant: &str,
    digest: &str,
) -> Result<Option<Registration>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    find(executor, tenant, Key::DsraToken, digest).await
}

/// By the SHA-256 (hex) of a sign-on activation token.
pub async fn by_activation_token<'c, E>(
    executor: E,
    tenant: &str,
    digest: &str,
) -> Result<Option<Registration>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    find(executor, tenant, Key::ActivationToken, digest).await
}

/// PENDING → APPROVED for an account; false if it was not PENDING.
pub async fn approve(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    account: &str,
    by: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE device_registrations SET status = 'APPROVED', account_id = $1, approved_by = $2, modified = $3 \
         WHERE tenant_id = $4 AND code = $5 AND status = 'PENDING'",
    )
    .bind(account)
    .bind(by)
    .bind(now)
    .bind(tenant)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// APPROVED → ACTIVATED with the device and the activation token's digest.
pub async fn activate(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    device: &str,
    activation_sha256: &str,
    activation_expires_at: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE device_registrations SET status = 'ACTIVATED', device_id = $1, activation_token_sha256 = $2, \
         activation_expires_at = $3, modified = $4 WHERE tenant_id = $5 AND code = $6 AND status = 'APPROVED'",
    )
    .bind(device)
    .bind(activation_sha256)
    .bind(activation_expires_at)
    .bind(now)
    .bind(tenant)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// ACTIVATED → USED (the activation token is single-use); false if already used.
pub async fn mark_used(
    conn: &mut AnyConnection,
    tenant: &str,
    code: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE device_registrations SET status = 'USED', modified = $1 \
         WHERE tenant_id = $2 AND code = $3 AND status = 'ACTIVATED'",
    )
    .bind(now)
    .bind(tenant)
    .bind(code)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
