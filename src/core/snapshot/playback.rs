//! The playback part of a tenant's snapshot: everything `decide` reads.
//!
//! - [`Catalogue`]: products (their rules), playable items (VOD contents and
//!   channels, by DRM id and by technical id) with the products that grant
//!   each, and PPV events. Rebuilt whole when the catalogue changes (rare).
//! - [`Accounts`] (module `accounts`): every account with its devices and
//!   entitlements, in [`SHARDS`] shards; a change to one account rebuilds one
//!   shard, not the world.
//! - [`GuestPasses`] (module `guests`): who may watch a channel as a guest
//!   of a room; rebuilt for a tenant when one of its rooms changes.
//! - Product ids are interned ([`ProductIds`], append-only), so an entitlement
//!   names its product with a `u32` that stays valid across catalogue rebuilds.
//!
//! Times are seconds since the epoch as `u32` ([`secs`]): an entitlement costs
//! 24 bytes. Must never: be mutated after it is published, or do I/O.

use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Arc;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap};

pub use super::accounts::{
    fits, Account, AccountEntry, Accounts, AccountsBuilder, Device, DeviceEntry, EntitlementEntry,
    EntitlementMeta, EntitlementView, NewEntitlement, NO_DEVICE, SHARDS,
};
pub use super::guests::{GuestPass, GuestPasses};
use crate::core::cdn::location::{Location, LocationSpan};
use crate::core::net::{ContentRules, Geo, NetworkPolicy, PrefixSet};
use crate::core::status::ProductType;

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

/// Interned names (product ids, device classes); append-only, so indices
/// never change meaning.
#[derive(Debug, Clone, Default)]
pub struct Names {
    ids: Vec<Box<str>>,
    index: FxHashMap<Box<str>, ProductIdx>,
}

/// Interned product ids.
pub type ProductIds = Names;

impl Names {
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
    /// Playout device classes allowed (interned in [`Playback::classes`]);
    /// empty = every class.
    pub device_classes: Box<[u32]>,
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
    pub fn allows_class(&self, class: Option<u32>) -> bool {
        self.device_classes.is_empty() || class.is_some_and(|c| self.device_classes.contains(&c))
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
    /// The content's own location rules, if it has any.
    pub location: Option<Box<ContentRules>>,
    /// Its classification (interned in [`Playback::ratings`]), if rated.
    pub rating: Option<u32>,
    /// Where the player fetches it (manifest URL), if known.
    pub playback_url: Option<Box<str>>,
    /// Where in `playback_url` its location lies ([`Item::playback_location`]),
    /// found when the snapshot is built; `None` when it has none a CDN
    /// token could cover.
    pub playback_span: Option<LocationSpan>,
    /// `cdnTokenDetails`: a CDN token is required for it, from this CDN
    /// (the tenant's default, or the one serving the URL, when unnamed).
    pub cdn_required: bool,
    pub cdn_id: Option<Box<str>>,
    /// Channels: PPV events on this channel (indices into `Catalogue::events`).
    pub events: Box<[u32]>,
}

impl Item {
    pub fn is_free_to_air(&self) -> bool {
        self.products.is_empty()
    }

    /// The item's playback location: the directory of its playback URL
    /// ([`crate::core::cdn::location`]).
    pub fn playback_location(&self) -> Option<Location<'_>> {
        Some(self.playback_span?.in_url(self.playback_url.as_deref()?))
    }
}

#[derive(Debug, Clone)]
pub struct PpvEventRule {
    pub id: Box<str>,
    /// The channel's items in `Catalogue::items`: every technical of the
    /// channel the event is on.
    pub items: Box<[u32]>,
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
    /// DRM id and technical id → item (see [`Catalogue::index_content`]).
    content_index: HashTable<u32>,
    pub events: Vec<PpvEventRule>,
    pub events_by_id: FxHashMap<Box<str>, u32>,
    /// By interned classification code: its rating system and level (`None`
    /// for a code the tenant's classifications do not define).
    pub rating_levels: Vec<Option<RatingLevel>>,
}

/// Where a classification sits: "a higher level means a greater
/// restriction", levels unique within a system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingLevel {
    pub system: Box<str>,
    pub level: i64,
}

/// An item's key in the content index: its DRM id (even entry) or its
/// technical id (odd entry).
fn content_key(items: &[Item], entry: u32) -> &str {
    let item = &items[(entry >> 1) as usize];
    if entry & 1 == 0 {
        &item.drm_id
    } else {
        &item.id
    }
}

impl Catalogue {
    /// (Re)builds the content index from `items`: each item under its DRM
    /// id and its technical id; the first item to claim an id keeps it.
    pub fn index_content(&mut self) {
        let mut table = HashTable::with_capacity(self.items.len() * 2);
        let items = &self.items;
        for i in 0..items.len() as u32 {
            for entry in [i << 1, (i << 1) | 1] {
                let key = content_key(items, entry);
                let hash = FxBuildHasher.hash_one(key);
                if table
                    .find(hash, |&e| content_key(items, e) == key)
                    .is_none()
                {
                    table.insert_unique(hash, entry, |&e| {
                        FxBuildHasher.hash_one(content_key(items, e))
                    });
                }
            }
        }
        self.content_index = table;
    }

    #[inline]
    pub fn item(&self, content_id: &str) -> Option<(u32, &Item)> {
        let hash = FxBuildHasher.hash_one(content_id);
        let items = &self.items;
        let entry = *self
            .content_index
            .find(hash, |&e| content_key(items, e) == content_id)?;
        let i = entry >> 1;
        Some((i, &items[i as usize]))
    }

    pub fn product(&self, i: ProductIdx) -> Option<&ProductRule> {
        self.products.get(i as usize).and_then(Option::as_ref)
    }

    pub fn event(&self, id: &str) -> Option<&PpvEventRule> {
        self.events_by_id.get(id).map(|i| &self.events[*i as usize])
    }

    /// Rocket's playback guard: whether an item rated `rating` needs the
    /// PIN under an account guard of `guard` ("anything at this rating level
    /// or above"). Unrated items and accounts without a guard: no. A code
    /// the classifications do not define, or ratings of two different
    /// systems, cannot be ordered: guarded (no unguarded play by accident).
    pub fn is_guarded(&self, guard: Option<u32>, rating: Option<u32>) -> bool {
        let (Some(guard), Some(rating)) = (guard, rating) else {
            return false;
        };
        let level = |i: u32| self.rating_levels.get(i as usize).and_then(Option::as_ref);
        match (level(guard), level(rating)) {
            (Some(g), Some(r)) if g.system == r.system => r.level >= g.level,
            _ => true,
        }
    }
}

/// Everything `decide` reads for one tenant; swapped with the tenant's view.
#[derive(Debug, Clone, Default)]
pub struct Playback {
    pub products: Arc<ProductIds>,
    /// Device playout classes, interned.
    pub classes: Arc<Names>,
    /// Classification codes (item ratings, account guards), interned.
    pub ratings: Arc<Names>,
    pub catalogue: Arc<Catalogue>,
    pub accounts: Accounts,
    /// On-network prefixes (tenant setting `network.onNet`).
    pub on_net: Arc<PrefixSet>,
    /// The operator's VPN / proxy list and geo list (`network_lists`).
    pub vpn: Arc<PrefixSet>,
    pub geo: Arc<Geo>,
    /// Who may sign on and play from where (settings `network.blockVpn`,
    /// `network.geoBlocking`). Held inline: `decide` reads it on every
    /// request, and with no policy that is one flag in a line already loaded.
    pub policy: NetworkPolicy,
    /// Guest passes of the tenant's open guest rooms.
    pub guests: Arc<GuestPasses>,
}

impl Playback {
    pub fn is_on_net(&self, ip: IpAddr) -> bool {
        self.on_net.contains(ip)
    }

    /// The tenant's network policy for a client at `ip`.
    pub fn network_check(
        &self,
        stage: crate::core::net::Stage,
        ip: Option<IpAddr>,
    ) -> Result<(), crate::core::net::NetRefusal> {
        self.policy.check(stage, ip, &self.vpn, &self.geo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
