//! The catalogue's records (table `catalogue_records`): written by ingest
//! with the change id of their batch, read whole at start, by change id as
//! the feed advances, by modification time for the changes list, and in
//! kind order for export. Tenant-scoped, like every query here.

use futures_util::TryStreamExt;
use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// One stored record (a tombstone has `deleted` and an empty body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub kind: String,
    pub id: String,
    pub body: String,
    pub deleted: bool,
    pub modified: i64,
}

/// Writes (or rewrites) records of one kind under change `change_id`, many
/// rows per statement.
pub async fn put_many(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: &str,
    records: &[(&str, String)],
    change_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    // 2 bound values a row, 200 rows: well inside both stores' limits.
    for chunk in records.chunks(200) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 2 + 5;
                format!("($1, $2, ${b}, ${}, 0, $3, $4)", b + 1)
            })
            .collect();
        let sql = format!(
            "INSERT INTO catalogue_records (tenant_id, kind, id, body, deleted, change_id, modified) \
             VALUES {} ON CONFLICT (tenant_id, kind, id) DO UPDATE SET body = excluded.body, \
             deleted = 0, change_id = excluded.change_id, modified = excluded.modified",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql)
            .bind(tenant)
            .bind(kind)
            .bind(change_id)
            .bind(now);
        for (id, body) in chunk {
            q = q.bind(*id).bind(body.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Turns a live record into a tombstone. False if there was none.
pub async fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: &str,
    id: &str,
    change_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE catalogue_records SET deleted = 1, body = '', change_id = $4, modified = $5 \
         WHERE tenant_id = $1 AND kind = $2 AND id = $3 AND deleted = 0",
    )
    .bind(tenant)
    .bind(kind)
    .bind(id)
    .bind(change_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A live record's body.
pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    kind: &str,
    id: &str,
) -> Result<Option<String>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT body FROM catalogue_records \
         WHERE tenant_id = $1 AND kind = $2 AND id = $3 AND deleted = 0",
    )
    .bind(tenant)
    .bind(kind)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Which of `ids` name a live record of `kind` (in no particular order).
pub async fn live_ids(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: &str,
    ids: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut live = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let sql = format!(
            "SELECT id FROM catalogue_records WHERE tenant_id = $1 AND kind = $2 \
             AND deleted = 0 AND id IN ({})",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(tenant).bind(kind);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for r in q.fetch_all(&mut *conn).await? {
            live.push(r.try_get(0)?);
        }
    }
    Ok(live)
}

fn stored(r: &sqlx::any::AnyRow) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        kind: r.try_get("kind")?,
        id: r.try_get("id")?,
        body: r.try_get("body")?,
        deleted: crate::store::flag_of(r, "deleted")?,
        modified: r.try_get("modified")?,
    })
}

/// Every live record of a tenant, streamed to `each` (kind, then id order).
pub async fn for_each_live<'c, E>(
    executor: E,
    tenant: &str,
    mut each: impl FnMut(StoredRecord),
) -> Result<(), StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let mut rows = sqlx::query(
        "SELECT kind, id, body, deleted, modified FROM catalogue_records \
         WHERE tenant_id = $1 AND deleted = 0 ORDER BY kind, id",
    )
    .bind(tenant)
    .fetch(executor);
    while let Some(r) = rows.try_next().await? {
        each(stored(&r)?);
    }
    Ok(())
}

/// The records (tombstones included) written by changes `after < id <= upto`.
pub async fn changed<'c, E>(
    executor: E,
    tenant: &str,
    after: i64,
    upto: i64,
) -> Result<Vec<StoredRecord>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT kind, id, body, deleted, modified FROM catalogue_records \
         WHERE tenant_id = $1 AND change_id > $2 AND change_id <= $3",
    )
    .bind(tenant)
    .bind(after)
    .bind(upto)
    .fetch_all(executor)
    .await?;
    rows.iter().map(stored).collect()
}

/// One page of what changed since `since` (epoch seconds), oldest first,
/// of the kinds listed: (total, page).
pub async fn since<'c, E>(
    executor: E,
    tenant: &str,
    kinds: &[&str],
    since: i64,
    limit: i64,
    offset: i64,
) -> Result<(i64, Vec<StoredRecord>), StoreError>
where
    E: Executor<'c, Database = sqlx::Any> + Copy,
{
    let list: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
    let kinds_sql = list.join(", ");
    let count_sql = format!(
        "SELECT COUNT(*) FROM catalogue_records WHERE tenant_id = $1 AND modified >= $2 \
         AND kind IN ({kinds_sql})"
    );
    let mut q = sqlx::query(&count_sql).bind(tenant).bind(since);
    for k in kinds {
        q = q.bind(*k);
    }
    let total: i64 = q.fetch_one(executor).await?.try_get(0)?;
    let n = kinds.len();
    let page_sql = format!(
        "SELECT kind, id, '' AS body, deleted, modified FROM catalogue_records \
         WHERE tenant_id = $1 AND modified >= $2 AND kind IN ({kinds_sql}) \
         ORDER BY modified, change_id, kind, id LIMIT ${} OFFSET ${}",
        n + 3,
        n + 4
    );
    let mut q = sqlx::query(&page_sql).bind(tenant).bind(since);
    for k in kinds {
        q = q.bind(*k);
    }
    let rows = q.bind(limit).bind(offset).fetch_all(executor).await?;
    Ok((total, rows.iter().map(stored).collect::<Result<_, _>>()?))
}
