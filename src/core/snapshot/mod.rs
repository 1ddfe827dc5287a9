//! Immutable, swapped-whole views of the data the fast path reads.
//!
//! Owns: the [`Snapshot`] value and the [`SnapshotCell`] readers `load()` once per
//! request. Everything that must agree lives in one `Snapshot` behind one
//! `ArcSwap`; a writer (the `sync` module) builds a new value off the request path
//! and stores it whole.
//!
//! Must never: be mutated in place, do I/O, or hand out references that outlive the
//! `Arc` a reader loaded.

mod accounts;
pub mod guests;
pub mod playback;
mod revoked;
pub mod synthetic;
mod tenants;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use arc_swap::ArcSwap;

pub use revoked::Revoked;
pub use tenants::{TenantStatus, TenantView};

/// One consistent view of fast-path data at one point of the change feed.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    /// Highest change-feed id folded into this snapshot (0 = none).
    pub version: i64,
    /// When this snapshot was built, ms since the epoch (from the injected clock).
    pub built_at_ms: i64,
    /// Tenants by id.
    pub tenants: HashMap<Box<str>, Arc<TenantView>>,
    /// Revoked sign-on chains and tokens still in force.
    pub revoked: Arc<Revoked>,
    /// What the playback decision reads, per tenant.
    pub playback: HashMap<Box<str>, Arc<playback::Playback>>,
    /// What catalogue lists read, per tenant (the same records the playback
    /// rights above were derived from, at the same change id).
    pub catalogue: HashMap<Box<str>, Arc<crate::core::catalogue::index::Catalogue>>,
}

impl Snapshot {
    pub fn tenant(&self, id: &str) -> Option<&Arc<TenantView>> {
        self.tenants.get(id)
    }

    /// A tenant's catalogue; one shared empty catalogue for a tenant whose
    /// first records have not arrived.
    pub fn catalogue_of(&self, tenant: &str) -> Arc<crate::core::catalogue::index::Catalogue> {
        static EMPTY: std::sync::LazyLock<Arc<crate::core::catalogue::index::Catalogue>> =
            std::sync::LazyLock::new(Arc::default);
        self.catalogue.get(tenant).unwrap_or(&EMPTY).clone()
    }
}

/// The shared, atomically swapped snapshot plus a "first snapshot loaded" flag.
#[derive(Debug)]
pub struct SnapshotCell {
    current: ArcSwap<Snapshot>,
    loaded: AtomicBool,
}

impl Default for SnapshotCell {
    fn default() -> Self {
        Self::new()
    }
}

impl SnapshotCell {
    /// An empty, not-yet-loaded cell.
    pub fn new() -> Self {
        Self {
            current: ArcSwap::from_pointee(Snapshot::default()),
            loaded: AtomicBool::new(false),
        }
    }

    /// The current snapshot. Call once per request and keep the `Arc`.
    #[inline]
    pub fn load(&self) -> Arc<Snapshot> {
        self.current.load_full()
    }

    /// Publishes a new snapshot; readers that already loaded keep theirs.
    pub fn store(&self, snapshot: Snapshot) {
        self.current.store(Arc::new(snapshot));
        self.loaded.store(true, Ordering::Release);
    }

    /// True once the first snapshot from the store has been published.
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> Arc<TenantView> {
        Arc::new(TenantView::without_keys(id, TenantStatus::Active))
    }

    #[test]
    fn readers_keep_the_snapshot_they_loaded() {
        let cell = SnapshotCell::new();
        assert!(!cell.is_loaded());
        let mut first = Snapshot {
            version: 1,
            ..Snapshot::default()
        };
        first.tenants.insert("a".into(), tenant("a"));
        cell.store(first);
        assert!(cell.is_loaded());

        let held = cell.load();
        let mut second = (*held).clone();
        second.version = 2;
        second.tenants.insert("b".into(), tenant("b"));
        cell.store(second);

        assert_eq!(held.version, 1);
        assert!(held.tenant("b").is_none());
        let now = cell.load();
        assert_eq!(now.version, 2);
        assert!(now.tenant("a").is_some() && now.tenant("b").is_some());
    }
}
