//! Rental plays, recorded write-behind: the playback use case hands a
//! granted rental play to [`PlayRecorder::record`] (a non-blocking queue push)
//! and answers at once; this background task writes the plays in batches
//! (`plays_used`, `first_play_at`, see
//! [`crate::store::commerce::entitlements::record_play`]), one transaction and one
//! change-feed entry per account, so the snapshot — and with it `decide`'s
//! `maxPlays` and play-period rules — follows within one sync round.
//!
//! Trade-offs, chosen deliberately: the hot path never waits for the store;
//! a burst of tokens for one rental before its play lands can exceed
//! `maxPlays` by the few requests in flight; a full queue (the store down for
//! long) drops plays, each drop logged. On shutdown the queue is drained before
//! the store closes.
//!
//! Must never: block or await on the request path, or lose a queued play on
//! a graceful shutdown.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::store::changes::ChangeKind;
use crate::store::commerce::entitlements as ent_store;

use crate::plane::commerce::Commerce;
use crate::plane::PlaneError;
use crate::playback::plays::Play;
#[cfg(doc)]
use crate::playback::plays::PlayRecorder;

/// Plays written per transaction at most.
const BATCH: usize = 512;
/// Attempts at writing a batch while the store fails.
const ATTEMPTS: u32 = 5;

/// Starts the writer of the plays queued on `rx` (see
/// [`PlayRecorder::channel`]): it runs until `shutdown` turns true, then
/// writes what is queued and ends.
pub fn start_writer(
    plane: Commerce,
    same_play_s: i64,
    rx: mpsc::Receiver<Play>,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(write_plays(plane, same_play_s, rx, shutdown))
}

async fn write_plays(
    plane: Commerce,
    same_play_s: i64,
    mut rx: mpsc::Receiver<Play>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let stopping = tokio::select! {
            n = rx.recv_many(&mut batch, BATCH) => n == 0,
            _ = shutdown.wait_for(|stop| *stop) => true,
        };
        if stopping {
            while let Ok(play) = rx.try_recv() {
                batch.push(play);
                if batch.len() == BATCH {
                    write_with_retry(&plane, &batch, same_play_s).await;
                    batch.clear();
                }
            }
        }
        if !batch.is_empty() {
            write_with_retry(&plane, &batch, same_play_s).await;
            batch.clear();
        }
        if stopping {
            return;
        }
    }
}

async fn write_with_retry(plane: &Commerce, batch: &[Play], same_play_s: i64) {
    let mut wait = Duration::from_millis(100);
    for attempt in 1..=ATTEMPTS {
        match plane.record_plays(batch, same_play_s).await {
            Ok(()) => return,
            Err(e) if attempt < ATTEMPTS => {
                tracing::warn!(error = %e, attempt, "writing rental plays failed; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            Err(e) => {
                tracing::error!(error = %e, plays = batch.len(), "rental plays lost");
            }
        }
    }
}

impl Commerce {
    /// Writes a batch of plays in one transaction, with one change entry per
    /// account. Plays of entitlements that are gone are skipped.
    pub async fn record_plays(&self, plays: &[Play], same_play_s: i64) -> Result<(), PlaneError> {
        let mut tx = self.base.store.write().await?;
        let mut accounts = BTreeSet::new();
        for p in plays {
            let account = ent_store::record_play(
                tx.conn(),
                &p.tenant,
                &p.entitlement_id,
                &p.device_id,
                p.at,
                same_play_s,
            )
            .await?;
            if let Some(account) = account {
                accounts.insert((p.tenant.clone(), account));
            }
        }
        let now = self.base.now_s();
        for (tenant, account) in &accounts {
            tx.record_change(tenant, ChangeKind::Entitlement, account, now)
                .await?;
        }
        self.base.commit_in_background(tx).await?;
        Ok(())
    }
}
