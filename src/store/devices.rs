//! Devices of accounts (OPEN apps and MANAGED set-top boxes), tenant-scoped.

use sqlx::{AnyConnection, Executor, Row};

use super::StoreError;
use crate::core::status::{DeviceActivity, DeviceStatus, DeviceType};

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
    pub device_information: serde_json::Value,
    pub approved: bool,
    pub last_approved: Option<i64>,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str =
    "tenant_id, id, account_id, device_type, status, activity, deleted_at, name, \
    playout_device_class, casn, smartcard_id, tvkey_id, device_information, approved, \
    last_approved, created, modified";

pub async fn insert(conn: &mut AnyConnection, d: &Device) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO devices ({COLUMNS}) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
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
    .bind(d.device_information.to_string())
    .bind(super::flag(d.approved))
    .bind(d.last_approved)
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
        device_information: serde_json::from_str(&info)
            .map_err(|e| StoreError::Corrupt(format!("device_information: {e}")))?,
        approved: super::flag_of(r, "approved")?,
        last_approved: r.try_get("last_approved")?,
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
