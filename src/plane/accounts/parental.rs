//! Parental rating thresholds of an account (§2.7): a map ratings body →
//! threshold (e.g. `{"FSK": "fsk12", "TVPG": "TV-MA"}`), copied into the
//! access tokens signed after a change (`parentalControl.ratingThreshold`).
//! Update replaces the whole map (bodies left out are gone: clients
//! GET-modify-PUT); delete removes only the bodies it names.
//!
//! Must never: change another account's thresholds, or leave a half-applied
//! map (each change is one transaction).

use std::collections::BTreeMap;

use crate::store::accounts::account as account_store;
use crate::store::changes::ChangeKind;

use crate::plane::accounts::account::check_thresholds;
use crate::plane::accounts::Accounts;
use crate::plane::{validate, PlaneError};

/// Ratings body → threshold (`None`: no threshold for that body).
pub type Thresholds = BTreeMap<String, Option<String>>;

impl Accounts {
    /// The account's thresholds.
    pub async fn rating_thresholds(
        &self,
        tenant: &str,
        account: &str,
    ) -> Result<Thresholds, PlaneError> {
        validate::entity_id("accountId", account)?;
        let a = account_store::get(self.base.store.pool(), tenant, account)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        Ok(a.parental_thresholds)
    }

    /// Applies `change` to the map in one transaction; `(matched, modified)`.
    async fn change_thresholds(
        &self,
        tenant: &str,
        account: &str,
        change: impl FnOnce(&mut Thresholds),
    ) -> Result<(u64, u64), PlaneError> {
        validate::entity_id("accountId", account)?;
        let now = self.base.now_s();
        let mut tx = self
            .base
            .store
            .write_locked(&format!("account/{tenant}/{account}"))
            .await?;
        let mut a = account_store::get(&mut *tx.conn(), tenant, account)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        let before = a.parental_thresholds.clone();
        change(&mut a.parental_thresholds);
        if a.parental_thresholds == before {
            return Ok((1, 0));
        }
        a.modified = now;
        account_store::update(tx.conn(), &a).await?;
        tx.record_change(tenant, ChangeKind::Account, account, now)
            .await?;
        self.base.commit(tx).await?;
        Ok((1, 1))
    }

    /// `updateRatingsThresholds`: the whole map.
    pub async fn replace_thresholds(
        &self,
        tenant: &str,
        account: &str,
        thresholds: Thresholds,
    ) -> Result<(u64, u64), PlaneError> {
        check_thresholds(&thresholds)?;
        self.change_thresholds(tenant, account, |t| *t = thresholds)
            .await
    }

    /// `deleteRatingsThresholds`: the named bodies only.
    pub async fn delete_thresholds(
        &self,
        tenant: &str,
        account: &str,
        bodies: &[String],
    ) -> Result<(u64, u64), PlaneError> {
        if bodies.is_empty() {
            return Err(PlaneError::BadRequest(
                "name at least one ratings body".into(),
            ));
        }
        for b in bodies {
            validate::text("ratings body", b, 64)?;
        }
        self.change_thresholds(tenant, account, |t| {
            for b in bodies {
                t.remove(b);
            }
        })
        .await
    }
}
