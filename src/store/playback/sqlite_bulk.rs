//! The SQLite producer of a whole-tenant read: one read-only connection of
//! its own (rusqlite, on the same bundled SQLite as the pool) on a blocking
//! thread, the three ordered SELECTs stepped side by side inside one read
//! transaction, so they see one state of the database.
//!
//! Why not the pool: sqlx runs each SQLite connection on a worker thread and
//! hands every row across a channel; for a million accounts that hand-off
//! (thread wake-ups, not SQLite) was half of the start-up time
//! (docs/PERF.md). Here a row is decoded where SQLite produced it, and only
//! batches of accounts cross to the builder.
//!
//! Must never: write (the connection is opened read-only), or run on a
//! runtime worker thread (it blocks).

use std::path::Path;
use std::time::Duration;

use futures_util::FutureExt;
use rusqlite::types::{FromSqlError, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::mpsc;

use super::merge::{Merge, RowSource};
use super::stream::{drain, OrderedSql};
use super::{AccountRows, Columns};
use crate::store::StoreError;

/// Batches the reader may run ahead of the builder.
const BATCHES_IN_FLIGHT: usize = 8;

/// The whole file is mapped (up to SQLite's compiled-in cap), so pages are
/// read from the page cache without a copy per page.
const MMAP_BYTES: i64 = 1 << 40;

/// What the reader thread sends: a batch, or how its read ended. The last
/// message is `Done` or `Failed`, so a reader that dies without one is noticed.
enum Message {
    Batch(Vec<AccountRows>),
    Failed(StoreError),
    Done,
}

/// Reads `tenant` from the database `file` on a blocking thread, handing
/// each account to `each` here as its batch arrives.
pub(super) async fn for_each_account(
    file: &Path,
    tenant: &str,
    sql: OrderedSql,
    mut each: impl FnMut(AccountRows),
) -> Result<(), StoreError> {
    let (tx, mut rx) = mpsc::channel(BATCHES_IN_FLIGHT);
    let (file, tenant) = (file.to_owned(), tenant.to_owned());
    let runtime = tokio::runtime::Handle::current();
    let reader = tokio::task::spawn_blocking(move || {
        let last = match read(&file, &tenant, &sql, &tx) {
            Ok(()) => Message::Done,
            Err(e) => Message::Failed(e),
        };
        // A closed channel: the builder has gone, nobody is left to tell.
        if tx.blocking_send(last).is_ok() {
            // The rows were allocated on this thread and are freed on the
            // builder's: once it is through, hand their memory back.
            runtime.block_on(tx.closed());
            crate::memory::release_freed();
        }
    });
    let mut done = false;
    while let Some(message) = rx.recv().await {
        match message {
            Message::Batch(batch) => batch.into_iter().for_each(&mut each),
            Message::Failed(e) => return Err(e),
            Message::Done => {
                done = true;
                break;
            }
        }
    }
    drop(rx);
    if let Err(e) = reader.await {
        tracing::error!(error = %e, "sqlite bulk reader stopped");
    }
    if done {
        Ok(())
    } else {
        Err(StoreError::Unavailable(
            "the sqlite bulk read stopped early".into(),
        ))
    }
}

/// The read itself, on the blocking thread.
fn read(
    file: &Path,
    tenant: &str,
    sql: &OrderedSql,
    tx: &mpsc::Sender<Message>,
) -> Result<(), StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(file, flags).map_err(sqlite)?;
    conn.busy_timeout(Duration::from_secs(5)).map_err(sqlite)?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(sqlite)?;
    conn.execute_batch("BEGIN").map_err(sqlite)?;
    let mut accounts = conn.prepare(&sql.accounts).map_err(sqlite)?;
    let mut devices = conn.prepare(&sql.devices).map_err(sqlite)?;
    let mut entitlements = conn.prepare(&sql.entitlements).map_err(sqlite)?;
    let merge = Merge::new(
        SqliteRows(accounts.query([tenant]).map_err(sqlite)?),
        SqliteRows(devices.query([tenant]).map_err(sqlite)?),
        SqliteRows(entitlements.query([tenant]).map_err(sqlite)?),
    );
    // Stops early (with Ok) only if the builder has gone. Polled once: the
    // row sources never wait, so the whole read completes in that poll.
    drain(merge, |batch| {
        tx.blocking_send(Message::Batch(batch)).is_ok()
    })
    .now_or_never()
    .unwrap_or_else(|| Err(StoreError::Unavailable("sqlite bulk read waited".into())))
}

/// A statement's rows as a [`RowSource`].
struct SqliteRows<'s>(rusqlite::Rows<'s>);

impl<'s> RowSource for SqliteRows<'s> {
    type Row = rusqlite::Row<'s>;

    async fn with_next<T>(
        &mut self,
        map: fn(&Self::Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        match self.0.next().map_err(sqlite)? {
            Some(row) => Ok(Some(map(row)?)),
            None => Ok(None),
        }
    }
}

impl Columns for rusqlite::Row<'_> {
    #[inline]
    fn text(&self, i: usize) -> Result<&str, StoreError> {
        value(self, i)?.as_str().map_err(column)
    }
    #[inline]
    fn opt_text(&self, i: usize) -> Result<Option<&str>, StoreError> {
        value(self, i)?.as_str_or_null().map_err(column)
    }
    #[inline]
    fn int(&self, i: usize) -> Result<i64, StoreError> {
        value(self, i)?.as_i64().map_err(column)
    }
    #[inline]
    fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        value(self, i)?.as_i64_or_null().map_err(column)
    }
}

#[inline]
fn value<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> Result<ValueRef<'r>, StoreError> {
    row.get_ref(i).map_err(sqlite)
}

fn sqlite(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("sqlite bulk read: {e}"))
}

fn column(e: FromSqlError) -> StoreError {
    StoreError::Corrupt(format!("sqlite bulk read: {e}"))
}
