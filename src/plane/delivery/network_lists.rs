//! The operator's network lists (`vpn`, `geo`): replaced whole, read back as
//! a summary, removed. A list is checked row by row before it is stored (a
//! bad row refuses it, naming the row) and every node rebuilds its lookup
//! tables from the stored text when the change feed names it.
//!
//! Must never: store a list that does not parse, or touch another tenant's.

use crate::core::net::{parse_geo, parse_vpn, ListKind};
use crate::store::changes::ChangeKind;
use crate::store::delivery::network_lists::{self as store, ListInfo};

use crate::plane::delivery::Delivery;
use crate::plane::PlaneError;

/// Entries a list may hold (a whole routing table is about 1M IPv4 prefixes).
pub const MAX_ENTRIES: usize = 4_000_000;

/// How many prefixes `body` holds as a list of `kind`, or the row that stops it.
pub fn check(kind: ListKind, body: &str) -> Result<usize, PlaneError> {
    let entries = match kind {
        ListKind::Vpn => parse_vpn(body).map(|l| l.len()),
        ListKind::Geo => parse_geo(body).map(|g| g.len()),
    }
    .map_err(|e| PlaneError::BadRequest(format!("{} list, {e}", kind.as_str())))?;
    if entries > MAX_ENTRIES {
        return Err(PlaneError::BadRequest(format!(
            "{} list: more than {MAX_ENTRIES} entries",
            kind.as_str()
        )));
    }
    Ok(entries)
}

fn sha256_hex(body: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, body.as_bytes()))
}

impl Delivery {
    /// Replaces the tenant's list of `kind` with `body` (CSV).
    pub async fn put_network_list(
        &self,
        tenant: &str,
        kind: ListKind,
        body: &str,
    ) -> Result<ListInfo, PlaneError> {
        let entries = check(kind, body)? as i64;
        let sha256 = sha256_hex(body);
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        store::put(
            tx.conn(),
            tenant,
            kind.as_str(),
            body,
            &sha256,
            entries,
            now,
        )
        .await?;
        tx.record_change(tenant, ChangeKind::NetworkList, kind.as_str(), now)
            .await?;
        self.base.commit(tx).await?;
        Ok(ListInfo {
            kind: kind.as_str().to_owned(),
            sha256,
            entries,
            modified: now,
        })
    }

    /// Stores `body` as the list unless the stored list is already exactly
    /// it; whether it was stored.
    pub async fn put_network_list_if_changed(
        &self,
        tenant: &str,
        kind: ListKind,
        body: &str,
    ) -> Result<bool, PlaneError> {
        let stored = store::info(self.base.store.pool(), tenant, kind.as_str()).await?;
        if stored.is_some_and(|s| s.sha256 == sha256_hex(body)) {
            return Ok(false);
        }
        self.put_network_list(tenant, kind, body).await?;
        Ok(true)
    }

    pub async fn network_list(&self, tenant: &str, kind: ListKind) -> Result<ListInfo, PlaneError> {
        store::info(self.base.store.pool(), tenant, kind.as_str())
            .await?
            .ok_or(PlaneError::NotFound("network list"))
    }

    pub async fn delete_network_list(
        &self,
        tenant: &str,
        kind: ListKind,
    ) -> Result<(), PlaneError> {
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        if !store::delete(tx.conn(), tenant, kind.as_str()).await? {
            return Err(PlaneError::NotFound("network list"));
        }
        tx.record_change(tenant, ChangeKind::NetworkList, kind.as_str(), now)
            .await?;
        self.base.commit(tx).await
    }
}
