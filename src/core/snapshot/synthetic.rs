//! A generated playback snapshot of any size, for benches and allocation
//! tests (the service never uses it): `accounts` accounts with three
//! entitlements and one or two devices each, `contents` VOD items granted by
//! one of 50 subscription products each, and a free-to-air channel.
//!
//! Account `acc-{i}` holds products `(i % 50)`, `(i + 17) % 50` and
//! `(i + 33) % 50`; content `vod-{j}` (DRM id `DRM_vod-{j}`) is granted by
//! product `j % 50`. So content `j` is entitled for account `i` exactly when
//! `j % 50` is one of those three.

use std::sync::Arc;

use super::playback::{
    AccountEntry, Accounts, Catalogue, DeviceEntry, EntitlementEntry, Item, ItemKind, Names,
    NewEntitlement, Playback, ProductIds, ProductRule, OPEN_END,
};
use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType, ProductType};

pub const PRODUCTS: u32 = 50;

/// The one device class (`Mobile`), interned first.
const MOBILE: u32 = 0;

/// The products account `i` is entitled to.
pub fn products_of(i: u64) -> [u32; 3] {
    let p = (i % PRODUCTS as u64) as u32;
    [p, (p + 17) % PRODUCTS, (p + 33) % PRODUCTS]
}

pub fn playback(accounts: u64, contents: u32) -> Playback {
    let mut ids = ProductIds::default();
    let mut catalogue = Catalogue::default();
    for p in 0..PRODUCTS {
        ids.intern(&format!("prod-{p}"));
        catalogue.products.push(Some(ProductRule {
            kind: ProductType::Subscription,
            device_classes: Box::new([]),
            usage_rules_profile_id: None,
            start_validity: 0,
            end_validity: OPEN_END,
            rental_period_s: None,
            play_period_s: None,
            max_plays: None,
            d2go_allowed: false,
            storage_duration_s: None,
            storage_start_period_s: None,
        }));
    }
    for j in 0..contents {
        let id = format!("vod-{j}");
        let drm = format!("DRM_{id}");
        catalogue.items.push(Item {
            kind: ItemKind::Vod,
            id: id.into(),
            drm_id: drm.into(),
            products: Box::new([j % PRODUCTS]),
            start: 0,
            end: OPEN_END,
            technical_start: 0,
            technical_end: OPEN_END,
            in_home_only: false,
            block_if_off_net: false,
            location: None,
            rating: None,
            playback_url: None,
            playback_span: None,
            cdn_required: false,
            cdn_id: None,
            events: Box::new([]),
        });
    }
    catalogue.items.push(Item {
        kind: ItemKind::Channel,
        id: "ch-fta".into(),
        drm_id: "DRM_ch-fta".into(),
        products: Box::new([]),
        start: 0,
        end: OPEN_END,
        technical_start: 0,
        technical_end: OPEN_END,
        in_home_only: false,
        block_if_off_net: false,
        location: None,
        rating: None,
        playback_url: None,
        playback_span: None,
        cdn_required: false,
        cdn_id: None,
        events: Box::new([]),
    });
    catalogue.index_content();
    let mut classes = Names::default();
    classes.intern("Mobile");
    Playback {
        products: Arc::new(ids),
        classes: Arc::new(classes),
        ratings: Arc::default(),
        catalogue: Arc::new(catalogue),
        accounts: Accounts::from_entries((0..accounts).map(|i| (format!("acc-{i}"), account(i)))),
        on_net: Arc::default(),
        vpn: Arc::default(),
        geo: Arc::default(),
        policy: Default::default(),
        guests: Arc::default(),
    }
}

/// Account `acc-{i}`: one or two devices, three entitlements.
pub fn account(i: u64) -> AccountEntry {
    let devices = (0..1 + (i % 2))
        .map(|d| DeviceEntry {
            id: format!("dev-{i}-{d}"),
            device_type: DeviceType::Open,
            status: DeviceStatus::Enabled,
            activity: DeviceActivity::Active,
            deleted: false,
            approved: true,
            class: Some(MOBILE),
            model: Some("Phone".into()),
        })
        .collect();
    let entitlements = products_of(i)
        .iter()
        .enumerate()
        .map(|(k, &product)| NewEntitlement {
            id: format!("ent-{i:08}-{k}"),
            entry: EntitlementEntry {
                product,
                valid_from: 1_700_000_000,
                expiry: 2_000_000_000,
                created: 1_700_000_000,
                first_play_at: 0,
                plays_used: 0,
                subscribed: true,
            },
            modified: 1_700_000_000,
            archivable: false,
            purchased_by: None,
        })
        .collect();
    AccountEntry {
        status: AccountStatus::Active,
        approval_required: true,
        playback_guard: None,
        home: Vec::new(),
        devices,
        entitlements,
    }
}
