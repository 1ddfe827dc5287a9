//! Tenants: creation with an operator API key, and their signing keys.

use crate::core::snapshot::TenantStatus;
use crate::store::accounts::account::{self as account_store, AccountProfile};
use crate::store::changes::ChangeKind;
use crate::store::tenancy::tenants::{self, Tenant};
use crate::store::WriteTx;

use crate::plane::accounts::account::DEFAULT_ACCOUNT_PROFILE;
use crate::plane::credentials::api_key_digest;
use crate::plane::tenancy::Tenancy;
use crate::plane::{validate, PlaneError};

impl Tenancy {
    /// Creates a tenant; `operator_key` (if any) is stored as its SHA-256 only.
    pub async fn create_tenant(
        &self,
        id: &str,
        name: &str,
        operator_key: Option<&str>,
    ) -> Result<Tenant, PlaneError> {
        let mut tx = self.base.store.write().await?;
        let tenant = self
            .create_tenant_in(&mut tx, id, name, operator_key)
            .await?;
        self.base.commit(tx).await?;
        Ok(tenant)
    }

    /// [`Self::create_tenant`] inside a caller's transaction (which commits it).
    pub async fn create_tenant_in(
        &self,
        tx: &mut WriteTx,
        id: &str,
        name: &str,
        operator_key: Option<&str>,
    ) -> Result<Tenant, PlaneError> {
        if !crate::core::ids::is_valid_tenant_id(id) {
            return Err(PlaneError::BadRequest(
                "tenant id must be 1-64 characters of [A-Za-z0-9_.-]".into(),
            ));
        }
        validate::text("name", name, 200)?;
        if let Some(key) = operator_key {
            if key.len() < 16 {
                return Err(PlaneError::BadRequest(
                    "operator key must be at least 16 characters".into(),
                ));
            }
        }
        let now = self.base.now_s();
        let tenant = Tenant {
            id: id.to_owned(),
            name: name.to_owned(),
            status: TenantStatus::Active,
            operator_key_sha256: operator_key.map(|k| hex::encode(api_key_digest(k))),
            settings: serde_json::json!({}),
            created: now,
            modified: now,
        };
        tenants::insert(tx.conn(), &tenant).await?;
        // Every tenant starts with a default account profile (all limits off),
        // which accounts get unless the operator names another.
        account_store::upsert_profile(
            tx.conn(),
            &AccountProfile {
                tenant_id: id.to_owned(),
                id: DEFAULT_ACCOUNT_PROFILE.to_owned(),
                name: "Default".into(),
                enabled: true,
                session_groups: serde_json::json!([]),
                created: now,
                modified: now,
                ..AccountProfile::default()
            },
        )
        .await?;
        tx.record_change(id, ChangeKind::Tenant, id, now).await?;
        Ok(tenant)
    }
}
