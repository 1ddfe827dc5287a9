//! Building snapshot parts from the store.

use std::collections::HashMap;
use std::sync::Arc;

use crate::core::snapshot::{Snapshot, TenantView};
use crate::store::{tenants, Store, StoreError};

/// Every part of the snapshot, read from the store.
pub(super) async fn full(store: &Store) -> Result<Snapshot, StoreError> {
    Ok(Snapshot {
        version: 0,
        built_at_ms: 0,
        tenants: self::tenants(store).await?,
    })
}

pub(super) async fn tenants(
    store: &Store,
) -> Result<HashMap<Box<str>, Arc<TenantView>>, StoreError> {
    let rows = tenants::list(store.pool()).await?;
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
        map.insert(
            t.id.clone().into_boxed_str(),
            Arc::new(TenantView {
                id: t.id.into_boxed_str(),
                name: t.name.into_boxed_str(),
                status: t.status,
                operator_key_sha256,
            }),
        );
    }
    Ok(map)
}
