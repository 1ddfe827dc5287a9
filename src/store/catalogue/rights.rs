//! The playback rights the catalogue's records imply, written in the
//! ingest's transaction: product rows, the contents and channels a record's
//! technicals make playable, which product grants what, and PPV events.
//! The playback snapshot reads these tables (`store/playback`).

use sqlx::{AnyConnection, Row};

use super::{json_list, Channel, Content, PpvEvent, Product};
use crate::core::status::GrantTarget;
use crate::store::{flag, StoreError};

/// Writes a product row, replacing the one of the same id.
pub async fn put_product(
    conn: &mut AnyConnection,
    p: &Product,
    now: i64,
) -> Result<(), StoreError> {
    let kind = p
        .product_type
        .ok_or_else(|| StoreError::Conflict("product type is required".into()))?;
    sqlx::query(
        "INSERT INTO products (tenant_id, id, name, product_type, device_classes, \
         usage_rules_profile_id, start_validity, end_validity, rental_period_s, play_period_s, \
         max_plays, d2go_allowed, storage_duration_s, storage_start_period_s, start_purchase, \
         end_purchase, price, created, modified) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, \
         product_type = excluded.product_type, device_classes = excluded.device_classes, \
         usage_rules_profile_id = excluded.usage_rules_profile_id, \
         start_validity = excluded.start_validity, end_validity = excluded.end_validity, \
         rental_period_s = excluded.rental_period_s, play_period_s = excluded.play_period_s, \
         max_plays = excluded.max_plays, d2go_allowed = excluded.d2go_allowed, \
         storage_duration_s = excluded.storage_duration_s, \
         storage_start_period_s = excluded.storage_start_period_s, \
         start_purchase = excluded.start_purchase, end_purchase = excluded.end_purchase, \
         price = excluded.price, modified = excluded.modified",
    )
    .bind(&p.tenant_id)
    .bind(&p.id)
    .bind(&p.name)
    .bind(kind.as_str())
    .bind(json_list(&p.device_classes))
    .bind(p.usage_rules_profile_id.as_deref())
    .bind(p.start_validity)
    .bind(p.end_validity)
    .bind(p.rental_period_s)
    .bind(p.play_period_s)
    .bind(p.max_plays)
    .bind(flag(p.d2go_allowed))
    .bind(p.storage_duration_s)
    .bind(p.storage_start_period_s)
    .bind(p.start_purchase)
    .bind(p.end_purchase)
    .bind(if p.price.is_null() {
        "{}".to_owned()
    } else {
        p.price.to_string()
    })
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Why a product cannot be deleted now: entitlements hold it, or records
/// still name it. `None`: it can go.
pub async fn product_in_use(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<Option<&'static str>, StoreError> {
    let held: i64 =
        sqlx::query("SELECT COUNT(*) FROM entitlements WHERE tenant_id = $1 AND product_id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    if held > 0 {
        return Ok(Some("accounts are entitled to it"));
    }
    let granted: i64 =
        sqlx::query("SELECT COUNT(*) FROM product_grants WHERE tenant_id = $1 AND product_id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    let events: i64 =
        sqlx::query("SELECT COUNT(*) FROM ppv_events WHERE tenant_id = $1 AND product_id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
    Ok((granted + events > 0).then_some("records still name it in productRefs"))
}

pub async fn delete_product(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM products WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes `products` the exact set that grants `target`.
pub async fn set_grants(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: GrantTarget,
    target: &str,
    products: &[String],
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM product_grants WHERE tenant_id = $1 AND target_kind = $2 AND target_id = $3",
    )
    .bind(tenant)
    .bind(kind.as_str())
    .bind(target)
    .execute(&mut *conn)
    .await?;
    for p in products {
        sqlx::query(
            "INSERT INTO product_grants (tenant_id, product_id, target_kind, target_id) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(tenant)
        .bind(p)
        .bind(kind.as_str())
        .bind(target)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Which table a technical lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Playable {
    Contents,
    Channels,
}

impl Playable {
    fn table(self) -> &'static str {
        match self {
            Playable::Contents => "contents",
            Playable::Channels => "channels",
        }
    }
}

/// The rows of `table` whose id or DRM id is one of `ids`, as (id, DRM id,
/// editorial id): who already holds a technical or DRM id.
pub async fn holders(
    conn: &mut AnyConnection,
    tenant: &str,
    table: Playable,
    ids: &[&str],
) -> Result<Vec<(String, String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(400) {
        let list = bound_list(chunk.len(), 1);
        // ids are bound, never spliced; the table name is one of two constants.
        let sql = format!(
            "SELECT id, COALESCE(drm_id, id) AS drm, editorial_id FROM {} \
             WHERE tenant_id = $1 AND (id IN {list} OR drm_id IN {list})",
            table.table()
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(tenant);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
        }
    }
    Ok(out)
}

/// The ids of the rows of `table` an editorial (or service) owns.
pub async fn owned(
    conn: &mut AnyConnection,
    tenant: &str,
    table: Playable,
    editorial: &str,
) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT id FROM {} WHERE tenant_id = $1 AND editorial_id = $2",
        table.table()
    );
    let rows = sqlx::query(&sql)
        .bind(tenant)
        .bind(editorial)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok(r.try_get::<String, _>(0)?))
        .collect()
}

pub async fn delete_playable(
    conn: &mut AnyConnection,
    tenant: &str,
    table: Playable,
    id: &str,
) -> Result<(), StoreError> {
    let grant = match table {
        Playable::Contents => GrantTarget::Content,
        Playable::Channels => GrantTarget::Channel,
    };
    set_grants(conn, tenant, grant, id, &[]).await?;
    if table == Playable::Channels {
        sqlx::query("DELETE FROM ppv_events WHERE tenant_id = $1 AND channel_id = $2")
            .bind(tenant)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let sql = format!(
        "DELETE FROM {} WHERE tenant_id = $1 AND id = $2",
        table.table()
    );
    sqlx::query(&sql)
        .bind(tenant)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Writes a channel row, replacing the one of the same id.
pub async fn put_channel(
    conn: &mut AnyConnection,
    c: &Channel,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO channels (tenant_id, id, editorial_id, drm_id, name, tv_channel, \
         protection_mandatory, in_home_only, block_if_off_net, rating_code, playback_url, \
         cdn_token_required, cdn_id, created, modified, \
         block_vpn, filtering_list, filtering_is_allow, blocking_list) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, $16, $17, $18) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET editorial_id = excluded.editorial_id, \
         drm_id = excluded.drm_id, name = excluded.name, tv_channel = excluded.tv_channel, \
         protection_mandatory = excluded.protection_mandatory, \
         in_home_only = excluded.in_home_only, block_if_off_net = excluded.block_if_off_net, \
         rating_code = excluded.rating_code, playback_url = excluded.playback_url, \
         cdn_token_required = excluded.cdn_token_required, cdn_id = excluded.cdn_id, \
         modified = excluded.modified, block_vpn = excluded.block_vpn, \
         filtering_list = excluded.filtering_list, \
         filtering_is_allow = excluded.filtering_is_allow, blocking_list = excluded.blocking_list",
    )
    .bind(&c.tenant_id)
    .bind(&c.id)
    .bind(&c.editorial_id)
    .bind(c.drm_id.as_deref())
    .bind(&c.name)
    .bind(c.tv_channel)
    .bind(flag(c.protection_mandatory))
    .bind(flag(c.in_home_only))
    .bind(flag(c.block_if_off_net))
    .bind(c.rating_code.as_deref())
    .bind(c.playback_url.as_deref())
    .bind(flag(c.cdn_token_required))
    .bind(c.cdn_id.as_deref())
    .bind(now)
    .bind(flag(c.location.block_vpn))
    .bind(json_list(&c.location.filtering_list))
    .bind(flag(c.location.filtering_is_allow))
    .bind(json_list(&c.location.blocking_list))
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a PPV event, replacing the one of the same id.
pub async fn put_ppv_event(conn: &mut AnyConnection, e: &PpvEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO ppv_events (tenant_id, id, channel_id, product_id, title, start_at, end_at, \
         created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET channel_id = excluded.channel_id, \
         product_id = excluded.product_id, title = excluded.title, start_at = excluded.start_at, \
         end_at = excluded.end_at, modified = excluded.modified",
    )
    .bind(&e.tenant_id)
    .bind(&e.id)
    .bind(&e.channel_id)
    .bind(&e.product_id)
    .bind(&e.title)
    .bind(e.start_at)
    .bind(e.end_at)
    .bind(e.created)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_ppv_event(
    conn: &mut AnyConnection,
    tenant: &str,
    id: &str,
) -> Result<(), StoreError> {
    set_grants(conn, tenant, GrantTarget::Event, id, &[]).await?;
    sqlx::query("DELETE FROM ppv_events WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes the PPV events (and their grants) of `ids`, where there are any.
pub async fn delete_ppv_events(
    conn: &mut AnyConnection,
    tenant: &str,
    ids: &[&str],
) -> Result<(), StoreError> {
    for chunk in ids.chunks(400) {
        let list = bound_list(chunk.len(), 1);
        for sql in [
            format!(
                "DELETE FROM product_grants WHERE tenant_id = $1 AND target_kind = 'EVENT' \
                 AND target_id IN {list}"
            ),
            format!("DELETE FROM ppv_events WHERE tenant_id = $1 AND id IN {list}"),
        ] {
            let mut q = sqlx::query(&sql).persistent(false).bind(tenant);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// `($o+1, ..., $o+n)`: a list of `n` bound values to test `IN`. Queries
/// with such lists run unprepared (`persistent(false)`): PostgreSQL's
/// generic plan for a prepared statement reads the list as a filter over
/// every row the rest of the condition finds (a tenant's whole table),
/// where a plan made for the values looks each one up in the index.
pub(crate) fn bound_list(n: usize, offset: usize) -> String {
    let items: Vec<String> = (1..=n).map(|i| format!("${}", offset + i)).collect();
    format!("({})", items.join(", "))
}

/// `($o+1, ..., $o+cols), (...)` for `rows` rows of `cols` bound values.
fn values(rows: usize, cols: usize, offset: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=cols)
                .map(|c| format!("${}", offset + r * cols + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows of `table` the `owners` (editorials or services) own, as
/// (id, owner).
pub async fn owned_by(
    conn: &mut AnyConnection,
    tenant: &str,
    table: Playable,
    owners: &[&str],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut out = Vec::new();
    for chunk in owners.chunks(500) {
        let sql = format!(
            "SELECT id, editorial_id FROM {} WHERE tenant_id = $1 AND editorial_id IN {}",
            table.table(),
            bound_list(chunk.len(), 1)
        );
        let mut q = sqlx::query(&sql).persistent(false).bind(tenant);
        for o in chunk {
            q = q.bind(*o);
        }
        for r in q.fetch_all(&mut *conn).await? {
            out.push((r.try_get(0)?, r.try_get(1)?));
        }
    }
    Ok(out)
}

/// Makes each target's grants exactly its products, for many targets of
/// one kind: one delete and multi-row inserts.
pub async fn replace_grants(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: GrantTarget,
    targets: &[(&str, &[String])],
) -> Result<(), StoreError> {
    for chunk in targets.chunks(500) {
        let sql = format!(
            "DELETE FROM product_grants WHERE tenant_id = $1 AND target_kind = $2 AND target_id IN {}",
            bound_list(chunk.len(), 2)
        );
        let mut q = sqlx::query(&sql)
            .persistent(false)
            .bind(tenant)
            .bind(kind.as_str());
        for (t, _) in chunk {
            q = q.bind(*t);
        }
        q.execute(&mut *conn).await?;
    }
    let pairs: Vec<(&str, &str)> = targets
        .iter()
        .flat_map(|(t, ps)| ps.iter().map(move |p| (*t, p.as_str())))
        .collect();
    for chunk in pairs.chunks(500) {
        let sql = format!(
            "INSERT INTO product_grants (tenant_id, target_kind, target_id, product_id) VALUES {} \
             ON CONFLICT DO NOTHING",
            values(chunk.len(), 4, 0)
        );
        let mut q = sqlx::query(&sql);
        for (t, p) in chunk {
            q = q.bind(tenant).bind(kind.as_str()).bind(*t).bind(*p);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

const CONTENT_COLUMNS: &str =
    "tenant_id, id, editorial_id, drm_id, title, duration_s, rating_code, \
     start_at, end_at, technical_start_at, technical_end_at, in_home_only, block_if_off_net, \
     playback_url, cdn_token_required, cdn_id, created, modified, block_vpn, filtering_list, \
     filtering_is_allow, blocking_list";

/// Writes VOD content rows, replacing those of the same ids, many a statement.
pub async fn put_contents(
    conn: &mut AnyConnection,
    rows: &[Content],
    now: i64,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(100) {
        let sql = format!(
            "INSERT INTO contents ({CONTENT_COLUMNS}) VALUES {} \
             ON CONFLICT (tenant_id, id) DO UPDATE SET editorial_id = excluded.editorial_id, \
             drm_id = excluded.drm_id, title = excluded.title, duration_s = excluded.duration_s, \
             rating_code = excluded.rating_code, start_at = excluded.start_at, \
             end_at = excluded.end_at, technical_start_at = excluded.technical_start_at, \
             technical_end_at = excluded.technical_end_at, in_home_only = excluded.in_home_only, \
             block_if_off_net = excluded.block_if_off_net, playback_url = excluded.playback_url, \
             cdn_token_required = excluded.cdn_token_required, cdn_id = excluded.cdn_id, \
             modified = excluded.modified, block_vpn = excluded.block_vpn, \
             filtering_list = excluded.filtering_list, \
             filtering_is_allow = excluded.filtering_is_allow, blocking_list = excluded.blocking_list",
            values(chunk.len(), 22, 0)
        );
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q
                .bind(&c.tenant_id)
                .bind(&c.id)
                .bind(&c.editorial_id)
                .bind(&c.drm_id)
                .bind(&c.title)
                .bind(c.duration_s)
                .bind(c.rating_code.as_deref())
                .bind(c.start_at)
                .bind(c.end_at)
                .bind(c.technical_start_at)
                .bind(c.technical_end_at)
                .bind(flag(c.in_home_only))
                .bind(flag(c.block_if_off_net))
                .bind(c.playback_url.as_deref())
                .bind(flag(c.cdn_token_required))
                .bind(c.cdn_id.as_deref())
                .bind(now)
                .bind(now)
                .bind(flag(c.location.block_vpn))
                .bind(json_list(&c.location.filtering_list))
                .bind(flag(c.location.filtering_is_allow))
                .bind(json_list(&c.location.blocking_list));
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
