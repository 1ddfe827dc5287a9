//! Activity events (table `activity_events`): appended in batches by the
//! write-behind writer, read per account (and profile), swept after the
//! tenant's retention.
//!
//! Must never: run a query that is not scoped by tenant.

use sqlx::{AnyConnection, Row};

use crate::store::StoreError;

/// One event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub account_id: String,
    /// Empty when the event names no profile.
    pub profile_id: String,
    pub device_id: String,
    pub name: String,
    pub key: String,
    pub value: String,
    /// When it happened (the client's timestamp, else when it arrived).
    pub at: i64,
    /// JSON object text.
    pub metadata: String,
    pub received: i64,
}

const COLUMNS: &str =
    "id, account_id, profile_id, device_id, name, event_key, value, at, metadata, received";
const BATCH: usize = 500;

/// Appends `events` of one tenant.
pub async fn insert(
    conn: &mut AnyConnection,
    tenant: &str,
    events: &[Event],
) -> Result<(), StoreError> {
    for chunk in events.chunks(BATCH) {
        let mut sql = format!("INSERT INTO activity_events (tenant_id, {COLUMNS}) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 10 + 1;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "($1, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10
            ));
        }
        sql.push_str(" ON CONFLICT (tenant_id, id) DO NOTHING");
        let mut q = sqlx::query(&sql).bind(tenant);
        for e in chunk {
            q = q
                .bind(&e.id)
                .bind(&e.account_id)
                .bind(&e.profile_id)
                .bind(&e.device_id)
                .bind(&e.name)
                .bind(&e.key)
                .bind(&e.value)
                .bind(e.at)
                .bind(&e.metadata)
                .bind(e.received);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One page of an account's events (one profile's with `profile`), of one
/// name if given, newest first; and how many there are.
#[allow(clippy::too_many_arguments)]
pub async fn page(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    profile: Option<&str>,
    name: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Event>, u64), StoreError> {
    const WHERE: &str = "tenant_id = $1 AND account_id = $2 AND ($3 = 1 OR profile_id = $4) \
                         AND ($5 = 1 OR name = $6)";
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM activity_events WHERE {WHERE} ORDER BY at DESC, id LIMIT $7 OFFSET $8"
    ))
    .bind(tenant)
    .bind(account)
    .bind(i64::from(profile.is_none()))
    .bind(profile.unwrap_or_default())
    .bind(i64::from(name.is_none()))
    .bind(name.unwrap_or_default())
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) FROM activity_events WHERE {WHERE}"
    ))
    .bind(tenant)
    .bind(account)
    .bind(i64::from(profile.is_none()))
    .bind(profile.unwrap_or_default())
    .bind(i64::from(name.is_none()))
    .bind(name.unwrap_or_default())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let events = rows
        .iter()
        .map(|r| {
            Ok(Event {
                id: r.try_get("id")?,
                account_id: r.try_get("account_id")?,
                profile_id: r.try_get("profile_id")?,
                device_id: r.try_get("device_id")?,
                name: r.try_get("name")?,
                key: r.try_get("event_key")?,
                value: r.try_get("value")?,
                at: r.try_get("at")?,
                metadata: r.try_get("metadata")?,
                received: r.try_get("received")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((events, total as u64))
}

/// Removes every event of one profile (the profile is being deleted).
pub async fn delete_profile(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    profile: &str,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "DELETE FROM activity_events WHERE tenant_id = $1 AND account_id = $2 AND profile_id = $3",
    )
    .bind(tenant)
    .bind(account)
    .bind(profile)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Removes a tenant's events received before `before`.
pub async fn sweep(conn: &mut AnyConnection, tenant: &str, before: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM activity_events WHERE tenant_id = $1 AND received < $2")
        .bind(tenant)
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
