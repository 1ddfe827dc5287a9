//! The Purchase Service: a signed-on device buys a product for its account.
//!
//! One purchase = one `purchases` row and the SUBSCRIBED entitlement it
//! created, written in one transaction with its change-feed entry, so the
//! buyer's next content token on this node already sees it.
//!
//! Rules, in order:
//! - a repeated `x-correlation-id` returns the first purchase made under it
//!   (same account and product; otherwise 409) without asking the CRM again;
//! - the account must be ACTIVE and the device not deleted or disabled
//!   (sign-in codes 20001-20004);
//! - the product must exist (404) and be on sale now (its purchase window,
//!   and a validity that has not ended): [`refusal::NOT_ON_SALE`];
//! - PPV: the product's events must not have started
//!   ([`refusal::EVENT_STARTED`]); the entitlement lasts until the last one
//!   ends;
//! - rentals last `rentalPeriod` from the purchase; other products until the
//!   product's validity ends (or open-ended);
//! - an account that already holds the product (subscribed, valid now, plays
//!   left) cannot buy it again: [`refusal::ALREADY_HELD`];
//! - the tenant's CRM, when configured ([`crm`]), must authorise it:
//!   [`refusal::NOT_AUTHORISED`] when it refuses, 502 when it fails.
//!
//! The answer's `purchaseAuthRequestReference` is the CRM's reference, else the
//! request's correlation id (the correlation middleware generates one when the
//! client sent none, so every purchase has a reference).
//!
//! Must never: hold a database transaction open while waiting for the CRM;
//! record a purchase without its entitlement (or the reverse); sell to an
//! account on another tenant's data.

pub mod crm;

use crate::core::status::{EntitlementStatus, ProductType};
use crate::store::accounts::account as account_store;
use crate::store::accounts::devices as device_store;
use crate::store::changes::ChangeKind;
use crate::store::commerce::entitlements::{self as ent_store, Entitlement};
use crate::store::commerce::purchases::{self as purchase_store, Purchase, SaleTerms};
use crate::store::tenancy::tenants as tenant_store;

use crate::plane::accounts::rules::{account_refusal, device_refusal};
use crate::plane::commerce::Commerce;
use crate::plane::{validate, PlaneError};
use crm::{CrmSettings, PurchaseAsk, Verdict};

/// Purchase refusals (HTTP 403).
pub mod refusal {
    /// The product is not on sale now (outside its purchase window, its
    /// validity over, or a PPV product with no event).
    pub const NOT_ON_SALE: u32 = 40360;
    /// The PPV event has already started.
    pub const EVENT_STARTED: u32 = 40361;
    /// The account already holds the product.
    pub const ALREADY_HELD: u32 = 40362;
    /// The operator's CRM did not authorise the purchase.
    pub const NOT_AUTHORISED: u32 = 40363;
}

fn refused(code: u32, message: &'static str) -> PlaneError {
    PlaneError::Refused { code, message }
}

/// A purchase request from a signed-on device.
#[derive(Debug, Clone, Copy)]
pub struct PurchaseRequest<'a> {
    pub account_id: &'a str,
    pub device_id: &'a str,
    pub device_class: Option<&'a str>,
    pub product_id: &'a str,
    pub correlation_id: Option<&'a str>,
}

/// A recorded purchase (new, or the earlier one a repeated correlation id names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purchased {
    pub product_id: String,
    pub reference: String,
    pub entitlement_id: String,
    /// True when this answers a repeated correlation id.
    pub replayed: bool,
}

/// The entitlement window a purchase made at `now` buys, or why it cannot be bought.
fn sale_window(terms: &SaleTerms, now: i64) -> Result<(i64, Option<i64>), PlaneError> {
    let not_on_sale = || refused(refusal::NOT_ON_SALE, "product is not on sale");
    if terms.start_purchase.is_some_and(|s| now < s) || terms.end_purchase.is_some_and(|e| now >= e)
    {
        return Err(not_on_sale());
    }
    if terms.end_validity.is_some_and(|e| e <= now) {
        return Err(not_on_sale());
    }
    let end = match terms.product_type {
        ProductType::Ppv => {
            let (first_start, last_end) = terms.events.ok_or_else(not_on_sale)?;
            if now >= first_start {
                return Err(refused(
                    refusal::EVENT_STARTED,
                    "pay-per-view event has already started",
                ));
            }
            Some(last_end)
        }
        ProductType::Rental => match (terms.rental_period_s, terms.end_validity) {
            (Some(p), Some(v)) => Some(now.saturating_add(p).min(v)),
            (Some(p), None) => Some(now.saturating_add(p)),
            (None, v) => v,
        },
        _ => terms.end_validity,
    };
    Ok((now, end))
}

fn replay(p: Purchase, req: &PurchaseRequest<'_>) -> Result<Purchased, PlaneError> {
    if p.account_id != req.account_id || p.product_id != req.product_id {
        return Err(PlaneError::Conflict(
            "x-correlation-id already names another purchase".into(),
        ));
    }
    Ok(Purchased {
        product_id: p.product_id,
        reference: p.purchase_auth_request_reference,
        entitlement_id: p.entitlement_id,
        replayed: true,
    })
}

/// Checks the account does not hold the product already. When it does, the
/// answer is the purchase a repeated correlation id names (it may have
/// committed since the first look: `Ok(Some)`), else the refusal.
async fn not_held(
    conn: &mut sqlx::AnyConnection,
    tenant: &str,
    req: &PurchaseRequest<'_>,
    max_plays: Option<i64>,
    now: i64,
) -> Result<Option<Purchased>, PlaneError> {
    let holds = purchase_store::holds(
        &mut *conn,
        tenant,
        req.account_id,
        req.product_id,
        max_plays,
        now,
    )
    .await?;
    if !holds {
        return Ok(None);
    }
    if let Some(xcid) = req.correlation_id {
        if let Some(p) = purchase_store::by_correlation(&mut *conn, tenant, xcid).await? {
            return replay(p, req).map(Some);
        }
    }
    Err(refused(
        refusal::ALREADY_HELD,
        "account already holds this product",
    ))
}

fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl Commerce {
    /// Buys `req.product_id` for the caller's account (see the module docs).
    pub async fn purchase(
        &self,
        tenant: &str,
        req: PurchaseRequest<'_>,
    ) -> Result<Purchased, PlaneError> {
        validate::entity_id("productId", req.product_id)?;
        if let Some(xcid) = req.correlation_id {
            if let Some(p) =
                purchase_store::by_correlation(self.base.store.pool(), tenant, xcid).await?
            {
                return replay(p, &req);
            }
        }
        let now = self.base.now_s();
        let (terms, window, settings) = {
            let mut conn = self.base.store.acquire().await?;
            let account = account_store::get(&mut *conn, tenant, req.account_id)
                .await?
                .ok_or(PlaneError::Unauthorized("account not found"))?;
            if let Some(refusal) = account_refusal(account.status) {
                return Err(refusal);
            }
            let device = device_store::get(&mut *conn, tenant, req.device_id)
                .await?
                .filter(|d| d.account_id == req.account_id)
                .ok_or(PlaneError::Unauthorized("device not found"))?;
            if let Some(refusal) = device_refusal(&device) {
                return Err(refusal);
            }
            let terms = purchase_store::sale_terms(&mut conn, tenant, req.product_id)
                .await?
                .ok_or(PlaneError::NotFound("product"))?;
            let window = sale_window(&terms, now)?;
            if let Some(earlier) = not_held(&mut conn, tenant, &req, terms.max_plays, now).await? {
                return Ok(earlier);
            }
            let settings = tenant_store::get(&mut *conn, tenant)
                .await?
                .map(|t| t.settings)
                .unwrap_or_default();
            (terms, window, settings)
        };

        let crm_reference = self.authorise(tenant, &req, window, &settings).await?;
        let reference = crm_reference
            .or_else(|| req.correlation_id.map(str::to_owned))
            .unwrap_or_else(|| self.base.ids.new_id());

        // Purchases of one account are checked and written one at a time, on
        // every node: a racing duplicate finds the first one below.
        let mut tx = self
            .base
            .store
            .write_locked(&format!("purchase/{tenant}/{}", req.account_id))
            .await?;
        if let Some(xcid) = req.correlation_id {
            if let Some(p) = purchase_store::by_correlation(&mut *tx.conn(), tenant, xcid).await? {
                return replay(p, &req);
            }
        }
        if let Some(earlier) = not_held(tx.conn(), tenant, &req, terms.max_plays, now).await? {
            return Ok(earlier);
        }
        let entitlement = Entitlement {
            tenant_id: tenant.to_owned(),
            id: self.base.ids.new_id(),
            account_id: req.account_id.to_owned(),
            product_id: req.product_id.to_owned(),
            status: EntitlementStatus::Subscribed,
            valid_from: window.0,
            expiry: window.1,
            purchased_by_device_id: Some(req.device_id.to_owned()),
            created: now,
            modified: now,
        };
        ent_store::insert(tx.conn(), &entitlement).await?;
        let purchase = Purchase {
            tenant_id: tenant.to_owned(),
            id: self.base.ids.new_id(),
            account_id: req.account_id.to_owned(),
            product_id: req.product_id.to_owned(),
            device_id: Some(req.device_id.to_owned()),
            entitlement_id: entitlement.id.clone(),
            purchase_auth_request_reference: reference.clone(),
            correlation_id: req.correlation_id.map(str::to_owned),
            price: terms.price,
            created: now,
        };
        purchase_store::insert(tx.conn(), &purchase).await?;
        tx.record_change(tenant, ChangeKind::Entitlement, req.account_id, now)
            .await?;
        self.base.commit(tx).await?;
        Ok(Purchased {
            product_id: purchase.product_id,
            reference,
            entitlement_id: entitlement.id,
            replayed: false,
        })
    }

    /// Asks the tenant's CRM, when it has one; `Ok(reference)` when the
    /// purchase may go ahead.
    async fn authorise(
        &self,
        tenant: &str,
        req: &PurchaseRequest<'_>,
        window: (i64, Option<i64>),
        settings: &serde_json::Value,
    ) -> Result<Option<String>, PlaneError> {
        let crm = match CrmSettings::of(settings) {
            Ok(Some(crm)) => crm,
            Ok(None) => return Ok(None),
            Err(problem) => {
                tracing::error!(tenant, %problem, "purchase authorisation is misconfigured");
                return Err(PlaneError::Upstream(
                    "purchase authorisation is unavailable",
                ));
            }
        };
        let ask = PurchaseAsk {
            account_id: req.account_id,
            product_id: req.product_id,
            device_id: req.device_id,
            device_playout_class: req.device_class,
            viewing_window_start: rfc3339(window.0),
            viewing_window_end: window.1.map(rfc3339),
        };
        match crm::is_purchase_authorised(&crm, &ask, req.correlation_id).await {
            Ok(Verdict::Authorised(reference)) => Ok(reference),
            Ok(Verdict::Refused) => Err(refused(
                refusal::NOT_AUTHORISED,
                "purchase was not authorised",
            )),
            Err(e) => {
                tracing::warn!(tenant, error = %e, "CRM purchase authorisation failed");
                Err(PlaneError::Upstream(
                    "purchase authorisation is unavailable",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(kind: ProductType) -> SaleTerms {
        SaleTerms {
            product_type: kind,
            start_purchase: None,
            end_purchase: None,
            end_validity: None,
            rental_period_s: None,
            max_plays: None,
            price: "{}".into(),
            events: None,
        }
    }

    fn code(r: Result<(i64, Option<i64>), PlaneError>) -> u32 {
        match r {
            Err(PlaneError::Refused { code, .. }) => code,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn the_purchase_window_bounds_the_sale() {
        let mut t = terms(ProductType::Subscription);
        assert_eq!(sale_window(&t, 100).unwrap(), (100, None));
        t.start_purchase = Some(101);
        assert_eq!(code(sale_window(&t, 100)), refusal::NOT_ON_SALE);
        assert!(sale_window(&t, 101).is_ok());
        t.end_purchase = Some(200);
        assert_eq!(code(sale_window(&t, 200)), refusal::NOT_ON_SALE);
        t.end_validity = Some(150);
        assert_eq!(sale_window(&t, 120).unwrap(), (120, Some(150)));
        assert_eq!(code(sale_window(&t, 150)), refusal::NOT_ON_SALE);
    }

    #[test]
    fn ppv_sells_until_the_first_event_starts() {
        let mut t = terms(ProductType::Ppv);
        assert_eq!(code(sale_window(&t, 100)), refusal::NOT_ON_SALE);
        t.events = Some((500, 900));
        assert_eq!(sale_window(&t, 499).unwrap(), (499, Some(900)));
        assert_eq!(code(sale_window(&t, 500)), refusal::EVENT_STARTED);
    }

    #[test]
    fn a_rental_lasts_its_rental_period_within_the_validity() {
        let mut t = terms(ProductType::Rental);
        t.rental_period_s = Some(50);
        assert_eq!(sale_window(&t, 100).unwrap(), (100, Some(150)));
        t.end_validity = Some(120);
        assert_eq!(sale_window(&t, 100).unwrap(), (100, Some(120)));
        t.rental_period_s = None;
        assert_eq!(sale_window(&t, 100).unwrap(), (100, Some(120)));
    }
}
