//! PIN types (operator-defined) and account PINs (tenant-scoped).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::secret_failures::{self, FailureState, Slot, SlotKind};
use crate::store::StoreError;

/// The failure-counter slot of an account's PIN of one type.
pub fn slot<'a>(tenant: &'a str, account: &'a str, pin_type: &'a str) -> Slot<'a> {
    Slot {
        tenant,
        kind: SlotKind::AccountPin,
        owner: account,
        name: pin_type,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinType {
    pub id: String,
    pub description: String,
    pub min_length: i64,
    pub max_length: i64,
    pub digits_only: bool,
    pub max_attempts: i64,
    pub lock_seconds: i64,
    pub mandatory: bool,
}

/// `sql` with a PIN type bound as $1 tenant, $2 id, then description,
/// min and max length, charset, max attempts, lock seconds, mandatory.
fn with_type<'q>(
    sql: &'q str,
    tenant: &'q str,
    t: &'q PinType,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(tenant)
        .bind(&t.id)
        .bind(&t.description)
        .bind(t.min_length)
        .bind(t.max_length)
        .bind(if t.digits_only {
            "DIGITS"
        } else {
            "ALPHANUMERIC"
        })
        .bind(t.max_attempts)
        .bind(t.lock_seconds)
        .bind(crate::store::flag(t.mandatory))
}

pub async fn insert_type(
    conn: &mut AnyConnection,
    tenant: &str,
    t: &PinType,
) -> Result<(), StoreError> {
    with_type(
        "INSERT INTO pin_types (tenant_id, id, description, min_length, max_length, charset, \
         max_attempts, lock_seconds, mandatory) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        tenant,
        t,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn types<'c, E>(executor: E, tenant: &str) -> Result<Vec<PinType>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT id, description, min_length, max_length, charset, max_attempts, lock_seconds, mandatory \
         FROM pin_types WHERE tenant_id = $1 ORDER BY id",
    )
    .bind(tenant)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PinType {
                id: r.try_get("id")?,
                description: r.try_get("description")?,
                min_length: r.try_get("min_length")?,
                max_length: r.try_get("max_length")?,
                digits_only: r.try_get::<String, _>("charset")? == "DIGITS",
                max_attempts: r.try_get("max_attempts")?,
                lock_seconds: r.try_get("lock_seconds")?,
                mandatory: crate::store::flag_of(r, "mandatory")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// Sets an account's PIN of one type to an argon2id hash.
pub async fn set(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    pin_type: &str,
    phc: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO pins (tenant_id, account_id, pin_type, pin_hash, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (tenant_id, account_id, pin_type) DO UPDATE SET pin_hash = excluded.pin_hash, \
         modified = excluded.modified",
    )
    .bind(tenant)
    .bind(account)
    .bind(pin_type)
    .bind(phc)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    secret_failures::clear(conn, slot(tenant, account, pin_type)).await
}

/// An account's PIN of one type: its hash and failure state, if it is set.
pub async fn get(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    pin_type: &str,
) -> Result<Option<(String, FailureState)>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT s.pin_hash, f.failed_attempts, f.locked_until FROM pins s {} \
         WHERE s.tenant_id = $1 AND s.account_id = $2 AND s.pin_type = $3",
        secret_failures::join(SlotKind::AccountPin, "s.account_id", "s.pin_type")
    ))
    .bind(tenant)
    .bind(account)
    .bind(pin_type)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((r.try_get("pin_hash")?, secret_failures::from_joined(&r)?)))
        .transpose()
}

/// One PIN type by id.
pub async fn get_type(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<PinType>, StoreError> {
    Ok(types(conn, tenant).await?.into_iter().find(|t| t.id == id))
}

/// Replaces every setting of an existing PIN type; false if there is none.
pub async fn update_type(
    conn: &mut AnyConnection,
    tenant: &str,
    t: &PinType,
) -> Result<bool, StoreError> {
    let done = with_type(
        "UPDATE pin_types SET description = $3, min_length = $4, max_length = $5, charset = $6, \
         max_attempts = $7, lock_seconds = $8, mandatory = $9 WHERE tenant_id = $1 AND id = $2",
        tenant,
        t,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The account's PINs that are set: type and failure state (never the hash).
pub async fn set_for_account(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
) -> Result<Vec<(String, FailureState)>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT s.pin_type, f.failed_attempts, f.locked_until FROM pins s {} \
         WHERE s.tenant_id = $1 AND s.account_id = $2 ORDER BY s.pin_type",
        secret_failures::join(SlotKind::AccountPin, "s.account_id", "s.pin_type")
    ))
    .bind(tenant)
    .bind(account)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("pin_type")?, secret_failures::from_joined(r)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
