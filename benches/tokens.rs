//! Sign-on token signing and verification (ns/op) for HS256, ES256 and EdDSA,
//! with the keys parsed once as the snapshot holds them, beside the raw ring
//! primitive so the overhead of our JWS framing is visible.

use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::claims::{SignOnClaims, ACCESS_TYP, VERSION};
use playgate::core::jwt::{sign, verify, KeyRing, RingKey};
use playgate::core::keys::{generate, KeyAlg};

fn claims() -> Vec<u8> {
    serde_json::to_vec(&SignOnClaims {
        typ: ACCESS_TYP.into(),
        ver: VERSION.into(),
        iat: 1_795_305_600,
        nbf: None,
        exp: 1_795_309_200,
        fixed_exp: 1_803_081_600,
        tenant_id: "demo".into(),
        account_id: "acc-00012345".into(),
        account_profile_id: "default".into(),
        user_id: "acc-00012345-main".into(),
        device_id: "dev-00012345-0".into(),
        playout_device_class: Some("SmartTV".into()),
        jti: "5f0c6a1e3b7d4e2a9c8b7a6f5e4d3c2b".into(),
        sid: "0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
        session_control: Default::default(),
        parental_control: None,
        in_home: Some(true),
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let payload = claims();
    for alg in [KeyAlg::Hs256, KeyAlg::Es256, KeyAlg::EdDsa] {
        let material = generate(alg).unwrap();
        let key = Arc::new(RingKey::from_material("k1", alg, &material.secret_b64, None).unwrap());
        let ring = KeyRing::new(vec![key.clone()], Some("k1"));
        let token = sign(&key, &payload);
        let name = alg.as_str();
        c.bench_function(&format!("token_sign_{name}"), |b| {
            b.iter(|| sign(&key, black_box(&payload)))
        });
        c.bench_function(&format!("token_verify_{name}"), |b| {
            b.iter(|| verify(&ring, black_box(&token), 1_795_305_700).unwrap())
        });
        // Cold: 10 000 distinct tokens cycled through the key's 4 096-slot
        // verified cache, so nearly every verify misses (asymmetric keys) and
        // pays the signature check; `token_verify_*` above repeats one token
        // (a hit for asymmetric keys, as a player's repeat requests are).
        let tokens: Vec<String> = (0..10_000)
            .map(|i| {
                let mut p = payload.clone();
                let at = p.len() - 1;
                p.splice(at..at, format!(",\"n\":{i}").into_bytes());
                sign(&key, &p)
            })
            .collect();
        let mut i = 0;
        c.bench_function(&format!("token_verify_cold_{name}"), |b| {
            b.iter(|| {
                i = (i + 1) % tokens.len();
                verify(&ring, black_box(&tokens[i]), 1_795_305_700).unwrap()
            })
        });
        c.bench_function(&format!("token_verify_and_parse_claims_{name}"), |b| {
            b.iter(|| {
                let v = verify(&ring, black_box(&token), 1_795_305_700).unwrap();
                serde_json::from_slice::<SignOnClaims>(&v.payload).unwrap()
            })
        });
    }
    // The primitive alone, over the same signing input length.
    let hmac_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &[7u8; 32]);
    let input = vec![b'a'; 420];
    c.bench_function("raw_hmac_sha256_420B", |b| {
        b.iter(|| ring::hmac::sign(&hmac_key, black_box(&input)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
