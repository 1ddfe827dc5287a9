//! Products, the content they grant, channels, VOD contents, PPV events and rating
//! classifications (tenant-scoped); the catalogue's records ([`records`]),
//! the rights rows ingest derives from them ([`rights`]) and the bytes of
//! its images ([`images`]).

pub mod images;
pub mod records;
pub mod rights;

use sqlx::{AnyConnection, Executor, Row};

use crate::core::status::ProductType;
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Product {
    pub tenant_id: String,
    pub id: String,
    pub name: String,
    pub product_type: Option<ProductType>,
    pub device_classes: Vec<String>,
    pub usage_rules_profile_id: Option<String>,
    pub start_validity: Option<i64>,
    pub end_validity: Option<i64>,
    pub rental_period_s: Option<i64>,
    pub play_period_s: Option<i64>,
    pub max_plays: Option<i64>,
    pub d2go_allowed: bool,
    pub storage_duration_s: Option<i64>,
    pub storage_start_period_s: Option<i64>,
    /// The window in which the Purchase Service sells it (`None`: open).
    pub start_purchase: Option<i64>,
    pub end_purchase: Option<i64>,
    /// `{amount, currency}`; `Null` is stored as `{}` (no price).
    pub price: serde_json::Value,
    pub created: i64,
}

pub async fn get_product<'c, E>(
    executor: E,
    tenant: &str,
    id: &str,
) -> Result<Option<(String, ProductType)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT id, product_type FROM products WHERE tenant_id = $1 AND id = $2")
        .bind(tenant)
        .bind(id)
        .fetch_optional(executor)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let t: String = r.try_get(1)?;
    let t =
        ProductType::parse(&t).ok_or_else(|| StoreError::Corrupt(format!("product type {t}")))?;
    Ok(Some((r.try_get(0)?, t)))
}

/// Every product of a tenant. A product type this build does not know is
/// `None`; device classes that are not a JSON array of strings are empty.
pub async fn products<'c, E>(executor: E, tenant: &str) -> Result<Vec<Product>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT tenant_id, id, name, product_type, device_classes, usage_rules_profile_id, \
         start_validity, end_validity, rental_period_s, play_period_s, max_plays, d2go_allowed, \
         storage_duration_s, storage_start_period_s, start_purchase, end_purchase, price, \
         created FROM products WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("product_type")?;
            let classes: String = r.try_get("device_classes")?;
            Ok(Product {
                tenant_id: r.try_get("tenant_id")?,
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                product_type: ProductType::parse(&kind),
                device_classes: serde_json::from_str(&classes).unwrap_or_default(),
                usage_rules_profile_id: r.try_get("usage_rules_profile_id")?,
                start_validity: r.try_get("start_validity")?,
                end_validity: r.try_get("end_validity")?,
                rental_period_s: r.try_get("rental_period_s")?,
                play_period_s: r.try_get("play_period_s")?,
                max_plays: r.try_get("max_plays")?,
                d2go_allowed: crate::store::flag_of(r, "d2go_allowed")?,
                storage_duration_s: r.try_get("storage_duration_s")?,
                storage_start_period_s: r.try_get("storage_start_period_s")?,
                start_purchase: r.try_get("start_purchase")?,
                end_purchase: r.try_get("end_purchase")?,
                price: serde_json::from_str(&r.try_get::<String, _>("price")?)
                    .unwrap_or(serde_json::Value::Null),
                created: r.try_get("created")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Channel {
    pub tenant_id: String,
    pub id: String,
    pub editorial_id: String,
    pub drm_id: Option<String>,
    pub name: String,
    pub tv_channel: Option<i64>,
    pub protection_mandatory: bool,
    pub in_home_only: bool,
    pub block_if_off_net: bool,
    pub location: Location,
    pub rating_code: Option<String>,
    pub playback_url: Option<String>,
    pub cdn_token_required: bool,
    pub cdn_id: Option<String>,
    pub created: i64,
}

/// Where a content or channel may be played (ingest keys `blockVpn`,
/// `filteringList`, `filteringListIsAllowList`, `blockingList`; country
/// codes ISO 3166-1 alpha-2). See `core::net::ContentRules`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub block_vpn: bool,
    pub filtering_list: Vec<String>,
    pub filtering_is_allow: bool,
    pub blocking_list: Vec<String>,
}

fn json_list(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    pub tenant_id: String,
    pub id: String,
    pub editorial_id: String,
    pub drm_id: String,
    pub title: String,
    pub duration_s: Option<i64>,
    pub rating_code: Option<String>,
    pub start_at: Option<i64>,
    pub end_at: Option<i64>,
    pub in_home_only: bool,
    pub block_if_off_net: bool,
    pub location: Location,
    pub playback_url: Option<String>,
    pub cdn_token_required: bool,
    pub cdn_id: Option<String>,
    /// The technical's own publishing window.
    pub technical_start_at: Option<i64>,
    pub technical_end_at: Option<i64>,
    pub created: i64,
}

/// For each requested id (technical or editorial), whether some product that
/// grants it allows Download to Go. Unknown ids are absent from the answer.
pub async fn downloadable<'c, E>(
    executor: E,
    tenant: &str,
    ids: &[String],
) -> Result<Vec<(String, bool)>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // ids are bound, never spliced: only the placeholder list is generated.
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let list = placeholders.join(", ");
    let sql = format!(
        "SELECT c.id AS item_id, \
           CAST(MAX(CASE WHEN p.d2go_allowed = 1 THEN 1 ELSE 0 END) AS BIGINT) AS d2go \
         FROM contents c \
         LEFT JOIN product_grants g ON g.tenant_id = c.tenant_id AND \
           ((g.target_kind = 'CONTENT' AND g.target_id = c.id) OR \
            (g.target_kind = 'EDITORIAL' AND g.target_id = c.editorial_id)) \
         LEFT JOIN products p ON p.tenant_id = g.tenant_id AND p.id = g.product_id \
         WHERE c.tenant_id = $1 AND c.id IN ({list}) \
         GROUP BY c.id"
    );
    let mut query = sqlx::query(&sql).bind(tenant);
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(executor).await?;
    let mut found = Vec::with_capacity(rows.len());
    for r in &rows {
        let id: String = r.try_get("item_id")?;
        let d2go: i64 = r.try_get::<Option<i64>, _>("d2go")?.unwrap_or(0);
        found.push((id, d2go == 1));
    }
    Ok(found)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PpvEvent {
    pub tenant_id: String,
    pub id: String,
    pub channel_id: String,
    pub product_id: String,
    pub title: String,
    pub start_at: i64,
    pub end_at: i64,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub code: String,
    pub system: String,
    pub name: String,
    pub level: i64,
}

pub async fn insert_classification(
    conn: &mut AnyConnection,
    tenant: &str,
    c: &Classification,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO classifications (tenant_id, code, system, name, level) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant)
    .bind(&c.code)
    .bind(&c.system)
    .bind(&c.name)
    .bind(c.level)
    .execute(conn)
    .await?;
    Ok(())
}

/// The tenant's classifications, optionally of one system, by system then level.
pub async fn classifications<'c, E>(
    executor: E,
    tenant: &str,
    system: Option<&str>,
) -> Result<Vec<Classification>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT code, system, name, level FROM classifications \
         WHERE tenant_id = $1 AND ($2 = '' OR system = $2) ORDER BY system, level",
    )
    .bind(tenant)
    .bind(system.unwrap_or(""))
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Classification {
                code: r.try_get("code")?,
                system: r.try_get("system")?,
                name: r.try_get("name")?,
                level: r.try_get("level")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
