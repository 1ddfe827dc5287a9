//! CDN URL signing (ns/op): each scheme's sign (the URL Builder's
//! `sign_manifest` + `place`, as a tenant's CDN is built) and verify (the
//! edge authorizer's check), beside the raw primitive under it, so the
//! overhead of the string and CBOR building is visible.

use base64::Engine as _;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::cdn::cat::CatRequest;
use playgate::core::cdn::registry::{build, Cdn, SchemeKind, StoredKey};
use serde_json::json;

const PEM_2048: &str = include_str!("../tests/data/cloudfront_rsa2048_test_key.pem");
const PEM_P256: &str = include_str!("../tests/data/cloudfront_p256_test_key.pem");
const PATH: &str = "/vod/0f3c9a2e-film-4711/manifest.mpd";
const NOW: i64 = 1_795_305_600;

fn cdn(kind: SchemeKind, settings: serde_json::Value, key_id: &str, secret: &str) -> Cdn {
    let key = StoredKey {
        id: key_id,
        secret,
        active: true,
    };
    build("bench", "bench", kind, &settings, true, &[key]).unwrap()
}

fn bench(c: &mut Criterion) {
    let b64 = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let cases = [
        (
            "akamai",
            cdn(
                SchemeKind::Akamai,
                json!({"baseUrl": "https://a.example", "bindClientIp": true}),
                "k",
                "0123456789abcdef0123456789abcdef",
            ),
        ),
        (
            "cat",
            cdn(
                SchemeKind::Cat,
                json!({"baseUrl": "https://a.example", "issuer": "playgate"}),
                "k1",
                &b64(&[7; 32]),
            ),
        ),
        (
            "cloudfront_rsa2048",
            cdn(
                SchemeKind::CloudFront,
                json!({"baseUrl": "https://a.example"}),
                "K2JCJMDEHXQW5F",
                PEM_2048,
            ),
        ),
        (
            "cloudfront_p256",
            cdn(
                SchemeKind::CloudFront,
                json!({"baseUrl": "https://a.example"}),
                "K1ECDSA",
                PEM_P256,
            ),
        ),
        (
            "google_cloud_cdn",
            cdn(
                SchemeKind::GoogleCloudCdn,
                json!({"baseUrl": "https://a.example"}),
                "k",
                &b64(&[3; 16]),
            ),
        ),
        (
            "media_cdn_ed25519",
            cdn(
                SchemeKind::MediaCdn,
                json!({"baseUrl": "https://a.example"}),
                "k",
                &b64(&[5; 32]),
            ),
        ),
        (
            "nginx_path_token",
            cdn(
                SchemeKind::Nginx,
                json!({"baseUrl": "https://a.example", "tokenLocation": "/s"}),
                "k",
                "secret",
            ),
        ),
    ];
    for (name, cdn) in &cases {
        // The address is bound where the scheme can carry one.
        let ip = (*name != "google_cloud_cdn").then(|| "203.0.113.7".parse().unwrap());
        c.bench_function(&format!("cdn_sign_{name}"), |b| {
            b.iter(|| {
                let signed = cdn
                    .sign_manifest(black_box(PATH), false, NOW + 3600, ip, None)
                    .unwrap()
                    .unwrap();
                cdn.place("https://a.example", PATH, "", signed.placement)
            })
        });
        let signed = cdn
            .sign_manifest(PATH, false, NOW + 3600, ip, None)
            .unwrap()
            .unwrap();
        let placed = cdn.place("https://a.example", PATH, "", signed.placement);
        let (seg_path, query) = match placed.placement {
            "path" => (format!("{}video/seg_1.m4s", placed.token), String::new()),
            _ => {
                let q = placed.url.split_once('?').map_or("", |(_, q)| q).to_owned();
                ("/vod/0f3c9a2e-film-4711/video/seg_1.m4s".to_owned(), q)
            }
        };
        let token = cdn.query_token(&query).unwrap().to_owned();
        let request = CatRequest {
            scheme: "https",
            host: "a.example",
            port: "",
            path: &seg_path,
            query: &query,
            client_ip: ip,
            now: NOW + 60,
        };
        assert!(cdn.check_request(&token, &request).is_ok(), "{name}");
        c.bench_function(&format!("cdn_verify_{name}"), |b| {
            b.iter(|| cdn.check_request(black_box(&token), &request).unwrap())
        });
    }

    // The primitives alone, over inputs of the schemes' size.
    let input = vec![b'a'; 96];
    let hmac256 = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &[7u8; 32]);
    c.bench_function("raw_hmac_sha256_96B", |b| {
        b.iter(|| ring::hmac::sign(&hmac256, black_box(&input)))
    });
    let hmac1 = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &[3u8; 16]);
    c.bench_function("raw_hmac_sha1_96B", |b| {
        b.iter(|| ring::hmac::sign(&hmac1, black_box(&input)))
    });
    c.bench_function("raw_md5_64B", |b| {
        use md5::Digest as _;
        b.iter(|| md5::Md5::digest(black_box(&input[..64])))
    });
    let ed = ring::signature::Ed25519KeyPair::from_seed_unchecked(&[5u8; 32]).unwrap();
    c.bench_function("raw_ed25519_sign_96B", |b| {
        b.iter(|| ed.sign(black_box(&input)))
    });
    let rng = ring::rand::SystemRandom::new();
    let policy = vec![b'a'; 140];
    let rsa = {
        use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
        let der = rsa::RsaPrivateKey::from_pkcs1_pem(PEM_2048)
            .unwrap()
            .to_pkcs1_der()
            .unwrap();
        ring::signature::RsaKeyPair::from_der(der.as_bytes()).unwrap()
    };
    c.bench_function("raw_rsa2048_sha256_sign_140B", |b| {
        b.iter(|| {
            let mut sig = vec![0; rsa.public().modulus_len()];
            rsa.sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &rng,
                black_box(&policy),
                &mut sig,
            )
            .unwrap();
            sig
        })
    });
    let (_, doc) = rsa::pkcs8::SecretDocument::from_pem(PEM_P256).unwrap();
    let ec = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        doc.as_bytes(),
        &rng,
    )
    .unwrap();
    c.bench_function("raw_ecdsa_p256_sign_140B", |b| {
        b.iter(|| ec.sign(&rng, black_box(&policy)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
