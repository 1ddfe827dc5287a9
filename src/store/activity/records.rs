//! The collection engine's records (table `activity_records`): one row per
//! record of any kind, keyed by tenant, account, profile ('' for the
//! account's own), kind, list ('' when not an entry) and item. Reads leave
//! out expired rows; [`sweep`] removes them.
//!
//! Must never: run a query that is not scoped by tenant, or let an upsert
//! move a record to another account, profile or kind.

use serde_json::{Map, Value};
use sqlx::{AnyConnection, Executor, Row};

use crate::core::activity::{KindId, Record, Scope};
use crate::store::{Dialect, StoreError};

const COLUMNS: &str =
    "account_id, profile_id, kind, parent_id, item_id, body, created, modified, expires";
/// Rows one multi-row statement writes at most (10 parameters each).
pub const MAX_BATCH: usize = 500;

/// The order of a page of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// By item id (OPF's default, `contentId`).
    Item,
    ModifiedAsc,
    ModifiedDesc,
    /// Oldest first (a playlist's or a list's entries).
    CreatedAsc,
}

impl Order {
    fn sql(self) -> &'static str {
        match self {
            Order::Item => "item_id ASC",
            Order::ModifiedAsc => "modified ASC, item_id ASC",
            Order::ModifiedDesc => "modified DESC, item_id ASC",
            Order::CreatedAsc => "created ASC, item_id ASC",
        }
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Record, StoreError> {
    let kind: String = r.try_get("kind")?;
    let body: String = r.try_get("body")?;
    Ok(Record {
        kind: KindId::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("activity_records.kind {kind:?}")))?,
        scope: Scope {
            account: r.try_get("account_id")?,
            profile: r.try_get("profile_id")?,
        },
        parent: r.try_get("parent_id")?,
        item: r.try_get("item_id")?,
        body: serde_json::from_str::<Map<String, Value>>(&body)
            .map_err(|e| StoreError::Corrupt(format!("activity_records.body: {e}")))?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
        expires: r.try_get("expires")?,
    })
}

fn body_text(r: &Record) -> String {
    Value::Object(r.body.clone()).to_string()
}

/// Writes `records` (each key at most once), creating or replacing each;
/// a replaced record keeps its `created` unless it had expired.
pub async fn upsert(
    conn: &mut AnyConnection,
    tenant: &str,
    records: &[Record],
) -> Result<(), StoreError> {
    for chunk in records.chunks(MAX_BATCH) {
        let mut sql = String::from(
            "INSERT INTO activity_records (tenant_id, account_id, profile_id, kind, parent_id, \
             item_id, body, created, modified, expires) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 9 + 1;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "($1, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        sql.push_str(
            " ON CONFLICT (tenant_id, account_id, profile_id, kind, parent_id, item_id) DO UPDATE \
             SET body = excluded.body, modified = excluded.modified, expires = excluded.expires, \
             created = CASE WHEN activity_records.expires <= excluded.modified \
             THEN excluded.created ELSE activity_records.created END",
        );
        let mut q = sqlx::query(&sql).bind(tenant);
        for r in chunk {
            q = q
                .bind(&r.scope.account)
                .bind(&r.scope.profile)
                .bind(r.kind.as_str())
                .bind(&r.parent)
                .bind(&r.item)
                .bind(body_text(r))
                .bind(r.created)
                .bind(r.modified)
                .bind(r.expires);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes `r` if its key is free (or holds an expired record); false if a
/// live record holds it.
pub async fn insert_new(
    conn: &mut AnyConnection,
    tenant: &str,
    r: &Record,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO activity_records (tenant_id, account_id, profile_id, kind, parent_id, \
         item_id, body, created, modified, expires) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (tenant_id, account_id, profile_id, kind, parent_id, item_id) DO UPDATE \
         SET body = excluded.body, created = excluded.created, modified = excluded.modified, \
         expires = excluded.expires WHERE activity_records.expires <= excluded.modified",
    )
    .bind(tenant)
    .bind(&r.scope.account)
    .bind(&r.scope.profile)
    .bind(r.kind.as_str())
    .bind(&r.parent)
    .bind(&r.item)
    .bind(body_text(r))
    .bind(r.created)
    .bind(r.modified)
    .bind(r.expires)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// One live record.
pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    kind: KindId,
    scope: &Scope,
    parent: &str,
    item: &str,
    now: i64,
) -> Result<Option<Record>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND profile_id = $3 AND kind = $4 AND parent_id = $5 AND item_id = $6 AND expires > $7"
    ))
    .bind(tenant)
    .bind(&scope.account)
    .bind(&scope.profile)
    .bind(kind.as_str())
    .bind(parent)
    .bind(item)
    .bind(now)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// One record, live or expired (not yet swept).
pub async fn get_any<'c, E>(
    executor: E,
    tenant: &str,
    kind: KindId,
    scope: &Scope,
    parent: &str,
    item: &str,
) -> Result<Option<Record>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND profile_id = $3 AND kind = $4 AND parent_id = $5 AND item_id = $6"
    ))
    .bind(tenant)
    .bind(&scope.account)
    .bind(&scope.profile)
    .bind(kind.as_str())
    .bind(parent)
    .bind(item)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Up to `max` of a tenant's ratings that expired by `now`.
pub async fn expired_ratings(
    conn: &mut AnyConnection,
    tenant: &str,
    now: i64,
    max: i64,
) -> Result<Vec<Record>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE tenant_id = $1 AND kind = 'rating' \
         AND expires <= $2 LIMIT $3"
    ))
    .bind(tenant)
    .bind(now)
    .bind(max)
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One page of a scope's live records of `kind` (in list `parent`), and
/// how many there are.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: KindId,
    scope: &Scope,
    parent: &str,
    now: i64,
    order: Order,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Record>, u64), StoreError> {
    const WHERE: &str = "tenant_id = $1 AND account_id = $2 AND profile_id = $3 AND kind = $4 \
                         AND parent_id = $5 AND expires > $6";
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE {WHERE} ORDER BY {} LIMIT $7 OFFSET $8",
        order.sql()
    ))
    .bind(tenant)
    .bind(&scope.account)
    .bind(&scope.profile)
    .bind(kind.as_str())
    .bind(parent)
    .bind(now)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let records = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let total = if offset == 0 && (records.len() as i64) < limit {
        records.len() as u64
    } else {
        let n: i64 = sqlx::query(&format!(
            "SELECT COUNT(*) FROM activity_records WHERE {WHERE}"
        ))
        .bind(tenant)
        .bind(&scope.account)
        .bind(&scope.profile)
        .bind(kind.as_str())
        .bind(parent)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        n as u64
    };
    Ok((records, total))
}

/// Every live record of `kind` of an account: of one profile (or the
/// account's own, `Some("")`), or of the account and all its profiles
/// (`None`); of one list, or of every list (`parent` `None`).
pub async fn all<'c, E>(
    executor: E,
    tenant: &str,
    kind: KindId,
    account: &str,
    profile: Option<&str>,
    parent: Option<&str>,
    now: i64,
) -> Result<Vec<Record>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND kind = $3 AND expires > $4 AND ($5 = 1 OR profile_id = $6) \
         AND ($7 = 1 OR parent_id = $8) ORDER BY profile_id, parent_id, item_id"
    ))
    .bind(tenant)
    .bind(account)
    .bind(kind.as_str())
    .bind(now)
    .bind(i64::from(profile.is_none()))
    .bind(profile.unwrap_or_default())
    .bind(i64::from(parent.is_none()))
    .bind(parent.unwrap_or_default())
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Every live rating of one content, across the tenant's accounts (read
/// through the partial index of ratings).
pub async fn ratings_of<'c, E>(
    executor: E,
    tenant: &str,
    item: &str,
    now: i64,
) -> Result<Vec<Record>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_records WHERE tenant_id = $1 AND kind = 'rating' \
         AND item_id = $2 AND expires > $3 ORDER BY account_id, profile_id LIMIT 10000"
    ))
    .bind(tenant)
    .bind(item)
    .bind(now)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Removes records of `kind` of an account by key: of one profile (or
/// `None`: of the account and every profile), of one list (or `None`: any),
/// of one item (or `None`: every item). Returns how many live ones went.
#[allow(clippy::too_many_arguments)]
pub async fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: KindId,
    account: &str,
    profile: Option<&str>,
    parent: Option<&str>,
    item: Option<&str>,
    now: i64,
) -> Result<u64, StoreError> {
    let live: i64 = sqlx::query(
        "SELECT COUNT(*) FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND kind = $3 AND ($4 = 1 OR profile_id = $5) AND ($6 = 1 OR parent_id = $7) \
         AND ($8 = 1 OR item_id = $9) AND expires > $10",
    )
    .bind(tenant)
    .bind(account)
    .bind(kind.as_str())
    .bind(i64::from(profile.is_none()))
    .bind(profile.unwrap_or_default())
    .bind(i64::from(parent.is_none()))
    .bind(parent.unwrap_or_default())
    .bind(i64::from(item.is_none()))
    .bind(item.unwrap_or_default())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    sqlx::query(
        "DELETE FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND kind = $3 AND ($4 = 1 OR profile_id = $5) AND ($6 = 1 OR parent_id = $7) \
         AND ($8 = 1 OR item_id = $9)",
    )
    .bind(tenant)
    .bind(account)
    .bind(kind.as_str())
    .bind(i64::from(profile.is_none()))
    .bind(profile.unwrap_or_default())
    .bind(i64::from(parent.is_none()))
    .bind(parent.unwrap_or_default())
    .bind(i64::from(item.is_none()))
    .bind(item.unwrap_or_default())
    .execute(&mut *conn)
    .await?;
    Ok(live as u64)
}

/// Removes these records (by key).
pub async fn delete_records(
    conn: &mut AnyConnection,
    tenant: &str,
    records: &[Record],
) -> Result<(), StoreError> {
    for r in records {
        sqlx::query(
            "DELETE FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
             AND profile_id = $3 AND kind = $4 AND parent_id = $5 AND item_id = $6",
        )
        .bind(tenant)
        .bind(&r.scope.account)
        .bind(&r.scope.profile)
        .bind(r.kind.as_str())
        .bind(&r.parent)
        .bind(&r.item)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many live records of `kind` a scope holds (in list `parent`).
pub async fn count(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: KindId,
    scope: &Scope,
    parent: &str,
    now: i64,
) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND profile_id = $3 AND kind = $4 AND parent_id = $5 AND expires > $6",
    )
    .bind(tenant)
    .bind(&scope.account)
    .bind(&scope.profile)
    .bind(kind.as_str())
    .bind(parent)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(n as u64)
}

/// Of `scopes`, those holding more than `limit` records of `kind` (list
/// `parent`), expired ones included (they still take room until swept).
///
/// One count per scope, each a lookup on the primary key's prefix: a join
/// of the scope list against the table is planned from statistics, and a
/// table that grew since its last `ANALYZE` was planned as a nested loop
/// over every row of the kind (1.9 s per 500 scopes, measured).
pub async fn over_limit(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: KindId,
    parent: &str,
    scopes: &[&Scope],
    limit: u32,
) -> Result<Vec<Scope>, StoreError> {
    let mut over = Vec::new();
    for chunk in scopes.chunks(MAX_BATCH) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${})", 5 + 2 * i, 6 + 2 * i))
            .collect();
        let sql = format!(
            "SELECT v.column1, v.column2 FROM (VALUES {}) v WHERE \
             (SELECT COUNT(*) FROM activity_records r WHERE r.tenant_id = $1 \
              AND r.account_id = v.column1 AND r.profile_id = v.column2 \
              AND r.kind = $2 AND r.parent_id = $3) > $4",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(tenant)
            .bind(kind.as_str())
            .bind(parent)
            .bind(i64::from(limit));
        for s in chunk {
            q = q.bind(&s.account).bind(&s.profile);
        }
        for r in q.fetch_all(&mut *conn).await? {
            over.push(Scope {
                account: r.try_get(0)?,
                profile: r.try_get(1)?,
            });
        }
    }
    Ok(over)
}

/// Keeps a scope's `keep` most recently modified records of `kind` (list
/// `parent`) and removes the rest; returns how many went.
pub async fn evict_oldest(
    conn: &mut AnyConnection,
    dialect: Dialect,
    tenant: &str,
    kind: KindId,
    scope: &Scope,
    parent: &str,
    keep: u32,
) -> Result<u64, StoreError> {
    let all = match dialect {
        Dialect::Sqlite => "-1",
        Dialect::Postgres => "ALL",
    };
    let done = sqlx::query(&format!(
        "DELETE FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
         AND profile_id = $3 AND kind = $4 AND parent_id = $5 AND item_id IN \
         (SELECT item_id FROM activity_records WHERE tenant_id = $1 AND account_id = $2 \
          AND profile_id = $3 AND kind = $4 AND parent_id = $5 \
          ORDER BY modified DESC, item_id DESC LIMIT {all} OFFSET $6)"
    ))
    .bind(tenant)
    .bind(&scope.account)
    .bind(&scope.profile)
    .bind(kind.as_str())
    .bind(parent)
    .bind(i64::from(keep))
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes up to about `max` of a tenant's records that expired by `now`;
/// returns how many went.
pub async fn sweep_expired(
    conn: &mut AnyConnection,
    tenant: &str,
    now: i64,
    max: i64,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM activity_records WHERE tenant_id = $1 AND expires <= $2 AND item_id IN \
         (SELECT item_id FROM activity_records WHERE tenant_id = $1 AND expires <= $2 LIMIT $3)",
    )
    .bind(tenant)
    .bind(now)
    .bind(max)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes a tenant's records of profiles that no longer exist (a
/// write-behind write that landed after its profile was deleted).
pub async fn sweep_orphans(conn: &mut AnyConnection, tenant: &str) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM activity_records WHERE tenant_id = $1 AND profile_id <> '' AND NOT EXISTS \
         (SELECT 1 FROM user_profiles p WHERE p.tenant_id = $1 \
          AND p.id = activity_records.profile_id AND p.account_id = activity_records.account_id)",
    )
    .bind(tenant)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes every record of one profile (the profile is being deleted).
pub async fn delete_profile(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    profile: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM activity_records WHERE tenant_id = $1 AND account_id = $2 AND profile_id = $3",
    )
    .bind(tenant)
    .bind(account)
    .bind(profile)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
