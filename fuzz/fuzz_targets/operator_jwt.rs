//! Untrusted operator bearer tokens and operator-supplied key sets: neither the
//! JWKS reader nor the issuer's checks may panic, and a token the issuer accepts
//! must carry the configured issuer and audience.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use playgate::core::jwt::PublicKeySet;
use playgate::core::keys::{self, KeyAlg};
use playgate::core::operator_jwt::OperatorIssuer;

fn issuer() -> &'static OperatorIssuer {
    static ISSUER: OnceLock<OperatorIssuer> = OnceLock::new();
    ISSUER.get_or_init(|| {
        let mut jwk = keys::generate(KeyAlg::EdDsa)
            .expect("key")
            .public_jwk
            .expect("public half");
        jwk["kid"] = "k1".into();
        OperatorIssuer::from_settings(&serde_json::json!({
            "issuer": "iss", "audience": "aud", "jwks": { "keys": [jwk] },
        }))
        .expect("valid settings")
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = PublicKeySet::from_jwks(&value);
        let _ = OperatorIssuer::from_settings(&value);
    }
    if let Ok(token) = std::str::from_utf8(data) {
        // Nobody but the test's fresh key can sign, so nothing may be accepted.
        assert!(issuer().check(token, 1_800_000_000, 60).is_err());
    }
});
