//! Injected randomness for identifiers, and the shape rules ids must follow.
//!
//! Owns: the [`IdSource`] seam (random in production, sequential in tests) and
//! the validation of caller-supplied ids.
//!
//! Must never: be used for secrets. Keys and tokens come from a CSPRNG
//! (`ring::rand::SystemRandom`) directly.

use std::sync::atomic::{AtomicU64, Ordering};

/// Produces new unique ids (account, device, entitlement, jti, ...).
pub trait IdSource: Send + Sync + 'static {
    fn new_id(&self) -> String;
}

/// 128 random bits as 32 lowercase hex characters, from the thread's
/// generator (ChaCha, seeded and reseeded by the OS): no system call per id,
/// which `Uuid::new_v4` makes (a content token names a fresh `jti`).
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn new_id(&self) -> String {
        let bytes: [u8; 16] = rand::Rng::gen(&mut rand::thread_rng());
        // `hex`, not `format!("{:032x}")`: the formatter's machinery was
        // 1.5% of a content token's instructions.
        hex::encode(bytes)
    }
}

/// `prefix-1`, `prefix-2`, ...: predictable ids for tests.
#[derive(Debug)]
pub struct SequentialIds {
    prefix: String,
    next: AtomicU64,
}

impl SequentialIds {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            next: AtomicU64::new(1),
        }
    }
}

impl IdSource for SequentialIds {
    fn new_id(&self) -> String {
        format!(
            "{}-{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}

fn is_id_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
}

/// Tenant ids: 1-64 of `[A-Za-z0-9_.-]`.
pub fn is_valid_tenant_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

/// Entity ids (accounts, devices, products, contents, ...): 1-128 of
/// `[A-Za-z0-9_.:-]`, so they are safe in paths, logs and CDN ACLs.
/// An id of [`IdSource::new_id`] (32 hex digits) as a UUID's 8-4-4-4-12
/// groups; any other text as it is.
pub fn as_uuid(hex: &str) -> String {
    if hex.len() != 32 || !hex.is_ascii() {
        return hex.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

pub fn is_valid_entity_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(is_id_char) && id != "." && id != ".."
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_are_unique_hex() {
        let a = RandomIds.new_id();
        let b = RandomIds.new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
        // Every nibble value is reachable (a table typo would lose one).
        let seen: std::collections::HashSet<u8> = (0..64)
            .flat_map(|_| RandomIds.new_id().into_bytes())
            .collect();
        assert_eq!(seen.len(), 16);
    }

    #[test]
    fn sequential_ids_count_up() {
        let ids = SequentialIds::new("acc");
        assert_eq!(ids.new_id(), "acc-1");
        assert_eq!(ids.new_id(), "acc-2");
    }

    #[test]
    fn id_shapes() {
        assert!(is_valid_tenant_id("demo"));
        assert!(is_valid_tenant_id("op-1.uk_2"));
        assert!(!is_valid_tenant_id(""));
        assert!(!is_valid_tenant_id("a/b"));
        assert!(!is_valid_tenant_id("a:b"));
        assert!(!is_valid_tenant_id(&"x".repeat(65)));
        assert!(is_valid_entity_id("DRM_vod-1_DASH"));
        assert!(is_valid_entity_id("urn:demo:1"));
        assert!(!is_valid_entity_id("a b"));
        assert!(!is_valid_entity_id(".."));
        assert!(!is_valid_entity_id("a/b"));
        assert!(!is_valid_entity_id("a%2Fb"));
        assert!(!is_valid_entity_id(""));
        assert!(!is_valid_entity_id(&"x".repeat(129)));
    }
}
