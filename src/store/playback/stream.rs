//! A whole tenant's accounts, devices and entitlements, read as three
//! account-ordered streams and handed to the caller one account at a time.
//!
//! By engine: PostgreSQL, three native connections opened for the read,
//! merged on the caller's task (the server's backends keep the other core
//! busy); SQLite, one read-only connection of its own on a blocking thread
//! that hands batches to the caller ([`super::sqlite_bulk`]); an in-memory
//! SQLite database, the pool's connections (only they can see it).
//!
//! Must never: report success for a read that stopped early.

use futures_util::{Stream, TryStreamExt};

use super::merge::{Merge, RowSource};
use super::{sqlite_bulk, AccountRow, AccountRows, Columns, DeviceRow, EntitlementRow};
use super::{ACCOUNTS, DEVICES, ENTITLEMENTS};
use crate::store::{Dialect, Store, StoreError};

/// Accounts per batch taken from the merge.
pub(super) const BATCH: usize = 512;

/// The three SELECTs in byte order of the account id (`COLLATE "C"` on
/// PostgreSQL; SQLite compares text as bytes). Migration 0009 gives each an
/// index in that order.
pub(super) struct OrderedSql {
    pub accounts: String,
    pub devices: String,
    pub entitlements: String,
}

impl OrderedSql {
    fn new(dialect: Dialect) -> Self {
        let order = match dialect {
            Dialect::Postgres => " COLLATE \"C\"",
            Dialect::Sqlite => "",
        };
        Self {
            accounts: format!("{ACCOUNTS} ORDER BY a.id{order}"),
            devices: format!("{DEVICES} ORDER BY account_id{order}, id"),
            entitlements: format!("{ENTITLEMENTS} ORDER BY account_id{order}, id"),
        }
    }
}

/// Every account of a tenant with its devices and entitlements, handed to
/// `each` one account at a time, in byte order of the account id; a device or
/// entitlement whose account is not listed is skipped. A whole tenant is never
/// held as rows: a few batches of [`BATCH`] accounts at most.
pub async fn for_each_account(
    store: &Store,
    tenant: &str,
    mut each: impl FnMut(AccountRow, Vec<DeviceRow>, Vec<EntitlementRow>),
) -> Result<(), StoreError> {
    let sql = OrderedSql::new(store.dialect());
    let mut each = |(a, d, e): AccountRows| each(a, d, e);
    match (store.dialect(), store.sqlite_file()) {
        (Dialect::Sqlite, Some(file)) => {
            sqlite_bulk::for_each_account(file, tenant, sql, each).await
        }
        (Dialect::Postgres, _) => postgres(store, tenant, &sql, &mut each).await,
        (Dialect::Sqlite, None) => pool(store, tenant, &sql, &mut each).await,
    }
}

/// Takes every batch of `merge`, handing its accounts to `each`.
pub(super) async fn drain<A: RowSource, D: RowSource, E: RowSource>(
    mut merge: Merge<A, D, E>,
    mut each: impl FnMut(Vec<AccountRows>) -> bool,
) -> Result<(), StoreError> {
    loop {
        let batch = merge.batch(BATCH).await?;
        if batch.is_empty() || !each(batch) {
            return Ok(());
        }
    }
}

/// Hands each account of a batch on.
fn each_of(each: &mut impl FnMut(AccountRows)) -> impl FnMut(Vec<AccountRows>) -> bool + '_ {
    |batch| {
        batch.into_iter().for_each(&mut *each);
        true
    }
}

/// Three native connections of their own (the `Any` driver converts every
/// value into an owned one first; native rows lend `&str`), beyond
/// `storage.max_connections`, closed after the read.
async fn postgres(
    store: &Store,
    tenant: &str,
    sql: &OrderedSql,
    each: &mut impl FnMut(AccountRows),
) -> Result<(), StoreError> {
    let (mut a, mut d, mut e) = (
        store.pg_connection().await?,
        store.pg_connection().await?,
        store.pg_connection().await?,
    );
    let merge = Merge::new(
        SqlxRows(sqlx::query(&sql.accounts).bind(tenant).fetch(&mut a)),
        SqlxRows(sqlx::query(&sql.devices).bind(tenant).fetch(&mut d)),
        SqlxRows(sqlx::query(&sql.entitlements).bind(tenant).fetch(&mut e)),
    );
    drain(merge, each_of(each)).await
}

/// An in-memory SQLite database: only the pool's connections can see it.
async fn pool(
    store: &Store,
    tenant: &str,
    sql: &OrderedSql,
    each: &mut impl FnMut(AccountRows),
) -> Result<(), StoreError> {
    let pool = store.pool();
    let merge = Merge::new(
        SqlxRows(sqlx::query(&sql.accounts).bind(tenant).fetch(pool)),
        SqlxRows(sqlx::query(&sql.devices).bind(tenant).fetch(pool)),
        SqlxRows(sqlx::query(&sql.entitlements).bind(tenant).fetch(pool)),
    );
    drain(merge, each_of(each)).await
}

/// A sqlx row stream as a [`RowSource`].
struct SqlxRows<S>(S);

impl<S, R> RowSource for SqlxRows<S>
where
    S: Stream<Item = Result<R, sqlx::Error>> + Unpin,
    R: Columns,
{
    type Row = R;

    async fn with_next<T>(
        &mut self,
        map: fn(&R) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match self.0.try_next().await? {
            Some(row) => Ok(Some(map(&row)?)),
            None => Ok(None),
        }
    }
}
