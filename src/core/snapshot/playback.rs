//! The playback part of a tenant's snapshot: everything `decide` reads.
//!
//! - [`Catalogue`]: products (their rules), playable items (VOD contents and
//!   channels, by DRM id and by technical id) with the products that grant
//!   each, and PPV events. Rebuilt whole when the catalogue changes (rare).
//! - [`Accounts`]: every account with its devices and entitlements, in
//!   [`SHARDS`] shards; a change to one account copies one shard, not the world.
//! - Product ids are interned ([`ProductIds`], append-only), so an entitlement
//!   names its product with a `u32` that stays valid across catalogue rebuilds.
//!
//! Times are seconds since the epoch as `u32` ([`secs`]): an entitlement costs
//! 24 bytes. Must never: be mutated after it is published, or do I/O.

use std::hash::{BuildHasher, Hash};
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType, ProductType};

/// Account shards per tenant (a power of two).
pub const SHARDS: usize = 1024;

/// No end: the window is open on that side.
pub const OPEN_END: u32 = u32::MAX;

/// Seconds since the epoch as stored in the snapshot: saturating into `u32`
/// (before 1970 is 0, after 2106 is [`OPEN_END`]).
#[inline]
pub fn secs(t: i64) -> u32 {
    t.clamp(0, u32::MAX as i64) as u32
}

/// A product's index in [`ProductIds`].
pub type ProductIdx = u32;

/// Interned product ids; append-only, so indices never change meaning.
#[derive(Debug, Clone, Default)]
pub struct ProductIds {
    ids: Vec<Box<str>>,
    index: FxHashMap<Box<str>, ProductIdx>,
}

impl ProductIds {
    pub fn get(&self, id: &str) -> Option<ProductIdx> {
        self.index.get(id).copied()
    }

    /// The index of `id`, adding it if new.
    pub fn intern(&mut self, id: &str) -> ProductIdx {
        if let Some(i) = self.get(id) {
            return i;
        }
        let i = self.ids.len() as ProductIdx;
        self.ids.push(id.into());
        self.index.insert(id.into(), i);
        i
    }

    pub fn name(&self, i: ProductIdx) -> &str {
        self.ids.get(i as usize).map_or("", |s| s)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// What a product allows (MDS product fields).
#[derive(Debug, Clone)]
pub struct ProductRule {
    pub kind: ProductType,
    /// Playout device classes allowed; empty = every class.
    pub device_classes: Box<[Box<str>]>,
    pub usage_rules_profile_id: Option<Box<str>>,
    pub start_validity: u32,
    pub end_validity: u32,
    /// Rentals: seconds from purchase, seconds from first play, plays allowed.
    pub rental_period_s: Option<u32>,
    pub play_period_s: Option<u32>,
    pub max_plays: Option<u32>,
    /// Download to Go: allowed, how long a download is kept, and the period
    /// (from the entitlement's start) in which the first download may happen.
    pub d2go_allowed: bool,
    pub storage_duration_s: Option<u32>,
    pub storage_start_period_s: Option<u32>,
}

impl ProductRule {
    pub fn allows_class(&self, class: Option<&str>) -> bool {
        self.device_classes.is_empty()
            || class.is_some_and(|c| self.device_classes.iter().any(|d| &**d == c))
    }
}

/// A playable item: a VOD technical content or a live channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Vod,
    Channel,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// Technical (content) or channel id.
    pub id: Box<str>,
    /// What players pass as `content_id`.
    pub drm_id: Box<str>,
    /// Products that grant this item (through its technical, editorial or
    /// channel id). Empty: free-to-air.
    pub products: Box<[ProductIdx]>,
    /// Editorial availability window.
    pub start: u32,
    pub end: u32,
    /// Technical (publishing) window.
    pub technical_start: u32,
    pub technical_end: u32,
    pub in_home_only: bool,
    pub block_if_off_net: bool,
    /// Channels: PPV events on this channel (indices into `Catalogue::events`).
    pub events: Box<[u32]>,
}

impl Item {
    pub fn is_free_to_air(&self) -> bool {
        self.products.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct PpvEventRule {
    pub id: Box<str>,
    /// The channel's index in `Catalogue::items`.
    pub item: u32,
    /// Products that grant the event.
    pub products: Box<[ProductIdx]>,
    pub start: u32,
    pub end: u32,
}

/// A tenant's catalogue, as `decide` reads it.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// By [`ProductIdx`]; `None` for an id known only from an entitlement.
    pub products: Vec<Option<ProductRule>>,
    pub items: Vec<Item>,
    /// DRM id and technical id → index in `items`.
    pub by_content_id: FxHashMap<Box<str>, u32>,
    pub events: Vec<PpvEventRule>,
    pub events_by_id: FxHashMap<Box<str>, u32>,
}

impl Catalogue {
    pub fn item(&self, content_id: &str) -> Option<(u32, &Item)> {
        let i = *self.by_content_id.get(content_id)?;
        Some((i, &self.items[i as usize]))
    }

    pub fn product(&self, i: ProductIdx) -> Option<&ProductRule> {
        self.products.get(i as usize).and_then(Option::as_ref)
    }

    pub fn event(&self, id: &str) -> Option<&PpvEventRule> {
        self.events_by_id.get(id).map(|i| &self.events[*i as usize])
    }
}

/// A device as `decide` sees it.
#[derive(Debug, Clone)]
pub struct DeviceEntry {
    pub id: Box<str>,
    pub device_type: DeviceType,
    pub status: DeviceStatus,
    pub activity: DeviceActivity,
    pub deleted: bool,
    pub approved: bool,
    pub class: Option<Box<str>>,
    pub model: Option<Box<str>>,
}

/// An entitlement as `decide` sees it (24 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitlementEntry {
    pub product: ProductIdx,
    pub valid_from: u32,
    /// [`OPEN_END`] when the entitlement does not expire.
    pub expiry: u32,
    /// When it was bought (PPV: must be before the event starts).
    pub created: u32,
    /// First play (rentals), 0 if none yet.
    pub first_play_at: u32,
    pub plays_used: u16,
    pub subscribed: bool,
}

/// An account with what its playback depends on.
#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub status: AccountStatus,
    /// The account profile turns device approval on (OPEN devices only).
    pub approval_required: bool,
    /// The subscriber's home addresses / prefixes ("In Home").
    pub home: Box<[IpNet]>,
    pub devices: Box<[DeviceEntry]>,
    pub entitlements: Box<[EntitlementEntry]>,
}

impl AccountEntry {
    pub fn device(&self, id: &str) -> Option<&DeviceEntry> {
        self.devices.iter().find(|d| &*d.id == id)
    }

    pub fn is_home(&self, ip: IpAddr) -> bool {
        self.home.iter().any(|n| n.contains(&ip))
    }
}

type Shard = FxHashMap<Box<str>, Arc<AccountEntry>>;

/// Every account of a tenant, sharded by id hash.
#[derive(Debug, Clone)]
pub struct Accounts {
    shards: Box<[Arc<Shard>]>,
}

impl Default for Accounts {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Arc::new(Shard::default())).collect(),
        }
    }
}

fn shard_of(id: &str) -> usize {
    let mut h = FxBuildHasher.build_hasher();
    id.hash(&mut h);
    (std::hash::Hasher::finish(&h) as usize) & (SHARDS - 1)
}

impl Accounts {
    /// Builds from all entries at once (start-up).
    pub fn from_entries(entries: impl IntoIterator<Item = (Box<str>, AccountEntry)>) -> Self {
        let mut shards: Vec<Shard> = (0..SHARDS).map(|_| Shard::default()).collect();
        for (id, entry) in entries {
            shards[shard_of(&id)].insert(id, Arc::new(entry));
        }
        Self {
            shards: shards.into_iter().map(Arc::new).collect(),
        }
    }

    #[inline]
    pub fn get(&self, id: &str) -> Option<&AccountEntry> {
        self.shards[shard_of(id)].get(id).map(|a| &**a)
    }

    /// A copy with one account replaced (or removed when `entry` is `None`):
    /// only that account's shard is copied.
    pub fn with(&self, id: &str, entry: Option<AccountEntry>) -> Self {
        let s = shard_of(id);
        let mut shard = (*self.shards[s]).clone();
        match entry {
            Some(e) => {
                shard.insert(id.into(), Arc::new(e));
            }
            None => {
                shard.remove(id);
            }
        }
        let mut shards = self.shards.clone();
        shards[s] = Arc::new(shard);
        Self { shards }
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything `decide` reads for one tenant; swapped with the tenant's view.
#[derive(Debug, Clone, Default)]
pub struct Playback {
    pub products: Arc<ProductIds>,
    pub catalogue: Arc<Catalogue>,
    pub accounts: Accounts,
    /// On-network prefixes (tenant setting `network.onNet`).
    pub on_net: Arc<[IpNet]>,
}

impl Playback {
    pub fn is_on_net(&self, ip: IpAddr) -> bool {
        self.on_net.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(status: AccountStatus) -> AccountEntry {
        AccountEntry {
            status,
            approval_required: false,
            home: Box::new([]),
            devices: Box::new([]),
            entitlements: Box::new([]),
        }
    }

    #[test]
    fn entitlements_cost_24_bytes() {
        assert_eq!(std::mem::size_of::<EntitlementEntry>(), 24);
    }

    #[test]
    fn replacing_an_account_copies_one_shard_only() {
        let a = Accounts::from_entries(
            (0..5000).map(|i| (format!("acc-{i}").into(), account(AccountStatus::Active))),
        );
        let b = a.with("acc-7", Some(account(AccountStatus::Suspended)));
        assert_eq!(a.get("acc-7").unwrap().status, AccountStatus::Active);
        assert_eq!(b.get("acc-7").unwrap().status, AccountStatus::Suspended);
        let shared = a
            .shards
            .iter()
            .zip(b.shards.iter())
            .filter(|(x, y)| Arc::ptr_eq(x, y))
            .count();
        assert_eq!(shared, SHARDS - 1);
        let c = b.with("acc-7", None);
        assert!(c.get("acc-7").is_none());
        assert_eq!(c.len(), 4999);
    }

    #[test]
    fn interned_product_ids_are_stable() {
        let mut ids = ProductIds::default();
        let a = ids.intern("p-a");
        let b = ids.intern("p-b");
        assert_eq!(ids.intern("p-a"), a);
        assert_ne!(a, b);
        assert_eq!(ids.name(b), "p-b");
        assert_eq!(secs(-5), 0);
        assert_eq!(secs(i64::MAX), OPEN_END);
    }
}
