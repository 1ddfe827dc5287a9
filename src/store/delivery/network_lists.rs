//! A tenant's network lists (`vpn`, `geo`), as uploaded (CSV).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// What is known of a stored list besides its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListInfo {
    pub kind: String,
    /// Hex SHA-256 of the stored body.
    pub sha256: String,
    pub entries: i64,
    pub modified: i64,
}

/// Stores `body` as the tenant's list of `kind`, replacing any before.
pub async fn put(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: &str,
    body: &str,
    sha256: &str,
    entries: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM network_lists WHERE tenant_id = $1 AND kind = $2")
        .bind(tenant)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO network_lists (tenant_id, kind, body, sha256, entries, modified) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(kind)
    .bind(body)
    .bind(sha256)
    .bind(entries)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the list; whether there was one.
pub async fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM network_lists WHERE tenant_id = $1 AND kind = $2")
        .bind(tenant)
        .bind(kind)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn info<'c, E>(
    executor: E,
    tenant: &str,
    kind: &str,
) -> Result<Option<ListInfo>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT kind, sha256, entries, modified FROM network_lists \
         WHERE tenant_id = $1 AND kind = $2",
    )
    .bind(tenant)
    .bind(kind)
    .fetch_optional(executor)
    .await?;
    row.map(|r| {
        Ok(ListInfo {
            kind: r.try_get(0)?,
            sha256: r.try_get(1)?,
            entries: r.try_get(2)?,
            modified: r.try_get(3)?,
        })
    })
    .transpose()
}

/// Every list of the tenant: (kind, body).
pub async fn bodies<'c, E>(executor: E, tenant: &str) -> Result<Vec<(String, String)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    sqlx::query("SELECT kind, body FROM network_lists WHERE tenant_id = $1")
        .bind(tenant)
        .fetch_all(executor)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
