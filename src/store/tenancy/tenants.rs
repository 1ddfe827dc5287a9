//! Tenants: the operators this node serves.

use sqlx::{AnyConnection, Executor, Row};

use crate::core::snapshot::TenantStatus;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub status: TenantStatus,
    /// Hex SHA-256 of the operator API key.
    pub operator_key_sha256: Option<String>,
    pub settings: serde_json::Value,
    pub created: i64,
    pub modified: i64,
}

pub async fn insert(conn: &mut AnyConnection, t: &Tenant) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO tenants (id, name, status, operator_key_sha256, settings, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&t.id)
    .bind(&t.name)
    .bind(t.status.as_str())
    .bind(t.operator_key_sha256.as_deref())
    .bind(t.settings.to_string())
    .bind(t.created)
    .bind(t.modified)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Tenant, StoreError> {
    let status: String = r.try_get("status")?;
    let settings: String = r.try_get("settings")?;
    Ok(Tenant {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        status: TenantStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("tenant status {status}")))?,
        operator_key_sha256: r.try_get("operator_key_sha256")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("tenant settings: {e}")))?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

const COLUMNS: &str = "id, name, status, operator_key_sha256, settings, created, modified";

pub async fn get<'c, E>(executor: E, id: &str) -> Result<Option<Tenant>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1"))
        .bind(id)
        .fetch_optional(executor)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list<'c, E>(executor: E) -> Result<Vec<Tenant>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM tenants ORDER BY id"))
        .fetch_all(executor)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn set_operator_key(
    conn: &mut AnyConnection,
    id: &str,
    key_sha256_hex: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE tenants SET operator_key_sha256 = $1, modified = $2 WHERE id = $3")
            .bind(key_sha256_hex)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces a tenant's settings document.
pub async fn set_settings(
    conn: &mut AnyConnection,
    id: &str,
    settings: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE tenants SET settings = $1 WHERE id = $2")
        .bind(settings.to_string())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a tenant's status; false if there is no such tenant.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: &str,
    status: TenantStatus,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE tenants SET status = $1, modified = $2 WHERE id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
