//! Purchases: what an account bought through the Purchase Service, the
//! entitlement each created, and the terms a product is sold on
//! (tenant-scoped).

use sqlx::{AnyConnection, Executor, Row};

use crate::core::status::ProductType;
use crate::store::StoreError;

/// One purchase as stored; `correlation_id` makes a repeated request return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchase {
    pub tenant_id: String,
    pub id: String,
    pub account_id: String,
    pub product_id: String,
    pub device_id: Option<String>,
    pub entitlement_id: String,
    pub purchase_auth_request_reference: String,
    pub correlation_id: Option<String>,
    /// The product's price when it was bought (JSON `{amount, currency}`).
    pub price: String,
    pub created: i64,
}

const COLUMNS: &str = "tenant_id, id, account_id, product_id, device_id, entitlement_id, \
    purchase_auth_request_reference, correlation_id, price, created";

pub async fn insert(conn: &mut AnyConnection, p: &Purchase) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO purchases ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&p.tenant_id)
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(&p.product_id)
    .bind(p.device_id.as_deref())
    .bind(&p.entitlement_id)
    .bind(&p.purchase_auth_request_reference)
    .bind(p.correlation_id.as_deref())
    .bind(&p.price)
    .bind(p.created)
    .execute(conn)
    .await?;
    Ok(())
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Purchase, StoreError> {
    Ok(Purchase {
        tenant_id: r.try_get("tenant_id")?,
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        product_id: r.try_get("product_id")?,
        device_id: r.try_get("device_id")?,
        entitlement_id: r.try_get("entitlement_id")?,
        purchase_auth_request_reference: r.try_get("purchase_auth_request_reference")?,
        correlation_id: r.try_get("correlation_id")?,
        price: r.try_get("price")?,
        created: r.try_get("created")?,
    })
}

/// The tenant's purchase made under `correlation_id`, if any.
pub async fn by_correlation<'c, E>(
    executor: E,
    tenant: &str,
    correlation_id: &str,
) -> Result<Option<Purchase>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM purchases WHERE tenant_id = $1 AND correlation_id = $2"
    ))
    .bind(tenant)
    .bind(correlation_id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// What a product is sold on: its type, sale window, validity, rental terms,
/// price and (PPV) the span of its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleTerms {
    pub product_type: ProductType,
    pub start_purchase: Option<i64>,
    pub end_purchase: Option<i64>,
    pub end_validity: Option<i64>,
    pub rental_period_s: Option<i64>,
    pub max_plays: Option<i64>,
    pub price: String,
    /// PPV: the earliest start and latest end of the product's events; `None`
    /// when it sells no event (or is not PPV).
    pub events: Option<(i64, i64)>,
}

/// The sale terms of a product, or `None` if the tenant has no such product.
pub async fn sale_terms(
    conn: &mut AnyConnection,
    tenant: &str,
    product: &str,
) -> Result<Option<SaleTerms>, StoreError> {
    let row = sqlx::query(
        "SELECT product_type, start_purchase, end_purchase, end_validity, rental_period_s, \
         max_plays, price FROM products WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant)
    .bind(product)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let kind: String = r.try_get("product_type")?;
    let product_type = ProductType::parse(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("product type {kind}")))?;
    let events = if product_type == ProductType::Ppv {
        let span = sqlx::query(
            "SELECT MIN(start_at) AS first_start, MAX(end_at) AS last_end FROM ppv_events \
             WHERE tenant_id = $1 AND product_id = $2",
        )
        .bind(tenant)
        .bind(product)
        .fetch_one(&mut *conn)
        .await?;
        let first: Option<i64> = span.try_get("first_start")?;
        let last: Option<i64> = span.try_get("last_end")?;
        first.zip(last)
    } else {
        None
    };
    Ok(Some(SaleTerms {
        product_type,
        start_purchase: r.try_get("start_purchase")?,
        end_purchase: r.try_get("end_purchase")?,
        end_validity: r.try_get("end_validity")?,
        rental_period_s: r.try_get("rental_period_s")?,
        max_plays: r.try_get("max_plays")?,
        price: r.try_get("price")?,
        events,
    }))
}

/// Whether the account holds `product` now: a SUBSCRIBED entitlement inside
/// its validity (and, when `max_plays` is set, with plays left).
pub async fn holds(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    product: &str,
    max_plays: Option<i64>,
    now: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM entitlements WHERE tenant_id = $1 AND account_id = $2 \
         AND product_id = $3 AND status = 'SUBSCRIBED' AND valid_from <= $4 \
         AND (expiry IS NULL OR expiry > $4) AND ($5 IS NULL OR plays_used < $5)",
    )
    .bind(tenant)
    .bind(account)
    .bind(product)
    .bind(now)
    .bind(max_plays)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}
