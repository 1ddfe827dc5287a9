use serde_json::Value;

use super::*;

const KEY_1024: &str = include_str!("../../../../tests/data/cloudfront_rsa1024_dummy_key.pem");
const KEY_2048: &str = include_str!("../../../../tests/data/cloudfront_rsa2048_test_key.pem");
const KEY_P256: &str = include_str!("../../../../tests/data/cloudfront_p256_test_key.pem");
const ORIGIN: &str = "https://abc.cloudfront.net";

fn vectors() -> Vec<Value> {
    let all: Value = serde_json::from_str(include_str!(
        "../../../../tests/data/cdn-token-vectors.json"
    ))
    .unwrap();
    all["cloudfront"].as_array().unwrap().clone()
}

fn query_of(url: &str) -> Vec<(String, String)> {
    url.split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap();
            (n.to_owned(), v.to_owned())
        })
        .collect()
}

fn param<'a>(params: &'a [(&'static str, String)], name: &str) -> &'a str {
    &params.iter().find(|(n, _)| *n == name).unwrap().1
}

fn as_refs<'a>(params: &'a [(&'static str, String)]) -> Vec<(&'a str, &'a str)> {
    params.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

#[test]
fn every_vector_byte_for_byte_and_verified() {
    let v = vectors();
    let sha1 = CloudFront::from_pem(KEY_1024, "CF_KEYPAIR_ID", Hash::Sha1, ORIGIN).unwrap();
    let sha256 = CloudFront::from_pem(KEY_1024, "CF_KEYPAIR_ID", Hash::Sha256, ORIGIN).unwrap();
    assert!(
        sha1.is_legacy() && sha256.is_legacy(),
        "1024-bit keys are not ring's"
    );
    let expires = 1_357_034_400;
    let url = "https://abc.cloudfront.net/images/image.jpg?color=red";

    // 1. Canned, SHA-1: the whole URL, in botocore's parameter order.
    assert_eq!(v[0]["policy"], canned_policy(url, expires));
    let params = sha1.canned(url, expires).unwrap();
    assert_eq!(CloudFront::append(url, &params), v[0]["signed_url"]);
    assert_eq!(
        sha1.check(&as_refs(&params), url, None, expires - 1),
        Ok(())
    );
    assert_eq!(
        sha1.check(&as_refs(&params), url, None, expires),
        Err(CdnError::Expired)
    );

    // 2. Custom policy with an address range.
    let conditions = Conditions {
        expires,
        start: None,
        ip: Some("10.52.176.0/24".parse().unwrap()),
    };
    assert_eq!(
        v[1]["policy"],
        custom_policy("images/image.jpg", &conditions)
    );
    let params = sha1.custom("images/image.jpg", &conditions).unwrap();
    assert_eq!(param(&params, "Policy"), v[1]["Policy_param"]);
    assert_eq!(param(&params, "Signature"), v[1]["Signature_param"]);
    let inside = Some("10.52.176.9".parse().unwrap());
    let outside = Some("10.52.177.9".parse().unwrap());
    assert_eq!(
        sha1.check(&as_refs(&params), "images/image.jpg", inside, expires - 1),
        Ok(())
    );
    assert_eq!(
        sha1.check(&as_refs(&params), "images/image.jpg", outside, expires - 1),
        Err(CdnError::WrongClient)
    );

    // 3. Canned, SHA-256 (the JS SDK's order differs; order is free, the
    // values are the vector's).
    let params = sha256.canned(url, expires).unwrap();
    let want = query_of(v[2]["signed_url"].as_str().unwrap());
    let mut got: Vec<(String, String)> = query_of(&CloudFront::append(url, &params));
    let mut want_sorted = want.clone();
    got.sort();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
    assert_eq!(param(&params, "Hash-Algorithm"), "SHA256");

    // 4. Signed cookies, custom policy with a wildcard.
    let conditions = Conditions {
        expires,
        start: None,
        ip: None,
    };
    let resource = "https://abc.cloudfront.net/images/*";
    assert_eq!(v[3]["policy"], custom_policy(resource, &conditions));
    let cookies = CloudFront::cookies(&sha1.custom(resource, &conditions).unwrap());
    for (name, value) in &cookies {
        assert_eq!(v[3]["cookies"][name], value.as_str(), "{name}");
    }
    assert_eq!(cookies.len(), 3);
}

#[test]
fn ring_and_the_rsa_crate_sign_alike() {
    let ring_key = CloudFront::from_pem(KEY_2048, "K2JCJMDEHXQW5F", Hash::Sha256, ORIGIN).unwrap();
    assert!(
        !ring_key.is_legacy(),
        "2048-bit SHA-256 keys sign through ring"
    );
    let private = rsa::RsaPrivateKey::from_pkcs1_pem(KEY_2048).unwrap();
    let legacy = CloudFront {
        key: Key::LegacyRsa(Box::new(Legacy::new(private, Hash::Sha256))),
        hash: Hash::Sha256,
        key_pair_id: "K2JCJMDEHXQW5F".into(),
        origin: ORIGIN.into(),
        rng: SystemRandom::new(),
    };
    let url = "https://abc.cloudfront.net/vod/a/master.m3u8";
    let a = ring_key.canned(url, 2_000_000_000).unwrap();
    let b = legacy.canned(url, 2_000_000_000).unwrap();
    assert_eq!(a, b, "PKCS#1 v1.5 is deterministic");
    assert_eq!(legacy.check(&as_refs(&a), url, None, 1), Ok(()));
    // The SHA-1 form of the same key goes through the rsa crate and differs.
    let sha1 = CloudFront::from_pem(KEY_2048, "K2JCJMDEHXQW5F", Hash::Sha1, ORIGIN).unwrap();
    assert!(sha1.is_legacy());
    let c = sha1.canned(url, 2_000_000_000).unwrap();
    assert_ne!(param(&a, "Signature"), param(&c, "Signature"));
    assert_eq!(
        ring_key.check(&as_refs(&c), url, None, 1),
        Err(CdnError::BadSignature),
        "a SHA-1 signature is not a SHA-256 one"
    );
}

#[test]
fn ecdsa_keys_sign_der_signatures_that_verify() {
    let k = CloudFront::from_pem(KEY_P256, "K1ECDSA", Hash::Sha256, ORIGIN).unwrap();
    assert!(!k.is_legacy());
    let url = "https://abc.cloudfront.net/vod/a/master.m3u8";
    let params = k.canned(url, 2_000_000_000).unwrap();
    let sig = decode(param(&params, "Signature")).unwrap();
    assert_eq!(sig[0], 0x30, "an ASN.1 DER SEQUENCE");
    assert_eq!(k.check(&as_refs(&params), url, None, 1), Ok(()));
    assert_eq!(
        k.check(&as_refs(&params), &url.replace("/a/", "/b/"), None, 1),
        Err(CdnError::BadSignature)
    );
    assert_eq!(
        CloudFront::from_pem(KEY_P256, "K1ECDSA", Hash::Sha1, ORIGIN).unwrap_err(),
        KeyError::EcdsaSha1
    );
}

#[test]
fn scopes_wildcards_windows_and_addresses() {
    let k = CloudFront::from_pem(KEY_2048, "K2JCJMDEHXQW5F", Hash::Sha256, ORIGIN).unwrap();
    let scope = Scope {
        path: "/vod/movie/",
        prefix: true,
        start: Some(1000),
        expires: 2000,
        ip: Some("192.0.2.7".parse().unwrap()),
        session_id: None,
    };
    let Placement::Query(params) = k.sign(&scope).unwrap().placement else {
        panic!("query parameters");
    };
    let token = params
        .iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let edge = |path, ip: &str, now| EdgeRequest {
        path,
        client_ip: Some(ip.parse().unwrap()),
        now,
    };
    assert_eq!(
        k.verify(&token, &edge("/vod/movie/seg_9.ts", "192.0.2.7", 1500)),
        Ok(())
    );
    assert_eq!(
        k.verify(&token, &edge("/vod/other/seg_9.ts", "192.0.2.7", 1500)),
        Err(CdnError::OutOfScope)
    );
    assert_eq!(
        k.verify(&token, &edge("/vod/movie/seg_9.ts", "192.0.2.8", 1500)),
        Err(CdnError::WrongClient)
    );
    assert_eq!(
        k.verify(&token, &edge("/vod/movie/seg_9.ts", "192.0.2.7", 1000)),
        Err(CdnError::Expired),
        "not valid before DateGreaterThan"
    );
    assert_eq!(
        k.verify(&token, &edge("/vod/movie/seg_9.ts", "192.0.2.7", 2000)),
        Err(CdnError::Expired)
    );
    let tampered = token.replace("Policy=", "Policy=A");
    assert!(k
        .verify(&tampered, &edge("/vod/movie/x.ts", "192.0.2.7", 1500))
        .is_err());

    let v6 = Scope {
        ip: Some("2001:db8::1".parse().unwrap()),
        ..scope.clone()
    };
    assert_eq!(
        k.sign(&v6),
        Err(CdnError::BadField),
        "AWS:SourceIp is IPv4 only"
    );
    let session = Scope {
        session_id: Some("s1"),
        ..scope.clone()
    };
    assert_eq!(k.sign(&session), Err(CdnError::BadField));
    for bad in ["/vod/*", "/vod/a?b", "/vod/\"x", "/vod/../x"] {
        let s = Scope {
            path: bad,
            ..scope.clone()
        };
        assert_eq!(k.sign(&s), Err(CdnError::BadPath), "{bad}");
    }
    let backwards = Scope {
        start: Some(2000),
        ..scope
    };
    assert_eq!(k.sign(&backwards), Err(CdnError::BadWindow));
}

#[test]
fn the_alphabet_round_trips_and_keys_are_checked() {
    let bytes: Vec<u8> = (0..=255).collect();
    let text = encode(&bytes);
    assert!(!text.contains(['+', '=', '/']));
    assert_eq!(decode(&text).unwrap(), bytes);
    assert_eq!(
        CloudFront::from_pem("nope", "K1", Hash::Sha1, ORIGIN).unwrap_err(),
        KeyError::Unreadable
    );
    assert_eq!(
        CloudFront::from_pem(KEY_1024, "bad id", Hash::Sha1, ORIGIN).unwrap_err(),
        KeyError::BadKeyPairId
    );
    assert_eq!(
        CloudFront::from_pem(KEY_1024, "K1", Hash::Sha1, "https://x/path").unwrap_err(),
        KeyError::BadOrigin
    );
}
