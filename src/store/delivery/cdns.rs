//! A tenant's CDNs and their keys (see migration 0012).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::{flag, flag_of, StoreError};

/// A stored CDN (its settings hold no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnRow {
    pub tenant_id: String,
    pub id: String,
    pub name: String,
    pub scheme: String,
    pub settings: serde_json::Value,
    pub is_default: bool,
    pub created: i64,
    pub modified: i64,
}

/// A stored CDN key. `secret` is key material: never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct CdnKeyRow {
    pub tenant_id: String,
    pub cdn_id: String,
    pub key_id: String,
    pub secret: String,
    pub active: bool,
    pub created: i64,
}

impl std::fmt::Debug for CdnKeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CdnKeyRow")
            .field("tenant_id", &self.tenant_id)
            .field("cdn_id", &self.cdn_id)
            .field("key_id", &self.key_id)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

/// Inserts or replaces a CDN (its keys stay).
pub async fn upsert(conn: &mut AnyConnection, c: &CdnRow) -> Result<bool, StoreError> {
    let updated = sqlx::query(
        "UPDATE cdns SET name = $3, scheme = $4, settings = $5, is_default = $6, modified = $7 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(&c.tenant_id)
    .bind(&c.id)
    .bind(&c.name)
    .bind(&c.scheme)
    .bind(c.settings.to_string())
    .bind(flag(c.is_default))
    .bind(c.modified)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() > 0 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO cdns (tenant_id, id, name, scheme, settings, is_default, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&c.tenant_id)
    .bind(&c.id)
    .bind(&c.name)
    .bind(&c.scheme)
    .bind(c.settings.to_string())
    .bind(flag(c.is_default))
    .bind(c.created)
    .bind(c.modified)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Makes `id` the tenant's only default CDN (or none, with `None`).
pub async fn set_default(
    conn: &mut AnyConnection,
    tenant: &str,
    id: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE cdns SET is_default = CASE WHEN id = $2 THEN 1 ELSE 0 END WHERE tenant_id = $1",
    )
    .bind(tenant)
    .bind(id.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a CDN and its keys; whether there was one.
pub async fn delete(conn: &mut AnyConnection, tenant: &str, id: &str) -> Result<bool, StoreError> {
    sqlx::query("DELETE FROM cdn_keys WHERE tenant_id = $1 AND cdn_id = $2")
        .bind(tenant)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query("DELETE FROM cdns WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn insert_key(conn: &mut AnyConnection, k: &CdnKeyRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO cdn_keys (tenant_id, cdn_id, key_id, secret, active, created) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&k.tenant_id)
    .bind(&k.cdn_id)
    .bind(&k.key_id)
    .bind(&k.secret)
    .bind(flag(k.active))
    .bind(k.created)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes `key` the CDN's signing key (the others keep verifying); whether
/// the key exists.
pub async fn activate_key(
    conn: &mut AnyConnection,
    tenant: &str,
    cdn: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let known =
        sqlx::query("SELECT 1 FROM cdn_keys WHERE tenant_id = $1 AND cdn_id = $2 AND key_id = $3")
            .bind(tenant)
            .bind(cdn)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    if known {
        sqlx::query(
            "UPDATE cdn_keys SET active = CASE WHEN key_id = $3 THEN 1 ELSE 0 END \
             WHERE tenant_id = $1 AND cdn_id = $2",
        )
        .bind(tenant)
        .bind(cdn)
        .bind(key)
        .execute(conn)
        .await?;
    }
    Ok(known)
}

pub async fn delete_key(
    conn: &mut AnyConnection,
    tenant: &str,
    cdn: &str,
    key: &str,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("DELETE FROM cdn_keys WHERE tenant_id = $1 AND cdn_id = $2 AND key_id = $3")
            .bind(tenant)
            .bind(cdn)
            .bind(key)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() > 0)
}

const CDN_COLUMNS: &str = "tenant_id, id, name, scheme, settings, is_default, created, modified";
const KEY_COLUMNS: &str = "tenant_id, cdn_id, key_id, secret, active, created";

fn cdn_of(r: &sqlx::any::AnyRow) -> Result<CdnRow, StoreError> {
    let settings: String = r.try_get("settings")?;
    Ok(CdnRow {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        scheme: r.try_get("scheme")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("cdn settings: {e}")))?,
        is_default: flag_of(r, "is_default")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

fn key_of(r: &sqlx::any::AnyRow) -> Result<CdnKeyRow, StoreError> {
    Ok(CdnKeyRow {
        tenant_id: r.try_get("tenant_id")?,
        cdn_id: r.try_get("cdn_id")?,
        key_id: r.try_get("key_id")?,
        secret: r.try_get("secret")?,
        active: flag_of(r, "active")?,
        created: r.try_get("created")?,
    })
}

/// The tenant's CDNs (`None`: every tenant's), by id.
pub async fn list<'c, E>(executor: E, tenant: Option<&str>) -> Result<Vec<CdnRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {CDN_COLUMNS} FROM cdns WHERE ($1 = '' OR tenant_id = $1) ORDER BY tenant_id, id"
    ))
    .bind(tenant.unwrap_or(""))
    .fetch_all(executor)
    .await?;
    rows.iter().map(cdn_of).collect()
}

/// The keys of the tenant's CDNs (`None`: every tenant's), oldest first.
pub async fn keys<'c, E>(executor: E, tenant: Option<&str>) -> Result<Vec<CdnKeyRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {KEY_COLUMNS} FROM cdn_keys WHERE ($1 = '' OR tenant_id = $1) \
         ORDER BY tenant_id, cdn_id, created, key_id"
    ))
    .bind(tenant.unwrap_or(""))
    .fetch_all(executor)
    .await?;
    rows.iter().map(key_of).collect()
}
