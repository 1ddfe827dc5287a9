//! The admin plane: one domain service per bounded context (identity,
//! accounts, commerce, catalogue, delivery, tenancy), called by the faces'
//! thin handlers as `plane.<context>.<verb>(...)` with face-neutral inputs.
//!
//! Owns: validation of admin input, the write transactions (with their change-feed
//! entries), the settings the contexts apply, and the one admin-plane error type
//! [`PlaneError`]. Shared by the contexts: [`Base`] (store, clock, ids, commit),
//! `credentials` (the KDF) and `secrets` (one failed-attempt counter).
//!
//! Must never: render HTTP (faces do that), name a face, be called by the fast
//! path, or return a store error's text to a client. A context reaches another
//! only through that context's public methods.

pub mod accounts;
pub mod activity;
pub mod catalogue;
pub mod commerce;
pub mod credentials;
pub mod delivery;
mod error;
pub mod identity;
pub(crate) mod secrets;
pub mod tenancy;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

pub use error::PlaneError;

use crate::core::clock::Clock;
use crate::core::ids::IdSource;
use crate::store::{Store, WriteTx};

/// How the plane tells this node's sync loop about its commits and waits for them
/// to reach the snapshot (absent in one-shot CLI commands, which serve nothing).
#[derive(Clone)]
pub struct SyncLink {
    /// Highest change id committed through this node (wakes the sync loop).
    committed: Arc<watch::Sender<i64>>,
    /// Highest change id folded into this node's snapshot.
    applied: watch::Receiver<i64>,
}

impl SyncLink {
    pub fn new(committed: Arc<watch::Sender<i64>>, applied: watch::Receiver<i64>) -> Self {
        Self { committed, applied }
    }
}

/// What every context shares: the store, the injected clock and id source,
/// and this node's link to its sync loop. Cheap to clone.
#[derive(Clone)]
pub struct Base {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
    sync: Option<SyncLink>,
}

impl Base {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        sync: Option<SyncLink>,
    ) -> Self {
        Self {
            store,
            clock,
            ids,
            sync,
        }
    }

    pub fn now_s(&self) -> i64 {
        self.clock.now_s()
    }

    /// Commits `tx` and wakes this node's sync loop without waiting for it
    /// (background writers, whose callers are not waiting to see the change).
    /// Returns the change id to wait for, when it changed fast-path data on a
    /// node that syncs.
    pub async fn commit_in_background(&self, tx: WriteTx) -> Result<Option<i64>, PlaneError> {
        let (Some(change), Some(sync)) = (tx.commit().await?, &self.sync) else {
            return Ok(None);
        };
        sync.committed
            .send_modify(|head| *head = (*head).max(change));
        Ok(Some(change))
    }

    /// Commits `tx` and, if it changed fast-path data, waits (briefly) until this
    /// node's snapshot includes the change, so the caller's next request sees it.
    pub async fn commit(&self, tx: WriteTx) -> Result<(), PlaneError> {
        let (Some(change), Some(sync)) = (self.commit_in_background(tx).await?, &self.sync) else {
            return Ok(());
        };
        let mut applied = sync.applied.clone();
        let waited = tokio::time::timeout(
            Duration::from_secs(2),
            applied.wait_for(|version| *version >= change),
        )
        .await;
        if waited.is_err() {
            tracing::warn!(
                change.id = change,
                "snapshot did not catch up within 2 s of a commit"
            );
        }
        Ok(())
    }
}

/// The settings the plane owns (from `[tokens]` and `[rocket]`): handlers
/// never pass policy in.
#[derive(Debug, Clone)]
pub struct Settings {
    pub identity: identity::IdentitySettings,
    pub images: catalogue::images::ImageSettings,
    /// The write-behind flush delay (`activity.write_behind_ms`).
    pub write_behind: Duration,
}

impl Settings {
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            identity: identity::IdentitySettings::from_config(config),
            images: catalogue::images::ImageSettings::from_config(config),
            write_behind: Duration::from_millis(config.activity.write_behind_ms),
        }
    }
}

/// The admin plane: one service per bounded context (DESIGN.md, Layout).
/// Handlers call `plane.<context>.<verb>(...)`. Cheap to clone.
#[derive(Clone)]
pub struct Plane {
    pub identity: identity::Identity,
    pub accounts: accounts::Accounts,
    pub activity: activity::Activity,
    pub commerce: commerce::Commerce,
    pub catalogue: catalogue::Catalogue,
    pub delivery: delivery::Delivery,
    pub tenancy: tenancy::Tenancy,
    base: Base,
}

impl Plane {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        sync: Option<SyncLink>,
        settings: Settings,
    ) -> Self {
        let base = Base::new(store, clock, ids, sync);
        let tenancy = tenancy::Tenancy::new(base.clone());
        let catalogue = catalogue::Catalogue::new(base.clone(), &settings.images);
        let activity = activity::Activity::new(base.clone(), settings.write_behind);
        let accounts = accounts::Accounts::new(base.clone(), activity.clone());
        let commerce = commerce::Commerce::new(base.clone());
        let delivery = delivery::Delivery::new(base.clone());
        let identity = identity::Identity::new(
            base.clone(),
            settings.identity,
            accounts.clone(),
            tenancy.clone(),
        );
        Self {
            identity,
            accounts,
            activity,
            commerce,
            catalogue,
            delivery,
            tenancy,
            base,
        }
    }

    /// With the DAS server the identity context's DAS sign-ons ask.
    pub fn with_das(mut self, das: Option<identity::das::client::DasClient>) -> Self {
        self.identity = self.identity.with_das(das);
        self
    }

    /// The store the contexts share (demo seeding and one-shot commands).
    pub fn store(&self) -> &Store {
        &self.base.store
    }

    pub fn now_s(&self) -> i64 {
        self.base.now_s()
    }

    /// Commits a transaction built outside a context (demo seeding).
    pub async fn commit(&self, tx: WriteTx) -> Result<(), PlaneError> {
        self.base.commit(tx).await
    }
}

/// Shape checks shared by the services.
pub(crate) mod validate {
    use super::PlaneError;
    use crate::core::ids::is_valid_entity_id;

    pub fn entity_id(field: &str, id: &str) -> Result<(), PlaneError> {
        if is_valid_entity_id(id) {
            Ok(())
        } else {
            Err(PlaneError::BadRequest(format!(
                "{field} must be 1-128 characters of [A-Za-z0-9_.:-]"
            )))
        }
    }

    /// OPF list paging: `limit` 0-1000 (0 counts only), `page` from 1.
    /// Returns the offset of the page's first record.
    pub fn page(limit: i64, page: i64) -> Result<i64, PlaneError> {
        if !(0..=1000).contains(&limit) {
            return Err(PlaneError::BadRequest("limit must be 0-1000".into()));
        }
        if page < 1 {
            return Err(PlaneError::BadRequest("page must be 1 or more".into()));
        }
        Ok((page - 1).saturating_mul(limit))
    }

    /// A new user name ([`crate::core::username`]): its normalised form,
    /// or 400 when it is empty, too long, or holds a look-alike.
    pub fn new_username(field: &str, raw: &str) -> Result<String, PlaneError> {
        let name = crate::core::username::normalize(raw);
        crate::core::username::check_new(&name)
            .map_err(|r| PlaneError::BadRequest(r.message(field)))?;
        Ok(name)
    }

    pub fn text(field: &str, value: &str, max: usize) -> Result<(), PlaneError> {
        if value.trim().is_empty()
            || value.chars().count() > max
            || value.chars().any(char::is_control)
        {
            Err(PlaneError::BadRequest(format!(
                "{field} must be 1-{max} printable characters"
            )))
        } else {
            Ok(())
        }
    }
}
