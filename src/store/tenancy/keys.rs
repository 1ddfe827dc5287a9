//! Token signing keys per tenant and purpose, with rotation state.

use sqlx::{AnyConnection, Executor, Row};

use crate::core::keys::{KeyAlg, KeyPurpose};
use crate::store::StoreError;

/// A stored key. `secret_b64` is key material: never log it.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub tenant_id: String,
    pub kid: String,
    pub purpose: KeyPurpose,
    pub alg: KeyAlg,
    pub secret_b64: String,
    pub public_jwk: Option<String>,
    pub active: bool,
    pub verify_until: Option<i64>,
    pub created: i64,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("tenant_id", &self.tenant_id)
            .field("kid", &self.kid)
            .field("purpose", &self.purpose)
            .field("alg", &self.alg)
            .field("active", &self.active)
            .field("verify_until", &self.verify_until)
            .finish_non_exhaustive()
    }
}

pub async fn insert(conn: &mut AnyConnection, k: &SigningKey) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO signing_keys (tenant_id, kid, purpose, alg, secret, public_jwk, status, \
         verify_until, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&k.tenant_id)
    .bind(&k.kid)
    .bind(k.purpose.as_str())
    .bind(k.alg.as_str())
    .bind(&k.secret_b64)
    .bind(k.public_jwk.as_deref())
    .bind(if k.active { "ACTIVE" } else { "RETIRED" })
    .bind(k.verify_until)
    .bind(k.created)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks every ACTIVE key of `purpose` RETIRED, verifying until `verify_until`.
pub async fn retire_active(
    conn: &mut AnyConnection,
    tenant: &str,
    purpose: KeyPurpose,
    verify_until: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE signing_keys SET status = 'RETIRED', verify_until = $1 \
         WHERE tenant_id = $2 AND purpose = $3 AND status = 'ACTIVE'",
    )
    .bind(verify_until)
    .bind(tenant)
    .bind(purpose.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

const COLUMNS: &str =
    "tenant_id, kid, purpose, alg, secret, public_jwk, status, verify_until, created";

/// All of a tenant's keys, newest first.
pub async fn list<'c, E>(executor: E, tenant: &str) -> Result<Vec<SigningKey>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE tenant_id = $1 ORDER BY created DESC, kid"
    ))
    .bind(tenant)
    .fetch_all(executor)
    .await?;
    from_rows(&rows)
}

/// Every tenant's keys (for building snapshots), newest first within a tenant.
pub async fn list_all<'c, E>(executor: E) -> Result<Vec<SigningKey>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM signing_keys ORDER BY tenant_id, created DESC, kid"
    ))
    .fetch_all(executor)
    .await?;
    from_rows(&rows)
}

fn from_rows(rows: &[sqlx::any::AnyRow]) -> Result<Vec<SigningKey>, StoreError> {
    rows.iter()
        .map(|r| {
            let purpose: String = r.try_get("purpose")?;
            let alg: String = r.try_get("alg")?;
            Ok(SigningKey {
                tenant_id: r.try_get("tenant_id")?,
                kid: r.try_get("kid")?,
                purpose: KeyPurpose::parse(&purpose)
                    .ok_or_else(|| StoreError::Corrupt(format!("key purpose {purpose}")))?,
                alg: KeyAlg::parse(&alg)
                    .ok_or_else(|| StoreError::Corrupt(format!("key alg {alg}")))?,
                secret_b64: r.try_get("secret")?,
                public_jwk: r.try_get("public_jwk")?,
                active: r.try_get::<String, _>("status")? == "ACTIVE",
                verify_until: r.try_get("verify_until")?,
                created: r.try_get("created")?,
            })
        })
        .collect()
}
