//! Building snapshot parts from the store.

use std::collections::HashMap;
use std::sync::Arc;

use crate::core::cdn::registry::{self, AnyScheme, SchemeKind, StoredKey, TenantCdns};
use crate::core::inhome::{InHomeKey, InHomeRing};
use crate::core::jwt::{KeyRing, RingKey};
use crate::core::keys::KeyPurpose;
use crate::core::operator_jwt::OperatorIssuer;
use crate::core::snapshot::{Revoked, Snapshot, TenantView};
use crate::store::delivery::cdns::{self as cdn_store, CdnKeyRow, CdnRow};
use crate::store::identity::revocations::{self, RevocationKind};
use crate::store::tenancy::keys::{self as key_store, SigningKey};
use crate::store::{tenancy::tenants, Store, StoreError};

/// Every part of the snapshot, read from the store.
pub(super) async fn full(store: &Store, now_s: i64) -> Result<Snapshot, StoreError> {
    Ok(Snapshot {
        version: 0,
        built_at_ms: 0,
        tenants: self::tenants(store).await?,
        revoked: Arc::new(revoked(store, now_s).await?),
        playback: super::playback::all(store, now_s).await?,
        catalogue: super::catalogue::all(store).await?,
    })
}

/// Revocations still in force at `now_s`.
pub(super) async fn revoked(store: &Store, now_s: i64) -> Result<Revoked, StoreError> {
    let mut set = Revoked::default();
    for r in revocations::unexpired(store.sync_pool(), now_s).await? {
        match r.kind {
            RevocationKind::Sid => set.insert_sid(&r.tenant_id, &r.value),
            RevocationKind::Jti => set.insert_jti(&r.tenant_id, &r.value),
        }
    }
    Ok(set)
}

/// One purpose's ring from a tenant's stored keys. A key whose material does not
/// parse is left out (and logged) rather than failing the whole snapshot.
fn ring(keys: &[&SigningKey], purpose: KeyPurpose) -> KeyRing {
    let mut parsed = Vec::new();
    let mut active = None;
    for k in keys.iter().filter(|k| k.purpose == purpose) {
        match RingKey::from_material(
            &k.kid,
            k.alg,
            &k.secret_b64,
            if k.active { None } else { k.verify_until },
        ) {
            Ok(key) => {
                if k.active && active.is_none() {
                    active = Some(k.kid.clone());
                }
                parsed.push(Arc::new(key));
            }
            Err(e) => {
                tracing::error!(tenant = k.tenant_id, kid = k.kid, error = %e, "signing key left out of the snapshot")
            }
        }
    }
    KeyRing::new(parsed, active.as_deref())
}

/// The in-home keys, one derived from each access key's material.
fn in_home_ring(keys: &[&SigningKey]) -> InHomeRing {
    use base64::Engine as _;
    let mut derived = Vec::new();
    let mut active = None;
    for k in keys.iter().filter(|k| k.purpose == KeyPurpose::Access) {
        let Ok(material) = base64::engine::general_purpose::STANDARD.decode(&k.secret_b64) else {
            continue;
        };
        if k.active && active.is_none() {
            active = Some(k.kid.clone());
        }
        let until = if k.active { None } else { k.verify_until };
        derived.push(Arc::new(InHomeKey::derive(&k.kid, &material, until)));
    }
    InHomeRing::new(derived, active.as_deref())
}

fn jwks(keys: &[&SigningKey]) -> Arc<str> {
    let public: Vec<serde_json::Value> = keys
        .iter()
        .filter_map(|k| k.public_jwk.as_deref())
        .filter_map(|jwk| serde_json::from_str(jwk).ok())
        .collect();
    Arc::from(serde_json::json!({ "keys": public }).to_string())
}

/// The tenant's operator-token issuer. Settings that do not parse leave the
/// tenant with API keys only (closed, not open) and are logged: one operator's
/// typo must not stop a node from starting or refreshing its snapshot.
fn operator_issuer(tenant: &str, settings: &serde_json::Value) -> Option<Arc<OperatorIssuer>> {
    let value = settings.get("operatorJwt")?;
    match OperatorIssuer::from_settings(value) {
        Ok(issuer) => Some(Arc::new(issuer)),
        Err(reason) => {
            tracing::warn!(tenant, %reason, "operatorJwt settings refused; operator JWTs are not accepted");
            None
        }
    }
}

/// The tenant's CDNs, built. A CDN whose stored settings or keys no longer
/// build is left out and logged (its URLs are then refused, not signed
/// wrongly); the operator API refuses such writes, so this is a store edited
/// by hand.
fn cdns(tenant: &str, rows: &[CdnRow], keys: &[CdnKeyRow]) -> TenantCdns {
    let mut built = Vec::new();
    for c in rows.iter().filter(|c| c.tenant_id == tenant) {
        let Some(kind) = SchemeKind::parse(&c.scheme) else {
            tracing::warn!(tenant, cdn = %c.id, scheme = %c.scheme, "unknown CDN scheme; CDN left out");
            continue;
        };
        let stored: Vec<StoredKey<'_>> = keys
            .iter()
            .filter(|k| k.tenant_id == tenant && k.cdn_id == c.id)
            .map(|k| StoredKey {
                id: &k.key_id,
                secret: &k.secret,
                active: k.active,
            })
            .collect();
        match registry::build(&c.id, &c.name, kind, &c.settings, c.is_default, &stored) {
            Ok(cdn) => {
                for k in cdn.keys() {
                    if let AnyScheme::CloudFront(cf) = &k.scheme {
                        if cf.is_legacy() {
                            tracing::warn!(tenant, cdn = %c.id, key = %k.id,
                                "CloudFront key signs with SHA-1 or is under 2048 bits: signed \
                                 outside ring, not in constant time; prefer a 2048-bit SHA-256 or \
                                 ECDSA P-256 key");
                        }
                    }
                }
                built.push(Arc::new(cdn))
            }
            Err(reason) => {
                tracing::warn!(tenant, cdn = %c.id, %reason, "CDN settings refused; CDN left out")
            }
        }
    }
    TenantCdns::new(built)
}

pub(super) async fn tenants(
    store: &Store,
) -> Result<HashMap<Box<str>, Arc<TenantView>>, StoreError> {
    let rows = tenants::list(store.sync_pool()).await?;
    let all_keys = key_store::list_all(store.sync_pool()).await?;
    let cdn_rows = cdn_store::list(store.sync_pool(), None).await?;
    let cdn_keys = cdn_store::keys(store.sync_pool(), None).await?;
    let mut map = HashMap::with_capacity(rows.len());
    for t in rows {
        let operator_key_sha256 = match t.operator_key_sha256.as_deref() {
            None => None,
            Some(hex_digest) => {
                let mut digest = [0u8; 32];
                hex::decode_to_slice(hex_digest, &mut digest).map_err(|_| {
                    StoreError::Corrupt(format!("tenant {} operator key digest", t.id))
                })?;
                Some(digest)
            }
        };
        let keys: Vec<&SigningKey> = all_keys.iter().filter(|k| k.tenant_id == t.id).collect();
        let operator_issuer = operator_issuer(&t.id, &t.settings);
        let cdns = Arc::new(cdns(&t.id, &cdn_rows, &cdn_keys));
        let activity = crate::core::activity::settings::ActivitySettings::of(&t.settings)
            .unwrap_or_else(|e| {
                tracing::error!(tenant = %t.id, error = %e, "activity settings unreadable; defaults used");
                Default::default()
            });
        map.insert(
            t.id.clone().into_boxed_str(),
            Arc::new(TenantView {
                id: t.id.into_boxed_str(),
                name: t.name.into_boxed_str(),
                status: t.status,
                operator_key_sha256,
                access_keys: Arc::new(ring(&keys, KeyPurpose::Access)),
                content_keys: Arc::new(ring(&keys, KeyPurpose::Content)),
                jwks: jwks(&keys),
                in_home_keys: Arc::new(in_home_ring(&keys)),
                operator_issuer,
                cdns,
                activity: Arc::new(activity),
            }),
        );
    }
    Ok(map)
}
