//! Entitlements as an operator (CRM) feeds them in: grant and read.

use crate::core::status::EntitlementStatus;
use crate::store::accounts as account_store;
use crate::store::catalogue;
use crate::store::changes::ChangeKind;
use crate::store::entitlements::{self as ent_store, Entitlement};

use super::{validate, Plane, PlaneError};

#[derive(Debug, Clone)]
pub struct NewEntitlement {
    pub id: Option<String>,
    pub account_id: String,
    pub product_id: String,
    pub status: EntitlementStatus,
    pub valid_from: Option<i64>,
    pub expiry: Option<i64>,
    pub purchased_by_device_id: Option<String>,
}

impl Plane {
    pub async fn grant_entitlement(
        &self,
        tenant: &str,
        new: NewEntitlement,
    ) -> Result<Entitlement, PlaneError> {
        validate::entity_id("accountId", &new.account_id)?;
        validate::entity_id("productId", &new.product_id)?;
        if let Some(d) = &new.purchased_by_device_id {
            validate::entity_id("purchasedByDeviceId", d)?;
        }
        let id = match new.id {
            Some(id) => {
                validate::entity_id("_id", &id)?;
                id
            }
            None => self.ids.new_id(),
        };
        let now = self.now_s();
        let valid_from = new.valid_from.unwrap_or(now);
        if let Some(expiry) = new.expiry {
            if expiry <= valid_from {
                return Err(PlaneError::BadRequest(
                    "expiryDate must be after validFrom".into(),
                ));
            }
        }
        let e = Entitlement {
            tenant_id: tenant.to_owned(),
            id: id.clone(),
            account_id: new.account_id,
            product_id: new.product_id,
            status: new.status,
            valid_from,
            expiry: new.expiry,
            purchased_by_device_id: new.purchased_by_device_id,
            created: now,
            modified: now,
        };
        let mut tx = self.store.write().await?;
        if account_store::get(&mut *tx.conn(), tenant, &e.account_id)
            .await?
            .is_none()
        {
            return Err(PlaneError::NotFound("account"));
        }
        if catalogue::get_product(&mut *tx.conn(), tenant, &e.product_id)
            .await?
            .is_none()
        {
            return Err(PlaneError::NotFound("product"));
        }
        if ent_store::get(&mut *tx.conn(), tenant, &id)
            .await?
            .is_some()
        {
            return Err(PlaneError::Conflict(format!(
                "entitlement {id:?} already exists"
            )));
        }
        ent_store::insert(tx.conn(), &e).await?;
        tx.record_change(tenant, ChangeKind::Entitlement, &e.account_id, now)
            .await?;
        self.commit(tx).await?;
        Ok(e)
    }

    pub async fn get_entitlement(&self, tenant: &str, id: &str) -> Result<Entitlement, PlaneError> {
        validate::entity_id("entitlementId", id)?;
        ent_store::get(self.store.pool(), tenant, id)
            .await?
            .ok_or(PlaneError::NotFound("entitlement"))
    }
}
