//! Entitlements as an operator (CRM) feeds them in: grant, change, read.

use crate::core::query::{Dir, Expr, Op, Page, Paging, Query, Scalar};
use crate::core::status::EntitlementStatus;
use crate::store::accounts::account as account_store;
use crate::store::catalogue;
use crate::store::changes::ChangeKind;
use crate::store::commerce::entitlements::{self as ent_store, Entitlement};

use crate::plane::commerce::Commerce;
use crate::plane::{validate, PlaneError};

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

/// An operator's change to an entitlement; `None` keeps the value.
#[derive(Debug, Clone, Default)]
pub struct EntitlementPatch {
    pub status: Option<EntitlementStatus>,
    pub valid_from: Option<i64>,
    pub expiry: Option<i64>,
}

impl Commerce {
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
            None => self.base.ids.new_id(),
        };
        let now = self.base.now_s();
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
        let mut tx = self.base.store.write().await?;
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
        self.base.commit(tx).await?;
        Ok(e)
    }

    /// Applies an operator's change (status, validity); returns `(matched,
    /// modified)`. A change the snapshot must see is recorded in the feed.
    pub async fn update_entitlement(
        &self,
        tenant: &str,
        id: &str,
        patch: EntitlementPatch,
    ) -> Result<(u64, u64), PlaneError> {
        validate::entity_id("entitlementId", id)?;
        let mut tx = self.base.store.write().await?;
        let Some(current) = ent_store::get(&mut *tx.conn(), tenant, id).await? else {
            return Err(PlaneError::NotFound("entitlement"));
        };
        let mut next = current.clone();
        if let Some(s) = patch.status {
            next.status = s;
        }
        if let Some(v) = patch.valid_from {
            next.valid_from = v;
        }
        if let Some(x) = patch.expiry {
            next.expiry = Some(x);
        }
        if next.expiry.is_some_and(|x| x <= next.valid_from) {
            return Err(PlaneError::BadRequest(
                "expiryDate must be after validFrom".into(),
            ));
        }
        if next == current {
            return Ok((1, 0));
        }
        let now = self.base.now_s();
        next.modified = now;
        ent_store::update(tx.conn(), &next).await?;
        tx.record_change(tenant, ChangeKind::Entitlement, &next.account_id, now)
            .await?;
        self.base.commit(tx).await?;
        Ok((1, 1))
    }

    /// One page of the tenant's entitlements, optionally one account's.
    /// One page of the tenant's entitlements (one account's, if given), in
    /// `(created, id)` order.
    pub async fn list_entitlements(
        &self,
        tenant: &str,
        account: Option<&str>,
        limit: i64,
        page: i64,
    ) -> Result<Page<Entitlement>, PlaneError> {
        use crate::core::query::resources::entitlement::{ACCOUNT_ID, CREATED, SCHEMA};
        if let Some(a) = account {
            validate::entity_id("accountId", a)?;
        }
        let offset = validate::page(limit, page)?;
        let filter = Expr::And(
            account
                .map(|a| Expr::Cmp {
                    field: ACCOUNT_ID,
                    op: Op::Eq,
                    value: Some(Scalar::Str(a.to_owned())),
                })
                .into_iter()
                .collect(),
        );
        let paging = Paging {
            limit: limit as u32,
            offset: offset as u64,
        };
        let query = Query::of(&SCHEMA, filter, vec![(CREATED, Dir::Asc)], paging);
        let mut conn = self.base.store.acquire().await?;
        Ok(ent_store::list(&mut conn, self.base.store.dialect(), tenant, &query).await?)
    }

    pub async fn get_entitlement(&self, tenant: &str, id: &str) -> Result<Entitlement, PlaneError> {
        validate::entity_id("entitlementId", id)?;
        ent_store::get(self.base.store.pool(), tenant, id)
            .await?
            .ok_or(PlaneError::NotFound("entitlement"))
    }
}
