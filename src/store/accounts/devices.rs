//! Devices of accounts (OPEN apps and MANAGED set-top boxes), tenant-scoped.

use sqlx::{AnyConnection, Executor, Row};

use crate::core::status::{DeviceActivity, DeviceStatus, DeviceType};
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub tenant_id: String,
    pub id: String,
    pub account_id: String,
    pub device_type: DeviceType,
    pub status: DeviceStatus,
    pub activity: DeviceActivity,
    pub deleted_at: Option<i64>,
    pub name: Option<String>,
    pub playout_device_class: Option<String>,
    pub casn: Option<String>,
    pub smartcard_id: Option<String>,
    pub tvkey_id: Option<String>,
    /// The id the DAS server derived from the device's DAS challenge, once the
    /// device has signed on through DAS (see migration 0006).
    pub das_device_id: Option<String>,
    /// The MAC address a managed device reported with `nv-mac-address`.
    pub mac_address: Option<String>,
    pub device_information: serde_json::Value,
    pub approved: bool,
    pub last_approved: Option<i64>,
    pub last_unapproved: Option<i64>,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str =
    "tenant_id, id, account_id, device_type, status, activity, deleted_at, name, \
    playout_device_class, casn, smartcard_id, tvkey_id, das_device_id, mac_address, \
    device_information, approved, last_approved, last_unapproved, created, modified";

pub async fn insert(conn: &mut AnyConnection, d: &Device) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO devices ({COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)"
    ))
    .bind(&d.tenant_id)
    .bind(&d.id)
    .bind(&d.account_id)
    .bind(d.device_type.as_str())
    .bind(d.status.as_str())
    .bind(d.activity.as_str())
    .bind(d.deleted_at)
    .bind(d.name.as_deref())
    .bind(d.playout_device_class.as_deref())
    .bind(d.casn.as_deref())
    .bind(d.smartcard_id.as_deref())
    .bind(d.tvkey_id.as_deref())
    .bind(d.das_device_id.as_deref())
    .bind(d.mac_address.as_deref())
    .bind(d.device_information.to_string())
    .bind(crate::store::flag(d.approved))
    .bind(d.last_approved)
    .bind(d.last_unapproved)
    .bind(d.created)
    .bind(d.modified)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Device, StoreError> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("device {what} {v}"));
    let device_type: String = r.try_get("device_type")?;
    let status: String = r.try_get("status")?;
    let activity: String = r.try_get("activity")?;
    let info: String = r.try_get("device_information")?;
    Ok(Device {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        device_type: DeviceType::parse(&device_type)
            .ok_or_else(|| corrupt("type", &device_type))?,
        status: DeviceStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        activity: DeviceActivity::parse(&activity).ok_or_else(|| corrupt("activity", &activity))?,
        deleted_at: r.try_get("deleted_at")?,
        name: r.try_get("name")?,
        playout_device_class: r.try_get("playout_device_class")?,
        casn: r.try_get("casn")?,
        smartcard_id: r.try_get("smartcard_id")?,
        tvkey_id: r.try_get("tvkey_id")?,
        das_device_id: r.try_get("das_device_id")?,
        mac_address: r.try_get("mac_address")?,
        device_information: serde_json::from_str(&info)
            .map_err(|e| StoreError::Corrupt(format!("device_information: {e}")))?,
        approved: crate::store::flag_of(r, "approved")?,
        last_approved: r.try_get("last_approved")?,
        last_unapproved: r.try_get("last_unapproved")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

pub async fn get<'c, E>(executor: E, tenant: &str, id: &str) -> Result<Option<Device>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM devices WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The account's devices that are not deleted, oldest first.
pub async fn list_for_account<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
) -> Result<Vec<Device>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM devices WHERE tenant_id = $1 AND account_id = $2 \
         AND deleted_at IS NULL ORDER BY created, id"
    ))
    .bind(tenant)
    .bind(account)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Devices that count toward the account's device limit: not deleted, ENABLED
/// and ACTIVE (§2.6: disabled or inactive devices do not count).
pub async fn count_counted(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM devices WHERE tenant_id = $1 AND account_id = $2 \
         AND deleted_at IS NULL AND status = 'ENABLED' AND activity = 'ACTIVE'",
    )
    .bind(tenant)
    .bind(account)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// The account's devices on the approved list that count toward its limits:
/// OPEN, not deleted, ENABLED and ACTIVE (`core::devices`).
pub async fn count_approved(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM devices WHERE tenant_id = $1 AND account_id = $2 \
         AND deleted_at IS NULL AND device_type = 'OPEN' AND approved = 1 \
         AND status = 'ENABLED' AND activity = 'ACTIVE'",
    )
    .bind(tenant)
    .bind(account)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Times of the account's approvals after `since` that count toward the
/// cool-off window (by the viewer or automatic; not the operator's), oldest
/// first.
pub async fn counted_approval_times(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    since: i64,
) -> Result<Vec<i64>, StoreError> {
    let rows = sqlx::query(
        "SELECT at FROM device_approvals WHERE tenant_id = $1 AND account_id = $2 \
         AND action = 'APPROVE' AND actor IN ('AUTO', 'USER') AND at > $3 ORDER BY at",
    )
    .bind(tenant)
    .bind(account)
    .bind(since)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| r.try_get(0).map_err(StoreError::from))
        .collect()
}

/// Puts a device on the approved list or takes it off, stamping
/// `last_approved` / `last_unapproved`. False if no such device.
pub async fn set_approved(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    approved: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let stamp = if approved {
        "last_approved"
    } else {
        "last_unapproved"
    };
    let done = sqlx::query(&format!(
        "UPDATE devices SET approved = $1, {stamp} = $2, modified = $2 \
         WHERE tenant_id = $3 AND id = $4"
    ))
    .bind(crate::store::flag(approved))
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Appends to the approval history (`action` APPROVE/UNAPPROVE, `actor`
/// AUTO/USER/OPERATOR).
pub async fn record_approval(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    device: &str,
    action: &str,
    actor: &str,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO device_approvals (tenant_id, account_id, device_id, action, actor, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(account)
    .bind(device)
    .bind(action)
    .bind(actor)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a device as seen now (sign-on, refresh).
pub async fn touch(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE devices SET last_seen = $1 WHERE tenant_id = $2 AND id = $3")
        .bind(now)
        .bind(tenant)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the device description a device sent (e.g. at TVKey activation).
pub async fn set_device_information(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    info: &serde_json::Value,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE devices SET device_information = $1, modified = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(info.to_string())
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A device by an identifier it is provisioned or bound under: a managed
/// device's CASN, smartcard id or TVKey id, or any device's DAS id.
pub async fn get_by_managed_id<'c, E>(
    executor: E,
    tenant: &str,
    id_kind: ManagedId,
    value: &str,
) -> Result<Option<Device>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let column = match id_kind {
        ManagedId::Casn => "casn",
        ManagedId::SmartCard => "smartcard_id",
        ManagedId::TvKey => "tvkey_id",
        ManagedId::Das => "das_device_id",
    };
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM devices WHERE tenant_id = $1 AND {column} = $2"
    ))
    .bind(tenant)
    .bind(value)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The identifiers a managed device is provisioned under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedId {
    Casn,
    SmartCard,
    TvKey,
    /// The id the DAS server derived from the device's DAS challenge.
    Das,
}

/// Binds a device to the DAS id it authenticated with, if it has none yet
/// (guarded: a concurrent binding is not overwritten). Another device of the
/// tenant holding the id is a conflict (unique index).
pub async fn bind_das_device_id(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    das_device_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE devices SET das_device_id = $1, modified = $2 \
         WHERE tenant_id = $3 AND id = $4 AND das_device_id IS NULL",
    )
    .bind(das_device_id)
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records the MAC address a managed device reported (`nv-mac-address`).
pub async fn set_mac_address(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
    mac: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE devices SET mac_address = $1, modified = $2 \
         WHERE tenant_id = $3 AND id = $4 AND (mac_address IS NULL OR mac_address <> $1)",
    )
    .bind(mac)
    .bind(now)
    .bind(tenant)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}
