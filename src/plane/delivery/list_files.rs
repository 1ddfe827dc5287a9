//! Network lists kept as files: with `network.lists_dir` set, each
//! `<lists_dir>/<tenant>/vpn.csv` and `<lists_dir>/<tenant>/geo.csv` is read
//! at start and again whenever its modification time or size changes (checked
//! every `network.lists_poll_ms`), and stored as the tenant's list exactly as
//! `PUT /adm/v1/network/lists/{kind}` stores it, so every node of a cluster
//! swaps it in through the change feed. A file identical to the stored list
//! writes nothing (several nodes may watch the same files).
//!
//! Decisions: a file that does not parse is logged with its row and the
//! stored list stays; a removed file leaves the stored list as it is (remove
//! lists with `DELETE`); a file for a tenant that does not exist is logged
//! and read again when it changes (or at the next start). A file that could
//! not be stored because the store was down is tried again every pass.
//!
//! Must never: store a list that does not parse, or stop on a bad file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::core::ids::is_valid_tenant_id;
use crate::core::net::ListKind;
use crate::plane::delivery::Delivery;
use crate::plane::PlaneError;

/// What a file looked like when it was last read.
type Seen = (SystemTime, u64);

/// Watches `dir` until `shutdown` turns true.
pub async fn watch(
    plane: Delivery,
    dir: PathBuf,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut seen: HashMap<PathBuf, Seen> = HashMap::new();
    loop {
        scan(&plane, &dir, &mut seen).await;
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One pass over the directory: every list file that changed since `seen`.
pub async fn scan(plane: &Delivery, dir: &Path, seen: &mut HashMap<PathBuf, Seen>) {
    let mut tenants = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "network lists directory unreadable");
            return;
        }
    };
    while let Ok(Some(entry)) = tenants.next_entry().await {
        let Some(tenant) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if !is_valid_tenant_id(&tenant) || !entry.path().is_dir() {
            continue;
        }
        for kind in [ListKind::Vpn, ListKind::Geo] {
            let path = entry.path().join(format!("{}.csv", kind.as_str()));
            let Ok(meta) = tokio::fs::metadata(&path).await else {
                continue;
            };
            let now = (
                meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                meta.len(),
            );
            if seen.get(&path) == Some(&now) {
                continue;
            }
            // Read again next pass when the store could not take it.
            if load(plane, &tenant, kind, &path).await {
                seen.insert(path, now);
            }
        }
    }
}

/// Reads and stores one file; false when it should be tried again (the
/// file or the store could not be read or written just now).
async fn load(plane: &Delivery, tenant: &str, kind: ListKind, path: &Path) -> bool {
    let body = match tokio::fs::read_to_string(path).await {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(file = %path.display(), error = %e, "network list file unreadable");
            return false;
        }
    };
    match plane.put_network_list_if_changed(tenant, kind, &body).await {
        Ok(stored) => {
            if stored {
                tracing::info!(tenant, list = kind.as_str(), file = %path.display(), "network list loaded from its file");
            }
            true
        }
        Err(PlaneError::BadRequest(problem)) => {
            tracing::error!(tenant, file = %path.display(), problem, "network list file refused; the stored list stays");
            true
        }
        Err(PlaneError::Conflict(problem)) => {
            tracing::error!(tenant, file = %path.display(), problem, "network list file for an unknown tenant");
            true
        }
        Err(e) => {
            tracing::warn!(tenant, file = %path.display(), error = %e, "network list file not stored yet; retrying");
            false
        }
    }
}
