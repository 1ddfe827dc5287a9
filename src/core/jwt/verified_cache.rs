//! Verified-token cache for asymmetric keys: a bearer token signed with
//! ES256, EdDSA or RS256 costs 20–70 µs to verify and comes back on every
//! request a player makes, so each key remembers the tokens it verified.
//!
//! Keyed by the signature (its base64url text, hashed to pick a slot) and
//! checked against the whole signing input: a hit needs the same signature
//! *and* the same `header.payload` bytes, so a verified signature pasted onto
//! another payload is a miss and goes to the real verifier. Direct-mapped:
//! a fixed number of slots, a new token overwrites whatever held its slot,
//! so memory is bounded and nothing is ever scanned. The cache lives in its
//! `RingKey`: a key rotated out of the snapshot takes its cache with it.
//! Expiry, `nbf` and revocation are the callers' checks on every request,
//! cached or not; the key's own `verify_until` is checked before the cache.
//!
//! Must never: answer a hit for bytes that were not verified by this key.

use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, OnceLock};

/// Slots per key (a slot holds one token, about 1 KB).
pub const SLOTS: usize = 4096;

struct Entry {
    signature_b64: Box<str>,
    signed: Box<[u8]>,
}

/// One key's verified tokens; the slots are allocated at the first
/// insert, so a key that never verifies a token costs nothing.
#[derive(Default)]
pub struct VerifiedCache {
    slots: OnceLock<Box<[Mutex<Option<Entry>>]>>,
}

impl VerifiedCache {
    fn slots(&self) -> &[Mutex<Option<Entry>>] {
        self.slots
            .get_or_init(|| (0..SLOTS).map(|_| Mutex::new(None)).collect())
    }

    fn slot(&self, signature_b64: &str) -> &Mutex<Option<Entry>> {
        let mut h = rustc_hash::FxBuildHasher.build_hasher();
        h.write(signature_b64.as_bytes());
        let slots = self.slots();
        &slots[(h.finish() as usize) % slots.len()]
    }

    /// Whether exactly these bytes were verified by this key.
    pub fn contains(&self, signed: &[u8], signature_b64: &str) -> bool {
        if self.slots.get().is_none() {
            return false;
        }
        let Ok(slot) = self.slot(signature_b64).lock() else {
            return false;
        };
        slot.as_ref()
            .is_some_and(|e| &*e.signature_b64 == signature_b64 && &*e.signed == signed)
    }

    /// Remembers bytes the key has just verified.
    pub fn insert(&self, signed: &[u8], signature_b64: &str) {
        if let Ok(mut slot) = self.slot(signature_b64).lock() {
            *slot = Some(Entry {
                signature_b64: signature_b64.into(),
                signed: signed.into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_needs_the_same_signature_and_the_same_bytes() {
        let cache = VerifiedCache::default();
        assert!(!cache.contains(b"h.p", "sig"));
        cache.insert(b"h.p", "sig");
        assert!(cache.contains(b"h.p", "sig"));
        assert!(
            !cache.contains(b"h.other", "sig"),
            "another payload, same signature"
        );
        assert!(!cache.contains(b"h.p", "sig2"));
        // A token that lands in the same slot replaces the old one.
        let other = (0..100_000)
            .map(|i| format!("s{i}"))
            .find(|s| std::ptr::eq(cache.slot(s), cache.slot("sig")))
            .unwrap();
        cache.insert(b"h.q", &other);
        assert!(cache.contains(b"h.q", &other));
        assert!(!cache.contains(b"h.p", "sig"), "evicted");
    }
}
