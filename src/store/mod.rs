//! Persistence: one schema, one code path, SQLite (embedded default) or PostgreSQL.
//!
//! Owns: the connection pool, migrations, the write transaction that appends to
//! the change feed, and one file of tenant-scoped queries per table family.
//!
//! Must never: be called from the fast path (`core`) or from a request that the
//! fast path answers; leak SQL errors to clients (they become [`StoreError`]s,
//! which the API maps in one place); run a query without `tenant_id` in its
//! `WHERE` clause (except the tenant table itself and the change feed).

pub mod accounts;
pub mod activity;
pub mod bulk;
pub mod catalogue;
pub mod changes;
pub mod commerce;
pub mod delivery;
mod error;
pub mod identity;
mod key_locks;
mod migrate;
pub mod playback;
pub mod secret_failures;
pub mod sql;
pub mod tenancy;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{
    Any, AnyConnection, AnyPool, ConnectOptions as _, Connection as _, Executor as _,
    TransactionManager as _,
};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use error::StoreError;

/// Which SQL engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// The shared store handle. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    dialect: Dialect,
    /// SQLite has one writer; serialising writers here turns lock contention
    /// into a short queue instead of SQLITE_BUSY errors.
    write_gate: Option<Arc<Mutex<()>>>,
    /// PostgreSQL: the URL, for connections outside the pool (the change
    /// listener, bulk reads). Holds credentials; never logged.
    pg_url: Option<Redacted>,
    /// SQLite: the database file, for the bulk reader's own connection
    /// (`None` for an in-memory database, which only the pool can see).
    sqlite_file: Option<Arc<std::path::Path>>,
    /// Connections of the change feed and the snapshot builds alone, so a
    /// burst of requests that fills `pool` cannot stall the feed (the same
    /// pool as `pool` for an in-memory SQLite database).
    sync_pool: AnyPool,
    /// Same-key writers queue here before a transaction begins.
    key_locks: Arc<key_locks::KeyLocks>,
    /// Set while the database is known to be unreachable (see
    /// [`Store::pooled`]).
    down: Arc<AtomicBool>,
    /// The pool's size limit.
    max_connections: u32,
}

/// How long a request waits for a connection while the database is known to
/// be down: long enough for one fresh connect to a database that is back,
/// short enough that an outage costs a client a quick 503, not the pool's
/// whole acquire timeout.
const DOWN_ACQUIRE: Duration = Duration::from_millis(250);

/// How long a PostgreSQL request waits for a connection before it asks
/// whether the pool could connect at all.
const DOWN_PROBE: Duration = Duration::from_secs(1);

/// How long a request waits for a connection otherwise (a busy pool).
const ACQUIRE: Duration = Duration::from_secs(5);

/// Connections of [`Store::sync_pool`].
const SYNC_CONNECTIONS: u32 = 2;

/// A connection URL that `Debug` does not print (it may hold a password).
#[derive(Clone)]
struct Redacted(Arc<str>);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Store {
    /// Opens a pool on `url` (`sqlite://...` or `postgres://...`).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            return Err(StoreError::Config(
                "database url must start with sqlite: or postgres://".into(),
            ));
        };
        let sqlite_file = match dialect {
            Dialect::Sqlite => sqlite_file(url)?,
            Dialect::Postgres => None,
        };
        let options: AnyConnectOptions = url
            .parse::<AnyConnectOptions>()
            .map_err(|e: sqlx::Error| StoreError::Config(format!("database url: {e}")))?
            // Statement text can be long (bulk inserts); keep it out of normal logs.
            .log_statements(log::LevelFilter::Trace)
            .log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
        let pool_of = |size: u32| {
            AnyPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(ACQUIRE)
                // Never hand out a connection still inside a transaction
                // (see `WriteTx`): it is closed and replaced.
                .before_acquire(|conn, _meta| {
                    Box::pin(async move { Ok(!conn.is_in_transaction()) })
                })
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if dialect == Dialect::Sqlite {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                        }
                        Ok(())
                    })
                })
        };
        let pool = pool_of(max_connections)
            .connect_with(options.clone())
            .await
            .map_err(StoreError::from)?;
        let sync_pool = if dialect == Dialect::Sqlite && sqlite_file.is_none() {
            pool.clone()
        } else {
            // Connects lazily: a node whose feed is idle holds no extra
            // connection until the first catch-up.
            pool_of(SYNC_CONNECTIONS).connect_lazy_with(options)
        };
        Ok(Store {
            pool,
            sync_pool,
            key_locks: Arc::default(),
            down: Arc::default(),
            max_connections,
            dialect,
            write_gate: (dialect == Dialect::Sqlite).then(|| Arc::new(Mutex::new(()))),
            pg_url: (dialect == Dialect::Postgres).then(|| Redacted(url.into())),
            sqlite_file,
        })
    }

    /// SQLite: the database file (see [`Store::connect`]); `None` on
    /// PostgreSQL and for an in-memory database.
    pub(crate) fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// PostgreSQL: a connection listening on the change channel (see
    /// [`changes::CHANNEL`]); `None` on SQLite, where every writer is in this
    /// process.
    pub async fn change_listener(&self) -> Option<Result<sqlx::postgres::PgListener, StoreError>> {
        let url = &*self.pg_url.as_ref()?.0;
        Some(
            async {
                let mut l = sqlx::postgres::PgListener::connect(url).await?;
                l.listen(changes::CHANNEL).await?;
                Ok(l)
            }
            .await,
        )
    }

    /// PostgreSQL: a native connection outside the pool, for a bulk read
    /// (closed when dropped). An error on SQLite.
    pub(crate) async fn pg_connection(&self) -> Result<sqlx::postgres::PgConnection, StoreError> {
        use sqlx::Connection as _;
        let url = self
            .pg_url
            .as_ref()
            .ok_or_else(|| StoreError::Config("not a PostgreSQL store".into()))?;
        Ok(sqlx::postgres::PgConnection::connect(&url.0).await?)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The change feed's and the snapshot builds' own connections (see
    /// [`Store::connect`]): only `sync` reads through it.
    pub fn sync_pool(&self) -> &AnyPool {
        &self.sync_pool
    }

    /// One pooled connection, for a few reads in a row outside a write.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, StoreError> {
        self.pooled().await
    }

    /// A connection from the pool, failing fast while the database is known
    /// to be down. PostgreSQL: the first request of an outage learns it
    /// after [`DOWN_PROBE`] (no connection yet while the pool had room to
    /// open one: its connects are failing), or sooner from an I/O error;
    /// from then on, and once the change feed lost its connection
    /// ([`Store::mark_down`]), requests wait at most [`DOWN_ACQUIRE`] until
    /// a connection is had again. A full pool is busy, not down: its
    /// requests wait up to [`ACQUIRE`]. SQLite is a file: never marked down.
    async fn pooled(&self) -> Result<PoolConnection<Any>, StoreError> {
        let acquired = if self.down.load(Ordering::Relaxed) {
            match tokio::time::timeout(DOWN_ACQUIRE, self.pool.acquire()).await {
                Ok(acquired) => acquired,
                Err(_) => return Err(StoreError::Unavailable("the database is down".into())),
            }
        } else if self.dialect == Dialect::Postgres {
            // Past DOWN_PROBE with room in the pool, the pool's connects are
            // failing: the database is down, and this request need not wait
            // out the pool's timeout (nor the admin deadline) to learn it. A
            // full pool is busy, not down: keep the place in its queue.
            let acquire = self.pool.acquire();
            tokio::pin!(acquire);
            tokio::select! {
                acquired = &mut acquire => acquired,
                _ = tokio::time::sleep(DOWN_PROBE) => {
                    if self.pool.size() < self.max_connections {
                        self.mark_down();
                        return Err(StoreError::Unavailable("the database is down".into()));
                    }
                    acquire.await
                }
            }
        } else {
            self.pool.acquire().await
        };
        match acquired {
            Ok(conn) => {
                self.down.store(false, Ordering::Relaxed);
                Ok(conn)
            }
            Err(e) => {
                // A timeout with every connection checked out is a busy
                // pool, not a database that is gone; one with room to
                // connect means the connects failed.
                let connects_fail = match &e {
                    sqlx::Error::Io(_) => true,
                    sqlx::Error::PoolTimedOut => self.pool.size() < self.max_connections,
                    _ => false,
                };
                if connects_fail && self.dialect == Dialect::Postgres {
                    self.mark_down();
                }
                Err(e.into())
            }
        }
    }

    /// Records that the database cannot be reached, so writes fail fast
    /// until a connection is had again (see [`Store::pooled`]).
    pub fn mark_down(&self) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                "the database is unreachable; writes answer 503 at once until it is back"
            );
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate::run(self).await
    }

    /// Applies the schema's migrations up to and including version `last`
    /// only: for tests that write rows under an earlier schema and check what
    /// a later migration makes of them.
    pub async fn migrate_to(&self, last: i64) -> Result<(), StoreError> {
        migrate::run_to(self, last).await
    }

    /// Starts a write transaction. Fast-path data changed inside it must be
    /// recorded with [`WriteTx::record_change`] before [`WriteTx::commit`].
    pub async fn write(&self) -> Result<WriteTx, StoreError> {
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let mut conn = self.pooled().await?;
        Manager::begin(&mut conn, None).await?;
        Ok(WriteTx {
            conn: Some(conn),
            open: true,
            dialect: self.dialect,
            guards: Guards { key: None, gate },
            locked_key: None,
            change_lock_taken: false,
            last_change: None,
        })
    }

    /// [`Store::write`] holding `key`: same-key writers of this node queue
    /// in memory first, without a connection ([`key_locks`]), then the
    /// transaction takes the key's database lock ([`WriteTx::lock_key`]) for
    /// writers on other nodes. Use it instead of `write` + `lock_key` when
    /// the key is known before the transaction begins.
    pub async fn write_locked(&self, key: &str) -> Result<WriteTx, StoreError> {
        let guard = self.key_locks.lock(key).await;
        let mut tx = self.write().await?;
        tx.guards.key = Some(guard);
        tx.lock_key(key).await?;
        tx.locked_key = Some(key.to_owned());
        Ok(tx)
    }

    /// True if the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        match self.pooled().await {
            Ok(mut conn) => conn.ping().await.is_ok(),
            Err(_) => false,
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.sync_pool.close().await;
    }
}

/// The transaction manager of the `Any` driver.
type Manager = <Any as sqlx::Database>::TransactionManager;

/// What a write transaction holds besides its connection: released only
/// once the transaction is over (committed, or rolled back).
struct Guards {
    /// The in-process key lock of [`Store::write_locked`].
    key: Option<OwnedMutexGuard<()>>,
    /// SQLite's one-writer gate.
    gate: Option<OwnedMutexGuard<()>>,
}

/// A write transaction that knows how to append to the change feed.
///
/// It owns its pooled connection, so a connection whose transaction cannot
/// be ended cleanly never goes back to the pool: a failed `COMMIT` (disk
/// full, I/O error, connection lost) closes the connection, and a
/// transaction dropped without a commit is rolled back before its
/// connection and its locks are given back (closed instead if the rollback
/// fails or leaves it inside a transaction). Otherwise a connection left
/// inside a failed transaction would turn every later "commit" on it into
/// the release of a savepoint: writes answered 2xx and never committed.
pub struct WriteTx {
    conn: Option<PoolConnection<Any>>,
    /// Begun and not yet committed or rolled back.
    open: bool,
    dialect: Dialect,
    guards: Guards,
    /// The key [`Store::write_locked`] locked: locking it again is a no-op.
    locked_key: Option<String>,
    change_lock_taken: bool,
    last_change: Option<i64>,
}

impl WriteTx {
    /// The connection to run queries on inside this transaction.
    pub fn conn(&mut self) -> &mut AnyConnection {
        self.conn
            .as_mut()
            .expect("a live transaction has its connection")
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends one entry to the change feed, inside this transaction.
    pub async fn record_change(
        &mut self,
        tenant: &str,
        kind: changes::ChangeKind,
        key: &str,
        at_s: i64,
    ) -> Result<i64, StoreError> {
        if !self.change_lock_taken && self.dialect == Dialect::Postgres {
            // Ids come from a sequence and would otherwise commit out of order;
            // holding this lock until commit makes "id > N" a complete catch-up.
            sqlx::query("SELECT pg_advisory_xact_lock(7461626)")
                .execute(self.conn())
                .await?;
            // Delivered to every listening node when (and only if) this
            // transaction commits; one per transaction is enough.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(changes::CHANNEL)
                .execute(self.conn())
                .await?;
            self.change_lock_taken = true;
        }
        let id = changes::append(self.conn(), tenant, kind, key, at_s).await?;
        self.last_change = Some(id);
        Ok(id)
    }

    /// Serialises writers that check-then-write the same `key` (e.g. an
    /// account's device limit) until this transaction ends. PostgreSQL: a
    /// transaction-scoped advisory lock; SQLite: already one writer at a time.
    pub async fn lock_key(&mut self, key: &str) -> Result<(), StoreError> {
        if self.dialect == Dialect::Postgres && self.locked_key.as_deref() != Some(key) {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind(key)
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Commits; returns the highest change id recorded, if any. `Ok` only
    /// once the database has committed; on an error nothing of the
    /// transaction is taken as written, and its connection is closed.
    pub async fn commit(mut self) -> Result<Option<i64>, StoreError> {
        let conn = self
            .conn
            .as_mut()
            .expect("a live transaction has its connection");
        let done = Manager::commit(conn).await;
        self.open = false;
        if let Err(e) = done {
            conn.close_on_drop();
            tracing::warn!(error = %e, "a commit failed; its connection is closed");
            return Err(e.into());
        }
        Ok(self.last_change)
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if !self.open {
            return;
        }
        // Not committed: roll back before the connection and the locks are
        // given back. Off the caller's path (a drop cannot wait), on the
        // runtime; outside one, the connection is closed instead, which
        // ends the transaction on the server.
        let guards = Guards {
            key: self.guards.key.take(),
            gate: self.guards.gate.take(),
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    let rolled_back = Manager::rollback(&mut conn).await.is_ok();
                    if !rolled_back || Manager::get_transaction_depth(&conn) != 0 {
                        conn.close_on_drop();
                    }
                    drop(conn);
                    drop(guards);
                });
            }
            Err(_) => conn.close_on_drop(),
        }
    }
}

/// Flags are stored as BIGINT 0/1 on both engines.
pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// The file a `sqlite:` URL names, or `None` when it is an in-memory database.
fn sqlite_file(url: &str) -> Result<Option<Arc<std::path::Path>>, StoreError> {
    let options: sqlx::sqlite::SqliteConnectOptions = url
        .parse()
        .map_err(|e: sqlx::Error| StoreError::Config(format!("database url: {e}")))?;
    let file = options.get_filename();
    let in_memory = url.contains(":memory:")
        || url.contains("mode=memory")
        || file.to_string_lossy().starts_with("file:sqlx-in-memory");
    Ok((!in_memory).then(|| file.into()))
}

pub(crate) fn flag_of(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row as _;
    Ok(row.try_get::<i64, _>(column)? != 0)
}
