//! Untrusted CDN tokens and URLs, as the edge authorizer and `verify-url`
//! read them: CAT (CBOR / COSE, raw and base64url), Media CDN tokens,
//! Akamai EdgeAuth tokens, CloudFront parameters, nginx path tokens, and
//! the path checks. None may panic; none may verify (the fuzzer does not
//! hold the keys); a path the checks admit is one every scheme may sign.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playgate::core::cdn::akamai::{Alg, EdgeAuth};
use playgate::core::cdn::cat::{Cat, CatRequest, MacAlg};
use playgate::core::cdn::media_cdn::{HmacAlg, MediaCdn, TokenRequest};
use playgate::core::cdn::nginx::SecureLink;
use playgate::core::cdn::{check_path, wildcard_match, CdnScheme, EdgeRequest};

fuzz_target!(|data: &[u8]| {
    let cat = Cat::new(&[7; 32], b"k", MacAlg::Hmac256).unwrap();
    let request = CatRequest {
        scheme: "https",
        host: "cdn.example.com",
        port: "",
        path: "/vod/a/seg.ts",
        query: "x=1&cat=y",
        client_ip: Some("192.0.2.1".parse().unwrap()),
        now: 1_800_000_000,
    };
    assert!(cat.check_bytes(data, &request).is_err());
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert!(cat.check(text, &request).is_err());
    let edge = EdgeRequest {
        path: "/vod/a/seg.ts",
        client_ip: Some("192.0.2.1".parse().unwrap()),
        now: 1_800_000_000,
    };
    let media = MediaCdn::hmac("g_SlMILiIWKqsC6Z2L7gy0sReDOqtSrJrE7CXNr5Nl8", HmacAlg::Sha256, "k").unwrap();
    let token_request = TokenRequest {
        url: "https://cdn.example.com/vod/a/seg.ts",
        path: "/vod/a/seg.ts",
        client_ip: edge.client_ip,
        headers: &[("User-Agent", "tv")],
        now: edge.now,
    };
    assert!(media.check_token(text, &token_request).is_err());
    let akamai = EdgeAuth::new("00112233445566778899aabbccddeeff", Alg::Sha256, None, "__token__").unwrap();
    assert!(akamai.verify(text, &edge).is_err());
    let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", "s")
        .unwrap()
        .with_token_location("/s")
        .unwrap();
    assert!(link.verify(text, &edge).is_err());
    if let Some((_, _, prefix, rest)) = link.split_path_token(text) {
        assert!(text.ends_with(rest) && text.contains(prefix));
    }
    if check_path(text).is_ok() {
        assert!(text.starts_with('/') && !text.contains('%'));
        assert!(text.split('/').all(|seg| seg != ".." && seg != "."));
        assert!(!text.contains(['?', '#', '*', '~', '!', '&', '"', '\\']));
    }
    let (pattern, subject) = text.split_once('\n').unwrap_or((text, text));
    let _ = wildcard_match(pattern, subject);
    assert!(wildcard_match("*", subject));
});
