//! Write-behind for the kinds written at playback rate (the kinds table's
//! `write_behind`: bookmarks, which are also Rocket's watched status): a
//! write is kept in memory, coalesced with later writes of the same key,
//! and written with every other pending write in one batch per tenant
//! within the flush delay (`activity.write_behind_ms`, default 1 s).
//!
//! - **Read-your-writes on this node**: a read of one record looks at the
//!   pending writes, then the batch being written, then the store; a read
//!   of a scope's list overlays that scope's pending records
//!   ([`WriteBehind::overlay`]).
//! - **Deletes** take the flush lock, write the affected scope's pending
//!   records first ([`WriteBehind::settle`]), then delete: a delete is
//!   never undone by an older write landing after it.
//! - **Limits**: after each batch, the scopes it touched that hold more
//!   than their kind's limit lose their oldest records.
//! - **Shutdown** writes everything pending before the store closes.
//! - **Crash**: writes acknowledged within the last flush delay (plus one
//!   batch's write time) are lost; that is the bound this design accepts.
//!   Another node reads a write once its batch lands (within the delay
//!   and the batch's write time).
//! - **Store down**: a batch that fails is retried with backoff and then
//!   kept pending (newer writes of the same key win) for the next flush.
//!
//! Must never: answer a read on this node with an older value than a write
//! this node acknowledged, or write one key twice in one statement.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::core::activity::events::VIEW_NAMES;
use crate::core::activity::{KindId, Record, Scope};
use crate::plane::{Base, PlaneError};
use crate::store::activity::events::{self as event_store, Event};
use crate::store::activity::{aggregates, records as store};

/// Whose records, of which kind, in which tenant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScopeKey {
    pub tenant: Arc<str>,
    pub scope: Scope,
    pub kind: KindId,
}

/// A pending write and the limit its kind had in its tenant.
#[derive(Debug, Clone)]
struct Pending {
    record: Record,
    limit: u32,
}

/// A scope's pending writes by item.
type ScopeWrites = HashMap<String, Pending>;
type Writes = HashMap<ScopeKey, ScopeWrites>;

/// Events waiting for their batch, with their tenant.
type Events = Vec<(Arc<str>, Event)>;

#[derive(Default)]
struct Buffers {
    /// Taken but not yet written.
    pending: Writes,
    /// The batch being written.
    in_flight: Writes,
    /// Activity events taken but not yet written (appended, never
    /// coalesced).
    events: Events,
}

/// The buffer of one node. Cheap to share.
pub struct WriteBehind {
    buffers: Mutex<Buffers>,
    /// Held while a batch is written, and by deletes while they settle.
    flush_lock: tokio::sync::Mutex<()>,
    delay: Duration,
    /// Wakes the writer early (shutdown, or a large backlog).
    wake: Notify,
}

/// Pending writes beyond which the writer starts a batch before the delay.
const EARLY_FLUSH: usize = 50_000;
/// Attempts at a batch before its writes are kept for the next flush.
const ATTEMPTS: u32 = 3;

impl WriteBehind {
    pub fn new(delay: Duration) -> Self {
        Self {
            buffers: Mutex::new(Buffers::default()),
            flush_lock: tokio::sync::Mutex::new(()),
            delay,
            wake: Notify::new(),
        }
    }

    fn buffers(&self) -> std::sync::MutexGuard<'_, Buffers> {
        self.buffers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a write; the store has it within the flush delay.
    pub fn put(&self, tenant: &str, record: Record, limit: u32) {
        let key = ScopeKey {
            tenant: Arc::from(tenant),
            scope: record.scope.clone(),
            kind: record.kind,
        };
        let backlog = {
            let mut b = self.buffers();
            let scope = b.pending.entry(key).or_default();
            let created = scope.get(&record.item).map(|p| p.record.created);
            let mut record = record;
            if let Some(created) = created {
                record.created = created;
            }
            scope.insert(record.item.clone(), Pending { record, limit });
            b.pending.len()
        };
        if backlog >= EARLY_FLUSH {
            self.wake.notify_one();
        }
    }

    /// Takes an activity event; the store has it within the flush delay.
    pub fn report(&self, tenant: &str, event: Event) {
        let backlog = {
            let mut b = self.buffers();
            b.events.push((Arc::from(tenant), event));
            b.events.len()
        };
        if backlog >= EARLY_FLUSH {
            self.wake.notify_one();
        }
    }

    /// The newest write of one record this node holds, if any.
    pub fn get(&self, key: &ScopeKey, item: &str) -> Option<Record> {
        let b = self.buffers();
        let found = [&b.pending, &b.in_flight]
            .into_iter()
            .find_map(|w| w.get(key).and_then(|s| s.get(item)))
            .map(|p| p.record.clone());
        found
    }

    /// `stored` (a scope's records from the store) with this node's newer
    /// writes of that scope laid over it; `None` when there are none.
    pub fn overlay(&self, key: &ScopeKey, stored: &[Record]) -> Option<Vec<Record>> {
        let b = self.buffers();
        let mut newer: HashMap<&str, &Record> = HashMap::new();
        for w in [&b.in_flight, &b.pending] {
            if let Some(s) = w.get(key) {
                newer.extend(s.iter().map(|(k, p)| (k.as_str(), &p.record)));
            }
        }
        if newer.is_empty() {
            return None;
        }
        let mut out: Vec<Record> = Vec::with_capacity(stored.len() + newer.len());
        for r in stored {
            match newer.remove(r.item.as_str()) {
                // The stored record's creation date stands (as the upsert
                // keeps it).
                Some(n) => out.push(Record {
                    created: r.created.min(n.created),
                    ..n.clone()
                }),
                None => out.push(r.clone()),
            }
        }
        out.extend(newer.into_values().cloned());
        Some(out)
    }

    /// Whether this node holds writes of the scope not yet in the store.
    pub fn holds(&self, key: &ScopeKey) -> bool {
        let b = self.buffers();
        b.pending.contains_key(key) || b.in_flight.contains_key(key)
    }

    /// Writes this node's pending records of `kind` of `account` (one
    /// profile's, or every scope of the account with `profile` `None`) and
    /// returns with the flush lock held: the caller's delete runs before
    /// any later batch.
    pub async fn settle(
        &self,
        base: &Base,
        tenant: &str,
        kind: KindId,
        account: &str,
        profile: Option<&str>,
    ) -> Result<tokio::sync::MutexGuard<'_, ()>, PlaneError> {
        let guard = self.flush_lock.lock().await;
        let taken: Writes = {
            let mut b = self.buffers();
            let keys: Vec<ScopeKey> = b
                .pending
                .keys()
                .filter(|k| {
                    &*k.tenant == tenant
                        && k.kind == kind
                        && k.scope.account == account
                        && profile.is_none_or(|p| p == k.scope.profile)
                })
                .cloned()
                .collect();
            let taken: Writes = keys
                .into_iter()
                .filter_map(|k| b.pending.remove_entry(&k))
                .collect();
            // Readers keep finding them while they are written (no batch is
            // in flight: the flush lock is held).
            b.in_flight = taken.clone();
            taken
        };
        if !taken.is_empty() {
            let written = write_batch(base, &taken, &[]).await;
            self.buffers().in_flight.clear();
            if let Err(e) = written {
                self.restore(taken, Vec::new());
                return Err(e);
            }
        }
        Ok(guard)
    }

    /// Drops this node's pending writes of one profile (it is being
    /// deleted); a batch already in flight may still land, and the orphan
    /// sweep removes it.
    pub fn discard(&self, tenant: &str, account: &str, profile: &str) {
        let mut b = self.buffers();
        b.pending.retain(|k, _| {
            !(&*k.tenant == tenant && k.scope.account == account && k.scope.profile == profile)
        });
        b.events.retain(|(t, e)| {
            !(&**t == tenant && e.account_id == account && e.profile_id == profile)
        });
    }

    /// Puts writes back as pending, unless a newer write of the key came;
    /// events go back before the ones taken since.
    fn restore(&self, writes: Writes, events: Events) {
        let mut b = self.buffers();
        if !events.is_empty() {
            let newer = std::mem::replace(&mut b.events, events);
            b.events.extend(newer);
        }
        for (key, items) in writes {
            let scope = b.pending.entry(key).or_default();
            for (item, p) in items {
                scope.entry(item).or_insert(p);
            }
        }
    }

    /// Writes everything pending now (one batch per tenant).
    pub async fn flush(&self, base: &Base) {
        let _guard = self.flush_lock.lock().await;
        let (batch, events) = {
            let mut b = self.buffers();
            let taken = std::mem::take(&mut b.pending);
            b.in_flight = taken.clone();
            (taken, std::mem::take(&mut b.events))
        };
        if batch.is_empty() && events.is_empty() {
            return;
        }
        let mut backoff = Duration::from_millis(50);
        let mut failed = None;
        for attempt in 1..=ATTEMPTS {
            match write_batch(base, &batch, &events).await {
                Ok(()) => {
                    failed = None;
                    break;
                }
                Err(e) => {
                    tracing::warn!(attempt, error = %e, "write-behind batch failed");
                    failed = Some(e);
                    if attempt < ATTEMPTS {
                        tokio::time::sleep(backoff).await;
                        backoff *= 4;
                    }
                }
            }
        }
        let mut b = self.buffers();
        b.in_flight.clear();
        drop(b);
        if failed.is_some() {
            tracing::error!(
                scopes = batch.len(),
                "write-behind batch kept for the next flush"
            );
            self.restore(batch, events);
        }
    }

    /// Runs the writer until `shutdown`, then writes what is pending.
    pub fn start(
        self: &Arc<Self>,
        base: Base,
        mut shutdown: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                let stopping = tokio::select! {
                    _ = tokio::time::sleep(me.delay) => false,
                    _ = me.wake.notified() => false,
                    _ = shutdown.wait_for(|s| *s) => true,
                };
                me.flush(&base).await;
                if stopping {
                    // What a request still in flight queued after the last
                    // batch.
                    me.flush(&base).await;
                    return;
                }
            }
        })
    }

    /// Pending writes (scopes) and events this node holds.
    pub fn backlog(&self) -> usize {
        let b = self.buffers();
        b.pending.len() + b.events.len()
    }
}

/// Writes `writes` and `events` (grouped by tenant, one transaction each),
/// trims the scopes written to their limits and counts the events' views.
async fn write_batch(
    base: &Base,
    writes: &Writes,
    events: &[(Arc<str>, Event)],
) -> Result<(), PlaneError> {
    let mut by_tenant: HashMap<&str, Vec<(&ScopeKey, &ScopeWrites)>> = HashMap::new();
    for (k, items) in writes {
        by_tenant.entry(&k.tenant).or_default().push((k, items));
    }
    let mut events_by_tenant: HashMap<&str, Vec<Event>> = HashMap::new();
    for (tenant, e) in events {
        by_tenant.entry(tenant).or_default();
        events_by_tenant.entry(tenant).or_default().push(e.clone());
    }
    for (tenant, scopes) in by_tenant {
        let records: Vec<Record> = scopes
            .iter()
            .flat_map(|(_, items)| items.values().map(|p| p.record.clone()))
            .collect();
        let mut tx = base.store.write().await?;
        let dialect = tx.dialect();
        store::upsert(tx.conn(), tenant, &records).await?;
        if let Some(events) = events_by_tenant.get(tenant) {
            event_store::insert(tx.conn(), tenant, events).await?;
            let mut views: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
            for e in events
                .iter()
                .filter(|e| !e.key.is_empty() && VIEW_NAMES.contains(&e.name.as_str()))
            {
                let v = views.entry(&e.key).or_insert((0, e.received));
                v.0 += 1;
                v.1 = v.1.max(e.received);
            }
            for (content, (n, at)) in views {
                aggregates::add_views(tx.conn(), tenant, content, n, at).await?;
            }
        }
        // Scopes by (kind, limit), for one over-limit query each.
        let mut groups: HashMap<(KindId, u32), Vec<&Scope>> = HashMap::new();
        for (k, items) in &scopes {
            let limit = items.values().map(|p| p.limit).min().unwrap_or(u32::MAX);
            groups.entry((k.kind, limit)).or_default().push(&k.scope);
        }
        for ((kind, limit), group) in groups {
            for over in store::over_limit(tx.conn(), tenant, kind, "", &group, limit).await? {
                store::evict_oldest(tx.conn(), dialect, tenant, kind, &over, "", limit).await?;
            }
        }
        base.commit_in_background(tx).await?;
    }
    Ok(())
}
