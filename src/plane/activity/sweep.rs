//! The sweep of the collection engine: every `activity.sweep_interval_s`,
//! each tenant's expired records go (a bounded number per round; expired
//! ratings leave their contents' averages first), its
//! events older than its retention go, and
//! once an hour the records of profiles that no longer exist (a
//! write-behind write that landed after its profile was deleted).
//!
//! Must never: remove a live record of an existing profile.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::Activity;
use crate::core::activity::settings::ActivitySettings;
use crate::store::activity::records as store;
use crate::store::activity::{aggregates, events};
use crate::store::tenancy::tenants;

/// Expired records removed per tenant per round at most.
const PER_ROUND: i64 = 10_000;
/// Rounds between orphan sweeps (at the default interval: an hour).
const ORPHAN_EVERY: u64 = 60;

impl Activity {
    /// One round: expired records of every tenant (and, when `orphans`,
    /// records of deleted profiles). Returns how many went.
    pub async fn sweep(&self, orphans: bool) -> Result<u64, crate::plane::PlaneError> {
        let now = self.base.now_s();
        let mut gone = 0;
        for t in tenants::list(self.base.store.pool()).await? {
            let mut tx = self.base.store.write().await?;
            // Expired ratings leave their contents' averages as they go.
            let ratings = store::expired_ratings(tx.conn(), &t.id, now, PER_ROUND).await?;
            for r in &ratings {
                aggregates::add_rating(tx.conn(), &t.id, &r.item, -super::rating_of(r), -1, now)
                    .await?;
            }
            store::delete_records(tx.conn(), &t.id, &ratings).await?;
            gone += ratings.len() as u64;
            gone += store::sweep_expired(tx.conn(), &t.id, now, PER_ROUND).await?;
            let retention = ActivitySettings::of(&t.settings)
                .unwrap_or_default()
                .events_retention_s;
            gone += events::sweep(tx.conn(), &t.id, now - retention).await?;
            if orphans {
                gone += store::sweep_orphans(tx.conn(), &t.id).await?;
            }
            self.base.commit_in_background(tx).await?;
        }
        Ok(gone)
    }

    /// Starts the write-behind writer and the sweep; both end on
    /// `shutdown`, the writer after writing everything pending.
    pub fn start_workers(
        &self,
        sweep_every: Duration,
        shutdown: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let writer = self.pending.start(self.base.clone(), shutdown.clone());
        let me = self.clone();
        let mut stop = shutdown;
        tokio::spawn(async move {
            let mut round = 0u64;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(sweep_every) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
                round += 1;
                match me.sweep(round % ORPHAN_EVERY == 0).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(records = n, "activity records swept"),
                    Err(e) => tracing::warn!(error = %e, "activity sweep failed"),
                }
            }
            let _ = writer.await;
        })
    }
}
