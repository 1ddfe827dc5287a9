//! Google Cloud CDN signed URLs and signed cookies: HMAC-SHA1 under a
//! 128-bit key (distributed as base64url), the signature base64url with its
//! `=` padding kept.
//!
//! - URL: sign `<url>?|&Expires=<t>&KeyName=<name>`, append `&Signature=`.
//! - URL prefix: sign `URLPrefix=<b64url(prefix)>&Expires=<t>&KeyName=<n>`
//!   (the prefix holds scheme and host), append it and `&Signature=` to the
//!   request URL.
//! - Cookie `Cloud-CDN-Cookie`: the prefix form with `:` separators.
//!
//! Cloud CDN has no address or session binding; `Scope::ip` and
//! `session_id` are refused rather than silently dropped. The URL signed
//! must not already carry `Expires`, `KeyName` or `Signature`.
//!
//! Must never: sign a URL that already holds the scheme's own parameters.

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use ring::hmac;
use subtle::ConstantTimeEq;

use super::{check_path, CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed};

/// A Cloud CDN signing key for one origin.
pub struct CloudCdn {
    key: hmac::Key,
    key_name: String,
    /// `scheme://host` the CDN serves (URLs and prefixes are absolute).
    origin: String,
}

impl std::fmt::Debug for CloudCdn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudCdn")
            .field("key_name", &self.key_name)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

fn mac(key: &hmac::Key, message: &str) -> String {
    URL_SAFE.encode(hmac::sign(key, message.as_bytes()))
}

impl CloudCdn {
    /// `key_b64url`: the key as Google gives it (padded or not); `key_name`: 1-63 of
    /// `[A-Za-z0-9_-]`; `origin`: `http(s)://host[:port]`, no path.
    pub fn new(key_b64url: &str, key_name: &str, origin: &str) -> Option<Self> {
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(key_b64url.trim_end_matches('='))
            .ok()
            .filter(|k| k.len() == 16)?;
        let name_ok = (1..=63).contains(&key_name.len())
            && key_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        let rest = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))?;
        let origin_ok = !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ']);
        (name_ok && origin_ok).then(|| Self {
            key: hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key),
            key_name: key_name.to_owned(),
            origin: origin.to_owned(),
        })
    }

    /// A signed URL for exactly `url`.
    pub fn signed_url(&self, url: &str, expires: i64) -> Result<String, CdnError> {
        refuse_own_params(url)?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let signed = format!("{url}{sep}Expires={expires}&KeyName={}", self.key_name);
        let signature = mac(&self.key, &signed);
        Ok(format!("{signed}&Signature={signature}"))
    }

    fn prefix_policy(&self, prefix: &str, expires: i64, sep: char) -> String {
        prefix_policy(prefix, expires, &self.key_name, sep)
    }

    /// `url` signed for every URL under `prefix` (which `url` must start with).
    pub fn signed_prefix_url(
        &self,
        url: &str,
        prefix: &str,
        expires: i64,
    ) -> Result<String, CdnError> {
        refuse_own_params(url)?;
        if !url.starts_with(prefix) {
            return Err(CdnError::OutOfScope);
        }
        let policy = self.prefix_policy(prefix, expires, '&');
        let signature = mac(&self.key, &policy);
        let sep = if url.contains('?') { '&' } else { '?' };
        Ok(format!("{url}{sep}{policy}&Signature={signature}"))
    }

    /// The `Cloud-CDN-Cookie` value for every URL under `prefix`.
    pub fn cookie(&self, prefix: &str, expires: i64) -> String {
        let policy = self.prefix_policy(prefix, expires, ':');
        let signature = mac(&self.key, &policy);
        format!("{policy}:Signature={signature}")
    }

    /// Verifies a prefix policy (`URLPrefix=..&Expires=..&KeyName=..&Signature=..`,
    /// or the cookie's `:` form) for `url` at `now`.
    pub fn check_prefix(&self, policy: &str, url: &str, now: i64) -> Result<(), CdnError> {
        let sep = if policy.contains("&Expires=") {
            '&'
        } else {
            ':'
        };
        let (signed, signature) = policy
            .rsplit_once(&format!("{sep}Signature="))
            .ok_or(CdnError::Malformed)?;
        let mut fields = signed.split(sep);
        let (Some(prefix), Some(expires), Some(name), None) = (
            fields.next().and_then(|f| f.strip_prefix("URLPrefix=")),
            fields.next().and_then(|f| f.strip_prefix("Expires=")),
            fields.next().and_then(|f| f.strip_prefix("KeyName=")),
            fields.next(),
        ) else {
            return Err(CdnError::Malformed);
        };
        if name != self.key_name {
            return Err(CdnError::BadSignature);
        }
        let want = mac(&self.key, signed);
        if !bool::from(want.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(CdnError::BadSignature);
        }
        let expires: i64 = expires.parse().map_err(|_| CdnError::Malformed)?;
        if now >= expires {
            return Err(CdnError::Expired);
        }
        let prefix = URL_SAFE.decode(prefix).map_err(|_| CdnError::Malformed)?;
        if !url.as_bytes().starts_with(&prefix) {
            return Err(CdnError::OutOfScope);
        }
        Ok(())
    }

    /// Verifies a signed URL (exact form) at `now`.
    pub fn check_url(&self, signed_url: &str, now: i64) -> Result<(), CdnError> {
        let (signed, signature) = signed_url
            .rsplit_once("&Signature=")
            .ok_or(CdnError::Malformed)?;
        let (_, params) = signed.rsplit_once("Expires=").ok_or(CdnError::Malformed)?;
        let (expires, name) = params.split_once("&KeyName=").ok_or(CdnError::Malformed)?;
        if name != self.key_name {
            return Err(CdnError::BadSignature);
        }
        let want = mac(&self.key, signed);
        if !bool::from(want.as_bytes().ct_eq(signature.as_bytes())) {
            return Err(CdnError::BadSignature);
        }
        let expires: i64 = expires.parse().map_err(|_| CdnError::Malformed)?;
        if now >= expires {
            return Err(CdnError::Expired);
        }
        Ok(())
    }
}

/// `URLPrefix=<b64url(prefix), padded><sep>Expires=<t><sep>KeyName=<n>`
/// (`&` in URLs, `:` in cookies); Media CDN signs the same string.
pub(super) fn prefix_policy(prefix: &str, expires: i64, key_name: &str, sep: char) -> String {
    format!(
        "URLPrefix={}{sep}Expires={expires}{sep}KeyName={key_name}",
        URL_SAFE.encode(prefix),
    )
}

/// Refuses a URL that already carries the signing parameters (or a fragment).
pub(super) fn refuse_own_params(url: &str) -> Result<(), CdnError> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let own = query.split('&').any(|p| {
        let name = p.split('=').next().unwrap_or_default();
        matches!(name, "Expires" | "KeyName" | "Signature" | "URLPrefix")
    });
    if own || url.contains('#') {
        return Err(CdnError::BadPath);
    }
    Ok(())
}

impl CdnScheme for CloudCdn {
    fn name(&self) -> &'static str {
        "google-cloud-cdn"
    }

    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        if scope.ip.is_some() || scope.session_id.is_some() {
            return Err(CdnError::BadField);
        }
        if scope.start.is_some() || scope.expires <= 0 {
            return Err(CdnError::BadWindow);
        }
        let url = format!("{}{}", self.origin, scope.path);
        let mut params = Vec::with_capacity(4);
        let signed = if scope.prefix {
            params.push(("URLPrefix", URL_SAFE.encode(&url)));
            self.prefix_policy(&url, scope.expires, '&')
        } else {
            format!("{url}?Expires={}&KeyName={}", scope.expires, self.key_name)
        };
        params.push(("Expires", scope.expires.to_string()));
        params.push(("KeyName", self.key_name.clone()));
        params.push(("Signature", mac(&self.key, &signed)));
        Ok(Signed {
            placement: Placement::Query(params),
        })
    }

    /// `token` is the query string the CDN received (`Expires=..&KeyName=..
    /// &Signature=..`, with `URLPrefix=..` first for the prefix form).
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        let url = format!("{}{}", self.origin, request.path);
        if token.starts_with("URLPrefix=") {
            self.check_prefix(token, &url, request.now)
        } else {
            self.check_url(&format!("{url}?{token}"), request.now)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn vectors() -> Value {
        let all: Value =
            serde_json::from_str(include_str!("../../../tests/data/cdn-token-vectors.json"))
                .unwrap();
        all["google_cloud_cdn_hmac_sha1"].clone()
    }

    fn key(v: &Value, origin: &str) -> CloudCdn {
        CloudCdn::new(
            v["key_b64url"].as_str().unwrap(),
            v["key_name"].as_str().unwrap(),
            origin,
        )
        .unwrap()
    }

    #[test]
    fn every_vector_byte_for_byte_and_verified() {
        let v = vectors();
        let expires = v["expires"].as_i64().unwrap();
        let k = key(&v, "http://www.example.com");
        let mut checked = 0;
        for want in v["signed_urls"].as_array().unwrap() {
            let want = want.as_str().unwrap();
            let url = want
                .split("Expires=")
                .next()
                .unwrap()
                .trim_end_matches(['?', '&']);
            assert_eq!(k.signed_url(url, expires).unwrap(), want);
            assert_eq!(k.check_url(want, expires - 1), Ok(()));
            assert_eq!(k.check_url(want, expires), Err(CdnError::Expired));
            checked += 1;
        }
        for p in v["url_prefix_signed_urls"].as_array().unwrap() {
            let (url, prefix) = (p["url"].as_str().unwrap(), p["prefix"].as_str().unwrap());
            let want = p["result"].as_str().unwrap();
            assert_eq!(k.signed_prefix_url(url, prefix, expires).unwrap(), want);
            let policy = &want[want.find("URLPrefix=").unwrap()..];
            assert_eq!(k.check_prefix(policy, url, expires - 1), Ok(()));
            assert_eq!(
                k.check_prefix(policy, "http://elsewhere.example/x", expires - 1),
                Err(CdnError::OutOfScope)
            );
            checked += 1;
        }
        for c in v["signed_cookies"].as_array().unwrap() {
            let prefix = c["prefix"].as_str().unwrap();
            let want = c["Cloud-CDN-Cookie"].as_str().unwrap();
            assert_eq!(k.cookie(prefix, expires), want);
            assert_eq!(k.check_prefix(want, prefix, expires - 1), Ok(()));
            checked += 1;
        }
        assert_eq!(checked, 8);
    }

    #[test]
    fn tampering_and_bad_input() {
        let v = vectors();
        let k = key(&v, "https://cdn.example.com");
        let url = k
            .signed_url("https://cdn.example.com/vod/a.m3u8", 2000)
            .unwrap();
        assert_eq!(
            k.check_url(&url.replace("a.m3u8", "b.m3u8"), 1000),
            Err(CdnError::BadSignature)
        );
        assert_eq!(
            k.check_url(&url.replace("Expires=2000", "Expires=9000"), 1000),
            Err(CdnError::BadSignature)
        );
        let other = CloudCdn::new(
            "AAAAAAAAAAAAAAAAAAAAAA==",
            "my-key",
            "https://cdn.example.com",
        )
        .unwrap();
        assert_eq!(other.check_url(&url, 1000), Err(CdnError::BadSignature));
        assert_eq!(
            k.signed_url("https://cdn.example.com/a?Expires=1", 2000),
            Err(CdnError::BadPath)
        );
        assert_eq!(
            k.signed_url("https://cdn.example.com/a?x=1&Signature=z", 2000),
            Err(CdnError::BadPath)
        );
        assert!(CloudCdn::new("short", "my-key", "https://x").is_none());
        assert!(CloudCdn::new("nZtRohdNF9m3cKM24IcK4w==", "bad name", "https://x").is_none());
        assert!(CloudCdn::new("nZtRohdNF9m3cKM24IcK4w==", "k", "https://x/path").is_none());
        assert!(CloudCdn::new("nZtRohdNF9m3cKM24IcK4w==", "k", "ftp://x").is_none());
    }

    #[test]
    fn the_scheme_signs_a_prefix_or_one_path() {
        let k = key(&vectors(), "https://cdn.example.com");
        let scope = Scope {
            path: "/vod/movie/",
            prefix: true,
            start: None,
            expires: 2000,
            ip: None,
            session_id: None,
        };
        let Placement::Query(params) = k.sign(&scope).unwrap().placement else {
            panic!("query parameters");
        };
        let token: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let token = token.join("&");
        assert!(token.starts_with("URLPrefix="), "{token}");
        let edge = |path| EdgeRequest {
            path,
            client_ip: None,
            now: 1500,
        };
        assert_eq!(k.verify(&token, &edge("/vod/movie/seg_1.ts")), Ok(()));
        assert_eq!(
            k.verify(&token, &edge("/vod/other/seg_1.ts")),
            Err(CdnError::OutOfScope)
        );
        let one = Scope {
            path: "/vod/movie/master.m3u8",
            prefix: false,
            ..scope.clone()
        };
        let Placement::Query(params) = k.sign(&one).unwrap().placement else {
            panic!("query parameters");
        };
        let token: Vec<String> = params.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let token = token.join("&");
        assert_eq!(k.verify(&token, &edge("/vod/movie/master.m3u8")), Ok(()));
        assert_eq!(
            k.verify(&token, &edge("/vod/movie/other.m3u8")),
            Err(CdnError::BadSignature)
        );
        let bound = Scope {
            ip: Some("192.0.2.1".parse().unwrap()),
            ..scope
        };
        assert_eq!(
            k.sign(&bound),
            Err(CdnError::BadField),
            "Cloud CDN cannot bind an address"
        );
    }
}
