//! The catalogue's image bytes (table `catalogue_image_blobs`), by tenant
//! and SHA-256 digest: written once (a second upload of the same bytes is
//! a no-op), read when a resized variant is not cached yet.

use sqlx::{AnyConnection, Row};

use crate::store::StoreError;

/// Keeps `bytes` under `digest` for `tenant` (nothing if already kept).
pub async fn put_blob(
    conn: &mut AnyConnection,
    tenant: &str,
    digest: &str,
    bytes: &[u8],
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO catalogue_image_blobs (tenant_id, digest, bytes, created) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, digest) DO NOTHING",
    )
    .bind(tenant)
    .bind(digest)
    .bind(bytes.to_vec())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The bytes kept under `digest` for `tenant`.
pub async fn blob(
    conn: &mut AnyConnection,
    tenant: &str,
    digest: &str,
) -> Result<Option<Vec<u8>>, StoreError> {
    let row =
        sqlx::query("SELECT bytes FROM catalogue_image_blobs WHERE tenant_id = $1 AND digest = $2")
            .bind(tenant)
            .bind(digest)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.get::<Vec<u8>, _>(0)))
}

/// Whether bytes are kept under `digest` for `tenant`.
pub async fn has_blob(
    conn: &mut AnyConnection,
    tenant: &str,
    digest: &str,
) -> Result<bool, StoreError> {
    let row =
        sqlx::query("SELECT 1 FROM catalogue_image_blobs WHERE tenant_id = $1 AND digest = $2")
            .bind(tenant)
            .bind(digest)
            .fetch_optional(conn)
            .await?;
    Ok(row.is_some())
}
