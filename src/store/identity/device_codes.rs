//! Device codes of both flows, registration and pairing, in one table
//! (tenant-scoped; lookups by token digest are unique across tenants and
//! then checked against the request's tenant). Every state change is one
//! guarded `UPDATE` made from [`crate::core::device_codes::transition`], so a
//! code takes each step once, whatever runs concurrently.

use sqlx::{AnyConnection, Executor, Row};

use crate::core::device_codes::{transition, Deadline, Flow, Status, Step};
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub tenant_id: String,
    pub flow: Flow,
    pub code: String,
    pub status: Status,
    pub account_id: Option<String>,
    pub approved_by: Option<String>,
    pub expires_at: i64,
    /// Registration: the device the poll named. Pairing: the device's own id.
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    pub device_type: Option<String>,
    pub activation_expires_at: Option<i64>,
}

/// A code to create, PENDING.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    pub tenant_id: &'a str,
    pub flow: Flow,
    pub code: &'a str,
    pub expires_at: i64,
    /// Registration: the SHA-256 (hex) of the device's poll token.
    pub poll_token_sha256: Option<&'a str>,
    /// Pairing: the device as it described itself.
    pub device: Option<(&'a str, &'a str, &'a str)>,
}

/// What a step records beside the new status (`None`: unchanged).
#[derive(Debug, Clone, Default)]
pub struct StepRecord<'a> {
    pub account_id: Option<&'a str>,
    pub approved_by: Option<&'a str>,
    pub device_id: Option<&'a str>,
    pub activation_token_sha256: Option<&'a str>,
    pub activation_expires_at: Option<i64>,
}

const COLUMNS: &str = "tenant_id, flow, code, status, account_id, approved_by, expires_at, \
     device_id, device_name, device_type, activation_expires_at";

fn from_row(r: &sqlx::any::AnyRow) -> Result<DeviceCode, StoreError> {
    let flow: String = r.try_get("flow")?;
    let status: String = r.try_get("status")?;
    Ok(DeviceCode {
        tenant_id: r.try_get("tenant_id")?,
        flow: match flow.as_str() {
            "REGISTRATION" => Flow::Registration,
            "PAIRING" => Flow::Pairing,
            other => return Err(StoreError::Corrupt(format!("device code flow {other}"))),
        },
        code: r.try_get("code")?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("device code status {status}")))?,
        account_id: r.try_get("account_id")?,
        approved_by: r.try_get("approved_by")?,
        expires_at: r.try_get("expires_at")?,
        device_id: r.try_get("device_id")?,
        device_name: r.try_get("device_name")?,
        device_type: r.try_get("device_type")?,
        activation_expires_at: r.try_get("activation_expires_at")?,
    })
}

/// Inserts a PENDING code; `Conflict` if the code is taken in its flow.
pub async fn insert(conn: &mut AnyConnection, c: &NewCode<'_>, now: i64) -> Result<(), StoreError> {
    let (device_id, device_name, device_type) = match c.device {
        Some((id, name, kind)) => (Some(id), Some(name), Some(kind)),
        None => (None, None, None),
    };
    sqlx::query(
        "INSERT INTO device_codes (tenant_id, flow, code, status, expires_at, poll_token_sha256, \
         device_id, device_name, device_type, created, modified) \
         VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8, $9, $9)",
    )
    .bind(c.tenant_id)
    .bind(c.flow.as_str())
    .bind(c.code)
    .bind(c.expires_at)
    .bind(c.poll_token_sha256)
    .bind(device_id)
    .bind(device_name)
    .bind(device_type)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a tenant's codes of `flow` that are past every deadline they
/// have (the code's, and an activation token's), so codes can be reused.
pub async fn purge_expired(
    conn: &mut AnyConnection,
    tenant: &str,
    flow: Flow,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM device_codes WHERE tenant_id = $1 AND flow = $2 AND expires_at <= $3 \
         AND (activation_expires_at IS NULL OR activation_expires_at <= $3)",
    )
    .bind(tenant)
    .bind(flow.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The column a code is looked up by; fixed names, never caller text.
#[derive(Debug, Clone, Copy)]
pub enum Key {
    Code,
    /// The SHA-256 (hex) of a registration's poll token.
    PollToken,
    /// The SHA-256 (hex) of a registration's activation token.
    ActivationToken,
}

/// The code of `flow` whose `key` column is `value`.
pub async fn find<'c, E>(
    executor: E,
    tenant: &str,
    flow: Flow,
    key: Key,
    value: &str,
) -> Result<Option<DeviceCode>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let column = match key {
        Key::Code => "code",
        Key::PollToken => "poll_token_sha256",
        Key::ActivationToken => "activation_token_sha256",
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM device_codes WHERE tenant_id = $1 AND flow = $2 AND {column} = $3"
    ))
    .bind(tenant)
    .bind(flow.as_str())
    .bind(value)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Takes `step` for the code if it is in the step's from-status and before
/// the step's deadline, recording `record`; false (nothing written) if not.
pub async fn advance(
    conn: &mut AnyConnection,
    tenant: &str,
    flow: Flow,
    code: &str,
    step: Step,
    record: &StepRecord<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let Some(t) = transition(flow, step) else {
        return Ok(false);
    };
    let deadline = match t.deadline {
        Deadline::Code => "expires_at",
        Deadline::Activation => "activation_expires_at",
    };
    let done = sqlx::query(&format!(
        "UPDATE device_codes SET status = $1, \
         account_id = COALESCE($2, account_id), approved_by = COALESCE($3, approved_by), \
         device_id = COALESCE($4, device_id), \
         activation_token_sha256 = COALESCE($5, activation_token_sha256), \
         activation_expires_at = COALESCE($6, activation_expires_at), modified = $7 \
         WHERE tenant_id = $8 AND flow = $9 AND code = $10 AND status = $11 AND {deadline} > $7"
    ))
    .bind(t.to.as_str())
    .bind(record.account_id)
    .bind(record.approved_by)
    .bind(record.device_id)
    .bind(record.activation_token_sha256)
    .bind(record.activation_expires_at)
    .bind(now)
    .bind(tenant)
    .bind(flow.as_str())
    .bind(code)
    .bind(t.from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
