//! Keeps this node's snapshot in step with the store.
//!
//! Owns: building the first snapshot at start, and the loop that reads the
//! `changes` feed by id and publishes a new snapshot. It is woken at once by
//! commits made through this node, on PostgreSQL by the `NOTIFY` other nodes'
//! commits send, and by a poll as the safety net (a lost notification, a
//! listener reconnecting) that bounds how late a change can be.
//!
//! Must never: publish a partially built snapshot, skip a change id, or stop the
//! node serving when the store is unreachable (it keeps the last snapshot and
//! retries on the next tick).

mod build;
mod catalogue;
mod playback;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::core::catalogue::index::Catalogue;
use crate::core::clock::Clock;
use crate::core::snapshot::{Snapshot, SnapshotCell};
use crate::store::changes::{self, ChangeKind};
use crate::store::{Store, StoreError};

/// Most change entries folded into one new snapshot.
const BATCH: i64 = 10_000;

/// The snapshot maintainer of one node.
pub struct Syncer {
    store: Store,
    cell: Arc<SnapshotCell>,
    clock: Arc<dyn Clock>,
    poll: Duration,
    committed: watch::Receiver<i64>,
    applied: watch::Sender<i64>,
}

impl Syncer {
    pub fn new(
        store: Store,
        cell: Arc<SnapshotCell>,
        clock: Arc<dyn Clock>,
        poll: Duration,
        committed: watch::Receiver<i64>,
        applied: watch::Sender<i64>,
    ) -> Self {
        Self {
            store,
            cell,
            clock,
            poll,
            committed,
            applied,
        }
    }

    /// Builds the whole snapshot from the store and publishes it.
    pub async fn load_full(&self) -> Result<(), StoreError> {
        // Read the feed head first: anything committed while we load is re-applied
        // afterwards (applying a change twice is harmless; missing one is not).
        let head = changes::head(self.store.sync_pool()).await?;
        let mut snapshot = build::full(&self.store, self.clock.now_s()).await?;
        snapshot.version = head;
        for c in snapshot.catalogue.values_mut() {
            Arc::make_mut(c).version = head;
        }
        snapshot.built_at_ms = self.clock.now_ms();
        self.publish(snapshot);
        Ok(())
    }

    /// Folds every change after the current version into a new snapshot.
    /// Returns how many changes were applied.
    pub async fn catch_up(&self) -> Result<usize, StoreError> {
        let current = self.cell.load();
        let mut applied = 0;
        let mut next: Option<Snapshot> = None;
        loop {
            let from = next.as_ref().map_or(current.version, |s| s.version);
            let batch = changes::after(self.store.sync_pool(), from, BATCH).await?;
            let Some(last) = batch.last() else { break };
            let last_id = last.id;
            let mut snapshot = match next.take() {
                Some(s) => s,
                None => (*current).clone(),
            };
            // Tenants carry their key rings: either kind rebuilds that part.
            let tenants_changed = batch
                .iter()
                .any(|c| matches!(c.kind, Some(ChangeKind::Tenant | ChangeKind::SigningKey)));
            if tenants_changed {
                snapshot.tenants = build::tenants(&self.store).await?;
            }
            if batch.iter().any(|c| c.kind == Some(ChangeKind::Revocation)) {
                snapshot.revoked = Arc::new(build::revoked(&self.store, self.clock.now_s()).await?);
            }
            self.apply_playback(&mut snapshot, &batch).await?;
            self.apply_catalogue(&mut snapshot, &batch, from, last_id)
                .await?;
            // Other kinds are folded in by the parts of the snapshot that read them
            // as those parts land; until then the version still advances past them.
            applied += batch.len();
            snapshot.version = last_id;
            let full_batch = batch.len() as i64 == BATCH;
            next = Some(snapshot);
            if !full_batch {
                break;
            }
        }
        if let Some(mut snapshot) = next {
            snapshot.built_at_ms = self.clock.now_ms();
            self.publish(snapshot);
        }
        Ok(applied)
    }

    /// Folds a batch of changes into the playback part: the accounts the batch
    /// names are re-read one by one; a catalogue change re-reads that tenant's
    /// catalogue; a guest-room change re-reads its guest passes (those of
    /// rooms still open); a profile change or a bulk ("*") entry re-reads the
    /// tenant.
    async fn apply_playback(
        &self,
        snapshot: &mut Snapshot,
        batch: &[changes::Change],
    ) -> Result<(), StoreError> {
        use std::collections::BTreeSet;
        let mut whole = BTreeSet::new();
        let mut settings = BTreeSet::new();
        let mut catalogue = BTreeSet::new();
        let mut accounts = BTreeSet::new();
        let mut rooms = BTreeSet::new();
        let mut lists = BTreeSet::new();
        for c in batch {
            let tenant = c.tenant_id.as_str();
            let bulk = c.entity_key == "*";
            match c.kind {
                Some(ChangeKind::Tenant) => {
                    settings.insert(tenant);
                }
                Some(ChangeKind::AccountProfile) => {
                    whole.insert(tenant);
                }
                Some(ChangeKind::Account | ChangeKind::Entitlement | ChangeKind::Device)
                    if bulk =>
                {
                    whole.insert(tenant);
                }
                Some(ChangeKind::Account | ChangeKind::Entitlement) => {
                    accounts.insert((tenant, c.entity_key.clone()));
                }
                Some(ChangeKind::Device) => {
                    if let Some(account) =
                        playback::device_account(&self.store, tenant, &c.entity_key).await?
                    {
                        accounts.insert((tenant, account));
                    }
                }
                Some(
                    ChangeKind::Product
                    | ChangeKind::Channel
                    | ChangeKind::Content
                    | ChangeKind::PpvEvent
                    | ChangeKind::Catalogue,
                ) => {
                    catalogue.insert(tenant);
                }
                Some(ChangeKind::GuestRoom) => {
                    rooms.insert(tenant);
                }
                Some(ChangeKind::NetworkList) => {
                    lists.insert(tenant);
                }
                _ => {}
            }
        }
        for tenant in settings {
            let Some(row) =
                crate::store::tenancy::tenants::get(self.store.sync_pool(), tenant).await?
            else {
                snapshot.playback.remove(tenant);
                continue;
            };
            match snapshot.playback.get(tenant) {
                Some(current) => {
                    let mut next = (**current).clone();
                    next.on_net = playback::on_net(&row.settings);
                    next.policy = playback::policy(tenant, &row.settings);
                    snapshot.playback.insert(tenant.into(), Arc::new(next));
                }
                None => {
                    whole.insert(tenant);
                }
            }
        }
        for tenant in &whole {
            let Some(row) =
                crate::store::tenancy::tenants::get(self.store.sync_pool(), tenant).await?
            else {
                continue;
            };
            let names = snapshot
                .playback
                .get(*tenant)
                .map(|p| playback::Interned::of(p))
                .unwrap_or_default();
            let next = playback::tenant(
                &self.store,
                tenant,
                &row.settings,
                names,
                self.clock.now_s(),
            )
            .await?;
            snapshot.playback.insert((*tenant).into(), Arc::new(next));
        }
        for tenant in catalogue.difference(&whole) {
            if let Some(current) = snapshot.playback.get(*tenant).cloned() {
                let next = playback::with_catalogue(&self.store, tenant, &current).await?;
                snapshot.playback.insert((*tenant).into(), Arc::new(next));
            }
        }
        for tenant in lists.difference(&whole) {
            if let Some(current) = snapshot.playback.get(*tenant).cloned() {
                let next = playback::with_network_lists(&self.store, tenant, &current).await?;
                snapshot.playback.insert((*tenant).into(), Arc::new(next));
            }
        }
        for tenant in rooms.difference(&whole) {
            if let Some(current) = snapshot.playback.get(*tenant).cloned() {
                let now = self.clock.now_s();
                let next = playback::with_guests(&self.store, tenant, &current, now).await?;
                snapshot.playback.insert((*tenant).into(), Arc::new(next));
            }
        }
        for (tenant, account) in accounts {
            if whole.contains(tenant) {
                continue;
            }
            if let Some(current) = snapshot.playback.get(tenant).cloned() {
                let next = playback::with_account(&self.store, tenant, &current, &account).await?;
                snapshot.playback.insert(tenant.into(), Arc::new(next));
            }
        }
        Ok(())
    }

    /// Folds a batch of changes into the catalogue part: an ingest entry
    /// re-reads the records written by changes `from < id <= upto` for its
    /// tenant; a tenant or classification change re-reads the tenant's
    /// settings and rating levels (a new tenant is built whole).
    async fn apply_catalogue(
        &self,
        snapshot: &mut Snapshot,
        batch: &[changes::Change],
        from: i64,
        upto: i64,
    ) -> Result<(), StoreError> {
        use std::collections::BTreeSet;
        let mut records = BTreeSet::new();
        let mut settings = BTreeSet::new();
        for c in batch {
            match c.kind {
                Some(ChangeKind::Catalogue) => {
                    records.insert(c.tenant_id.as_str());
                }
                Some(ChangeKind::Tenant | ChangeKind::Classification) => {
                    settings.insert(c.tenant_id.as_str());
                }
                _ => {}
            }
        }
        for tenant in settings {
            let Some(row) =
                crate::store::tenancy::tenants::get(self.store.sync_pool(), tenant).await?
            else {
                snapshot.catalogue.remove(tenant);
                continue;
            };
            let next = match snapshot.catalogue.get(tenant) {
                Some(current) => {
                    catalogue::with_settings(&self.store, tenant, current, &row.settings).await?
                }
                None => {
                    records.remove(tenant);
                    catalogue::tenant(&self.store, tenant, &row.settings).await?
                }
            };
            snapshot.catalogue.insert(
                tenant.into(),
                Arc::new(Catalogue {
                    version: upto,
                    ..next
                }),
            );
        }
        for tenant in records {
            let Some(current) = snapshot.catalogue.get(tenant).cloned() else {
                continue;
            };
            let next = catalogue::apply(&self.store, tenant, &current, from, upto).await?;
            snapshot.catalogue.insert(
                tenant.into(),
                Arc::new(Catalogue {
                    version: upto,
                    ..next
                }),
            );
        }
        Ok(())
    }

    fn publish(&self, snapshot: Snapshot) {
        let version = snapshot.version;
        self.cell.store(snapshot);
        self.applied.send_modify(|v| *v = (*v).max(version));
    }

    /// Runs until `shutdown` resolves: first the full load (retrying while the
    /// store is unreachable), then catch-up on every commit and every poll tick.
    pub async fn run(mut self, mut shutdown: watch::Receiver<bool>) {
        let mut backoff = Duration::from_millis(100);
        loop {
            match self.load_full().await {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "initial snapshot load failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
        }
        let loaded = self.cell.load();
        let (mut accounts, mut devices, mut entitlements) = (0, 0, 0);
        for p in loaded.playback.values() {
            let (d, e) = p.accounts.record_counts();
            (accounts, devices, entitlements) =
                (accounts + p.accounts.len(), devices + d, entitlements + e);
        }
        tracing::info!(
            version = loaded.version,
            tenants = loaded.playback.len(),
            accounts,
            devices,
            entitlements,
            "snapshot loaded"
        );
        let notified = Arc::new(tokio::sync::Notify::new());
        tokio::spawn(listen(
            self.store.clone(),
            notified.clone(),
            shutdown.clone(),
        ));
        let mut ticker = tokio::time::interval(self.poll);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = notified.notified() => {}
                changed = self.committed.changed() => {
                    if changed.is_err() { return; }
                }
                _ = shutdown.changed() => return,
            }
            if let Err(e) = self.catch_up().await {
                tracing::warn!(error = %e, "change feed catch-up failed; serving the last snapshot");
            }
        }
    }
}

/// PostgreSQL: wakes the catch-up loop on every change notification, holding
/// one listening connection (re-opened after a loss; the poll covers the gap).
/// Returns at once on SQLite.
async fn listen(store: Store, wake: Arc<tokio::sync::Notify>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let Some(opened) = store.change_listener().await else {
            return;
        };
        match opened {
            Ok(mut listener) => loop {
                tokio::select! {
                    got = listener.try_recv() => match got {
                        Ok(Some(_)) => wake.notify_one(),
                        // The connection dropped: catch up now for what it may
                        // have missed, then listen again.
                        Ok(None) => wake.notify_one(),
                        Err(e) => {
                            tracing::warn!(error = %e, "change listener failed; polling until it is back");
                            store.mark_down();
                            break;
                        }
                    },
                    _ = shutdown.changed() => return,
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "change listener could not connect; polling until it can");
                store.mark_down();
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return,
        }
    }
}
