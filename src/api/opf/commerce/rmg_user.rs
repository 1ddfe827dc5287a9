//! RMG user reads, answered from this node's snapshot (they keep answering
//! while the store is down):
//!
//! - `GET /rmg/v1/user/entitlements`: the account's entitlements;
//! - `GET /rmg/v1/user/device/entitlements`: those playable on the calling
//!   device now (subscribed, inside their validity and the product's, the
//!   device's playout class allowed by the product);
//! - `GET /rmg/v1/user/capabilities`: the CAPABILITY ones;
//! - `GET /rmg/v1/user/entitlements/{entitlementId}` (proposed): one of them;
//! - `GET /rmg/v1/user/action/authorisation/content/{uid}`: the rights the
//!   calling device has on one content, from [`decide`].
//!
//! Lists take the query language's options ([`crate::api::opf::list_query`], over
//! the entitlement field table) and answer
//! `{totalRecords, resourceSet}`; an empty answer is 404 (reference). Without a
//! `status` term in the filter only SUBSCRIBED entitlements are listed (the
//! ended ones are history; `filter={"status":"UNSUBSCRIBED"}` shows them).
//!
//! Decisions: `validityType` is ABSOLUTE (the only kind playgate stores);
//! `capabilityType` names the granting product (playgate's capabilities are
//! products); `isFreemium` is false (no freemium products); the per-content
//! `filteringList`, `filteringListIsAllowList`, `blockingList`, `blockVPN`
//! and `blockIfOffNet` are the content's own rules, which `decide` has just
//! enforced for this client. Must never: touch
//! the store, or show another account's entitlements.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, PathParam, QueryParams, SignedOn};
use crate::api::opf::list_query::ListQuery;
use crate::api::opf::playback::content_token::playback_of;
use crate::api::opf::resource_set::ResourceSet;
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::decide::{decide, Denial, Purpose, Request};
use crate::core::net::Country;
use crate::core::query::eval::{apply, Record, Value};
use crate::core::query::resources::entitlement as field;
use crate::core::snapshot::playback::{
    secs, Account, EntitlementView, Playback, ProductRule, NO_DEVICE, OPEN_END,
};
use crate::core::status::ProductType;

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementOut<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    product_id: &'a str,
    account_id: &'a str,
    status: &'static str,
    validity_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_type: Option<&'static str>,
    valid_from: String,
    expiry_date: Option<String>,
    created: String,
    modified: String,
    is_archivable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    capability_type: Option<&'a str>,
    is_freemium: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    purchased_by_device_id: Option<&'a str>,
}

/// One entitlement with what the list shows of it.
struct Row<'a> {
    account: Account<'a>,
    view: EntitlementView<'a>,
    product: &'a str,
    rule: Option<&'a ProductRule>,
}

impl<'a> Row<'a> {
    fn new(p: &'a Playback, account: Account<'a>, view: EntitlementView<'a>) -> Self {
        Self {
            account,
            view,
            product: p.products.name(view.entry.product),
            rule: p.catalogue.product(view.entry.product),
        }
    }

    fn kind(&self) -> Option<ProductType> {
        self.rule.map(|r| r.kind)
    }

    fn purchased_by(&self) -> Option<&'a str> {
        let i = self.view.meta.purchased_by;
        if i == NO_DEVICE {
            return None;
        }
        self.account.devices().nth(i as usize).map(|d| d.id)
    }

    fn out(&self) -> EntitlementOut<'a> {
        let e = self.view.entry;
        let kind = self.kind();
        EntitlementOut {
            id: self.view.id,
            product_id: self.product,
            account_id: self.account.id(),
            status: status(e.subscribed),
            validity_type: "ABSOLUTE",
            product_type: kind.map(ProductType::as_str),
            valid_from: iso(e.valid_from.into()),
            expiry_date: (e.expiry != OPEN_END).then(|| iso(e.expiry.into())),
            created: iso(e.created.into()),
            modified: iso(self.view.meta.modified.into()),
            is_archivable: self.view.meta.archivable,
            capability_type: (kind == Some(ProductType::Capability)).then_some(self.product),
            is_freemium: false,
            purchased_by_device_id: self.purchased_by(),
        }
    }
}

fn status(subscribed: bool) -> &'static str {
    if subscribed {
        "SUBSCRIBED"
    } else {
        "UNSUBSCRIBED"
    }
}

impl Record for Row<'_> {
    fn value(&self, f: usize) -> Value<'_> {
        let e = self.view.entry;
        match f {
            field::ID => Value::Str(self.view.id),
            field::PRODUCT_ID => Value::Str(self.product),
            field::STATUS => Value::Str(status(e.subscribed)),
            field::PRODUCT_TYPE => self.kind().map_or(Value::Null, |k| Value::Str(k.as_str())),
            field::PURCHASED_BY_DEVICE_ID => self.purchased_by().map_or(Value::Null, Value::Str),
            field::IS_ARCHIVABLE => Value::Bool(self.view.meta.archivable),
            field::VALID_FROM => Value::Int(e.valid_from.into()),
            field::EXPIRY_DATE if e.expiry == OPEN_END => Value::Null,
            field::EXPIRY_DATE => Value::Int(e.expiry.into()),
            field::CREATED => Value::Int(e.created.into()),
            field::MODIFIED => Value::Int(self.view.meta.modified.into()),
            field::ACCOUNT_ID => Value::Str(self.account.id()),
            _ => Value::Null,
        }
    }
}

fn none_found(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        format!("no {what}"),
    )
}

/// The caller's playback data and account, from the snapshot.
fn caller<'a>(signed_on: &'a SignedOn) -> Result<(&'a Playback, Account<'a>), ApiError> {
    let playback = playback_of(&signed_on.tenant)?;
    let account = playback
        .accounts
        .get(&signed_on.claims.account_id)
        .ok_or_else(|| ApiError::from(Denial::AccountUnknown))?;
    Ok((playback, account))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Device,
    Capabilities,
}

fn list(state: &AppState, signed_on: &SignedOn, q: ListQuery, scope: Scope) -> OpfResult<Response> {
    let query = q.parse(&field::SCHEMA)?;
    let (p, account) = caller(signed_on)?;
    let now = secs(state.clock.now_s());
    let device = match scope {
        Scope::Device => Some(
            account
                .device(&signed_on.claims.device_id)
                .ok_or_else(|| ApiError::from(Denial::DeviceUnknown))?,
        ),
        _ => None,
    };
    let default_status = !query.filters_on(field::STATUS);
    let rows: Vec<Row<'_>> = account
        .entitlement_views()
        .map(|v| Row::new(p, account, v))
        .filter(|r| !default_status || r.view.entry.subscribed)
        .filter(|r| scope != Scope::Capabilities || r.kind() == Some(ProductType::Capability))
        .filter(|r| {
            let Some(d) = device else { return true };
            let e = r.view.entry;
            r.rule.is_some_and(|rule| {
                e.subscribed
                    && now >= e.valid_from.max(rule.start_validity)
                    && now < e.expiry.min(rule.end_validity)
                    && rule.allows_class(d.class)
            })
        })
        .collect();
    let page = apply(&query, rows);
    if page.total == 0 {
        return Err(none_found(match scope {
            Scope::Capabilities => "capabilities",
            _ => "entitlements",
        })
        .into());
    }
    let Some(fields) = &query.fields else {
        let body = ResourceSet::page(page, |r| r.out());
        return Ok(Json(body).into_response());
    };
    // `fields`: each record keeps the members named.
    let keep: Vec<&str> = fields.iter().map(|&f| field::FIELDS[f].name).collect();
    let projected = ResourceSet::page(page, |r| {
        let mut v = serde_json::to_value(r.out()).expect("an entitlement serialises");
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| keep.contains(&k.as_str()));
        }
        v
    });
    Ok(Json(projected).into_response())
}

/// `GET /rmg/v1/user/entitlements`.
pub async fn list_entitlements(
    State(state): State<AppState>,
    signed_on: SignedOn,
    QueryParams(q, ..): QueryParams<ListQuery, Opf>,
) -> OpfResult<Response> {
    list(&state, &signed_on, q, Scope::All)
}

/// `GET /rmg/v1/user/device/entitlements`.
pub async fn list_device_entitlements(
    State(state): State<AppState>,
    signed_on: SignedOn,
    QueryParams(q, ..): QueryParams<ListQuery, Opf>,
) -> OpfResult<Response> {
    list(&state, &signed_on, q, Scope::Device)
}

/// `GET /rmg/v1/user/capabilities`.
pub async fn list_capabilities(
    State(state): State<AppState>,
    signed_on: SignedOn,
    QueryParams(q, ..): QueryParams<ListQuery, Opf>,
) -> OpfResult<Response> {
    list(&state, &signed_on, q, Scope::Capabilities)
}

/// `GET /rmg/v1/user/entitlements/{entitlementId}` (proposed): one of the
/// caller's entitlements, whatever its status; another account's is 404.
pub async fn get_entitlement(
    signed_on: SignedOn,
    PathParam(id, ..): PathParam<String, Opf>,
) -> OpfResult<Response> {
    let (p, account) = caller(&signed_on)?;
    let row = account
        .entitlement_views()
        .find(|v| v.id == id)
        .map(|v| Row::new(p, account, v))
        .ok_or_else(|| none_found("such entitlement"))?;
    Ok(Json(row.out()).into_response())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RentalDuration {
    /// Seconds from purchase the rental lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    rental_period: Option<u32>,
    /// Seconds from the first view playback lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    play_period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_plays: Option<u32>,
    plays_used: u16,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UsageRules {
    /// Seconds one viewing may last once started (a rental's play period).
    #[serde(skip_serializing_if = "Option::is_none")]
    viewing_window: Option<u32>,
    start_date: String,
    expiry_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rental_duration: Option<RentalDuration>,
    is_storage_allowed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ContentRights<'a> {
    content_id: &'a str,
    filtering_list: Countries<'a>,
    filtering_list_is_allow_list: bool,
    blocking_list: Countries<'a>,
    #[serde(rename = "blockVPN")]
    block_vpn: bool,
    block_if_off_net: bool,
    usage_rules: UsageRules,
}

/// Country codes as a JSON array of strings.
#[derive(Debug)]
struct Countries<'a>(&'a [Country]);

impl Serialize for Countries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.0
                .iter()
                .map(|c| std::str::from_utf8(c).unwrap_or("??")),
        )
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ContentAuthorisation<'a> {
    account: &'a str,
    content_rights: ContentRights<'a>,
    first_view: Option<String>,
}

/// `GET /rmg/v1/user/action/authorisation/content/{uid}`: what the calling
/// device may do with one content now; refusals as for content tokens (403
/// with the rule's code, 404 for an unknown content).
pub async fn content_authorisation(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    PathParam(uid, ..): PathParam<String, Opf>,
) -> OpfResult<Response> {
    let (p, _) = caller(&signed_on)?;
    let claims = &signed_on.claims;
    let request = Request {
        account_id: &claims.account_id,
        device_id: Some(&claims.device_id),
        content_id: &uid,
        client_ip,
        in_home_claim: claims.in_home == Some(true),
        playback_guard: false,
        purpose: Purpose::Play,
        now: state.clock.now_s(),
    };
    let g = decide(p, &request, &mut ()).map_err(ApiError::from)?;
    let rental = g
        .rule
        .filter(|r| r.kind == ProductType::Rental)
        .map(|r| RentalDuration {
            rental_period: r.rental_period_s,
            play_period: r.play_period_s,
            max_plays: r.max_plays,
            plays_used: g.entitlement.map_or(0, |e| e.plays_used),
        });
    let first_play = g.entitlement.map_or(0, |e| e.first_play_at);
    let location = g.item.location.as_deref();
    let body = ContentAuthorisation {
        account: &claims.account_id,
        content_rights: ContentRights {
            content_id: &uid,
            filtering_list: Countries(location.map_or(&[], |l| &l.filtering)),
            filtering_list_is_allow_list: location.is_some_and(|l| l.filtering_is_allow),
            blocking_list: Countries(location.map_or(&[], |l| &l.blocking)),
            block_vpn: location.is_some_and(|l| l.block_vpn),
            block_if_off_net: g.item.block_if_off_net,
            usage_rules: UsageRules {
                viewing_window: g.duration,
                start_date: iso(g.start.into()),
                expiry_date: (g.end != OPEN_END).then(|| iso(g.end.into())),
                rental_duration: rental,
                is_storage_allowed: g.rule.is_some_and(|r| r.d2go_allowed),
            },
        },
        first_view: (first_play > 0).then(|| iso(first_play.into())),
    };
    Ok(Json(body).into_response())
}
