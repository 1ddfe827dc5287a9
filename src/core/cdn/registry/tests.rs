use serde_json::json;

use super::*;
use crate::core::cdn::Placement;

const PEM: &str = include_str!("../../../../tests/data/cloudfront_rsa2048_test_key.pem");

fn key<'a>(id: &'a str, secret: &'a str, active: bool) -> StoredKey<'a> {
    StoredKey { id, secret, active }
}

fn token_of(signed: &Signed) -> String {
    match &signed.placement {
        Placement::Query(params) => params
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
        Placement::Named { value, .. } => value.clone(),
        Placement::Path(_) => String::new(),
    }
}

/// Every scheme, built from settings, signs with the active key and
/// verifies tokens of the retiring one: a rotation refuses no player.
#[test]
fn every_scheme_builds_signs_and_rotates() {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let (cat_old, cat_new) = (b64(&[1; 32]), b64(&[2; 32]));
    let (gc_old, gc_new) = (b64(&[3; 16]), b64(&[4; 16]));
    let (m_old, m_new) = (b64(&[5; 32]), b64(&[6; 32]));
    let cases: Vec<(SchemeKind, serde_json::Value, [StoredKey<'_>; 2])> = vec![
        (
            SchemeKind::Akamai,
            json!({"baseUrl": "https://a.example", "algorithm": "sha256"}),
            [key("k1", "aabbcc", false), key("k2", "ddeeff", true)],
        ),
        (
            SchemeKind::CloudFront,
            json!({"baseUrl": "https://d1.cloudfront.net"}),
            [key("KOLD", PEM, false), key("KNEW", PEM, true)],
        ),
        (
            SchemeKind::GoogleCloudCdn,
            json!({"baseUrl": "https://g.example"}),
            [key("old", &gc_old, false), key("new", &gc_new, true)],
        ),
        (
            SchemeKind::MediaCdn,
            json!({"baseUrl": "https://m.example"}),
            [key("old", &m_old, false), key("new", &m_new, true)],
        ),
        (
            SchemeKind::Nginx,
            json!({"baseUrl": "http://n.example", "expression": "{expires}{uri} {secret}"}),
            [key("old", "s-old", false), key("new", "s-new", true)],
        ),
        (
            SchemeKind::Cat,
            json!({"baseUrl": "https://c.example", "issuer": "playgate"}),
            [key("old", &cat_old, false), key("new", &cat_new, true)],
        ),
    ];
    for (kind, settings, keys) in cases {
        let path = if kind == SchemeKind::Nginx {
            "/vod/a.m3u8"
        } else {
            "/vod/a/"
        };
        let scope = Scope {
            path,
            prefix: kind != SchemeKind::Nginx,
            start: None,
            expires: 2000,
            ip: None,
            session_id: None,
        };
        let request = EdgeRequest {
            path: if kind == SchemeKind::Nginx {
                "/vod/a.m3u8"
            } else {
                "/vod/a/seg.ts"
            },
            client_ip: None,
            now: 1000,
        };
        // Before the rotation: the old key signs.
        let before = build(
            "c",
            "C",
            kind,
            &settings,
            false,
            &[StoredKey {
                active: true,
                ..keys[0]
            }],
        )
        .unwrap();
        let old_token = token_of(&before.sign(&scope).unwrap().unwrap());
        // After: the new key signs, the old one still verifies.
        let cdn = build("c", "C", kind, &settings, true, &keys).unwrap();
        assert_eq!(cdn.signer().unwrap().id.as_ref(), keys[1].id, "{kind:?}");
        let new_token = token_of(&cdn.sign(&scope).unwrap().unwrap());
        assert_ne!(old_token, new_token, "{kind:?}");
        assert_eq!(cdn.verify(&new_token, &request), Ok(keys[1].id), "{kind:?}");
        assert_eq!(cdn.verify(&old_token, &request), Ok(keys[0].id), "{kind:?}");
        // Once the old key is gone, its tokens are refused.
        let after = build("c", "C", kind, &settings, true, &keys[1..]).unwrap();
        assert!(after.verify(&old_token, &request).is_err(), "{kind:?}");
        let late = EdgeRequest {
            now: 2001,
            ..request
        };
        assert!(cdn.verify(&new_token, &late).is_err(), "{kind:?} expired");
    }
}

#[test]
fn bad_settings_are_refused_with_a_reason() {
    let ok = json!({"baseUrl": "https://a.example"});
    let k = [key("k1", "aabb", true)];
    assert!(build("c", "C", SchemeKind::Akamai, &ok, false, &k).is_ok());
    for (settings, keys, want) in [
        (json!({}), &k[..], "settings"),
        (json!({"baseUrl": "ftp://a"}), &k[..], "baseUrl"),
        (
            json!({"baseUrl": "https://a.example/path"}),
            &k[..],
            "baseUrl",
        ),
        (
            json!({"baseUrl": "https://a.example", "ttlSeconds": 1}),
            &k[..],
            "ttlSeconds",
        ),
        (
            json!({"baseUrl": "https://a.example", "nonsense": 1}),
            &k[..],
            "settings",
        ),
        (
            json!({"baseUrl": "https://a.example", "issuer": "x"}),
            &k[..],
            "does not apply",
        ),
        (
            json!({"baseUrl": "https://a.example", "algorithm": "sha3"}),
            &k[..],
            "algorithm",
        ),
        (
            json!({"baseUrl": "https://a.example", "tokenName": "t"}),
            &k[..],
            "tokenName",
        ),
        (ok.clone(), &[key("k1", "xyz", true)][..], "hex"),
        (
            ok.clone(),
            &[key("a", "aa", true), key("b", "bb", true)][..],
            "one key",
        ),
    ] {
        let err = build("c", "C", SchemeKind::Akamai, &settings, false, keys).unwrap_err();
        assert!(err.contains(want), "{settings} -> {err}");
    }
    let cat =
        json!({"baseUrl": "https://c.example", "renewal": {"type": "sometimes", "expadd": 60}});
    let secret = URL_SAFE_NO_PAD.encode([1u8; 32]);
    let err = build(
        "c",
        "C",
        SchemeKind::Cat,
        &cat,
        false,
        &[key("k", &secret, true)],
    )
    .unwrap_err();
    assert!(err.contains("renewal.type"), "{err}");
    let err = build(
        "c",
        "C",
        SchemeKind::Cat,
        &json!({"baseUrl": "https://c.example"}),
        false,
        &[key("k", "c2hvcnQ", true)],
    )
    .unwrap_err();
    assert!(err.contains("32 bytes"), "{err}");
    let cdn = build(
        "c",
        "C",
        SchemeKind::Cat,
        &json!({"baseUrl": "https://c.example"}),
        false,
        &[],
    )
    .unwrap();
    assert!(
        cdn.sign(&Scope {
            path: "/a/",
            prefix: true,
            start: None,
            expires: 10,
            ip: None,
            session_id: None
        })
        .is_none(),
        "no key, no signature"
    );
}

#[test]
fn a_tenants_cdns_by_id_base_and_default() {
    let mk = |id: &str, base: &str, default| {
        Arc::new(
            build(
                id,
                id,
                SchemeKind::Akamai,
                &json!({"baseUrl": base}),
                default,
                &[key("k", "aa", true)],
            )
            .unwrap(),
        )
    };
    let cdns = TenantCdns::new(vec![
        mk("a", "https://a.example", false),
        mk("b", "https://b.example:8443", true),
    ]);
    assert_eq!(cdns.get("a").unwrap().id.as_ref(), "a");
    assert!(cdns.get("z").is_none());
    assert_eq!(
        cdns.for_base("https://B.example:8443").unwrap().id.as_ref(),
        "b"
    );
    assert!(cdns.for_base("https://b.example").is_none());
    assert_eq!(cdns.default_cdn().unwrap().id.as_ref(), "b");
    assert_eq!(cdns.get("b").unwrap().authority(), "b.example:8443");
    assert_eq!(SchemeKind::parse("media-cdn"), Some(SchemeKind::MediaCdn));
    assert_eq!(SchemeKind::parse("limelight"), None);
}

#[test]
fn cloudfront_in_cookies() {
    let settings = json!({"baseUrl": "https://d1.cloudfront.net", "placement": "cookie"});
    let cdn = build(
        "cf",
        "CF",
        SchemeKind::CloudFront,
        &settings,
        false,
        &[key("K1", PEM, true)],
    )
    .unwrap();
    let signed = cdn
        .sign_manifest("/vod/a/master.m3u8", false, 2000, None, None)
        .unwrap()
        .unwrap();
    let placed = cdn.place(
        "https://d1.cloudfront.net",
        "/vod/a/master.m3u8",
        "",
        signed.placement,
    );
    assert_eq!(
        placed.url, "https://d1.cloudfront.net/vod/a/master.m3u8",
        "nothing in the URL"
    );
    assert_eq!(placed.placement, "cookie");
    let names: Vec<&str> = placed
        .token
        .split("; ")
        .map(|c| c.split('=').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "CloudFront-Policy",
            "CloudFront-Signature",
            "CloudFront-Key-Pair-Id",
            "CloudFront-Hash-Algorithm"
        ]
    );
    let header = json!({"baseUrl": "https://d1.cloudfront.net", "placement": "header"});
    assert!(
        build("cf", "CF", SchemeKind::CloudFront, &header, false, &[])
            .unwrap_err()
            .contains("placement")
    );
}
