//! `GET /api/plans/{id}`: a catalogue product as a Rocket `Plan`.
//!
//! Mapping: a plan is a `SUBSCRIPTION` product (`SVOD`); rentals,
//! purchases and PPV are offers on items, not plans, and their ids are 404
//! here. A subscription without a price, or priced 0, is a `Free` plan
//! (its `price` left out, as the document asks of free plans). `isActive`
//! holds while the purchase window is open; `isPrivate` and `isFeatured`
//! are false (the catalogue has no such notion); `subscriptionCode` and
//! `alias` are the product id; `tagline` and `termsAndConditions` are the
//! product's synopsis and description.
//!
//! Decision: products carry no billing period or trial, so
//! `billingPeriodType` is `none` with frequency 0 and there is no trial;
//! recurring billing belongs to commerce, not the catalogue.
//!
//! Must never: touch the store.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use super::browse::{catalogue, checked_id, not_found, BrowseQuery};
use super::items::cached;
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{PathParam, QueryParams, RocketTenant};
use crate::app::AppState;
use crate::core::catalogue::browse::text;
use crate::core::catalogue::records::Product;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    id: String,
    title: String,
    tagline: String,
    #[serde(rename = "type")]
    kind: &'static str,
    is_featured: bool,
    is_active: bool,
    is_private: bool,
    revenue_type: &'static str,
    subscription_code: String,
    alias: String,
    benefits: Vec<String>,
    billing_period_type: &'static str,
    billing_period_frequency: i32,
    has_trial_period: bool,
    trial_period_days: i32,
    terms_and_conditions: String,
    currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<f64>,
}

pub fn plan(p: &Product, lang: Option<&str>, default_locale: &str, now: i64) -> Plan {
    let txt = text(&p.locales, lang, default_locale);
    let price = p.price.as_ref().map(|pr| pr.amount).filter(|a| *a > 0.0);
    Plan {
        id: p.id.clone(),
        title: txt
            .and_then(|t| t.title.clone())
            .unwrap_or_else(|| p.id.clone()),
        tagline: txt.and_then(|t| t.synopsis.clone()).unwrap_or_default(),
        kind: if price.is_some() {
            "Subscription"
        } else {
            "Free"
        },
        is_featured: false,
        is_active: p.start_purchase.is_none_or(|s| s <= now)
            && p.end_purchase.is_none_or(|e| e > now),
        is_private: false,
        revenue_type: "SVOD",
        subscription_code: p.id.clone(),
        alias: p.id.clone(),
        benefits: Vec::new(),
        billing_period_type: "none",
        billing_period_frequency: 0,
        has_trial_period: false,
        trial_period_days: 0,
        terms_and_conditions: txt.and_then(|t| t.description.clone()).unwrap_or_default(),
        currency: p
            .price
            .as_ref()
            .map(|pr| pr.currency.clone())
            .unwrap_or_default(),
        price,
    }
}

/// `GET /api/plans/{id}`.
pub async fn get_plan(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Rocket>,
    QueryParams(q, ..): QueryParams<BrowseQuery, Rocket>,
) -> Result<Response, FaceError<Rocket>> {
    let cat = catalogue(&tenant);
    let now = state.clock.now_s();
    let view = q.view(&cat, now)?;
    let product = cat
        .products
        .get(checked_id(&id)?)
        .filter(|p| p.kind == "SUBSCRIPTION")
        .ok_or_else(|| not_found("no such plan"))?;
    let body = plan(product, view.lang, &cat.default_locale, now);
    Ok(cached(&state, &headers, &body))
}
