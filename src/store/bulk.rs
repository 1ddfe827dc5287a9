//! Bulk writes for generated datasets (`playgate demo-data --accounts N`):
//! rows of one table buffered and written as multi-row INSERTs inside the
//! caller's write transaction, and the statistics PostgreSQL needs after
//! the first of them.
//!
//! Must never: be used on a request's path, or write without the rows'
//! own `tenant_id` column (every table it is used on has one).

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row as _};

use super::{flag, Dialect, Store, StoreError, WriteTx};

/// Rows per INSERT statement.
pub const ROWS_PER_STATEMENT: usize = 500;

/// One column value.
#[derive(Clone)]
pub enum V {
    T(String),
    I(i64),
    B(bool),
}

/// Buffers rows of one table and writes them as multi-row INSERTs. Callers flush
/// parents before children so foreign keys hold at every statement.
pub struct Inserter {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

impl Inserter {
    /// Rows of `table`; `columns` must include `tenant_id` (every row
    /// names its tenant).
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        assert!(
            columns.contains(&"tenant_id"),
            "{table}: rows without their tenant"
        );
        Self {
            table,
            columns,
            rows: Vec::with_capacity(ROWS_PER_STATEMENT),
        }
    }

    pub fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    pub fn is_full(&self) -> bool {
        self.rows.len() >= ROWS_PER_STATEMENT
    }

    pub async fn flush(&mut self, tx: &mut WriteTx) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let width = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for r in 0..self.rows.len() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for c in 0..width {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(r * width + c + 1).to_string());
            }
            sql.push(')');
        }
        let mut query: Query<'_, Any, AnyArguments<'_>> = sqlx::query(&sql);
        for row in self.rows.drain(..) {
            for v in row {
                query = match v {
                    V::T(s) => query.bind(s),
                    V::I(i) => query.bind(i),
                    V::B(b) => query.bind(flag(b)),
                };
            }
        }
        query.execute(tx.conn()).await?;
        Ok(())
    }
}

/// How many accounts `tenant` has.
pub async fn account_count(store: &Store, tenant: &str) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM accounts WHERE tenant_id = $1")
            .bind(tenant)
            .fetch_one(store.pool())
            .await?
            .try_get(0)?,
    )
}

/// PostgreSQL: fresh statistics for the bulk-written tables, inside `tx`
/// (see the generator); nothing on SQLite.
pub async fn analyze(tx: &mut WriteTx) -> Result<(), StoreError> {
    if tx.dialect() == Dialect::Postgres {
        sqlx::query("ANALYZE accounts, credentials, user_profiles, devices, entitlements")
            .execute(tx.conn())
            .await?;
    }
    Ok(())
}
