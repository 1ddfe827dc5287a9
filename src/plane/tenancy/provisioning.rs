//! Tenant provisioning for whoever runs playgate (the platform API and the
//! `playgate tenant` commands): a tenant created ready to serve in one
//! transaction — a generated operator key, shown once and stored as its
//! SHA-256 only; a signing key of each purpose; the default account profile;
//! the default PIN types — and listed, disabled, enabled and re-keyed.
//!
//! Must never: return or log an operator key except in the one answer that
//! creates it, or let a tenant's operator key stand in for the platform key.

use crate::core::snapshot::TenantStatus;
use crate::store::accounts::pins::{self as pin_store, PinType};
use crate::store::changes::ChangeKind;
use crate::store::tenancy::keys::SigningKey;
use crate::store::tenancy::tenants::{self, Tenant};

use crate::plane::credentials::{api_key_digest, random_token};
use crate::plane::tenancy::Tenancy;
use crate::plane::PlaneError;

/// The PIN types a new tenant starts with (the operator changes them with
/// the PIN-type API): a mandatory parental PIN and an optional purchase PIN,
/// four digits, three attempts, locked for 15 minutes.
pub const DEFAULT_PIN_TYPES: [(&str, &str, bool); 2] = [
    ("ParentalPin", "Parental control PIN", true),
    ("PurchasePin", "Purchase PIN", false),
];

/// [`DEFAULT_PIN_TYPES`] as the PIN-type records a new tenant gets.
pub fn default_pin_types() -> Vec<PinType> {
    DEFAULT_PIN_TYPES
        .iter()
        .map(|(id, description, mandatory)| PinType {
            id: (*id).into(),
            description: (*description).into(),
            min_length: 4,
            max_length: 4,
            digits_only: true,
            max_attempts: 3,
            lock_seconds: 900,
            mandatory: *mandatory,
        })
        .collect()
}

/// A tenant just created, with what is shown only now.
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub tenant: Tenant,
    /// The operator key: not stored, never shown again.
    pub operator_key: String,
    pub signing_keys: Vec<SigningKey>,
    pub pin_types: Vec<String>,
}

impl Tenancy {
    /// Creates tenant `id` ready to serve, all in one transaction: nothing
    /// of it exists if any part fails. 409 if the id is taken.
    pub async fn provision_tenant(&self, id: &str, name: &str) -> Result<Provisioned, PlaneError> {
        let operator_key = random_token()?;
        let mut tx = self.base.store.write().await?;
        if tenants::get(&mut *tx.conn(), id).await?.is_some() {
            return Err(PlaneError::Conflict(format!("tenant {id} exists")));
        }
        let tenant = self
            .create_tenant_in(&mut tx, id, name, Some(&operator_key))
            .await?;
        let signing_keys = self.first_keys_in(&mut tx, id).await?;
        for t in default_pin_types() {
            pin_store::insert_type(tx.conn(), id, &t).await?;
        }
        self.base.commit(tx).await?;
        Ok(Provisioned {
            tenant,
            operator_key,
            signing_keys,
            pin_types: DEFAULT_PIN_TYPES
                .iter()
                .map(|(t, _, _)| (*t).to_owned())
                .collect(),
        })
    }

    /// Every tenant, by id.
    pub async fn tenants(&self) -> Result<Vec<Tenant>, PlaneError> {
        Ok(tenants::list(self.base.store.pool()).await?)
    }

    /// One tenant; 404 if there is none.
    pub async fn tenant(&self, id: &str) -> Result<Tenant, PlaneError> {
        tenants::get(self.base.store.pool(), id)
            .await?
            .ok_or(PlaneError::NotFound("tenant"))
    }

    /// Disables (SUSPENDED: every request naming the tenant is refused, its
    /// data kept) or re-enables a tenant; every node sees it through the
    /// change feed.
    pub async fn set_tenant_status(
        &self,
        id: &str,
        status: TenantStatus,
    ) -> Result<Tenant, PlaneError> {
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        if !tenants::set_status(tx.conn(), id, status, now).await? {
            return Err(PlaneError::NotFound("tenant"));
        }
        tx.record_change(id, ChangeKind::Tenant, id, now).await?;
        self.base.commit(tx).await?;
        self.tenant(id).await
    }

    /// Replaces the tenant's operator key with a new one, returned once; the
    /// old one stops working on every node with the change.
    pub async fn rotate_operator_key(&self, id: &str) -> Result<String, PlaneError> {
        let key = random_token()?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let digest = hex::encode(api_key_digest(&key));
        if !tenants::set_operator_key(tx.conn(), id, &digest, now).await? {
            return Err(PlaneError::NotFound("tenant"));
        }
        tx.record_change(id, ChangeKind::Tenant, id, now).await?;
        self.base.commit(tx).await?;
        Ok(key)
    }
}
