//! Untrusted claim sets (a validly signed token can still carry any JSON):
//! parsing and checking must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playgate::core::claims::{Expect, SignOnClaims, ACCESS_TYP};

fuzz_target!(|data: &[u8]| {
    if let Ok(claims) = serde_json::from_slice::<SignOnClaims>(data) {
        for now_s in [i64::MIN, -1, 0, 1_795_305_600, i64::MAX] {
            let _ = claims.check(Expect { typ: ACCESS_TYP, tenant: "demo", now_s, leeway_s: 300 });
        }
    }
});
