//! The rows the playback snapshot is built from: a whole tenant's accounts
//! as ordered streams (start-up, profile changes; [`for_each_account`]), one
//! account (the change feed's account, device and entitlement entries), and
//! the catalogue. Products are read with [`super::catalogue::products`].
//!
//! Must never: select secrets (password or PIN hashes), or rows of another tenant.

mod merge;
mod sqlite_bulk;
mod stream;

use sqlx::any::AnyRow;
use sqlx::postgres::PgRow;
use sqlx::{Executor, Row};

use super::{flag_of, StoreError};

pub use stream::for_each_account;

/// Column access by position, borrowed where the driver allows, so the bulk
/// read decodes each value once (by index, not by name) on every driver: the
/// `Any` rows of the pool, native PostgreSQL rows of the bulk connections, or
/// the SQLite bulk reader's rows.
trait Columns {
    fn text(&self, i: usize) -> Result<&str, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError>;
    fn int(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError>;
}

macro_rules! columns_for {
    ($row:ty, $get:ident) => {
        impl Columns for $row {
            #[inline]
            fn text(&self, i: usize) -> Result<&str, StoreError> {
                Ok(self.$get(i)?)
            }
            #[inline]
            fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
                Ok(self.$get(i)?)
            }
            #[inline]
            fn int(&self, i: usize) -> Result<i64, StoreError> {
                Ok(self.$get(i)?)
            }
            #[inline]
            fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
                Ok(self.$get(i)?)
            }
        }
    };
}

columns_for!(AnyRow, try_get);
// The bulk queries' column types are fixed by the schema (TEXT, BIGINT; the
// test `sync::a_full_load_joins_rows_to_their_accounts` reads them on PostgreSQL), so the per-value compatibility
// check is skipped: with its type-info clones it was ~5 % of the start-up
// profile at 1M accounts (docs/PERF.md).
columns_for!(PgRow, try_get_unchecked);

/// One account's rows, as [`for_each_account`] hands them on.
pub type AccountRows = (AccountRow, Vec<DeviceRow>, Vec<EntitlementRow>);

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub id: String,
    pub status: String,
    /// Whether the account's profile turns device approval on.
    pub approval_required: bool,
    /// JSON array of addresses / prefixes.
    pub home_ips: String,
    /// Rocket `minRatingPlaybackGuard`: a classification code, if set.
    pub playback_guard: Option<String>,
}

// The decoders below read columns by position: keep each SELECT's order.
const ACCOUNTS: &str = "SELECT a.id, a.status, a.home_ips, p.enable_approval_limit, \
     a.min_rating_playback_guard \
     FROM accounts a JOIN account_profiles p \
       ON p.tenant_id = a.tenant_id AND p.id = a.account_profile_id \
     WHERE a.tenant_id = $1";

fn account_row<R: Columns>(r: &R) -> Result<AccountRow, StoreError> {
    Ok(AccountRow {
        id: r.text(0)?.to_owned(),
        status: r.text(1)?.to_owned(),
        home_ips: r.text(2)?.to_owned(),
        approval_required: r.int(3)? != 0,
        playback_guard: r
            .opt_text(4)?
            .filter(|code| !code.is_empty())
            .map(str::to_owned),
    })
}

#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub id: String,
    pub account_id: String,
    pub device_type: String,
    pub status: String,
    pub activity: String,
    pub deleted: bool,
    pub approved: bool,
    pub class: Option<String>,
    pub model: Option<String>,
}

const DEVICES: &str =
    "SELECT id, account_id, device_type, status, activity, deleted_at, approved, \
     playout_device_class, name FROM devices WHERE tenant_id = $1";

fn device_row<R: Columns>(r: &R) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        id: r.text(0)?.to_owned(),
        account_id: r.text(1)?.to_owned(),
        device_type: r.text(2)?.to_owned(),
        status: r.text(3)?.to_owned(),
        activity: r.text(4)?.to_owned(),
        deleted: r.opt_int(5)?.is_some(),
        approved: r.int(6)? != 0,
        class: r.opt_text(7)?.map(str::to_owned),
        model: r.opt_text(8)?.map(str::to_owned),
    })
}

#[derive(Debug, Clone)]
pub struct EntitlementRow {
    pub id: String,
    pub account_id: String,
    pub product_id: String,
    pub subscribed: bool,
    pub valid_from: i64,
    pub expiry: Option<i64>,
    pub created: i64,
    pub plays_used: i64,
    pub first_play_at: Option<i64>,
    pub modified: i64,
    pub is_archivable: bool,
    pub purchased_by_device_id: Option<String>,
}

const ENTITLEMENTS: &str =
    "SELECT id, account_id, product_id, status, valid_from, expiry, created, \
     plays_used, first_play_at, modified, is_archivable, purchased_by_device_id FROM entitlements \
     WHERE tenant_id = $1";

fn entitlement_row<R: Columns>(r: &R) -> Result<EntitlementRow, StoreError> {
    Ok(EntitlementRow {
        id: r.text(0)?.to_owned(),
        account_id: r.text(1)?.to_owned(),
        product_id: r.text(2)?.to_owned(),
        subscribed: r.text(3)? == "SUBSCRIBED",
        valid_from: r.int(4)?,
        expiry: r.opt_int(5)?,
        created: r.int(6)?,
        plays_used: r.int(7)?,
        first_play_at: r.opt_int(8)?,
        modified: r.int(9)?,
        is_archivable: r.int(10)? != 0,
        purchased_by_device_id: r.opt_text(11)?.map(str::to_owned),
    })
}

/// One account with its devices and entitlements (`None` when it is gone).
pub async fn account<'c, E>(
    executor: E,
    tenant: &str,
    id: &str,
) -> Result<Option<AccountRows>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any> + Copy,
{
    let one = |sql: String| async move {
        Ok::<_, StoreError>(
            sqlx::query(&sql)
                .bind(tenant)
                .bind(id)
                .fetch_all(executor)
                .await?,
        )
    };
    let Some(row) = one(format!("{ACCOUNTS} AND a.id = $2")).await?.pop() else {
        return Ok(None);
    };
    let devices = one(format!("{DEVICES} AND account_id = $2 ORDER BY id")).await?;
    let entitlements = one(format!("{ENTITLEMENTS} AND account_id = $2 ORDER BY id")).await?;
    Ok(Some((
        account_row(&row)?,
        devices.iter().map(device_row).collect::<Result<_, _>>()?,
        entitlements
            .iter()
            .map(entitlement_row)
            .collect::<Result<_, _>>()?,
    )))
}

/// Every row `sql` selects for `tenant` (bound as `$1`).
async fn tenant_rows<'c, E>(executor: E, sql: &str, tenant: &str) -> Result<Vec<AnyRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    Ok(sqlx::query(sql).bind(tenant).fetch_all(executor).await?)
}

/// A VOD content or a channel, as one playable item.
#[derive(Debug, Clone)]
pub struct ItemRow {
    pub is_channel: bool,
    pub id: String,
    pub editorial_id: String,
    pub drm_id: Option<String>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub technical_start_at: Option<i64>,
    pub technical_end_at: Option<i64>,
    pub in_home_only: bool,
    pub block_if_off_net: bool,
    pub location: LocationRow,
    /// Classification code.
    pub rating_code: Option<String>,
    pub playback_url: Option<String>,
    /// `cdnTokenDetails`: whether a CDN token is required, and which CDN.
    pub cdn_token_required: bool,
    pub cdn_id: Option<String>,
}

/// An item's location rules as stored (lists are JSON arrays of country
/// codes, read by the builder).
#[derive(Debug, Clone, Default)]
pub struct LocationRow {
    pub block_vpn: bool,
    pub filtering_list: String,
    pub filtering_is_allow: bool,
    pub blocking_list: String,
}

fn location_of(r: &sqlx::any::AnyRow) -> Result<LocationRow, sqlx::Error> {
    Ok(LocationRow {
        block_vpn: flag_of(r, "block_vpn")?,
        filtering_list: r.try_get("filtering_list")?,
        filtering_is_allow: flag_of(r, "filtering_is_allow")?,
        blocking_list: r.try_get("blocking_list")?,
    })
}

const LOCATION: &str = "block_vpn, filtering_list, filtering_is_allow, blocking_list";

pub async fn items<'c, E>(executor: E, tenant: &str) -> Result<Vec<ItemRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any> + Copy,
{
    let mut out = Vec::new();
    let contents = format!(
        "SELECT id, editorial_id, drm_id, start_at, end_at, technical_start_at, \
         technical_end_at, in_home_only, block_if_off_net, {LOCATION}, rating_code, playback_url, \
         cdn_token_required, cdn_id FROM contents WHERE tenant_id = $1"
    );
    for r in tenant_rows(executor, &contents, tenant).await? {
        out.push(ItemRow {
            is_channel: false,
            id: r.try_get("id")?,
            editorial_id: r.try_get("editorial_id")?,
            drm_id: r.try_get("drm_id")?,
            start_at: r.try_get("start_at")?,
            end_at: r.try_get("end_at")?,
            technical_start_at: r.try_get("technical_start_at")?,
            technical_end_at: r.try_get("technical_end_at")?,
            in_home_only: flag_of(&r, "in_home_only")?,
            block_if_off_net: flag_of(&r, "block_if_off_net")?,
            location: location_of(&r)?,
            rating_code: r.try_get("rating_code")?,
            playback_url: r.try_get("playback_url")?,
            cdn_token_required: flag_of(&r, "cdn_token_required")?,
            cdn_id: r.try_get("cdn_id")?,
        });
    }
    let channels = format!(
        "SELECT id, editorial_id, drm_id, in_home_only, block_if_off_net, {LOCATION}, \
         rating_code, playback_url, cdn_token_required, cdn_id FROM channels WHERE tenant_id = $1"
    );
    for r in tenant_rows(executor, &channels, tenant).await? {
        out.push(ItemRow {
            is_channel: true,
            id: r.try_get("id")?,
            editorial_id: r.try_get("editorial_id")?,
            drm_id: r.try_get("drm_id")?,
            start_at: None,
            end_at: None,
            technical_start_at: None,
            technical_end_at: None,
            in_home_only: flag_of(&r, "in_home_only")?,
            block_if_off_net: flag_of(&r, "block_if_off_net")?,
            location: location_of(&r)?,
            rating_code: r.try_get("rating_code")?,
            playback_url: r.try_get("playback_url")?,
            cdn_token_required: flag_of(&r, "cdn_token_required")?,
            cdn_id: r.try_get("cdn_id")?,
        });
    }
    Ok(out)
}

/// (product id, target kind, target id)
pub async fn grants<'c, E>(
    executor: E,
    tenant: &str,
) -> Result<Vec<(String, String, String)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = "SELECT product_id, target_kind, target_id FROM product_grants WHERE tenant_id = $1";
    tenant_rows(executor, sql, tenant)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: String,
    pub channel_id: String,
    pub start_at: i64,
    pub end_at: i64,
}

pub async fn events<'c, E>(executor: E, tenant: &str) -> Result<Vec<EventRow>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = "SELECT id, channel_id, start_at, end_at FROM ppv_events WHERE tenant_id = $1";
    tenant_rows(executor, sql, tenant)
        .await?
        .iter()
        .map(|r| {
            Ok(EventRow {
                id: r.try_get("id")?,
                channel_id: r.try_get("channel_id")?,
                start_at: r.try_get("start_at")?,
                end_at: r.try_get("end_at")?,
            })
        })
        .collect()
}

/// The account a device belongs to (device change entries name the device).
pub async fn device_account<'c, E>(
    executor: E,
    tenant: &str,
    device: &str,
) -> Result<Option<String>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT account_id FROM devices WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(device)
        .fetch_optional(executor)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The tenant's classifications: (code, system, level).
pub async fn classifications<'c, E>(
    executor: E,
    tenant: &str,
) -> Result<Vec<(String, String, i64)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = "SELECT code, system, level FROM classifications WHERE tenant_id = $1";
    tenant_rows(executor, sql, tenant)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}
