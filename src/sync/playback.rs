//! Building the playback part of the snapshot (see
//! [`crate::core::snapshot::playback`]) from the store: a whole tenant at
//! start-up or when its catalogue or profiles change, one account when the
//! change feed names it.
//!
//! Must never: publish a half-built tenant, or fail the whole snapshot for one
//! malformed row (it is logged and left out).

use std::collections::HashMap;
use std::sync::Arc;

use crate::core::cdn::location::LocationSpan;
use crate::core::net::{
    parse_geo, parse_net, parse_vpn, ContentRules, Geo, ListKind, NetworkPolicy, PrefixSet,
};
use crate::core::snapshot::playback::{
    fits, secs, AccountEntry, AccountsBuilder, Catalogue, DeviceEntry, EntitlementEntry, GuestPass,
    GuestPasses, Item, ItemKind, Names, NewEntitlement, Playback, PpvEventRule, ProductIds,
    ProductIdx, ProductRule, RatingLevel,
};
use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType};
use crate::store::playback::{self as rows, AccountRow, DeviceRow, EntitlementRow};
use crate::store::{delivery::guest_rooms, tenancy::tenants, Store, StoreError};

/// The on-network prefixes of a tenant's settings (`network.onNet`).
pub(super) fn on_net(settings: &serde_json::Value) -> Arc<PrefixSet> {
    let list = settings
        .pointer("/network/onNet")
        .and_then(|v| v.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    Arc::new(PrefixSet::of(
        list.iter().filter_map(|v| v.as_str()).filter_map(parse_net),
    ))
}

/// The tenant's network policy (`network.blockVpn`, `network.geoBlocking`);
/// a key that does not parse is off, and logged.
pub(super) fn policy(tenant_id: &str, settings: &serde_json::Value) -> NetworkPolicy {
    let (policy, problems) = NetworkPolicy::from_settings(settings);
    for problem in problems {
        tracing::error!(
            tenant = tenant_id,
            problem,
            "tenant network setting ignored"
        );
    }
    policy
}

/// The interned names a tenant's playback data carries forward (they are
/// append-only, so indices stay valid across rebuilds).
#[derive(Debug, Default)]
pub(super) struct Interned {
    products: ProductIds,
    classes: Names,
    ratings: Names,
}

impl Interned {
    pub(super) fn of(p: &Playback) -> Self {
        Self {
            products: (*p.products).clone(),
            classes: (*p.classes).clone(),
            ratings: (*p.ratings).clone(),
        }
    }
}

/// Every tenant's playback data.
pub(super) async fn all(
    store: &Store,
    now: i64,
) -> Result<HashMap<Box<str>, Arc<Playback>>, StoreError> {
    let mut map = HashMap::new();
    for t in tenants::list(store.sync_pool()).await? {
        let playback = tenant(store, &t.id, &t.settings, Interned::default(), now).await?;
        map.insert(t.id.into_boxed_str(), Arc::new(playback));
    }
    Ok(map)
}

/// One tenant's playback data, whole.
pub(super) async fn tenant(
    store: &Store,
    tenant_id: &str,
    settings: &serde_json::Value,
    mut names: Interned,
    now: i64,
) -> Result<Playback, StoreError> {
    let catalogue = catalogue(store, tenant_id, &mut names).await?;
    let mut accounts = AccountsBuilder::default();
    rows::for_each_account(store, tenant_id, |a, d, e| {
        if let Some(entry) = account_entry(tenant_id, &a, d, e, &mut names) {
            accounts.push(&a.id, &entry);
        }
    })
    .await?;
    let accounts = accounts.finish();
    crate::memory::release_freed();
    let (vpn, geo) = network_lists(store, tenant_id).await?;
    Ok(Playback {
        products: Arc::new(names.products),
        classes: Arc::new(names.classes),
        ratings: Arc::new(names.ratings),
        catalogue: Arc::new(catalogue),
        accounts,
        on_net: on_net(settings),
        vpn,
        geo,
        policy: policy(tenant_id, settings),
        guests: Arc::new(guests(store, tenant_id, now).await?),
    })
}

/// The tenant's VPN and geo lists, built from their stored text. A list that
/// no longer parses (it was checked when stored) is logged and left empty.
async fn network_lists(
    store: &Store,
    tenant_id: &str,
) -> Result<(Arc<PrefixSet>, Arc<Geo>), StoreError> {
    let (mut vpn, mut geo) = (PrefixSet::default(), Geo::default());
    for (kind, body) in
        crate::store::delivery::network_lists::bodies(store.sync_pool(), tenant_id).await?
    {
        let parsed = match ListKind::parse(&kind) {
            Some(ListKind::Vpn) => parse_vpn(&body).map(|l| vpn = l),
            Some(ListKind::Geo) => parse_geo(&body).map(|g| geo = g),
            None => Ok(()),
        };
        if let Err(e) = parsed {
            tracing::error!(tenant = tenant_id, list = kind, error = %e, "stored network list unreadable; left empty");
        }
    }
    Ok((Arc::new(vpn), Arc::new(geo)))
}

/// `current` with its network lists re-read.
pub(super) async fn with_network_lists(
    store: &Store,
    tenant_id: &str,
    current: &Playback,
) -> Result<Playback, StoreError> {
    let mut next = current.clone();
    (next.vpn, next.geo) = network_lists(store, tenant_id).await?;
    Ok(next)
}

/// The guest passes of the tenant's guest rooms open at `now`.
async fn guests(store: &Store, tenant_id: &str, now: i64) -> Result<GuestPasses, StoreError> {
    let rows = guest_rooms::passes(store.sync_pool(), tenant_id, now).await?;
    Ok(GuestPasses::new(rows.into_iter().map(|r| {
        (
            r.account_id,
            GuestPass {
                room: r.room_id.into(),
                channel: r.channel_id.into(),
                device: r.device_id.map(Into::into),
                start: secs(r.start_at),
                end: secs(r.end_at),
            },
        )
    })))
}

/// `current` with the guest passes re-read.
pub(super) async fn with_guests(
    store: &Store,
    tenant_id: &str,
    current: &Playback,
    now: i64,
) -> Result<Playback, StoreError> {
    let mut next = current.clone();
    next.guests = Arc::new(guests(store, tenant_id, now).await?);
    Ok(next)
}

/// `current` with one account re-read from the store (removed if it is gone).
pub(super) async fn with_account(
    store: &Store,
    tenant_id: &str,
    current: &Playback,
    account_id: &str,
) -> Result<Playback, StoreError> {
    let mut names = Interned::of(current);
    let before = (
        names.products.len(),
        names.classes.len(),
        names.ratings.len(),
    );
    let entry = match rows::account(store.sync_pool(), tenant_id, account_id).await? {
        Some((a, d, e)) => account_entry(tenant_id, &a, d, e, &mut names),
        None => None,
    };
    let mut next = current.clone();
    if names.products.len() != before.0 {
        next.products = Arc::new(names.products);
    }
    if names.classes.len() != before.1 {
        next.classes = Arc::new(names.classes);
    }
    if names.ratings.len() != before.2 {
        next.ratings = Arc::new(names.ratings);
    }
    next.accounts = current.accounts.with(account_id, entry.as_ref());
    Ok(next)
}

/// The account a device change entry names.
pub(super) async fn device_account(
    store: &Store,
    tenant_id: &str,
    device_id: &str,
) -> Result<Option<String>, StoreError> {
    rows::device_account(store.sync_pool(), tenant_id, device_id).await
}

/// `current` with its catalogue re-read.
pub(super) async fn with_catalogue(
    store: &Store,
    tenant_id: &str,
    current: &Playback,
) -> Result<Playback, StoreError> {
    let mut names = Interned::of(current);
    let catalogue = catalogue(store, tenant_id, &mut names).await?;
    let mut next = current.clone();
    next.products = Arc::new(names.products);
    next.classes = Arc::new(names.classes);
    next.ratings = Arc::new(names.ratings);
    next.catalogue = Arc::new(catalogue);
    Ok(next)
}

fn account_entry(
    tenant_id: &str,
    a: &AccountRow,
    devices: Vec<DeviceRow>,
    entitlements: Vec<EntitlementRow>,
    names: &mut Interned,
) -> Option<AccountEntry> {
    let Some(status) = AccountStatus::parse(&a.status) else {
        tracing::error!(
            tenant = tenant_id,
            account = a.id,
            "account status unreadable; left out"
        );
        return None;
    };
    let home: Vec<String> = serde_json::from_str(&a.home_ips).unwrap_or_default();
    let devices = devices
        .into_iter()
        .filter_map(|d| {
            Some(DeviceEntry {
                device_type: DeviceType::parse(&d.device_type)?,
                status: DeviceStatus::parse(&d.status)?,
                activity: DeviceActivity::parse(&d.activity)?,
                id: d.id,
                deleted: d.deleted,
                approved: d.approved,
                class: d.class.map(|c| names.classes.intern(&c)),
                model: d.model,
            })
        })
        .collect();
    let entitlements = entitlements
        .into_iter()
        .map(|e| NewEntitlement {
            entry: EntitlementEntry {
                product: names.products.intern(&e.product_id),
                valid_from: secs(e.valid_from),
                expiry: e.expiry.map_or(u32::MAX, secs),
                created: secs(e.created),
                first_play_at: e.first_play_at.map_or(0, secs),
                plays_used: e.plays_used.clamp(0, u16::MAX as i64) as u16,
                subscribed: e.subscribed,
            },
            id: e.id,
            modified: secs(e.modified),
            archivable: e.is_archivable,
            purchased_by: e.purchased_by_device_id,
        })
        .collect();
    let entry = AccountEntry {
        status,
        approval_required: a.approval_required,
        playback_guard: a.playback_guard.as_deref().map(|c| names.ratings.intern(c)),
        home: home.iter().filter_map(|s| parse_net(s)).collect(),
        devices,
        entitlements,
    };
    if !fits(&a.id, &entry) {
        tracing::error!(
            tenant = tenant_id,
            account = a.id,
            "account has an id, name or device count too large for the snapshot; left out"
        );
        return None;
    }
    Some(entry)
}

fn opt_secs(v: Option<i64>) -> Option<u32> {
    v.map(|s| s.clamp(0, u32::MAX as i64) as u32)
}

async fn catalogue(
    store: &Store,
    tenant_id: &str,
    names: &mut Interned,
) -> Result<Catalogue, StoreError> {
    let Interned {
        products,
        classes,
        ratings,
    } = names;
    let pool = store.sync_pool();
    let mut rules: Vec<(ProductIdx, ProductRule)> = Vec::new();
    for p in crate::store::catalogue::products(pool, tenant_id).await? {
        let Some(kind) = p.product_type else {
            tracing::error!(
                tenant = tenant_id,
                product = p.id,
                "product type unreadable; left out"
            );
            continue;
        };
        rules.push((
            products.intern(&p.id),
            ProductRule {
                kind,
                device_classes: p.device_classes.iter().map(|c| classes.intern(c)).collect(),
                usage_rules_profile_id: p.usage_rules_profile_id.map(String::into_boxed_str),
                start_validity: p.start_validity.map_or(0, secs),
                end_validity: p.end_validity.map_or(u32::MAX, secs),
                rental_period_s: opt_secs(p.rental_period_s),
                play_period_s: opt_secs(p.play_period_s),
                max_plays: opt_secs(p.max_plays),
                d2go_allowed: p.d2go_allowed,
                storage_duration_s: opt_secs(p.storage_duration_s),
                storage_start_period_s: opt_secs(p.storage_start_period_s),
            },
        ));
    }
    let mut grants: HashMap<(String, String), Vec<ProductIdx>> = HashMap::new();
    for (product, kind, target) in rows::grants(pool, tenant_id).await? {
        let idx = products.intern(&product);
        grants.entry((kind, target)).or_default().push(idx);
    }
    let granted = |kind: &str, id: &str| -> Vec<ProductIdx> {
        grants
            .get(&(kind.to_owned(), id.to_owned()))
            .cloned()
            .unwrap_or_default()
    };
    let mut catalogue = Catalogue::default();
    catalogue.products = vec![None; products.len()];
    for (idx, rule) in rules {
        catalogue.products[idx as usize] = Some(rule);
    }
    let mut channel_index: HashMap<String, u32> = HashMap::new();
    // A channel's technicals share its editorial id: an event on one of
    // them is on all of them.
    let mut channel_group: HashMap<String, Vec<u32>> = HashMap::new();
    for r in rows::items(pool, tenant_id).await? {
        let (kind, own) = if r.is_channel {
            (ItemKind::Channel, "CHANNEL")
        } else {
            (ItemKind::Vod, "CONTENT")
        };
        let mut granting = granted(own, &r.id);
        granting.extend(granted("EDITORIAL", &r.editorial_id));
        granting.sort_unstable();
        granting.dedup();
        let idx = catalogue.items.len() as u32;
        if r.is_channel {
            channel_index.insert(r.id.clone(), idx);
            channel_group
                .entry(r.editorial_id.clone())
                .or_default()
                .push(idx);
        }
        let drm_id = r.drm_id.clone().unwrap_or_else(|| r.id.clone());
        let location = location_rules(tenant_id, &r.id, &r.location).map(Box::new);
        let rating = r.rating_code.as_deref().map(|c| ratings.intern(c));
        catalogue.items.push(Item {
            kind,
            id: r.id.into_boxed_str(),
            drm_id: drm_id.into_boxed_str(),
            products: granting.into_boxed_slice(),
            start: r.start_at.map_or(0, secs),
            end: r.end_at.map_or(u32::MAX, secs),
            technical_start: r.technical_start_at.map_or(0, secs),
            technical_end: r.technical_end_at.map_or(u32::MAX, secs),
            in_home_only: r.in_home_only,
            block_if_off_net: r.block_if_off_net,
            location,
            rating,
            playback_span: r.playback_url.as_deref().and_then(LocationSpan::of),
            playback_url: r.playback_url.map(String::into_boxed_str),
            cdn_required: r.cdn_token_required,
            cdn_id: r.cdn_id.map(String::into_boxed_str),
            events: Box::new([]),
        });
    }
    let group_of: HashMap<u32, &Vec<u32>> = channel_group
        .values()
        .flat_map(|g| g.iter().map(move |i| (*i, g)))
        .collect();
    let mut events_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for e in rows::events(pool, tenant_id).await? {
        let Some(&item) = channel_index.get(&e.channel_id) else {
            continue;
        };
        let items: Box<[u32]> = group_of
            .get(&item)
            .map_or_else(|| Box::from([item]), |g| g.as_slice().into());
        let idx = catalogue.events.len() as u32;
        for i in items.iter() {
            events_of.entry(*i).or_default().push(idx);
        }
        catalogue
            .events_by_id
            .insert(e.id.clone().into_boxed_str(), idx);
        catalogue.events.push(PpvEventRule {
            products: granted("EVENT", &e.id).into_boxed_slice(),
            id: e.id.into_boxed_str(),
            items,
            start: secs(e.start_at),
            end: secs(e.end_at),
        });
    }
    for (item, events) in events_of {
        catalogue.items[item as usize].events = events.into_boxed_slice();
    }
    catalogue.index_content();
    for (code, system, level) in rows::classifications(pool, tenant_id).await? {
        let i = ratings.intern(&code) as usize;
        if catalogue.rating_levels.len() <= i {
            catalogue.rating_levels.resize(i + 1, None);
        }
        catalogue.rating_levels[i] = Some(RatingLevel {
            system: system.into_boxed_str(),
            level,
        });
    }
    // Grants may intern products no product row names; keep the table in step.
    catalogue.products.resize(products.len(), None);
    Ok(catalogue)
}

/// An item's location rules from its stored lists; a list that is not a JSON
/// array of country codes is logged and held as unreadable (the item plays
/// nowhere until it is fixed).
fn location_rules(tenant: &str, item: &str, row: &rows::LocationRow) -> Option<ContentRules> {
    let filtering = serde_json::from_str::<Vec<String>>(&row.filtering_list);
    let blocking = serde_json::from_str::<Vec<String>>(&row.blocking_list);
    let rules = match (filtering, blocking) {
        (Ok(filtering), Ok(blocking)) => ContentRules::new(
            row.block_vpn,
            filtering.iter().map(String::as_str),
            row.filtering_is_allow,
            blocking.iter().map(String::as_str),
        ),
        _ => Some(ContentRules::unreadable()),
    };
    if rules.as_ref().is_some_and(ContentRules::is_unreadable) {
        tracing::warn!(
            tenant,
            item,
            "location lists are not arrays of ISO 3166-1 alpha-2 codes; the item plays nowhere"
        );
    }
    rules
}
