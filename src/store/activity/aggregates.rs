//! Per-content aggregates the activity context keeps beside its records:
//! rating totals and counts (`activity_averages`) and view counts
//! (`activity_view_counts`), each with the time it last changed.
//!
//! Must never: run a query that is not scoped by tenant.

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// One content's aggregate: (content id, total or count, count, modified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    pub content_id: String,
    /// Ratings: their sum; views: unused (0).
    pub total: i64,
    pub count: i64,
    pub modified: i64,
}

/// Adds `total_delta` and `count_delta` to a content's ratings.
pub async fn add_rating(
    conn: &mut AnyConnection,
    tenant: &str,
    content: &str,
    total_delta: i64,
    count_delta: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO activity_averages (tenant_id, content_id, total, count, modified) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, content_id) DO UPDATE SET \
         total = activity_averages.total + excluded.total, \
         count = activity_averages.count + excluded.count, modified = excluded.modified",
    )
    .bind(tenant)
    .bind(content)
    .bind(total_delta)
    .bind(count_delta)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds `views` to a content's view count.
pub async fn add_views(
    conn: &mut AnyConnection,
    tenant: &str,
    content: &str,
    views: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO activity_view_counts (tenant_id, content_id, count, modified) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, content_id) DO UPDATE SET \
         count = activity_view_counts.count + excluded.count, modified = excluded.modified",
    )
    .bind(tenant)
    .bind(content)
    .bind(views)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow, ratings: bool) -> Result<Aggregate, StoreError> {
    Ok(Aggregate {
        content_id: r.try_get("content_id")?,
        total: if ratings { r.try_get("total")? } else { 0 },
        count: r.try_get("count")?,
        modified: r.try_get("modified")?,
    })
}

/// A content's ratings, if it has any.
pub async fn rating<'c, E>(
    executor: E,
    tenant: &str,
    content: &str,
) -> Result<Option<Aggregate>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT content_id, total, count, modified FROM activity_averages \
         WHERE tenant_id = $1 AND content_id = $2 AND count > 0",
    )
    .bind(tenant)
    .bind(content)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(|r| from_row(r, true)).transpose()
}

/// Ratings (`ratings`) or view counts changed at or after `since`, oldest
/// change first, at most `limit` after `offset`.
pub async fn changed_since<'c, E>(
    executor: E,
    tenant: &str,
    ratings: bool,
    since: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Aggregate>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let sql = if ratings {
        "SELECT content_id, total, count, modified FROM activity_averages \
         WHERE tenant_id = $1 AND modified >= $2 AND count > 0 \
         ORDER BY modified, content_id LIMIT $3 OFFSET $4"
    } else {
        "SELECT content_id, count, modified FROM activity_view_counts \
         WHERE tenant_id = $1 AND modified >= $2 ORDER BY modified, content_id LIMIT $3 OFFSET $4"
    };
    let rows = sqlx::query(sql)
        .bind(tenant)
        .bind(since)
        .bind(limit)
        .bind(offset)
        .fetch_all(executor)
        .await?;
    rows.iter().map(|r| from_row(r, ratings)).collect()
}
