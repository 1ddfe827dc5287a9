//! Untrusted bearer tokens: `verify` must refuse garbage without panicking, and
//! anything it accepts must have been signed by the ring's key.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use playgate::core::jwt::{sign, verify, KeyRing, RingKey};
use playgate::core::keys::KeyAlg;

fn ring() -> &'static KeyRing {
    static RING: OnceLock<KeyRing> = OnceLock::new();
    RING.get_or_init(|| {
        // A fixed 32-byte secret: "fuzzing-secret-fuzzing-secret-32" in base64.
        let key = RingKey::from_material(
            "k1",
            KeyAlg::Hs256,
            "ZnV6emluZy1zZWNyZXQtZnV6emluZy1zZWNyZXQtMzI=",
            None,
        )
        .expect("valid key");
        KeyRing::new(vec![Arc::new(key)], Some("k1"))
    })
}

fuzz_target!(|data: &[u8]| {
    let ring = ring();
    if let Ok(token) = std::str::from_utf8(data) {
        if let Ok(verified) = verify(ring, token, 0) {
            // Accepted only if re-signing the payload gives the same signature.
            let resigned = sign(ring.active.as_ref().unwrap(), &verified.payload);
            assert_eq!(resigned.rsplit('.').next(), token.rsplit('.').next());
        }
    }
    // Arbitrary payloads signed properly must verify and round-trip.
    let token = sign(ring.active.as_ref().unwrap(), data);
    let verified = verify(ring, &token, 0).expect("own token verifies");
    assert_eq!(verified.payload, data);
});
