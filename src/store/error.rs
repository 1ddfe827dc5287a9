//! The store's error type: what went wrong, in terms the admin plane can map.

/// A storage failure, classified so callers can answer 404 / 409 / 503 deliberately.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or the pool is exhausted.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    #[error("store configuration: {0}")]
    Config(String),
    /// Stored data that does not parse (a bug or manual tampering).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(db) => {
                let sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
                if db.code().is_some_and(|code| is_transient(sqlite, &code)) {
                    // Another writer holds the lock past the busy timeout, or
                    // a serialisation conflict: nothing is written, and the
                    // same request may succeed when retried (503, not 500).
                    StoreError::Unavailable(e.to_string())
                } else if db.is_unique_violation() {
                    StoreError::Conflict("already exists".into())
                } else if db.is_foreign_key_violation() {
                    StoreError::Conflict("refers to something that does not exist".into())
                } else if db.is_check_violation() {
                    StoreError::Conflict("value not allowed".into())
                } else {
                    StoreError::Other(e)
                }
            }
            _ => StoreError::Other(e),
        }
    }
}

/// Database error codes that mean "nothing was written, try again later":
/// contention (SQLite's `SQLITE_BUSY`, `SQLITE_LOCKED`; PostgreSQL's
/// serialisation failure, deadlock and lock-not-available) and a database
/// that cannot write for now (SQLite's `SQLITE_IOERR`, `SQLITE_FULL`,
/// `SQLITE_CANTOPEN`; PostgreSQL's insufficient resources (disk full, out
/// of memory, too many connections), connection exceptions and shutdowns).
/// SQLite's extended codes carry the primary code in their low byte.
fn is_transient(sqlite: bool, code: &str) -> bool {
    if sqlite {
        code.parse::<i32>()
            .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14))
    } else {
        matches!(
            code,
            "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
        ) || code.starts_with("53")
            || code.starts_with("08")
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Config(format!("migration: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Executor};

    use super::*;

    #[test]
    fn contention_and_cannot_write_codes_are_transient() {
        for code in ["5", "6", "261", "517", "262", "13", "10", "778", "14"] {
            assert!(is_transient(true, code), "SQLite {code}");
        }
        for code in ["1", "19", "2067", "787", "40001"] {
            assert!(!is_transient(true, code), "SQLite {code}");
        }
        for code in [
            "40001", "40P01", "55P03", "53100", "53300", "08006", "57P01", "57P03",
        ] {
            assert!(is_transient(false, code), "PostgreSQL {code}");
        }
        for code in ["23505", "42P01", "XX000", "5", "00005"] {
            assert!(!is_transient(false, code), "PostgreSQL {code}");
        }
    }

    /// A real lock: one connection holds the write lock, another (through the
    /// `Any` driver, as the store connects) with no busy timeout tries to write.
    #[tokio::test]
    async fn a_locked_sqlite_database_is_unavailable() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("lock.db").display());
        let mut holder = sqlx::SqliteConnection::connect(&url).await.unwrap();
        holder
            .execute("CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            .await
            .unwrap();
        sqlx::any::install_default_drivers();
        let mut other = sqlx::AnyConnection::connect(&url).await.unwrap();
        other.execute("PRAGMA busy_timeout = 0").await.unwrap();
        let e = other
            .execute("INSERT INTO t VALUES (2)")
            .await
            .expect_err("the database is locked");
        assert!(
            matches!(StoreError::from(e), StoreError::Unavailable(_)),
            "a lock is a 503, not a 500"
        );
        holder.execute("COMMIT").await.unwrap();
    }
}
