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
                if db.is_unique_violation() {
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

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Config(format!("migration: {e}"))
    }
}
