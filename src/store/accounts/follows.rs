//! CCP users (table `ccp_users`): the people one user profile follows, a
//! row per profile holding the person ids in the client's order.
//!
//! Must never: run a query that is not scoped by tenant, or write a row
//! for a profile of another account than the one named.

use sqlx::{AnyConnection, Executor, Row};

use crate::core::query::resources::ccp_user;
use crate::core::query::{Page, Query};
use crate::store::sql::{self, Table};
use crate::store::{Dialect, StoreError};

/// One profile's follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CcpUser {
    pub account_id: String,
    pub user_id: String,
    /// Person ids, in the order the client gave them.
    pub followed: Vec<String>,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str = "user_id, account_id, followed, created, modified";

/// The table as the query language reads it (fields of [`ccp_user::SCHEMA`]).
pub const TABLE: Table = Table {
    name: "ccp_users",
    select: COLUMNS,
    columns: &[
        Some("user_id"),
        Some("account_id"),
        Some("created"),
        Some("modified"),
    ],
};

fn from_row(r: &sqlx::any::AnyRow) -> Result<CcpUser, StoreError> {
    let followed: String = r.try_get("followed")?;
    Ok(CcpUser {
        user_id: r.try_get("user_id")?,
        account_id: r.try_get("account_id")?,
        followed: serde_json::from_str(&followed)
            .map_err(|e| StoreError::Corrupt(format!("ccp_users.followed: {e}")))?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

/// The follows of one profile of one account.
pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
    user: &str,
) -> Result<Option<CcpUser>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM ccp_users WHERE tenant_id = $1 AND account_id = $2 AND user_id = $3"
    ))
    .bind(tenant)
    .bind(account)
    .bind(user)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Writes a profile's whole list (creating the row, or replacing the list
/// and keeping `created`). The caller has checked the profile belongs to
/// `u.account_id`.
pub async fn put(conn: &mut AnyConnection, tenant: &str, u: &CcpUser) -> Result<(), StoreError> {
    let followed = serde_json::to_string(&u.followed)
        .map_err(|e| StoreError::Corrupt(format!("ccp_users.followed: {e}")))?;
    sqlx::query(
        "INSERT INTO ccp_users (tenant_id, user_id, account_id, followed, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, user_id) DO UPDATE SET \
         followed = excluded.followed, modified = excluded.modified",
    )
    .bind(tenant)
    .bind(&u.user_id)
    .bind(&u.account_id)
    .bind(followed)
    .bind(u.created)
    .bind(u.modified)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a profile's row; false if there was none.
pub async fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    user: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM ccp_users WHERE tenant_id = $1 AND account_id = $2 AND user_id = $3",
    )
    .bind(tenant)
    .bind(account)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One page of a tenant's rows that `query` selects.
pub async fn list(
    conn: &mut AnyConnection,
    dialect: Dialect,
    tenant: &str,
    query: &Query,
) -> Result<Page<CcpUser>, StoreError> {
    sql::list(
        conn,
        dialect,
        &TABLE,
        &ccp_user::SCHEMA,
        tenant,
        query,
        from_row,
    )
    .await
}
