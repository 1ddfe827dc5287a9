//! The one playback decision: may this device of this account play (or
//! download) this content here and now? Every face that grants playback (OPF
//! content tokens, URL Builder, RMG per-content, Rocket) calls [`decide`].
//!
//! Rules, in order (each a step of the trace): account ACTIVE; device present,
//! not deleted, ENABLED and ACTIVE; approved when the account's profile turns
//! approval on (OPEN devices, §2.6); the tenant's network policy for the
//! client address (VPN / proxy exits, geo-blocking); content known; inside its editorial and
//! technical windows; where the content's own location rules allow (its
//! VPN flag, filtering and blocking lists, unless the tenant turns
//! geo-filtering off); on the operator's network when it is `blockIfOffNet`; at
//! home when it is in-home only (the access token's `inHome`, or the client
//! address among the account's home addresses); below the account's playback
//! guard when the face asks for it (Rocket without the PIN); then either free-to-air (no
//! product grants it: granted by that rule) or an entitlement that is
//! SUBSCRIBED, inside `validFrom..expiry`, to a product that grants the content,
//! is inside its own validity and allows the device's playout class; for PPV
//! the event's product, bought before the event started, event not over; for
//! rentals the rental period, play period and `maxPlays`; for Download to Go
//! the product's flag and its storage-start period. A channel none of the
//! account's entitlements grants is still granted to a guest of an open guest
//! room for it (see [`crate::core::snapshot::guests`]), for the room's window.
//!
//! Must never: allocate on the grant path (with the `()` tracer), do I/O, or
//! grant by falling through (every grant names the rule that granted it).

pub mod denial;
mod trace;

use std::net::IpAddr;

pub use denial::Denial;
pub use trace::{Detail, Outcome, Rule, Step, Tracer};

use crate::core::net::{NetRefusal, Stage};
use crate::core::snapshot::playback::{
    secs, Account, Device, EntitlementEntry, Item, ItemKind, Playback, ProductIdx, ProductRule,
    OPEN_END,
};
use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType, ProductType};

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose<'a> {
    /// Streaming.
    Play,
    /// A PPV event on a channel.
    Ppv { event_id: &'a str },
    /// Download to Go.
    Download,
}

/// One playback question.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub account_id: &'a str,
    /// The device asking; `None` for a request that names none (Rocket's
    /// account tokens carry no device): the device and approval rules are
    /// skipped, and a product limited to device classes does not grant.
    pub device_id: Option<&'a str>,
    /// DRM id (or technical id) of a VOD content or channel.
    pub content_id: &'a str,
    pub client_ip: Option<IpAddr>,
    /// The access token's `inHome` claim.
    pub in_home_claim: bool,
    /// Apply Rocket's playback guard: refuse an item rated at or above the
    /// account's `minRatingPlaybackGuard` (a request without the PIN's
    /// Playback token). `false` where the PIN was given, or the face has no
    /// such guard.
    pub playback_guard: bool,
    pub purpose: Purpose<'a>,
    /// Seconds since the epoch.
    pub now: i64,
}

/// What granted playback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    FreeToAir,
    Entitlement {
        product: ProductIdx,
    },
    /// A guest pass of a guest room (index into `Playback::guests`).
    Guest {
        pass: u32,
    },
}

/// A grant: what goes into the content token's `contentRights`.
#[derive(Debug, Clone, Copy)]
pub struct Grant<'s> {
    pub item: &'s Item,
    pub device: Option<Device<'s>>,
    pub basis: Basis,
    /// The rights window (epoch seconds; `end` = [`OPEN_END`] when open).
    pub start: u32,
    pub end: u32,
    /// Seconds playback may last once started (a rental's play period).
    pub duration: Option<u32>,
    /// Download to Go: the content may be stored...
    pub storable: bool,
    /// ... and kept this many seconds (the product's storage duration).
    pub retention: Option<u32>,
    pub usage_rules_profile_id: Option<&'s str>,
    /// The granting product's rules and the entitlement (`None` for
    /// free-to-air).
    pub rule: Option<&'s ProductRule>,
    pub entitlement: Option<&'s EntitlementEntry>,
}

impl<'s> Grant<'s> {
    /// A grant no product gives (free to air, a guest room): no rule, no
    /// entitlement, not storable, for the window `(start, end)`.
    fn unsold(
        item: &'s Item,
        device: Option<Device<'s>>,
        basis: Basis,
        (start, end): (u32, u32),
    ) -> Self {
        Grant {
            item,
            device,
            basis,
            start,
            end,
            duration: None,
            storable: false,
            retention: None,
            usage_rules_profile_id: None,
            rule: None,
            entitlement: None,
        }
    }
}

/// The playback decision. `trace` receives every step.
pub fn decide<'s, T: Tracer>(
    p: &'s Playback,
    r: &Request<'_>,
    trace: &mut T,
) -> Result<Grant<'s>, Denial> {
    let now = secs(r.now);
    // Both lookups first: they do not depend on each other, so their memory
    // loads overlap; the rules still run (and refuse) in order.
    let found = p.catalogue.item(r.content_id);
    let account = check_account(p, r, trace)?;
    let device = check_device(account, r, trace)?;
    check_network(p, r, trace)?;
    let (item_idx, item) = match found {
        Some(found) => {
            trace.step(Rule::Content, Outcome::Pass, Detail::None);
            found
        }
        None => {
            trace.step(Rule::Content, Outcome::Fail, Detail::None);
            return Err(Denial::ContentUnknown);
        }
    };
    let (start, end) = check_item(p, Some(account), item, r, now, trace)?;
    if r.playback_guard {
        if p.catalogue
            .is_guarded(account.playback_guard(), item.rating)
        {
            trace.step(Rule::PlaybackGuard, Outcome::Fail, Detail::None);
            return Err(Denial::ClassificationRestricted);
        }
        trace.step(Rule::PlaybackGuard, Outcome::Pass, Detail::None);
    } else {
        trace.step(Rule::PlaybackGuard, Outcome::Skip, Detail::None);
    }
    if let Purpose::Ppv { event_id } = r.purpose {
        let at = (item_idx, item);
        return ppv(p, account, device, at, event_id, now, (start, end), trace);
    }
    if item.is_free_to_air() {
        if r.purpose == Purpose::Download {
            trace.step(Rule::FreeToAir, Outcome::Fail, Detail::None);
            return Err(Denial::NotStorable);
        }
        trace.step(Rule::FreeToAir, Outcome::Pass, Detail::None);
        return Ok(Grant::unsold(item, device, Basis::FreeToAir, (start, end)));
    }
    trace.step(Rule::FreeToAir, Outcome::Skip, Detail::None);
    let owned = first_granting(account, &item.products, trace, |e, trace| {
        let ok = entitlement(p, device, e, r.purpose, now, (start, end), trace)?;
        Ok(Grant {
            item,
            device,
            basis: Basis::Entitlement { product: e.product },
            start: ok.start,
            end: ok.end,
            duration: ok.duration,
            storable: r.purpose == Purpose::Download,
            retention: ok.retention,
            usage_rules_profile_id: ok.rule.usage_rules_profile_id.as_deref(),
            rule: Some(ok.rule),
            entitlement: Some(e),
        })
    });
    match owned {
        Err(denied) if r.purpose == Purpose::Play && item.kind == ItemKind::Channel => {
            guest(p, r, item, device, (start, end), now, trace).ok_or(denied)
        }
        decided => decided,
    }
}

/// A channel the account's own entitlements do not grant: a guest pass of a
/// guest room for it (this account, and this device when the room counts
/// devices), inside the room's window, grants it for that window.
fn guest<'s, T: Tracer>(
    p: &'s Playback,
    r: &Request<'_>,
    item: &'s Item,
    device: Option<Device<'s>>,
    window: (u32, u32),
    now: u32,
    trace: &mut T,
) -> Option<Grant<'s>> {
    // A pass bound to a device never matches a request that names none.
    let device_id = r.device_id.unwrap_or("");
    let Some((i, pass)) = p.guests.find(r.account_id, device_id, &item.id, now) else {
        trace.step(Rule::GuestRoom, Outcome::Fail, Detail::None);
        return None;
    };
    let room = Detail::Window {
        start: pass.start,
        end: pass.end,
        now,
    };
    trace.step(Rule::GuestRoom, Outcome::Pass, room);
    Some(Grant::unsold(
        item,
        device,
        Basis::Guest { pass: i },
        (window.0.max(pass.start), window.1.min(pass.end)),
    ))
}

/// The first of the account's entitlements to `products` that `grant`
/// accepts; when none does, the refusal of the one that got furthest through
/// the rules ([`Denial::NotEntitled`] when there is none at all).
fn first_granting<'s, T: Tracer>(
    account: Account<'s>,
    products: &[ProductIdx],
    trace: &mut T,
    mut grant: impl FnMut(&'s EntitlementEntry, &mut T) -> Result<Grant<'s>, Denial>,
) -> Result<Grant<'s>, Denial> {
    let mut best = Denial::NotEntitled;
    for e in account.entitlements.iter() {
        if !products.contains(&e.product) {
            continue;
        }
        match grant(e, trace) {
            Ok(granted) => return Ok(granted),
            Err(d) if d.depth() > best.depth() => best = d,
            Err(_) => {}
        }
    }
    if best == Denial::NotEntitled {
        trace.step(Rule::Entitlement, Outcome::Fail, Detail::None);
    }
    Err(best)
}

/// The decision for a caller with no account (Rocket's public media
/// files): the tenant's network policy, the content's own rules (an
/// in-home-only item is never at an unknown caller's home), then
/// free-to-air only; anything a product grants is [`Denial::NotEntitled`].
/// `r.account_id`, `device_id`, `in_home_claim` and `playback_guard` are
/// not read.
pub fn decide_public<'s, T: Tracer>(
    p: &'s Playback,
    r: &Request<'_>,
    trace: &mut T,
) -> Result<Grant<'s>, Denial> {
    let now = secs(r.now);
    trace.step(Rule::Account, Outcome::Skip, Detail::None);
    trace.step(Rule::Device, Outcome::Skip, Detail::None);
    trace.step(Rule::Approval, Outcome::Skip, Detail::None);
    check_network(p, r, trace)?;
    let Some((_, item)) = p.catalogue.item(r.content_id) else {
        trace.step(Rule::Content, Outcome::Fail, Detail::None);
        return Err(Denial::ContentUnknown);
    };
    trace.step(Rule::Content, Outcome::Pass, Detail::None);
    let public = Request {
        in_home_claim: false,
        ..*r
    };
    let (start, end) = check_item(p, None, item, &public, now, trace)?;
    trace.step(Rule::PlaybackGuard, Outcome::Skip, Detail::None);
    if !item.is_free_to_air() || r.purpose != Purpose::Play {
        trace.step(Rule::FreeToAir, Outcome::Fail, Detail::None);
        return Err(Denial::NotEntitled);
    }
    trace.step(Rule::FreeToAir, Outcome::Pass, Detail::None);
    Ok(Grant::unsold(item, None, Basis::FreeToAir, (start, end)))
}

fn check_account<'s, T: Tracer>(
    p: &'s Playback,
    r: &Request<'_>,
    trace: &mut T,
) -> Result<Account<'s>, Denial> {
    let Some(account) = p.accounts.get(r.account_id) else {
        trace.step(Rule::Account, Outcome::Fail, Detail::None);
        return Err(Denial::AccountUnknown);
    };
    let refusal = match account.status() {
        AccountStatus::Active => None,
        AccountStatus::Cancelled => Some(Denial::AccountCancelled),
        AccountStatus::Suspended | AccountStatus::Inactive => Some(Denial::AccountSuspended),
    };
    if let Some(d) = refusal {
        trace.step(Rule::Account, Outcome::Fail, Detail::None);
        return Err(d);
    }
    trace.step(Rule::Account, Outcome::Pass, Detail::None);
    Ok(account)
}

fn check_device<'s, T: Tracer>(
    account: Account<'s>,
    r: &Request<'_>,
    trace: &mut T,
) -> Result<Option<Device<'s>>, Denial> {
    let Some(device_id) = r.device_id else {
        trace.step(Rule::Device, Outcome::Skip, Detail::None);
        trace.step(Rule::Approval, Outcome::Skip, Detail::None);
        return Ok(None);
    };
    let refusal = match account.device(device_id) {
        None => Err(Denial::DeviceUnknown),
        Some(d) if d.deleted() => Err(Denial::DeviceDeleted),
        Some(d)
            if d.status() == DeviceStatus::Disabled || d.activity() == DeviceActivity::Inactive =>
        {
            Err(Denial::DeviceDisabled)
        }
        Some(d) => Ok(d),
    };
    let device = match refusal {
        Ok(d) => d,
        Err(e) => {
            trace.step(Rule::Device, Outcome::Fail, Detail::None);
            return Err(e);
        }
    };
    trace.step(Rule::Device, Outcome::Pass, Detail::None);
    if account.approval_required() && device.device_type() == DeviceType::Open {
        let detail = Detail::Flag {
            value: device.approved(),
        };
        if !device.approved() {
            trace.step(Rule::Approval, Outcome::Fail, detail);
            return Err(Denial::DeviceNotApproved);
        }
        trace.step(Rule::Approval, Outcome::Pass, detail);
    } else {
        trace.step(Rule::Approval, Outcome::Skip, Detail::None);
    }
    Ok(Some(device))
}

/// The tenant's network policy for the client address: VPN / proxy exits,
/// geo-blocking (both skipped when the tenant asks for neither).
fn check_network<T: Tracer>(p: &Playback, r: &Request<'_>, trace: &mut T) -> Result<(), Denial> {
    if p.policy.is_off() {
        trace.step(Rule::Vpn, Outcome::Skip, Detail::None);
        trace.step(Rule::GeoBlocking, Outcome::Skip, Detail::None);
        return Ok(());
    }
    match p.network_check(Stage::Playback, r.client_ip) {
        Ok(()) => {
            trace.step(Rule::Vpn, Outcome::Pass, Detail::None);
            trace.step(Rule::GeoBlocking, Outcome::Pass, Detail::None);
            Ok(())
        }
        Err(NetRefusal::Vpn) => {
            trace.step(Rule::Vpn, Outcome::Fail, Detail::None);
            Err(Denial::Vpn)
        }
        Err(NetRefusal::GeoBlocked | NetRefusal::GeoFiltered) => {
            trace.step(Rule::Vpn, Outcome::Pass, Detail::None);
            trace.step(Rule::GeoBlocking, Outcome::Fail, Detail::None);
            Err(Denial::GeoBlocked)
        }
    }
}

/// The content's own rules: windows, network, in-home. Returns the window.
fn check_item<T: Tracer>(
    p: &Playback,
    account: Option<Account<'_>>,
    item: &Item,
    r: &Request<'_>,
    now: u32,
    trace: &mut T,
) -> Result<(u32, u32), Denial> {
    let start = item.start.max(item.technical_start);
    let end = item.end.min(item.technical_end);
    let window = Detail::Window { start, end, now };
    if now < start || now >= end {
        trace.step(Rule::ContentWindow, Outcome::Fail, window);
        return Err(Denial::OutsideContentWindow);
    }
    trace.step(Rule::ContentWindow, Outcome::Pass, window);
    match &item.location {
        Some(rules) if !p.policy.ignore_content_rules => {
            match rules.check(r.client_ip, &p.vpn, &p.geo) {
                Ok(()) => trace.step(Rule::GeoFiltering, Outcome::Pass, Detail::None),
                Err(refusal) => {
                    trace.step(Rule::GeoFiltering, Outcome::Fail, Detail::None);
                    return Err(match refusal {
                        NetRefusal::Vpn => Denial::ContentVpn,
                        NetRefusal::GeoBlocked | NetRefusal::GeoFiltered => Denial::GeoFiltered,
                    });
                }
            }
        }
        _ => trace.step(Rule::GeoFiltering, Outcome::Skip, Detail::None),
    }
    if item.block_if_off_net {
        let on_net = r.client_ip.is_some_and(|ip| p.is_on_net(ip));
        let detail = Detail::Flag { value: on_net };
        if !on_net {
            trace.step(Rule::Network, Outcome::Fail, detail);
            return Err(Denial::OffNet);
        }
        trace.step(Rule::Network, Outcome::Pass, detail);
    } else {
        trace.step(Rule::Network, Outcome::Skip, Detail::None);
    }
    if item.in_home_only {
        let home = r.in_home_claim
            || r.client_ip
                .is_some_and(|ip| account.is_some_and(|a| a.is_home(ip)));
        let detail = Detail::Flag { value: home };
        if !home {
            trace.step(Rule::InHome, Outcome::Fail, detail);
            return Err(Denial::NotInHome);
        }
        trace.step(Rule::InHome, Outcome::Pass, detail);
    } else {
        trace.step(Rule::InHome, Outcome::Skip, Detail::None);
    }
    Ok((start, end))
}

/// What one granting entitlement gives.
struct Granted<'s> {
    rule: &'s ProductRule,
    start: u32,
    end: u32,
    duration: Option<u32>,
    retention: Option<u32>,
}

/// One entitlement against the request: what it grants, or why it does not.
fn entitlement<'s, T: Tracer>(
    p: &'s Playback,
    device: Option<Device<'_>>,
    e: &EntitlementEntry,
    purpose: Purpose<'_>,
    now: u32,
    window: (u32, u32),
    trace: &mut T,
) -> Result<Granted<'s>, Denial> {
    let product = Detail::Product { product: e.product };
    let Some(rule) = p.catalogue.product(e.product) else {
        trace.step(Rule::Entitlement, Outcome::Fail, product);
        return Err(Denial::NotEntitled);
    };
    let start = window.0.max(e.valid_from).max(rule.start_validity);
    let mut end = window.1.min(e.expiry).min(rule.end_validity);
    if !e.subscribed || now < e.valid_from.max(rule.start_validity) || now >= end {
        trace.step(Rule::Entitlement, Outcome::Fail, product);
        return Err(Denial::NotEntitled);
    }
    trace.step(Rule::Entitlement, Outcome::Pass, product);
    if !rule.allows_class(device.and_then(|d| d.class)) {
        trace.step(Rule::DeviceClass, Outcome::Fail, product);
        return Err(Denial::DeviceClassNotAllowed);
    }
    trace.step(Rule::DeviceClass, Outcome::Pass, product);
    let mut duration = None;
    if rule.kind == ProductType::Rental {
        if let Some(period) = rule.rental_period_s {
            let over = Denial::RentalPeriodOver;
            end = end.min(period_end(
                e.valid_from,
                period,
                now,
                Rule::Rental,
                over,
                trace,
            )?);
        }
        if let Some(period) = rule.play_period_s {
            duration = Some(period);
            if e.first_play_at > 0 {
                let over = Denial::PlayPeriodOver;
                end = end.min(period_end(
                    e.first_play_at,
                    period,
                    now,
                    Rule::Rental,
                    over,
                    trace,
                )?);
            }
        }
        if let Some(max) = rule.max_plays {
            if u32::from(e.plays_used) >= max {
                trace.step(
                    Rule::Rental,
                    Outcome::Fail,
                    Detail::Plays {
                        used: e.plays_used,
                        max,
                    },
                );
                return Err(Denial::MaxPlaysReached);
            }
        }
        trace.step(Rule::Rental, Outcome::Pass, Detail::None);
    }
    if purpose == Purpose::Download {
        if !rule.d2go_allowed {
            trace.step(Rule::Download, Outcome::Fail, product);
            return Err(Denial::NotStorable);
        }
        if let Some(period) = rule.storage_start_period_s {
            let over = Denial::StorageStartPeriodOver;
            period_end(e.valid_from, period, now, Rule::Download, over, trace)?;
        }
        trace.step(Rule::Download, Outcome::Pass, product);
    }
    let retention = if purpose == Purpose::Download {
        rule.storage_duration_s
    } else {
        None
    };
    Ok(Granted {
        rule,
        start,
        end,
        duration,
        retention,
    })
}

/// The end of a period of `period` seconds from `start`, or `over` (traced
/// under `rule` with the window) once `now` has reached it.
#[inline]
fn period_end<T: Tracer>(
    start: u32,
    period: u32,
    now: u32,
    rule: Rule,
    over: Denial,
    trace: &mut T,
) -> Result<u32, Denial> {
    let end = start.saturating_add(period);
    if now >= end {
        trace.step(rule, Outcome::Fail, Detail::Window { start, end, now });
        return Err(over);
    }
    Ok(end)
}

/// A PPV request: the channel's event, bought (before it started) through a
/// product that grants the event; the rights are the event's window.
#[allow(clippy::too_many_arguments)]
fn ppv<'s, T: Tracer>(
    p: &'s Playback,
    account: Account<'s>,
    device: Option<Device<'s>>,
    (item_idx, item): (u32, &'s Item),
    event_id: &str,
    now: u32,
    window: (u32, u32),
    trace: &mut T,
) -> Result<Grant<'s>, Denial> {
    trace.step(Rule::FreeToAir, Outcome::Skip, Detail::None);
    let event = p
        .catalogue
        .event(event_id)
        .filter(|e| item.kind == ItemKind::Channel && e.items.contains(&item_idx));
    let Some(event) = event else {
        trace.step(Rule::Event, Outcome::Fail, Detail::None);
        return Err(Denial::EventUnknown);
    };
    let event_window = Detail::Window {
        start: event.start,
        end: event.end,
        now,
    };
    if now >= event.end {
        trace.step(Rule::Event, Outcome::Fail, event_window);
        return Err(Denial::EventOver);
    }
    let rights = (window.0.max(event.start), window.1.min(event.end));
    first_granting(account, &event.products, trace, |e, trace| {
        let ok = entitlement(
            p,
            device,
            e,
            Purpose::Play,
            now,
            (window.0, OPEN_END),
            trace,
        )?;
        if e.created >= event.start {
            let bought = Detail::Window {
                start: event.start,
                end: event.end,
                now: e.created,
            };
            trace.step(Rule::Event, Outcome::Fail, bought);
            return Err(Denial::EventBoughtAfterStart);
        }
        trace.step(Rule::Event, Outcome::Pass, event_window);
        Ok(Grant {
            item,
            device,
            basis: Basis::Entitlement { product: e.product },
            start: rights.0,
            end: rights.1,
            duration: None,
            storable: false,
            retention: None,
            usage_rules_profile_id: ok.rule.usage_rules_profile_id.as_deref(),
            rule: Some(ok.rule),
            entitlement: Some(e),
        })
    })
}
