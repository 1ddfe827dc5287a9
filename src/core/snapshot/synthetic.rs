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
    AccountEntry, Accounts, Catalogue, DeviceEntry, EntitlementEntry, Item, ItemKind, Playback,
    ProductIds, ProductRule, OPEN_END,
};
use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType, ProductType};

pub const PRODUCTS: u32 = 50;

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
        let idx = catalogue.items.len() as u32;
        catalogue.by_content_id.insert(drm.clone().into(), idx);
        catalogue.by_content_id.insert(id.clone().into(), idx);
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
            events: Box::new([]),
        });
    }
    let idx = catalogue.items.len() as u32;
    catalogue.by_content_id.insert("DRM_ch-fta".into(), idx);
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
        events: Box::new([]),
    });
    let entries = (0..accounts).map(|i| {
        let devices = (0..1 + (i % 2))
            .map(|d| DeviceEntry {
                id: format!("dev-{i}-{d}").into(),
                device_type: DeviceType::Open,
                status: DeviceStatus::Enabled,
                activity: DeviceActivity::Active,
                deleted: false,
                approved: true,
                class: Some("Mobile".into()),
                model: Some("Phone".into()),
            })
            .collect();
        let entitlements = products_of(i)
            .iter()
            .map(|&product| EntitlementEntry {
                product,
                valid_from: 1_700_000_000,
                expiry: 2_000_000_000,
                created: 1_700_000_000,
                first_play_at: 0,
                plays_used: 0,
                subscribed: true,
            })
            .collect();
        (
            format!("acc-{i}").into_boxed_str(),
            AccountEntry {
                status: AccountStatus::Active,
                approval_required: true,
                home: Box::new([]),
                devices,
                entitlements,
            },
        )
    });
    Playback {
        products: Arc::new(ids),
        catalogue: Arc::new(catalogue),
        accounts: Accounts::from_entries(entries),
        on_net: Arc::new([]),
    }
}
