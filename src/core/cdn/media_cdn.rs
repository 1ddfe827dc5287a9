//! Google Media CDN: Ed25519 signed URLs and cookies, and (dual-)tokens
//! signed with Ed25519 or HMAC.
//!
//! - Signed URLs, URL prefixes and `Cloud-CDN-Cookie` take Cloud CDN's
//!   strings ([`super::google_cloud_cdn`]) signed with Ed25519 (a 32-byte
//!   seed in base64url); the signature is base64url with its `==` stripped,
//!   the `URLPrefix` value keeps its padding.
//! - Path-component form: `<prefix>edge-cache-token=Expires=<t>&KeyName=<n>
//!   &Signature=<sig, padded>/<rest>`, signed over everything before
//!   `&Signature`, so relative manifest URLs inherit the token.
//! - Tokens: `~`-joined fields `URLPrefix=<b64url, no pad>` | `PathGlobs=`
//!   | `FullPath`, then `Starts`, `Expires`, `SessionID`, `Data`, `Headers`,
//!   `IPRanges=<b64url, no pad, of "cidr,cidr">`, then `Signature=<Ed25519,
//!   b64url no pad>` or `hmac=<lowercase hex>`. The value signed equals the
//!   token but for `FullPath=<request path>` and `Headers=<name>=<value>,...`.
//!   A token travels as the `edge-cache-token` query parameter or the
//!   `Edge-Cache-Cookie` cookie.
//!
//! Decisions: HMAC keys sign tokens only (Google allows them only on the
//! routes that exchange a short token for a long one); the scheme's own
//! signing ([`CdnScheme::sign`]) emits `PathGlobs` for a prefix and
//! `FullPath` for one path, so the origin need not be known; a path holding
//! a glob separator (`,` `!`) is refused.
//!
//! Must never: accept a token field it does not know (an edge that skips it
//! would admit more than was signed), or verify an HMAC token without
//! constant-time comparison.

use std::net::IpAddr;

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ipnet::IpNet;
use ring::hmac;
use ring::signature::{Ed25519KeyPair, KeyPair as _, UnparsedPublicKey, ED25519};
use subtle::ConstantTimeEq;

use super::google_cloud_cdn::{prefix_policy, refuse_own_params};
use super::{
    check_path, wildcard_match, CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed,
};

/// The query parameter a token travels in.
pub const TOKEN_PARAM: &str = "edge-cache-token";
/// The cookie a token travels in.
pub const TOKEN_COOKIE: &str = "Edge-Cache-Cookie";

enum Key {
    Ed25519(Ed25519KeyPair),
    Hmac(hmac::Key),
}

/// The HMAC digest of a shared-key token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacAlg {
    Sha1,
    Sha256,
}

/// One Media CDN key (an `EdgeCacheKeyset` entry).
pub struct MediaCdn {
    key: Key,
    key_name: String,
}

impl std::fmt::Debug for MediaCdn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.key {
            Key::Ed25519(_) => "ed25519",
            Key::Hmac(_) => "hmac",
        };
        f.debug_struct("MediaCdn")
            .field("key_name", &self.key_name)
            .field("key", &kind)
            .finish_non_exhaustive()
    }
}

/// What a token admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// Every URL under this one (scheme and host included).
    UrlPrefix(&'a str),
    /// Paths matching any of these globs.
    PathGlobs(&'a [&'a str]),
    /// Exactly the request's path (signed, not sent).
    FullPath(&'a str),
}

/// The fields of one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenFields<'a> {
    pub target: Target<'a>,
    pub starts: Option<i64>,
    pub expires: i64,
    pub session_id: Option<&'a str>,
    pub data: Option<&'a str>,
    /// Request headers bound by the token: `(name, value)`.
    pub headers: &'a [(&'a str, &'a str)],
    /// CIDRs the client must be in (IPv4 or IPv6), as written.
    pub ip_ranges: &'a [&'a str],
}

/// What the edge sees of a request, for a token.
#[derive(Debug, Clone, Copy)]
pub struct TokenRequest<'a> {
    /// The full URL (scheme, host, path), for `URLPrefix`.
    pub url: &'a str,
    /// The path, for `PathGlobs` and `FullPath`.
    pub path: &'a str,
    pub client_ip: Option<IpAddr>,
    /// Request headers, for `Headers`.
    pub headers: &'a [(&'a str, &'a str)],
    pub now: i64,
}

fn plain(v: &str, extra_forbidden: &[u8]) -> bool {
    !v.is_empty()
        && v.len() <= 1024
        && v.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'~' && !extra_forbidden.contains(&b))
}

impl MediaCdn {
    /// An Ed25519 key from its 32-byte seed (base64url, padded or not).
    pub fn ed25519(seed_b64url: &str, key_name: &str) -> Option<Self> {
        let seed = decode_b64url(seed_b64url).filter(|s| s.len() == 32)?;
        let key = Ed25519KeyPair::from_seed_unchecked(&seed).ok()?;
        Self::named(Key::Ed25519(key), key_name)
    }

    /// A shared HMAC key (base64url) for tokens.
    pub fn hmac(key_b64url: &str, alg: HmacAlg, key_name: &str) -> Option<Self> {
        let key = decode_b64url(key_b64url).filter(|k| k.len() >= 16)?;
        let alg = match alg {
            HmacAlg::Sha1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            HmacAlg::Sha256 => hmac::HMAC_SHA256,
        };
        Self::named(Key::Hmac(hmac::Key::new(alg, &key)), key_name)
    }

    fn named(key: Key, key_name: &str) -> Option<Self> {
        let ok = (1..=63).contains(&key_name.len())
            && key_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self {
            key,
            key_name: key_name.to_owned(),
        })
    }

    /// The public key, base64 (what `EdgeCacheKeyset.publicKeys` holds).
    pub fn public_key(&self) -> Option<String> {
        match &self.key {
            Key::Ed25519(k) => Some(URL_SAFE.encode(k.public_key().as_ref())),
            Key::Hmac(_) => None,
        }
    }

    fn ed25519_key(&self) -> Result<&Ed25519KeyPair, CdnError> {
        match &self.key {
            Key::Ed25519(k) => Ok(k),
            Key::Hmac(_) => Err(CdnError::BadField),
        }
    }

    fn ed25519_ok(&self, message: &str, signature: &[u8]) -> bool {
        match &self.key {
            Key::Ed25519(k) => UnparsedPublicKey::new(&ED25519, k.public_key().as_ref())
                .verify(message.as_bytes(), signature)
                .is_ok(),
            Key::Hmac(_) => false,
        }
    }

    /// A signed URL for exactly `url` (Ed25519).
    pub fn signed_url(&self, url: &str, expires: i64) -> Result<String, CdnError> {
        refuse_own_params(url)?;
        let key = self.ed25519_key()?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let signed = format!("{url}{sep}Expires={expires}&KeyName={}", self.key_name);
        let signature = URL_SAFE_NO_PAD.encode(key.sign(signed.as_bytes()));
        Ok(format!("{signed}&Signature={signature}"))
    }

    /// `url` signed for every URL under `prefix` (Ed25519).
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
        let key = self.ed25519_key()?;
        let policy = prefix_policy(prefix, expires, &self.key_name, '&');
        let signature = URL_SAFE_NO_PAD.encode(key.sign(policy.as_bytes()));
        let sep = if url.contains('?') { '&' } else { '?' };
        Ok(format!("{url}{sep}{policy}&Signature={signature}"))
    }

    /// The `Cloud-CDN-Cookie` value for every URL under `prefix` (Ed25519).
    pub fn cookie(&self, prefix: &str, expires: i64) -> Result<String, CdnError> {
        let key = self.ed25519_key()?;
        let policy = prefix_policy(prefix, expires, &self.key_name, ':');
        let signature = URL_SAFE_NO_PAD.encode(key.sign(policy.as_bytes()));
        Ok(format!("{policy}:Signature={signature}"))
    }

    /// The path-component form: `prefix` (ending in `/`) then the token
    /// segment, then `rest`.
    pub fn path_component_url(
        &self,
        prefix: &str,
        rest: &str,
        expires: i64,
    ) -> Result<String, CdnError> {
        if !prefix.ends_with('/') || prefix.contains(['?', '#']) || rest.contains(['?', '#']) {
            return Err(CdnError::BadPath);
        }
        let key = self.ed25519_key()?;
        let signed = format!(
            "{prefix}edge-cache-token=Expires={expires}&KeyName={}",
            self.key_name
        );
        let signature = URL_SAFE.encode(key.sign(signed.as_bytes()));
        Ok(format!("{signed}&Signature={signature}/{rest}"))
    }

    /// Verifies a signed URL, a prefix URL's policy or a cookie value: the
    /// string up to `&Signature=` / `:Signature=`, Ed25519.
    pub fn check_signed(&self, signed_url: &str, url: &str, now: i64) -> Result<(), CdnError> {
        let (signed, signature, sep) = match signed_url.rsplit_once("&Signature=") {
            Some((a, b)) => (a, b, '&'),
            None => {
                let (a, b) = signed_url
                    .rsplit_once(":Signature=")
                    .ok_or(CdnError::Malformed)?;
                (a, b, ':')
            }
        };
        let signature = decode_b64url(signature).ok_or(CdnError::Malformed)?;
        // The prefix form signs its policy only, not the URL before it.
        let signed = match signed.rfind("URLPrefix=") {
            Some(i) if i == 0 || matches!(signed.as_bytes()[i - 1], b'?' | b'&') => &signed[i..],
            _ => signed,
        };
        if !self.ed25519_ok(signed, &signature) {
            return Err(CdnError::BadSignature);
        }
        let mut prefix = None;
        let mut expires = None;
        let params = signed.rsplit_once('?').map_or(signed, |(_, q)| q);
        for field in params.split(sep) {
            if let Some(v) = field.strip_prefix("URLPrefix=") {
                prefix = Some(decode_b64url(v).ok_or(CdnError::Malformed)?);
            } else if let Some(v) = field.strip_prefix("Expires=") {
                expires = Some(v.parse::<i64>().map_err(|_| CdnError::Malformed)?);
            }
        }
        let expires = expires.ok_or(CdnError::Malformed)?;
        if now >= expires {
            return Err(CdnError::Expired);
        }
        match prefix {
            Some(p) if !url.as_bytes().starts_with(&p) => Err(CdnError::OutOfScope),
            _ => Ok(()),
        }
    }

    /// The token for `f`, and the value it signs.
    fn token_parts(&self, f: &TokenFields<'_>) -> Result<(String, String), CdnError> {
        if f.expires <= 0 || f.starts.is_some_and(|s| s >= f.expires) {
            return Err(CdnError::BadWindow);
        }
        let mut token = String::with_capacity(160);
        let mut signed = String::with_capacity(160);
        let both = |t: &mut String, s: &mut String, text: &str| {
            t.push_str(text);
            s.push_str(text);
        };
        match f.target {
            Target::UrlPrefix(prefix) => {
                if !plain(prefix, b"") {
                    return Err(CdnError::BadPath);
                }
                let field = format!("URLPrefix={}", URL_SAFE_NO_PAD.encode(prefix));
                both(&mut token, &mut signed, &field);
            }
            Target::PathGlobs(globs) => {
                if globs.is_empty() || globs.len() > 5 {
                    return Err(CdnError::BadPath);
                }
                for g in globs {
                    if !g.starts_with('/') || !plain(g, b",!") {
                        return Err(CdnError::BadPath);
                    }
                }
                both(&mut token, &mut signed, "PathGlobs=");
                both(&mut token, &mut signed, &globs.join(","));
            }
            Target::FullPath(path) => {
                if !path.starts_with('/') || !plain(path, b"") {
                    return Err(CdnError::BadPath);
                }
                token.push_str("FullPath");
                signed.push_str("FullPath=");
                signed.push_str(path);
            }
        }
        if let Some(s) = f.starts {
            both(&mut token, &mut signed, &format!("~Starts={s}"));
        }
        both(&mut token, &mut signed, &format!("~Expires={}", f.expires));
        for (name, v) in [("SessionID", f.session_id), ("Data", f.data)] {
            if let Some(v) = v {
                if !plain(v, b"") {
                    return Err(CdnError::BadField);
                }
                both(&mut token, &mut signed, &format!("~{name}={v}"));
            }
        }
        if !f.headers.is_empty() {
            token.push_str("~Headers=");
            signed.push_str("~Headers=");
            for (i, (name, value)) in f.headers.iter().enumerate() {
                if !plain(name, b",:=") || !plain(value, b",") {
                    return Err(CdnError::BadField);
                }
                if i > 0 {
                    token.push(',');
                    signed.push(',');
                }
                token.push_str(name);
                signed.push_str(&format!("{name}={value}"));
            }
        }
        if !f.ip_ranges.is_empty() {
            if f.ip_ranges.iter().any(|r| !plain(r, b",")) {
                return Err(CdnError::BadField);
            }
            let ranges = URL_SAFE_NO_PAD.encode(f.ip_ranges.join(","));
            both(&mut token, &mut signed, &format!("~IPRanges={ranges}"));
        }
        Ok((token, signed))
    }

    fn mac_field(&self, signed: &str) -> String {
        match &self.key {
            Key::Ed25519(k) => format!(
                "~Signature={}",
                URL_SAFE_NO_PAD.encode(k.sign(signed.as_bytes()))
            ),
            Key::Hmac(k) => format!("~hmac={}", hex::encode(hmac::sign(k, signed.as_bytes()))),
        }
    }

    /// A token: Ed25519 `Signature` or HMAC `hmac`, by the key.
    pub fn token(&self, f: &TokenFields<'_>) -> Result<String, CdnError> {
        let (mut token, signed) = self.token_parts(f)?;
        token.push_str(&self.mac_field(&signed));
        Ok(token)
    }

    /// What the edge does with a token.
    pub fn check_token(&self, token: &str, req: &TokenRequest<'_>) -> Result<(), CdnError> {
        let (body, mac) = token.rsplit_once('~').ok_or(CdnError::Malformed)?;
        let mut signed = String::with_capacity(body.len() + 64);
        let mut window = (None, None);
        let mut scope_ok = false;
        let mut ranges: Option<Vec<u8>> = None;
        for (i, field) in body.split('~').enumerate() {
            if i > 0 {
                signed.push('~');
            }
            let (name, value) = field.split_once('=').unwrap_or((field, ""));
            match (i, name) {
                (0, "FullPath") if value.is_empty() => {
                    signed.push_str("FullPath=");
                    signed.push_str(req.path);
                    scope_ok = true;
                }
                (0, "URLPrefix") => {
                    let prefix = decode_b64url(value).ok_or(CdnError::Malformed)?;
                    scope_ok = req.url.as_bytes().starts_with(&prefix);
                    signed.push_str(field);
                }
                (0, "PathGlobs") => {
                    scope_ok = value.split([',', '!']).any(|g| wildcard_match(g, req.path));
                    signed.push_str(field);
                }
                (_, "Starts") => {
                    window.0 = Some(value.parse::<i64>().map_err(|_| CdnError::Malformed)?);
                    signed.push_str(field);
                }
                (_, "Expires") => {
                    window.1 = Some(value.parse::<i64>().map_err(|_| CdnError::Malformed)?);
                    signed.push_str(field);
                }
                (i, "SessionID" | "Data") if i > 0 => signed.push_str(field),
                (i, "Headers") if i > 0 => {
                    signed.push_str("Headers=");
                    for (j, wanted) in value.split(',').enumerate() {
                        let got = req
                            .headers
                            .iter()
                            .find(|(n, _)| n.eq_ignore_ascii_case(wanted))
                            .map(|(_, v)| *v)
                            .ok_or(CdnError::BadSignature)?;
                        if j > 0 {
                            signed.push(',');
                        }
                        signed.push_str(wanted);
                        signed.push('=');
                        signed.push_str(got);
                    }
                }
                (i, "IPRanges") if i > 0 => {
                    ranges = Some(decode_b64url(value).ok_or(CdnError::Malformed)?);
                    signed.push_str(field);
                }
                _ => return Err(CdnError::Malformed),
            }
        }
        let verified = match (&self.key, mac.split_once('=')) {
            (Key::Ed25519(_), Some(("Signature", sig))) => {
                let sig = decode_b64url(sig).ok_or(CdnError::Malformed)?;
                self.ed25519_ok(&signed, &sig)
            }
            (Key::Hmac(k), Some(("hmac", hex_mac))) => {
                let want = hex::encode(hmac::sign(k, signed.as_bytes()));
                bool::from(want.as_bytes().ct_eq(hex_mac.as_bytes()))
            }
            (_, Some(("Signature" | "hmac", _))) => false,
            _ => return Err(CdnError::Malformed),
        };
        if !verified {
            return Err(CdnError::BadSignature);
        }
        let expires = window.1.ok_or(CdnError::Malformed)?;
        if req.now >= expires || window.0.is_some_and(|s| req.now < s) {
            return Err(CdnError::Expired);
        }
        if let Some(ranges) = ranges {
            let text = std::str::from_utf8(&ranges).map_err(|_| CdnError::Malformed)?;
            let inside = req.client_ip.is_some_and(|ip| {
                text.split(',')
                    .filter_map(|r| r.parse::<IpNet>().ok())
                    .any(|net| net.contains(&ip))
            });
            if !inside {
                return Err(CdnError::WrongClient);
            }
        }
        if !scope_ok {
            return Err(CdnError::OutOfScope);
        }
        Ok(())
    }
}

/// base64url, padded or not.
fn decode_b64url(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

impl CdnScheme for MediaCdn {
    fn name(&self) -> &'static str {
        "media-cdn"
    }

    /// A token: `PathGlobs=<path>*` for a prefix, `FullPath` for one path;
    /// `IPRanges` of the one address, `SessionID` when bound.
    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        if scope.path.contains(',') {
            return Err(CdnError::BadPath);
        }
        let glob;
        let globs;
        let target = if scope.prefix {
            glob = format!("{}*", scope.path);
            globs = [glob.as_str()];
            Target::PathGlobs(&globs)
        } else {
            Target::FullPath(scope.path)
        };
        let range = scope.ip.map(|ip| IpNet::from(ip).to_string());
        let ranges: Vec<&str> = range.as_deref().into_iter().collect();
        let token = self.token(&TokenFields {
            target,
            starts: scope.start,
            expires: scope.expires,
            session_id: scope.session_id,
            data: None,
            headers: &[],
            ip_ranges: &ranges,
        })?;
        Ok(Signed {
            placement: Placement::Query(vec![(TOKEN_PARAM, token)]),
        })
    }

    /// `token`: the `edge-cache-token` value, or the query pair; no
    /// headers are bound.
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        let token = token
            .strip_prefix(TOKEN_PARAM)
            .and_then(|t| t.strip_prefix('='))
            .unwrap_or(token);
        self.check_token(
            token,
            &TokenRequest {
                url: request.path,
                path: request.path,
                client_ip: request.client_ip,
                headers: &[],
                now: request.now,
            },
        )
    }
}

#[cfg(test)]
mod tests;
