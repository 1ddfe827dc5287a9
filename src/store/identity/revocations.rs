//! Revoked sign-on chains and tokens (tenant-scoped).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// What a revocation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevocationKind {
    /// A whole sign-on chain (every access and refresh token sharing a `sid`).
    Sid,
    /// One token, by `jti`.
    Jti,
}

impl RevocationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sid => "SID",
            Self::Jti => "JTI",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub tenant_id: String,
    pub kind: RevocationKind,
    pub value: String,
    pub expires_at: i64,
}

/// Records a revocation; revoking twice is harmless.
pub async fn insert(conn: &mut AnyConnection, r: &Revocation, now: i64) -> Result<(), StoreError> {
    consume(conn, r, now).await.map(drop)
}

/// Spends a single-use token: records its revocation and tells whether this call
/// did (false: it was spent already). The database decides, so two concurrent
/// uses of one token cannot both succeed.
pub async fn consume(
    conn: &mut AnyConnection,
    r: &Revocation,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO revocations (tenant_id, kind, value, expires_at, created) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, kind, value) DO NOTHING",
    )
    .bind(&r.tenant_id)
    .bind(r.kind.as_str())
    .bind(&r.value)
    .bind(r.expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every revocation still in force at `now` (all tenants: for the snapshot).
pub async fn unexpired<'c, E>(executor: E, now: i64) -> Result<Vec<Revocation>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT tenant_id, kind, value, expires_at FROM revocations WHERE expires_at > $1",
    )
    .bind(now)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            Ok(Revocation {
                tenant_id: r.try_get("tenant_id")?,
                kind: if kind == "SID" {
                    RevocationKind::Sid
                } else {
                    RevocationKind::Jti
                },
                value: r.try_get("value")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
