use std::collections::BTreeMap;

use common_access_token as reference;
use rand::{Rng, SeedableRng};
use serde_json::Value as Json;

use super::*;

fn vectors() -> Vec<Json> {
    let all: Json = serde_json::from_str(include_str!(
        "../../../../tests/data/cdn-token-vectors.json"
    ))
    .unwrap();
    all["cta5007_cat"].as_array().unwrap().clone()
}

fn req(path: &str, now: i64) -> CatRequest<'_> {
    CatRequest {
        scheme: "https",
        host: "cdn.example.com",
        port: "",
        path,
        query: "",
        client_ip: Some("192.0.2.10".parse().unwrap()),
        now,
    }
}

fn key_of(v: &Json) -> Vec<u8> {
    hex::decode(v["key_hex"].as_str().unwrap()).unwrap()
}

/// Flips one bit of the MAC (the token's last byte).
fn tampered(token: &str) -> String {
    let mut raw = URL_SAFE_NO_PAD.decode(token).unwrap();
    *raw.last_mut().unwrap() ^= 1;
    URL_SAFE_NO_PAD.encode(raw)
}

#[test]
fn every_vector_byte_for_byte_and_verified() {
    let v = vectors();

    // 1. Akamai-issued: exp before nbf, so never valid; the MAC verifies.
    // Akamai writes the claims out of order (4, 6, 5), which this encoder
    // never does, so its payload is sealed as given: the COSE structure and
    // MAC come out byte for byte.
    let akamai = Cat::new(&key_of(&v[0]), b"akamai_key_hs256", MacAlg::Hmac256).unwrap();
    let token = v[0]["token_b64url"].as_str().unwrap();
    let raw = URL_SAFE_NO_PAD.decode(token).unwrap();
    let Value::Tag(61, mac0) = ciborium::from_reader(raw.as_slice()).unwrap() else {
        panic!("a CWT tag");
    };
    let Value::Tag(17, parts) = *mac0 else {
        panic!("a COSE_Mac0 tag");
    };
    let payload = parts.as_array().unwrap()[2].as_bytes().unwrap().clone();
    assert_eq!(URL_SAFE_NO_PAD.encode(akamai.seal(&payload)), token);
    assert_eq!(
        akamai.check(token, &req("/x", 1_742_159_870)).unwrap_err(),
        CdnError::Expired
    );
    assert_eq!(
        akamai
            .check(&tampered(token), &req("/x", 1_742_159_870))
            .unwrap_err(),
        CdnError::BadSignature
    );

    // 2. fastly/rust-cat's token: parent-path suffix and filename prefix.
    let rust_cat = Cat::new(b"testKey", b"Symmetric256", MacAlg::Hmac256).unwrap();
    let rules = [
        (
            Component::Filename,
            Match::Prefix("/1bd1e26e-3407-4805-b806-13216b34d4bf"),
        ),
        (
            Component::ParentPath,
            Match::Suffix("/e059/7811/1640/47e1-9930-2a4341ea8b10"),
        ),
    ];
    let claims = Claims {
        iss: Some("cdnname"),
        sub: Some("A5s2Fzm5B9PnDTEfKurllLvrTzRKIixdDl1b4LFsfPw="),
        exp: Some(1_753_920_300),
        catu: &rules,
        ..Claims::default()
    };
    let token = v[1]["token_b64url"].as_str().unwrap();
    assert_eq!(rust_cat.token(&claims), token);
    // A filename never starts with `/` in the reading chosen here, so the
    // token admits no path (the derived-component pitfall), but its MAC and
    // its parent-path rule are read.
    let path = "/e059/7811/1640/47e1-9930-2a4341ea8b10/1bd1e26e-3407-4805-b806-13216b34d4bf.m3u8";
    assert_eq!(
        rust_cat
            .check(token, &req(path, 1_753_920_000))
            .unwrap_err(),
        CdnError::OutOfScope
    );
    assert_eq!(
        rust_cat
            .check(&tampered(token), &req(path, 1_753_920_000))
            .unwrap_err(),
        CdnError::BadSignature
    );

    // 3. @eyevinn/cat's token.
    let eyevinn = Cat::new(&key_of(&v[2]), b"k1", MacAlg::Hmac256)
        .unwrap()
        .with_issuer("me");
    let rules = [(Component::Path, Match::Prefix("/vod/"))];
    let claims = Claims {
        iss: Some("me"),
        exp: Some(1_900_000_000),
        catv: true,
        catu: &rules,
        ..Claims::default()
    };
    let token = v[2]["token_b64url"].as_str().unwrap();
    assert_eq!(eyevinn.token(&claims), token);
    let ok = eyevinn
        .check(token, &req("/vod/a/master.m3u8", 1_800_000_000))
        .unwrap();
    assert_eq!(ok.exp, 1_900_000_000);
    assert_eq!(ok.kid, b"k1");
    assert_eq!(
        eyevinn
            .check(token, &req("/live/a.m3u8", 1_800_000_000))
            .unwrap_err(),
        CdnError::OutOfScope
    );
    assert_eq!(
        eyevinn
            .check(token, &req("/vod/a.m3u8", 1_900_000_000))
            .unwrap_err(),
        CdnError::Expired
    );
    let other_issuer = Cat::new(&key_of(&v[2]), b"k1", MacAlg::Hmac256)
        .unwrap()
        .with_issuer("you");
    assert_eq!(
        other_issuer
            .check(token, &req("/vod/a.m3u8", 1_800_000_000))
            .unwrap_err(),
        CdnError::BadSignature
    );

    // 4. RFC 8392 A.4: HMAC 256/64, COSE tag only.
    let rfc = Cat::new(&key_of(&v[3]), b"Symmetric256", MacAlg::Hmac256Truncated64)
        .unwrap()
        .without_cwt_tag();
    let claims = Claims {
        iss: Some("coap://as.example.com"),
        sub: Some("erikw"),
        aud: Some("coap://light.example.com"),
        exp: Some(1_444_064_944),
        nbf: Some(1_443_944_944),
        iat: Some(1_443_944_944),
        cti: Some(&[0x0b, 0x71]),
        ..Claims::default()
    };
    let raw = hex::decode(v[3]["token_hex"].as_str().unwrap()).unwrap();
    assert_eq!(rfc.token_bytes(&claims), raw);
    assert!(rfc.check_bytes(&raw, &req("/", 1_444_000_000)).is_ok());
    // A 64-bit tag does not pass a key made for HMAC 256/256.
    let full = Cat::new(&key_of(&v[3]), b"Symmetric256", MacAlg::Hmac256).unwrap();
    assert_eq!(
        full.check_bytes(&raw, &req("/", 1_444_000_000))
            .unwrap_err(),
        CdnError::BadSignature
    );
}

#[test]
fn addresses_rules_and_what_cannot_be_enforced() {
    let cat = Cat::new(&[7; 32], b"kid-1", MacAlg::Hmac256).unwrap();
    let nets: Vec<IpNet> = vec![
        "192.0.2.0/24".parse().unwrap(),
        "2001:db8::/32".parse().unwrap(),
    ];
    let hash = digest::digest(&digest::SHA256, b"cdn.example.com");
    let rules = [
        (Component::Scheme, Match::Exact("https")),
        (Component::Host, Match::Sha256(hash.as_ref())),
        (Component::Extension, Match::Exact(".m3u8")),
        (Component::Stem, Match::Contains("aster")),
        (Component::ParentPath, Match::Exact("/vod/a")),
    ];
    let claims = Claims {
        exp: Some(2000),
        nbf: Some(1000),
        catv: true,
        catnip: &nets,
        catu: &rules,
        ..Claims::default()
    };
    let token = cat.token(&claims);
    let good = req("/vod/a/master.m3u8", 1500);
    assert!(cat.check(&token, &good).is_ok());
    let v6 = CatRequest {
        client_ip: Some("2001:db8:1::5".parse().unwrap()),
        ..good
    };
    assert!(cat.check(&token, &v6).is_ok());
    for (request, want) in [
        (
            CatRequest {
                client_ip: Some("198.51.100.1".parse().unwrap()),
                ..good
            },
            CdnError::WrongClient,
        ),
        (
            CatRequest {
                client_ip: None,
                ..good
            },
            CdnError::WrongClient,
        ),
        (
            CatRequest {
                scheme: "http",
                ..good
            },
            CdnError::OutOfScope,
        ),
        (
            CatRequest {
                host: "evil.example",
                ..good
            },
            CdnError::OutOfScope,
        ),
        (req("/vod/a/master.ts", 1500), CdnError::OutOfScope),
        (req("/vod/b/master.m3u8", 1500), CdnError::OutOfScope),
        (req("/vod/a/master.m3u8", 999), CdnError::Expired),
    ] {
        assert_eq!(
            cat.check(&token, &request).unwrap_err(),
            want,
            "{request:?}"
        );
    }

    // Claims written by hand (through ciborium) that narrow what a token
    // admits but cannot be checked here, or are malformed.
    let seal = |claims: Vec<(Value, Value)>| {
        let mut payload = Vec::new();
        ciborium::into_writer(&Value::Map(claims), &mut payload).unwrap();
        URL_SAFE_NO_PAD.encode(cat.seal(&payload))
    };
    let exp = (Value::Integer(4.into()), Value::Integer(2000.into()));
    let int = |k: i64, v: i64| (Value::Integer(k.into()), Value::Integer(v.into()));
    let regex = Value::Map(vec![(
        Value::Integer(3.into()),
        Value::Map(vec![(
            Value::Integer(4.into()),
            Value::Array(vec![Value::Text(".*".into())]),
        )]),
    )]);
    for (claims, want) in [
        (vec![int(5, 1000)], CdnError::Malformed),
        (vec![exp.clone(), int(308, 1)], CdnError::Unsupported),
        (vec![exp.clone(), int(310, 2)], CdnError::Unsupported),
        (
            vec![
                exp.clone(),
                (Value::Integer(313.into()), Value::Text("GET".into())),
            ],
            CdnError::Unsupported,
        ),
        (
            vec![exp.clone(), (Value::Integer(312.into()), regex)],
            CdnError::Unsupported,
        ),
        (
            vec![
                exp.clone(),
                (Value::Integer(312.into()), Value::Integer(1.into())),
            ],
            CdnError::Malformed,
        ),
    ] {
        assert_eq!(cat.check(&seal(claims), &good).unwrap_err(), want);
    }
    // catreplay "permitted" and a text address (one library's form) are read.
    let text_ip = (
        Value::Integer(311.into()),
        Value::Array(vec![Value::Text("192.0.2.10".into())]),
    );
    assert!(cat
        .check(&seal(vec![exp.clone(), int(308, 0), text_ip]), &good)
        .is_ok());

    // Garbage, truncation, other keys, other kids.
    for junk in ["", "!!", "2D3R", &token[..token.len() - 4], "oA"] {
        assert!(cat.check(junk, &good).is_err(), "{junk}");
    }
    assert_eq!(
        cat.check(&"A".repeat(MAX_TOKEN + 1), &good).unwrap_err(),
        CdnError::Malformed
    );
    let other_kid = Cat::new(&[7; 32], b"kid-2", MacAlg::Hmac256).unwrap();
    assert_eq!(
        other_kid.check(&token, &good).unwrap_err(),
        CdnError::BadSignature
    );
    let other_key = Cat::new(&[8; 32], b"kid-1", MacAlg::Hmac256).unwrap();
    assert_eq!(
        other_key.check(&token, &good).unwrap_err(),
        CdnError::BadSignature
    );
}

#[test]
fn renewal() {
    let renewal = Renewal {
        kind: RenewalKind::Header,
        expadd: 120,
        deadline: Some(30),
        name: Some("CTA-Common-Access-Token".into()),
    };
    let cat = Cat::new(&[7; 32], b"kid-1", MacAlg::Hmac256)
        .unwrap()
        .with_issuer("playgate")
        .with_renewal(renewal.clone());
    let scope = Scope {
        path: "/vod/a/",
        prefix: true,
        start: None,
        expires: 2000,
        ip: None,
        session_id: Some("sess-9"),
    };
    let Placement::Query(params) = cat.sign(&scope).unwrap().placement else {
        panic!("query");
    };
    assert_eq!(params[0].0, TOKEN_PARAM);
    let token = &params[0].1;
    let verified = cat.check(token, &req("/vod/a/1.ts", 1900)).unwrap();
    assert_eq!(verified.renewal.as_ref(), Some(&renewal));
    assert!(
        !verified.should_renew(1969),
        "31 s before exp is outside the deadline"
    );
    assert_eq!(cat.renew(&verified, 1969), None);
    let renewed = cat.renew(&verified, 1980).unwrap();
    let again = cat.check(&renewed, &req("/vod/a/2.ts", 2050)).unwrap();
    assert_eq!(again.exp, 2100);
    assert_eq!(
        cat.check(&renewed, &req("/vod/b/2.ts", 2050)).unwrap_err(),
        CdnError::OutOfScope,
        "the renewed token keeps the scope"
    );
    assert_eq!(
        cat.verify(
            token,
            &EdgeRequest {
                path: "/vod/a/x.ts",
                client_ip: None,
                now: 1500
            }
        ),
        Ok(())
    );
    assert_eq!(
        cat.sign(&Scope {
            path: "/vod/a?x",
            ..scope.clone()
        }),
        Err(CdnError::BadPath)
    );
    assert_eq!(
        cat.sign(&Scope {
            start: Some(2000),
            ..scope
        }),
        Err(CdnError::BadWindow)
    );
}

/// Differential against the reference crate (fastly/rust-cat), 200 random
/// tokens each way: theirs verify here, ours verify there.
#[test]
fn the_reference_crate_and_this_agree_on_random_tokens() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5007);
    for i in 0..200 {
        let key: Vec<u8> = (0..32).map(|_| rng.gen()).collect();
        let kid = format!("kid-{i}");
        let exp = 1_900_000_000 + rng.gen_range(0..1_000_000i64);
        let depth = rng.gen_range(1..4);
        let dir: String = (0..depth)
            .map(|d| format!("/d{d}x{}", rng.gen_range(0..999)))
            .collect();
        let prefix = format!("{dir}/");
        let path = format!("{prefix}seg_{}.ts", rng.gen_range(0..9999));
        let issuer = format!("iss-{}", rng.gen_range(0..99));
        let now = exp - rng.gen_range(1..86_400);
        let uri = format!("https://cdn.example.com{path}");

        // Ours, verified by theirs.
        let ours = Cat::new(&key, kid.as_bytes(), MacAlg::Hmac256)
            .unwrap()
            .with_issuer(&issuer);
        let rules = [(Component::Path, Match::Prefix(&prefix))];
        let claims = Claims {
            iss: Some(&issuer),
            exp: Some(exp),
            catv: true,
            catu: &rules,
            ..Claims::default()
        };
        let bytes = ours.token_bytes(&claims);
        let theirs = reference::Token::from_bytes(&bytes).unwrap();
        theirs.verify(&key).unwrap();
        let options = reference::VerificationOptions::new()
            .verify_exp(false)
            .expected_issuer(issuer.clone())
            .verify_catu(true)
            .uri(uri.clone());
        theirs.verify_claims(&options).unwrap();
        assert!(theirs.verify(b"another key").is_err());

        // Theirs (binary kid, MAC0), verified here.
        let mut catu = BTreeMap::new();
        catu.insert(
            reference::uri_components::PATH,
            reference::catu::prefix_match(&prefix),
        );
        let token = reference::TokenBuilder::new()
            .algorithm(reference::Algorithm::HmacSha256)
            .protected_key_id(reference::KeyId::binary(kid.as_bytes().to_vec()))
            .registered_claims(
                reference::RegisteredClaims::new()
                    .with_issuer(issuer.clone())
                    .with_expiration(exp as u64),
            )
            .custom_cbor(reference::cat_keys::CATU, reference::catu::create(catu))
            .sign(&key)
            .unwrap();
        let raw = token.to_bytes().unwrap();
        let got = ours.check_bytes(&raw, &req(&path, now)).unwrap();
        assert_eq!(got.exp, exp);
        assert_eq!(
            ours.check_bytes(&raw, &req("/elsewhere/x.ts", now))
                .unwrap_err(),
            CdnError::OutOfScope
        );
        assert_eq!(
            ours.check_bytes(&raw, &req(&path, exp)).unwrap_err(),
            CdnError::Expired
        );
    }
}

#[test]
fn authorities() {
    assert_eq!(split_authority("cdn.example.com"), ("cdn.example.com", ""));
    assert_eq!(
        split_authority("cdn.example.com:8443"),
        ("cdn.example.com", "8443")
    );
    assert_eq!(split_authority("[::1]:8443"), ("[::1]", "8443"));
    assert_eq!(split_authority("[::1]"), ("[::1]", ""));
}
