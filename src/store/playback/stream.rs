//! A whole tenant's accounts, devices and entitlements, read as three
//! account-ordered streams by a producer of its own and handed to the caller
//! in batches, so reading and decoding rows overlaps with building the
//! snapshot (two cores: one reads, one builds).
//!
//! Producers: PostgreSQL, three native connections opened for the read (a
//! task on the runtime); SQLite, one read-only connection of its own on a
//! blocking thread ([`super::sqlite_bulk`]; one read transaction, so the
//! three streams agree); an in-memory SQLite database, the pool.
//!
//! Must never: report success for a read that stopped early (a producer that
//! ends without finishing, or panics, is an error), or buffer more than
//! [`BATCHES_IN_FLIGHT`] batches.

use futures_util::{Stream, TryStreamExt};
use tokio::sync::mpsc;

use super::merge::{Merge, RowSource};
use super::{sqlite_bulk, AccountRow, AccountRows, Columns, DeviceRow, EntitlementRow};
use super::{ACCOUNTS, DEVICES, ENTITLEMENTS};
use crate::store::{Dialect, Store, StoreError};

/// Accounts per batch handed from the producer to the builder.
pub(super) const BATCH: usize = 512;
/// Batches the producer may run ahead of the builder.
pub(super) const BATCHES_IN_FLIGHT: usize = 8;

/// What a producer sends: a batch, or the error that stopped it. The last
/// message is `Done`, so a producer that dies without it is noticed.
pub(super) enum Message {
    Batch(Vec<AccountRows>),
    Failed(StoreError),
    Done,
}

impl Message {
    /// The last message of a producer, from how its read ended (if the
    /// builder has gone, nobody reads it).
    fn last(read: Result<(), StoreError>) -> Self {
        match read {
            Ok(()) => Message::Done,
            Err(e) => Message::Failed(e),
        }
    }
}

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
/// held as rows: at most [`BATCHES_IN_FLIGHT`] batches of [`BATCH`] accounts.
pub async fn for_each_account(
    store: &Store,
    tenant: &str,
    mut each: impl FnMut(AccountRow, Vec<DeviceRow>, Vec<EntitlementRow>),
) -> Result<(), StoreError> {
    let sql = OrderedSql::new(store.dialect());
    let (tx, mut rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let producer = match (store.dialect(), store.sqlite_file()) {
        (Dialect::Sqlite, Some(file)) => {
            let (file, tenant) = (file.to_owned(), tenant.to_owned());
            let runtime = tokio::runtime::Handle::current();
            tokio::task::spawn_blocking(move || {
                let read = sqlite_bulk::read(&runtime, &file, &tenant, &sql, &tx);
                let _ = tx.blocking_send(Message::last(read));
            })
        }
        (Dialect::Postgres, _) => {
            let (store, tenant) = (store.clone(), tenant.to_owned());
            tokio::spawn(async move {
                let read = postgres(&store, &tenant, &sql, &tx).await;
                let _ = tx.send(Message::last(read)).await;
            })
        }
        (Dialect::Sqlite, None) => {
            let (store, tenant) = (store.clone(), tenant.to_owned());
            tokio::spawn(async move {
                let read = pool(&store, &tenant, &sql, &tx).await;
                let _ = tx.send(Message::last(read)).await;
            })
        }
    };
    let mut done = false;
    while let Some(message) = rx.recv().await {
        match message {
            Message::Batch(batch) => {
                for (a, d, e) in batch {
                    each(a, d, e);
                }
            }
            Message::Failed(e) => return Err(e),
            Message::Done => done = true,
        }
    }
    if let Err(e) = producer.await {
        tracing::error!(error = %e, "snapshot bulk reader stopped");
    }
    if done {
        Ok(())
    } else {
        Err(StoreError::Unavailable(
            "the bulk read stopped early".into(),
        ))
    }
}

/// Sends every batch of `merge`; stops (with `Ok`) if the builder has gone.
pub(super) async fn pump<A: RowSource, D: RowSource, E: RowSource>(
    mut merge: Merge<A, D, E>,
    tx: &mpsc::Sender<Message>,
) -> Result<(), StoreError> {
    loop {
        let batch = merge.batch(BATCH).await?;
        if batch.is_empty() || tx.send(Message::Batch(batch)).await.is_err() {
            return Ok(());
        }
    }
}

/// Three native connections of their own (the `Any` driver converts every
/// value into an owned one first; native rows lend `&str`), beyond
/// `storage.max_connections`, closed after the read.
async fn postgres(
    store: &Store,
    tenant: &str,
    sql: &OrderedSql,
    tx: &mpsc::Sender<Message>,
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
    pump(merge, tx).await
}

/// An in-memory SQLite database: only the pool's connections can see it.
async fn pool(
    store: &Store,
    tenant: &str,
    sql: &OrderedSql,
    tx: &mpsc::Sender<Message>,
) -> Result<(), StoreError> {
    let pool = store.pool();
    let merge = Merge::new(
        SqlxRows(sqlx::query(&sql.accounts).bind(tenant).fetch(pool)),
        SqlxRows(sqlx::query(&sql.devices).bind(tenant).fetch(pool)),
        SqlxRows(sqlx::query(&sql.entitlements).bind(tenant).fetch(pool)),
    );
    pump(merge, tx).await
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
