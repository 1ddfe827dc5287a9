//! Guest rooms (GES): rooms a host opens for a channel, the guests that joined,
//! and the passes the snapshot builds from them (tenant-scoped).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// How a room counts its guests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBase {
    /// Each guest device counts (and only the joined device may watch).
    Device,
    /// Each guest account counts (and every device of it may watch).
    Account,
}

impl CountBase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Device => "DEVICE",
            Self::Account => "ACCOUNT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "DEVICE" => Some(Self::Device),
            "ACCOUNT" => Some(Self::Account),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Room {
    pub tenant_id: String,
    pub id: String,
    pub host_account_id: String,
    pub host_device_id: String,
    pub channel_id: String,
    pub editorial_channel_id: String,
    pub start_at: i64,
    pub end_at: i64,
    pub count_base: CountBase,
    pub max_guests: i64,
    pub created: i64,
}

const COLUMNS: &str = "tenant_id, id, host_account_id, host_device_id, channel_id, \
    editorial_channel_id, start_at, end_at, count_base, max_guests, created";

pub async fn insert(conn: &mut AnyConnection, r: &Room) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO guest_rooms ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(&r.tenant_id)
    .bind(&r.id)
    .bind(&r.host_account_id)
    .bind(&r.host_device_id)
    .bind(&r.channel_id)
    .bind(&r.editorial_channel_id)
    .bind(r.start_at)
    .bind(r.end_at)
    .bind(r.count_base.as_str())
    .bind(r.max_guests)
    .bind(r.created)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Room, StoreError> {
    let base: String = r.try_get("count_base")?;
    Ok(Room {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        host_account_id: r.try_get("host_account_id")?,
        host_device_id: r.try_get("host_device_id")?,
        channel_id: r.try_get("channel_id")?,
        editorial_channel_id: r.try_get("editorial_channel_id")?,
        start_at: r.try_get("start_at")?,
        end_at: r.try_get("end_at")?,
        count_base: CountBase::parse(&base)
            .ok_or_else(|| StoreError::Corrupt(format!("room count base {base}")))?,
        max_guests: r.try_get("max_guests")?,
        created: r.try_get("created")?,
    })
}

pub async fn get<'c, E>(executor: E, tenant: &str, id: &str) -> Result<Option<Room>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM guest_rooms WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The host's room that is still open at `now`, if any.
pub async fn open_for_host<'c, E>(
    executor: E,
    tenant: &str,
    host_account: &str,
    now: i64,
) -> Result<Option<Room>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM guest_rooms WHERE tenant_id = $1 AND host_account_id = $2 \
         AND end_at > $3 ORDER BY end_at DESC LIMIT 1"
    ))
    .bind(tenant)
    .bind(host_account)
    .bind(now)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A guest device in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub account_id: String,
    pub device_id: String,
    pub device_name: String,
    pub joined_at: i64,
}

pub async fn members<'c, E>(
    executor: E,
    tenant: &str,
    room: &str,
) -> Result<Vec<Member>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT account_id, device_id, device_name, joined_at FROM guest_room_members \
         WHERE tenant_id = $1 AND room_id = $2 ORDER BY joined_at, device_id",
    )
    .bind(tenant)
    .bind(room)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Member {
                account_id: r.try_get("account_id")?,
                device_id: r.try_get("device_id")?,
                device_name: r.try_get("device_name")?,
                joined_at: r.try_get("joined_at")?,
            })
        })
        .collect()
}

pub async fn add_member(
    conn: &mut AnyConnection,
    tenant: &str,
    room: &str,
    m: &Member,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO guest_room_members (tenant_id, room_id, account_id, device_id, device_name, \
         joined_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant)
    .bind(room)
    .bind(&m.account_id)
    .bind(&m.device_id)
    .bind(&m.device_name)
    .bind(m.joined_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a guest may watch: one row per member of a room open at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassRow {
    pub room_id: String,
    pub account_id: String,
    /// The joined device; `None` when the room counts accounts (every device
    /// of the guest account may watch).
    pub device_id: Option<String>,
    pub channel_id: String,
    pub start_at: i64,
    pub end_at: i64,
}

/// Every guest pass of the tenant's rooms still open at `now`.
pub async fn passes<'c, E>(executor: E, tenant: &str, now: i64) -> Result<Vec<PassRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT r.id, m.account_id, m.device_id, r.channel_id, r.start_at, r.end_at, r.count_base \
         FROM guest_rooms r JOIN guest_room_members m \
         ON m.tenant_id = r.tenant_id AND m.room_id = r.id \
         WHERE r.tenant_id = $1 AND r.end_at > $2 ORDER BY m.account_id, r.id, m.device_id",
    )
    .bind(tenant)
    .bind(now)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            let base: String = r.try_get("count_base")?;
            let device: String = r.try_get("device_id")?;
            Ok(PassRow {
                room_id: r.try_get("id")?,
                account_id: r.try_get("account_id")?,
                device_id: (CountBase::parse(&base) != Some(CountBase::Account)).then_some(device),
                channel_id: r.try_get("channel_id")?,
                start_at: r.try_get("start_at")?,
                end_at: r.try_get("end_at")?,
            })
        })
        .collect()
}

/// The channel whose editorial id (or, failing that, channel id) is `id`:
/// `(channel id, editorial id)`.
pub async fn channel<'c, E>(
    executor: E,
    tenant: &str,
    id: &str,
) -> Result<Option<(String, String)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT id, editorial_id FROM channels WHERE tenant_id = $1 \
         AND (editorial_id = $2 OR id = $2) ORDER BY CASE WHEN editorial_id = $2 THEN 0 ELSE 1 END \
         LIMIT 1",
    )
    .bind(tenant)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}
