//! The operator's CDNs and their keys: define or replace a CDN, make it the
//! tenant's default, add keys, switch the signing key, retire old keys.
//! Every write first builds the CDN as the snapshot will
//! ([`crate::core::cdn::registry::build`]), so a setting or key the scheme
//! cannot use is refused with its reason and never stored.
//!
//! Rotation, as the schemes expect: add the new key (it verifies at once),
//! activate it (it signs; the old one keeps verifying), delete the old key
//! once the tokens it signed have expired (at most the CDN's `ttlSeconds`).
//!
//! Must never: return or log a secret, or delete the key that signs.

use crate::core::cdn::registry::{self, SchemeKind, StoredKey};
use crate::store::changes::ChangeKind;
use crate::store::delivery::cdns::{self as store, CdnKeyRow, CdnRow};
use crate::store::WriteTx;

use crate::plane::delivery::Delivery;
use crate::plane::{validate, PlaneError};

/// Longest key secret (a 4096-bit RSA PEM is about 3.3 KB).
const MAX_SECRET: usize = 8192;

/// A CDN as the operator API shows it: its keys by id, no secrets.
#[derive(Debug, Clone)]
pub struct CdnView {
    pub cdn: CdnRow,
    /// `(key id, signs, created)`.
    pub keys: Vec<(String, bool, i64)>,
}

/// The tenant's CDNs, and the keys of CDN `id`.
async fn state(
    tx: &mut WriteTx,
    tenant: &str,
    id: &str,
) -> Result<(Vec<CdnRow>, Vec<CdnKeyRow>), PlaneError> {
    let cdns = store::list(&mut *tx.conn(), Some(tenant)).await?;
    let keys = store::keys(&mut *tx.conn(), Some(tenant))
        .await?
        .into_iter()
        .filter(|k| k.cdn_id == id)
        .collect();
    Ok((cdns, keys))
}

fn base_url(c: &CdnRow) -> Option<&str> {
    c.settings.get("baseUrl").and_then(|b| b.as_str())
}

/// Builds the CDN from `cdn` and `keys` as the snapshot would.
fn check(cdn: &CdnRow, keys: &[CdnKeyRow]) -> Result<(), PlaneError> {
    let kind = SchemeKind::parse(&cdn.scheme).ok_or_else(|| {
        let known: Vec<&str> = SchemeKind::ALL.iter().map(|k| k.as_str()).collect();
        PlaneError::BadRequest(format!("scheme must be one of {}", known.join(", ")))
    })?;
    let stored: Vec<StoredKey<'_>> = keys
        .iter()
        .map(|k| StoredKey {
            id: &k.key_id,
            secret: &k.secret,
            active: k.active,
        })
        .collect();
    registry::build(
        &cdn.id,
        &cdn.name,
        kind,
        &cdn.settings,
        cdn.is_default,
        &stored,
    )
    .map(|_| ())
    .map_err(PlaneError::BadRequest)
}

impl Delivery {
    /// Commits a CDN write: every node rebuilds the tenant's view (CDNs are
    /// part of it).
    async fn commit_cdns(&self, mut tx: WriteTx, tenant: &str, now: i64) -> Result<(), PlaneError> {
        tx.record_change(tenant, ChangeKind::Tenant, tenant, now)
            .await?;
        self.base.commit(tx).await
    }

    /// The tenant's CDNs with their key ids.
    pub async fn cdns(&self, tenant: &str) -> Result<Vec<CdnView>, PlaneError> {
        let cdns = store::list(self.base.store.pool(), Some(tenant)).await?;
        let keys = store::keys(self.base.store.pool(), Some(tenant)).await?;
        Ok(cdns
            .into_iter()
            .map(|cdn| {
                let keys = keys
                    .iter()
                    .filter(|k| k.cdn_id == cdn.id)
                    .map(|k| (k.key_id.clone(), k.active, k.created))
                    .collect();
                CdnView { cdn, keys }
            })
            .collect())
    }

    /// Defines or replaces a CDN (its keys stay, and must suit the new
    /// settings); whether it was created.
    pub async fn put_cdn(
        &self,
        tenant: &str,
        id: &str,
        name: &str,
        scheme: &str,
        settings: serde_json::Value,
        is_default: bool,
    ) -> Result<bool, PlaneError> {
        validate::entity_id("cdnId", id)?;
        validate::text("name", name, 200)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let (cdns, keys) = state(&mut tx, tenant, id).await?;
        let before = cdns.iter().find(|c| c.id == id);
        let row = CdnRow {
            tenant_id: tenant.to_owned(),
            id: id.to_owned(),
            name: name.to_owned(),
            scheme: scheme.to_owned(),
            settings,
            is_default,
            created: before.map_or(now, |b| b.created),
            modified: now,
        };
        check(&row, &keys)?;
        let base = base_url(&row).unwrap_or_default();
        let taken = cdns
            .iter()
            .find(|c| c.id != id && base_url(c).is_some_and(|b| b.eq_ignore_ascii_case(base)));
        if let Some(other) = taken {
            return Err(PlaneError::Conflict(format!(
                "CDN {} serves {base} already: one CDN per baseUrl",
                other.id
            )));
        }
        let created = store::upsert(tx.conn(), &row).await?;
        if is_default {
            store::set_default(tx.conn(), tenant, Some(id)).await?;
        }
        self.commit_cdns(tx, tenant, now).await?;
        Ok(created)
    }

    /// Removes a CDN and its keys.
    pub async fn delete_cdn(&self, tenant: &str, id: &str) -> Result<(), PlaneError> {
        validate::entity_id("cdnId", id)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        if !store::delete(tx.conn(), tenant, id).await? {
            return Err(PlaneError::NotFound("CDN"));
        }
        self.commit_cdns(tx, tenant, now).await
    }

    /// Adds a key (signing at once when `active`, else verifying only).
    pub async fn add_cdn_key(
        &self,
        tenant: &str,
        cdn: &str,
        key_id: &str,
        secret: &str,
        active: bool,
    ) -> Result<(), PlaneError> {
        validate::entity_id("cdnId", cdn)?;
        validate::entity_id("keyId", key_id)?;
        if secret.is_empty() || secret.len() > MAX_SECRET {
            return Err(PlaneError::BadRequest(format!(
                "secret must be 1-{MAX_SECRET} characters"
            )));
        }
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let (cdns, mut keys) = state(&mut tx, tenant, cdn).await?;
        let Some(row) = cdns.iter().find(|c| c.id == cdn) else {
            return Err(PlaneError::NotFound("CDN"));
        };
        if keys.iter().any(|k| k.key_id == key_id) {
            return Err(PlaneError::Conflict(
                "the CDN has a key with this id".into(),
            ));
        }
        let key = CdnKeyRow {
            tenant_id: tenant.to_owned(),
            cdn_id: cdn.to_owned(),
            key_id: key_id.to_owned(),
            secret: secret.to_owned(),
            active: false,
            created: now,
        };
        if active {
            keys.iter_mut().for_each(|k| k.active = false);
        }
        keys.push(CdnKeyRow {
            active,
            ..key.clone()
        });
        check(row, &keys)?;
        store::insert_key(tx.conn(), &key).await?;
        if active {
            store::activate_key(tx.conn(), tenant, cdn, key_id).await?;
        }
        self.commit_cdns(tx, tenant, now).await
    }

    /// Makes a key the CDN's signing key.
    pub async fn activate_cdn_key(
        &self,
        tenant: &str,
        cdn: &str,
        key_id: &str,
    ) -> Result<(), PlaneError> {
        validate::entity_id("cdnId", cdn)?;
        validate::entity_id("keyId", key_id)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        if !store::activate_key(tx.conn(), tenant, cdn, key_id).await? {
            return Err(PlaneError::NotFound("CDN key"));
        }
        self.commit_cdns(tx, tenant, now).await
    }

    /// Retires a key that no longer signs.
    pub async fn delete_cdn_key(
        &self,
        tenant: &str,
        cdn: &str,
        key_id: &str,
    ) -> Result<(), PlaneError> {
        validate::entity_id("cdnId", cdn)?;
        validate::entity_id("keyId", key_id)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let (_, keys) = state(&mut tx, tenant, cdn).await?;
        match keys.iter().find(|k| k.key_id == key_id) {
            None => return Err(PlaneError::NotFound("CDN key")),
            Some(k) if k.active => {
                return Err(PlaneError::Conflict(
                    "the key signs: activate another key first".into(),
                ))
            }
            Some(_) => {}
        }
        store::delete_key(tx.conn(), tenant, cdn, key_id).await?;
        self.commit_cdns(tx, tenant, now).await
    }
}
