//! Tenant signing keys: generation, rotation without downtime, listing.
//!
//! Rotation: the new key becomes ACTIVE (it signs from now on) and the previous
//! ACTIVE key of the same purpose becomes RETIRED but keeps verifying until every
//! token it signed has expired (`verify_until`).

use crate::core::keys::{self, KeyAlg, KeyPurpose};
use crate::store::changes::ChangeKind;
use crate::store::tenancy::keys::{self as key_store, SigningKey};
use crate::store::WriteTx;

use crate::plane::tenancy::Tenancy;
use crate::plane::PlaneError;

/// Longest lifetime of a token signed by a key of each purpose: refresh tokens
/// (48 h) for sign-on keys, the 24 h anti-replay cap for content tokens.
pub fn default_verify_window_s(purpose: KeyPurpose) -> i64 {
    match purpose {
        KeyPurpose::Access => 48 * 3600,
        KeyPurpose::Content => 24 * 3600,
    }
}

impl Tenancy {
    /// Adds a new ACTIVE key of `purpose`, retiring the current one, which keeps
    /// verifying for `verify_window_s` seconds.
    pub async fn rotate_key(
        &self,
        tenant: &str,
        purpose: KeyPurpose,
        alg: KeyAlg,
        verify_window_s: i64,
    ) -> Result<SigningKey, PlaneError> {
        let material = keys::generate(alg).map_err(|e| PlaneError::BadRequest(e.to_string()))?;
        self.add_active_key(tenant, purpose, material, verify_window_s)
            .await
    }

    /// Adds an operator's existing key (e.g. an RS256 PKCS#8 private key, DER)
    /// as the new ACTIVE key of `purpose`, retiring the current one as
    /// [`Self::rotate_key`] does. Material that does not parse as `alg` is 400.
    pub async fn import_key(
        &self,
        tenant: &str,
        purpose: KeyPurpose,
        alg: KeyAlg,
        material: &[u8],
        verify_window_s: i64,
    ) -> Result<SigningKey, PlaneError> {
        let material = keys::import(alg, material).map_err(|_| {
            PlaneError::BadRequest(format!(
                "key material is not a valid {} key (HS256: at least 32 bytes; others: PKCS#8)",
                alg.as_str()
            ))
        })?;
        self.add_active_key(tenant, purpose, material, verify_window_s)
            .await
    }

    async fn add_active_key(
        &self,
        tenant: &str,
        purpose: KeyPurpose,
        material: keys::GeneratedKey,
        verify_window_s: i64,
    ) -> Result<SigningKey, PlaneError> {
        let key = self.new_key(tenant, purpose, material);
        let mut tx = self.base.store.write().await?;
        if crate::store::tenancy::tenants::get(&mut *tx.conn(), tenant)
            .await?
            .is_none()
        {
            return Err(PlaneError::NotFound("tenant"));
        }
        Self::store_active_key(&mut tx, &key, verify_window_s).await?;
        self.base.commit(tx).await?;
        Ok(key)
    }

    /// A new ACTIVE key record of `purpose` from generated or imported material.
    fn new_key(
        &self,
        tenant: &str,
        purpose: KeyPurpose,
        material: keys::GeneratedKey,
    ) -> SigningKey {
        let alg = material.alg;
        let now = self.base.now_s();
        let kid = format!(
            "{}-{}-{}",
            purpose.as_str().to_ascii_lowercase(),
            now,
            &self.base.ids.new_id()[..8]
        );
        let public_jwk = material.public_jwk.map(|mut jwk| {
            jwk["kid"] = serde_json::Value::String(kid.clone());
            jwk.to_string()
        });
        SigningKey {
            tenant_id: tenant.to_owned(),
            kid: kid.clone(),
            purpose,
            alg,
            secret_b64: material.secret_b64,
            public_jwk,
            active: true,
            verify_until: None,
            created: now,
        }
    }

    /// Stores `key` as its purpose's ACTIVE key inside `tx`, retiring the
    /// current one (which keeps verifying for `verify_window_s` seconds).
    async fn store_active_key(
        tx: &mut WriteTx,
        key: &SigningKey,
        verify_window_s: i64,
    ) -> Result<(), PlaneError> {
        let (tenant, now) = (key.tenant_id.as_str(), key.created);
        key_store::retire_active(tx.conn(), tenant, key.purpose, now + verify_window_s).await?;
        key_store::insert(tx.conn(), key).await?;
        tx.record_change(tenant, ChangeKind::SigningKey, &key.kid, now)
            .await?;
        Ok(())
    }

    /// A new HS256 key of each purpose for a tenant being created inside
    /// `tx` (nothing to retire yet).
    pub(crate) async fn first_keys_in(
        &self,
        tx: &mut WriteTx,
        tenant: &str,
    ) -> Result<Vec<SigningKey>, PlaneError> {
        let mut out = Vec::new();
        for purpose in [KeyPurpose::Access, KeyPurpose::Content] {
            let material =
                keys::generate(KeyAlg::Hs256).map_err(|e| PlaneError::Internal(e.to_string()))?;
            let key = self.new_key(tenant, purpose, material);
            Self::store_active_key(tx, &key, default_verify_window_s(purpose)).await?;
            out.push(key);
        }
        Ok(out)
    }

    /// Makes sure the tenant has an ACTIVE key of each purpose (HS256 by default).
    /// Returns the keys it had to create.
    pub async fn ensure_keys(&self, tenant: &str) -> Result<Vec<SigningKey>, PlaneError> {
        let existing = key_store::list(self.base.store.pool(), tenant).await?;
        let mut created = Vec::new();
        for purpose in [KeyPurpose::Access, KeyPurpose::Content] {
            if !existing.iter().any(|k| k.purpose == purpose && k.active) {
                created.push(
                    self.rotate_key(
                        tenant,
                        purpose,
                        KeyAlg::Hs256,
                        default_verify_window_s(purpose),
                    )
                    .await?,
                );
            }
        }
        Ok(created)
    }

    /// Signs `claims` with the tenant's ACTIVE access (sign-on) key: every token
    /// the plane issues for sign-on, the gateway, scoped tokens and limited use.
    pub(crate) fn sign_claims(
        &self,
        tenant: &crate::core::snapshot::TenantView,
        claims: &impl serde::Serialize,
    ) -> Result<String, PlaneError> {
        let key = tenant.access_keys.active.as_ref().ok_or_else(|| {
            PlaneError::Internal(format!("tenant {} has no active access key", tenant.id))
        })?;
        Ok(crate::core::jwt::sign(
            key,
            &serde_json::to_vec(claims).expect("claims serialise"),
        ))
    }

    pub async fn list_keys(&self, tenant: &str) -> Result<Vec<SigningKey>, PlaneError> {
        Ok(key_store::list(self.base.store.pool(), tenant).await?)
    }
}
