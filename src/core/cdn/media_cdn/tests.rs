use serde_json::Value;

use super::*;

fn vectors(name: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!(
        "../../../../tests/data/cdn-token-vectors.json"
    ))
    .unwrap();
    all[name].clone()
}

#[test]
fn ed25519_signed_urls_prefixes_and_cookies_byte_for_byte() {
    let v = vectors("google_media_cdn_ed25519_signatures");
    let k = MediaCdn::ed25519(v["ed25519_seed_b64url"].as_str().unwrap(), "my-key").unwrap();
    assert_eq!(k.public_key().unwrap(), v["public_key_b64"]);
    let expires = v["expires"].as_i64().unwrap();

    let want = v["signed_url"].as_str().unwrap();
    let url = "http://35.186.234.33/index.html";
    assert_eq!(k.signed_url(url, expires).unwrap(), want);
    assert_eq!(k.check_signed(want, url, expires - 1), Ok(()));
    assert_eq!(k.check_signed(want, url, expires), Err(CdnError::Expired));
    assert_eq!(
        k.check_signed(&want.replace("index", "other"), url, expires - 1),
        Err(CdnError::BadSignature)
    );

    let want = v["url_prefix_signed_url"].as_str().unwrap();
    let url = "http://www.example.com/some/path?some=query&another=param";
    let prefix = "http://www.example.com/some/";
    assert_eq!(k.signed_prefix_url(url, prefix, expires).unwrap(), want);
    assert_eq!(k.check_signed(want, url, expires - 1), Ok(()));
    assert_eq!(
        k.check_signed(want, "http://www.example.com/else/x", expires - 1),
        Err(CdnError::OutOfScope)
    );

    let want = v["signed_cookie"].as_str().unwrap();
    let cookie = want.strip_prefix("Cloud-CDN-Cookie=").unwrap();
    assert_eq!(
        k.cookie("http://www.example.com/foo/", expires).unwrap(),
        cookie
    );
    assert_eq!(
        k.check_signed(cookie, "http://www.example.com/foo/a.ts", expires - 1),
        Ok(())
    );
}

#[test]
fn tokens_byte_for_byte_and_verified() {
    let v = vectors("google_media_cdn_tokens");
    let hmac_key = v["hmac_key_b64url"].as_str().unwrap();
    let seed = v["ed25519_seed_b64url"].as_str().unwrap();
    let mut checked = 0;
    for t in v["tokens"].as_array().unwrap() {
        let want = t["token"].as_str().unwrap_or_default();
        let expires = t["expires"].as_i64().unwrap_or_default();
        let alg = t["alg"].as_str().unwrap();
        if t["path_component"].as_bool() == Some(true) {
            // The path-component form, signed with the HMAC key's bytes as seed.
            let k = MediaCdn::ed25519(hmac_key, "test-key").unwrap();
            let url = k
                .path_component_url("https://example.com/", "test-filename", 1_663_070_400)
                .unwrap();
            assert_eq!(url, t["url"]);
            checked += 1;
            continue;
        }
        let k = match alg {
            "sha1" => MediaCdn::hmac(hmac_key, HmacAlg::Sha1, "k").unwrap(),
            "sha256" => MediaCdn::hmac(hmac_key, HmacAlg::Sha256, "k").unwrap(),
            _ => MediaCdn::ed25519(seed, "k").unwrap(),
        };
        let globs: Vec<&str> = t["path_globs"]
            .as_str()
            .map(|g| vec![g])
            .unwrap_or_default();
        let target = if let Some(p) = t["url_prefix"].as_str() {
            Target::UrlPrefix(p)
        } else if let Some(p) = t["full_path"].as_str() {
            Target::FullPath(p)
        } else {
            Target::PathGlobs(&globs)
        };
        let headers: Vec<(&str, &str)> = t["headers"]
            .as_array()
            .map(|h| {
                h.iter()
                    .map(|p| (p[0].as_str().unwrap(), p[1].as_str().unwrap()))
                    .collect()
            })
            .unwrap_or_default();
        let ranges: Vec<&str> = t["ip_ranges"]
            .as_str()
            .map(|r| r.split(',').collect())
            .unwrap_or_default();
        let fields = TokenFields {
            target,
            starts: t["starts"].as_i64(),
            expires,
            session_id: t["session_id"].as_str(),
            data: t["data"].as_str(),
            headers: &headers,
            ip_ranges: &ranges,
        };
        if let Some(signed) = t["signed_value"].as_str() {
            assert_eq!(k.token_parts(&fields).unwrap().1, signed);
        }
        assert_eq!(k.token(&fields).unwrap(), want, "{alg}");
        // Verified at the edge (the vector's IPv6 range is not canonical, so
        // that one is checked with an IPv4 client inside the first range).
        let req = TokenRequest {
            url: "http://10.20.30.40/vod/a.m3u8",
            path: t["full_path"].as_str().unwrap_or("/vod/a.m3u8"),
            client_ip: Some("203.0.113.9".parse().unwrap()),
            headers: &headers,
            now: expires - 1,
        };
        assert_eq!(k.check_token(want, &req), Ok(()), "{want}");
        let late = TokenRequest {
            now: expires,
            ..req
        };
        assert_eq!(k.check_token(want, &late), Err(CdnError::Expired));
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn the_edge_refuses_what_was_not_signed() {
    let k = MediaCdn::hmac(
        "g_SlMILiIWKqsC6Z2L7gy0sReDOqtSrJrE7CXNr5Nl8=",
        HmacAlg::Sha256,
        "k",
    )
    .unwrap();
    let globs = ["/vod/a/*"];
    let fields = TokenFields {
        target: Target::PathGlobs(&globs),
        starts: Some(1000),
        expires: 2000,
        session_id: Some("s-1"),
        data: None,
        headers: &[("User-Agent", "tv")],
        ip_ranges: &["192.0.2.0/24", "2001:db8::/32"],
    };
    let token = k.token(&fields).unwrap();
    let ok = TokenRequest {
        url: "https://cdn/vod/a/x.ts",
        path: "/vod/a/x.ts",
        client_ip: Some("2001:db8::7".parse().unwrap()),
        headers: &[("user-agent", "tv")],
        now: 1500,
    };
    assert_eq!(k.check_token(&token, &ok), Ok(()));
    let cases = [
        (
            TokenRequest {
                path: "/vod/b/x.ts",
                ..ok
            },
            CdnError::OutOfScope,
        ),
        (TokenRequest { now: 999, ..ok }, CdnError::Expired),
        (
            TokenRequest {
                client_ip: Some("198.51.100.1".parse().unwrap()),
                ..ok
            },
            CdnError::WrongClient,
        ),
        (
            TokenRequest {
                headers: &[("User-Agent", "phone")],
                ..ok
            },
            CdnError::BadSignature,
        ),
        (TokenRequest { headers: &[], ..ok }, CdnError::BadSignature),
    ];
    for (req, want) in cases {
        assert_eq!(k.check_token(&token, &req), Err(want), "{req:?}");
    }
    for tampered in [
        token.replace("/vod/a/*", "/vod/*"),
        token.replace("Expires=2000", "Expires=9000"),
        token.replace("~Starts=1000", ""),
        format!("Unknown=1~{token}"),
        token.replace("~hmac=", "~Signature="),
    ] {
        assert!(k.check_token(&tampered, &ok).is_err(), "{tampered}");
    }
    // An Ed25519 token does not pass an HMAC key, nor the reverse.
    let ed = MediaCdn::ed25519("DJUcnLguVFKmVCFnWGubG1MZg7fWAnxacMjKDhVZMGI=", "k").unwrap();
    let ed_token = ed.token(&fields).unwrap();
    assert_eq!(ed.check_token(&ed_token, &ok), Ok(()));
    assert_eq!(k.check_token(&ed_token, &ok), Err(CdnError::BadSignature));
    assert_eq!(ed.check_token(&token, &ok), Err(CdnError::BadSignature));
    // Signed URLs are Ed25519 only.
    assert_eq!(k.signed_url("https://cdn/a", 2000), Err(CdnError::BadField));
}

#[test]
fn bad_fields_are_refused() {
    let k = MediaCdn::ed25519("DJUcnLguVFKmVCFnWGubG1MZg7fWAnxacMjKDhVZMGI=", "k").unwrap();
    let base = TokenFields {
        target: Target::FullPath("/a.m3u8"),
        starts: None,
        expires: 2000,
        session_id: None,
        data: None,
        headers: &[],
        ip_ranges: &[],
    };
    for (f, want) in [
        (
            TokenFields {
                session_id: Some("a~b"),
                ..base
            },
            CdnError::BadField,
        ),
        (
            TokenFields {
                data: Some("x y"),
                ..base
            },
            CdnError::BadField,
        ),
        (
            TokenFields {
                headers: &[("A,B", "v")],
                ..base
            },
            CdnError::BadField,
        ),
        (
            TokenFields {
                ip_ranges: &["1.2.3.0/24,"],
                ..base
            },
            CdnError::BadField,
        ),
        (
            TokenFields {
                target: Target::FullPath("a.m3u8"),
                ..base
            },
            CdnError::BadPath,
        ),
        (
            TokenFields {
                target: Target::PathGlobs(&[]),
                ..base
            },
            CdnError::BadPath,
        ),
        (
            TokenFields {
                target: Target::PathGlobs(&["/a,/b"]),
                ..base
            },
            CdnError::BadPath,
        ),
        (
            TokenFields {
                starts: Some(2000),
                ..base
            },
            CdnError::BadWindow,
        ),
    ] {
        assert_eq!(k.token(&f), Err(want), "{f:?}");
    }
    assert!(MediaCdn::ed25519("c2hvcnQ", "k").is_none());
    assert!(MediaCdn::hmac("c2hvcnQ", HmacAlg::Sha256, "k").is_none());
    assert!(
        MediaCdn::ed25519("DJUcnLguVFKmVCFnWGubG1MZg7fWAnxacMjKDhVZMGI=", "bad name").is_none()
    );
    let scope = Scope {
        path: "/vod/a,b/",
        prefix: true,
        start: None,
        expires: 2000,
        ip: None,
        session_id: None,
    };
    assert_eq!(k.sign(&scope), Err(CdnError::BadPath));
}

#[test]
fn the_scheme_signs_a_prefix_or_one_path() {
    let k = MediaCdn::ed25519("DJUcnLguVFKmVCFnWGubG1MZg7fWAnxacMjKDhVZMGI=", "k").unwrap();
    let scope = Scope {
        path: "/vod/movie/",
        prefix: true,
        start: None,
        expires: 2000,
        ip: Some("192.0.2.7".parse().unwrap()),
        session_id: Some("sess-1"),
    };
    let Placement::Query(params) = k.sign(&scope).unwrap().placement else {
        panic!("query");
    };
    assert_eq!(params[0].0, TOKEN_PARAM);
    let token = &params[0].1;
    assert!(token.starts_with("PathGlobs=/vod/movie/*~Expires=2000~SessionID=sess-1~IPRanges="));
    let edge = |path, ip: &str| EdgeRequest {
        path,
        client_ip: Some(ip.parse().unwrap()),
        now: 1500,
    };
    assert_eq!(
        k.verify(token, &edge("/vod/movie/seg.ts", "192.0.2.7")),
        Ok(())
    );
    assert_eq!(
        k.verify(token, &edge("/vod/movie/seg.ts", "192.0.2.8")),
        Err(CdnError::WrongClient)
    );
    assert_eq!(
        k.verify(token, &edge("/vod/other/seg.ts", "192.0.2.7")),
        Err(CdnError::OutOfScope)
    );
    let one = Scope {
        path: "/vod/movie/master.m3u8",
        prefix: false,
        ip: None,
        session_id: None,
        ..scope
    };
    let Placement::Query(params) = k.sign(&one).unwrap().placement else {
        panic!("query");
    };
    assert!(params[0].1.starts_with("FullPath~Expires=2000~Signature="));
    assert_eq!(
        k.verify(&params[0].1, &edge("/vod/movie/master.m3u8", "192.0.2.9")),
        Ok(())
    );
    assert_eq!(
        k.verify(&params[0].1, &edge("/vod/movie/other.m3u8", "192.0.2.9")),
        Err(CdnError::BadSignature)
    );
}
