//! A tenant's CDNs: each one's scheme built once from its settings and keys
//! (when the snapshot is built, never per request), the key that signs, and
//! every key that still verifies, so keys rotate without a refused player:
//! add the new key, make it the signer, retire the old one once the tokens
//! it signed have expired.
//!
//! Settings (JSON, the operator API's `settings` object; keys are separate
//! and never in settings):
//!
//! | key | schemes | meaning |
//! |---|---|---|
//! | `baseUrl` | all | `http(s)://host[:port]` the CDN serves; a `content_URL` must be on it |
//! | `ttlSeconds` | all | CDN token lifetime (default 3600; capped by the rights' end) |
//! | `bindClientIp` | all but google-cloud-cdn | bind the token to the player's address (CloudFront: IPv4 only) |
//! | `bindSession` | akamai, media-cdn, cat | bind the token to the stream's session id |
//! | `placement` | akamai, cat, cloudfront | `query` (default), `cookie` or `header` (CloudFront: `query` or `cookie`, its `CloudFront-*` cookies) |
//! | `algorithm` | akamai | `sha256` (default), `sha1`, `md5` |
//! | `tokenName` | akamai | `__token__` (default), `hdnts`, `__hdnea__`, `hdnea` |
//! | `salt` | akamai | the property's salt, if it has one |
//! | `hashAlgorithm` | cloudfront | `SHA256` (default) or `SHA1` |
//! | `keyType` | media-cdn | `ed25519` (default), `hmac-sha256`, `hmac-sha1` |
//! | `expression` | nginx | the `secure_link_md5` template (default `{expires}{uri}{remote_addr} {secret}`) |
//! | `tokenLocation` | nginx | the path-token location (e.g. `/s`) that lets prefix scopes be signed |
//! | `issuer` | cat | `iss` written and required |
//! | `renewal` | cat | `{type: automatic\|cookie\|header\|redirect, expadd, deadline?, name?}` |
//! | `cwtTag` | cat | write the CWT tag 61 (default true) |
//!
//! Key secrets: Akamai and nginx as given (Akamai hex); CloudFront a PEM
//! private key (the key id is its Key-Pair-Id); Cloud CDN and Media CDN
//! base64url (the key id is the KeyName); CAT base64url, 32 bytes (the key id
//! is the COSE `kid`).
//!
//! Must never: hold a key in anything that is logged or serialised.

use std::net::IpAddr;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

use super::akamai::{self, EdgeAuth};
use super::cat::{self, Cat};
use super::cloudfront::{self, CloudFront};
use super::google_cloud_cdn::CloudCdn;
use super::media_cdn::{HmacAlg, MediaCdn};
use super::nginx::SecureLink;
use super::{CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed};

/// The signing schemes a CDN can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeKind {
    Akamai,
    CloudFront,
    GoogleCloudCdn,
    MediaCdn,
    Nginx,
    Cat,
}

impl SchemeKind {
    pub const ALL: [SchemeKind; 6] = [
        Self::Akamai,
        Self::CloudFront,
        Self::GoogleCloudCdn,
        Self::MediaCdn,
        Self::Nginx,
        Self::Cat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Akamai => "akamai",
            Self::CloudFront => "cloudfront",
            Self::GoogleCloudCdn => "google-cloud-cdn",
            Self::MediaCdn => "media-cdn",
            Self::Nginx => "nginx",
            Self::Cat => "cat",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a token that is one value reaches the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenPlacement {
    Query,
    Cookie,
    Header,
}

/// One built scheme.
#[derive(Debug)]
pub enum AnyScheme {
    Akamai(EdgeAuth),
    CloudFront(Box<CloudFront>),
    GoogleCloudCdn(CloudCdn),
    MediaCdn(MediaCdn),
    Nginx(SecureLink),
    Cat(Cat),
}

impl AnyScheme {
    pub fn scheme(&self) -> &dyn CdnScheme {
        match self {
            Self::Akamai(s) => s,
            Self::CloudFront(s) => &**s,
            Self::GoogleCloudCdn(s) => s,
            Self::MediaCdn(s) => s,
            Self::Nginx(s) => s,
            Self::Cat(s) => s,
        }
    }
}

/// A key of a CDN.
#[derive(Debug)]
pub struct CdnKey {
    pub id: Box<str>,
    pub active: bool,
    pub scheme: AnyScheme,
}

/// One configured CDN.
#[derive(Debug)]
pub struct Cdn {
    pub id: Box<str>,
    pub name: Box<str>,
    pub kind: SchemeKind,
    /// `scheme://host[:port]`.
    pub base_url: Box<str>,
    pub ttl_s: i64,
    pub bind_client_ip: bool,
    pub bind_session: bool,
    pub placement: TokenPlacement,
    pub is_default: bool,
    keys: Box<[CdnKey]>,
}

impl Cdn {
    /// The key that signs.
    pub fn signer(&self) -> Option<&CdnKey> {
        self.keys.iter().find(|k| k.active)
    }

    pub fn keys(&self) -> &[CdnKey] {
        &self.keys
    }

    /// Signs `scope` with the active key; `None` when the CDN has none.
    pub fn sign(&self, scope: &Scope<'_>) -> Option<Result<Signed, CdnError>> {
        self.signer().map(|k| k.scheme.scheme().sign(scope))
    }

    /// Verifies with every key; the id of the key that admitted it.
    pub fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<&str, CdnError> {
        first_admitting(self.keys.iter(), |k| {
            k.scheme.scheme().verify(token, request).map(|()| &*k.id)
        })
    }

    /// The CAT keys, for the edge authorizer's full-URL check.
    pub fn cat_keys(&self) -> impl Iterator<Item = &Cat> {
        self.keys.iter().filter_map(|k| match &k.scheme {
            AnyScheme::Cat(c) => Some(c),
            _ => None,
        })
    }

    /// The name a one-value token travels under (Akamai's token name, CAT's
    /// `cat`); `None` for schemes that send several parameters or a path.
    pub fn token_name(&self) -> Option<&'static str> {
        match self.keys.first().map(|k| &k.scheme) {
            Some(AnyScheme::Akamai(a)) => Some(a.token_name()),
            _ if self.kind == SchemeKind::Akamai => Some("__token__"),
            _ if self.kind == SchemeKind::Cat => Some(cat::TOKEN_PARAM),
            _ => None,
        }
    }

    /// The token a request's query carries for this CDN: the named
    /// parameter's value, the whole query for schemes of several parameters,
    /// or (nginx's path-token form) the empty token that says "in the path".
    pub fn query_token<'q>(&self, query: &'q str) -> Option<&'q str> {
        match self.token_name() {
            Some(name) => query
                .split('&')
                .find_map(|p| p.strip_prefix(name)?.strip_prefix('=')),
            None if self.kind == SchemeKind::Nginx && !query.contains("md5=") => Some(""),
            None => Some(query).filter(|q| !q.is_empty()),
        }
    }

    /// Verifies `token` for a whole request: a CAT against the whole URL
    /// with every CAT key (its renewal, when one is due, returned), other
    /// schemes through [`Cdn::verify`] on the path.
    pub fn check_request(
        &self,
        token: &str,
        req: &cat::CatRequest<'_>,
    ) -> Result<Option<(String, Option<String>)>, CdnError> {
        if self.kind != SchemeKind::Cat {
            let edge = EdgeRequest {
                path: req.path,
                client_ip: req.client_ip,
                now: req.now,
            };
            return self.verify(token, &edge).map(|_| None);
        }
        first_admitting(self.cat_keys(), |key| {
            let verified = key.check(token, req)?;
            Ok(key.renew(&verified, req.now).map(|t| {
                let name = verified.renewal.as_ref().and_then(|r| r.name.clone());
                (t, name)
            }))
        })
    }

    /// Signs for a manifest at `path`: its directory (so its segments too),
    /// or the file alone with `exact` or when the scheme signs single files
    /// only (nginx without a token location). `None` without a signing key.
    pub fn sign_manifest(
        &self,
        path: &str,
        exact: bool,
        expires: i64,
        ip: Option<IpAddr>,
        session_id: Option<&str>,
    ) -> Option<Result<Signed, CdnError>> {
        self.sign_within(
            if exact { path } else { manifest_dir(path) },
            path,
            expires,
            ip,
            session_id,
        )
    }

    /// Signs `dir` (a directory ending in `/`: every path under it; or a
    /// file path: exactly it) for the file at `path` inside it. A scheme
    /// that signs single files only (nginx without a token location) signs
    /// `path` alone. `None` without a signing key.
    pub fn sign_within(
        &self,
        dir: &str,
        path: &str,
        expires: i64,
        ip: Option<IpAddr>,
        session_id: Option<&str>,
    ) -> Option<Result<Signed, CdnError>> {
        debug_assert!(path.starts_with(dir));
        let prefix = dir.ends_with('/');
        let mut scope = Scope {
            path: dir,
            prefix,
            start: None,
            expires,
            ip,
            session_id,
        };
        let signed = self.sign(&scope)?;
        if prefix && self.kind == SchemeKind::Nginx && signed == Err(CdnError::BadPath) {
            scope.path = path;
            scope.prefix = false;
            return self.sign(&scope);
        }
        Some(signed)
    }

    /// Puts a signature where the CDN wants it, for the manifest at
    /// `base` + `path` (+ `?query`), signed for its directory.
    pub fn place(&self, base: &str, path: &str, query: &str, placement: Placement) -> Placed {
        self.place_within(base, manifest_dir(path), path, query, placement)
    }

    /// [`Cdn::place`] for a signature over the directory `dir` that holds
    /// `path` (a path token replaces `dir` in the URL).
    pub fn place_within(
        &self,
        base: &str,
        dir: &str,
        path: &str,
        query: &str,
        placement: Placement,
    ) -> Placed {
        // Room for the query and a token parameter, so appending them
        // does not reallocate.
        let mut url = String::with_capacity(base.len() + path.len() + query.len() + 320);
        url.push_str(base);
        url.push_str(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        let named = |value: String, name: &'static str, mut url: String| match self.placement {
            TokenPlacement::Query => {
                append_param(&mut url, name, &value);
                Placed {
                    url,
                    token: value,
                    placement: "query",
                    name: Some(name),
                }
            }
            TokenPlacement::Cookie => Placed {
                url,
                token: value,
                placement: "cookie",
                name: Some(name),
            },
            TokenPlacement::Header => Placed {
                url,
                token: value,
                placement: "header",
                name: Some(name),
            },
        };
        match placement {
            Placement::Named { name, value } => named(value, name, url),
            Placement::Query(params) if self.kind == SchemeKind::Cat => {
                let value = params
                    .into_iter()
                    .next()
                    .map(|(_, v)| v)
                    .unwrap_or_default();
                let name = if self.placement == TokenPlacement::Query {
                    cat::TOKEN_PARAM
                } else {
                    cat::TOKEN_HEADER
                };
                named(value, name, url)
            }
            Placement::Query(params)
                if self.kind == SchemeKind::CloudFront
                    && self.placement == TokenPlacement::Cookie =>
            {
                let token = CloudFront::cookies(&params)
                    .iter()
                    .map(|(n, v)| format!("{n}={v}"))
                    .collect::<Vec<_>>()
                    .join("; ");
                Placed {
                    url,
                    token,
                    placement: "cookie",
                    name: None,
                }
            }
            Placement::Query(params) => {
                let mut token = String::new();
                for (name, value) in &params {
                    append_param(&mut url, name, value);
                    if !token.is_empty() {
                        token.push('&');
                    }
                    token.push_str(name);
                    token.push('=');
                    token.push_str(value);
                }
                Placed {
                    url,
                    token,
                    placement: "query",
                    name: None,
                }
            }
            Placement::Path(prefix) => {
                // A single-file token (nginx fallback) covers the file alone.
                let rest = path.strip_prefix(dir).filter(|_| dir.ends_with('/'));
                let rest = rest.unwrap_or(&path[path.rfind('/').map_or(1, |i| i + 1)..]);
                let mut url = format!("{base}{prefix}{rest}");
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(query);
                }
                Placed {
                    url,
                    token: prefix,
                    placement: "path",
                    name: None,
                }
            }
        }
    }

    /// The host (and port) of `base_url`.
    pub fn authority(&self) -> &str {
        self.base_url.split_once("://").map_or("", |(_, a)| a)
    }
}

/// The directory of a manifest's path, with its trailing `/`.
fn manifest_dir(path: &str) -> &str {
    &path[..path.rfind('/').map_or(1, |i| i + 1)]
}

/// The first key's answer that admits, trying each in turn. A key that
/// recognises the token (any refusal but a bad signature) gives the
/// refusal; otherwise the signature is bad for every key.
fn first_admitting<K, T>(
    keys: impl Iterator<Item = K>,
    mut check: impl FnMut(K) -> Result<T, CdnError>,
) -> Result<T, CdnError> {
    let mut refusal = CdnError::BadSignature;
    for k in keys {
        match check(k) {
            Ok(t) => return Ok(t),
            Err(CdnError::BadSignature) => {}
            Err(e) if refusal == CdnError::BadSignature => refusal = e,
            Err(_) => {}
        }
    }
    Err(refusal)
}

/// A signed URL: what the player fetches, the token alone, and how the
/// token travels (`query`, `cookie`, `header` or `path`) under which name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub url: String,
    pub token: String,
    pub placement: &'static str,
    pub name: Option<&'static str>,
}

/// Appends `name=value` to `url`'s query (`?` or `&`).
pub fn append_param(url: &mut String, name: &str, value: &str) {
    let sep = if url.contains('?') { '&' } else { '?' };
    url.push(sep);
    url.push_str(name);
    url.push('=');
    url.push_str(value);
}

/// A tenant's CDNs (a handful: scanned, not hashed).
#[derive(Debug, Default)]
pub struct TenantCdns {
    list: Box<[Arc<Cdn>]>,
}

impl TenantCdns {
    pub fn new(list: Vec<Arc<Cdn>>) -> Self {
        Self { list: list.into() }
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Cdn>> {
        self.list.iter().find(|c| &*c.id == id)
    }

    /// The CDN serving `scheme://authority`.
    pub fn for_base(&self, base: &str) -> Option<&Arc<Cdn>> {
        self.list
            .iter()
            .find(|c| c.base_url.eq_ignore_ascii_case(base))
    }

    pub fn default_cdn(&self) -> Option<&Arc<Cdn>> {
        self.list.iter().find(|c| c.is_default)
    }

    pub fn all(&self) -> &[Arc<Cdn>] {
        &self.list
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Settings {
    base_url: String,
    ttl_seconds: Option<i64>,
    #[serde(default)]
    bind_client_ip: bool,
    #[serde(default)]
    bind_session: bool,
    placement: Option<TokenPlacement>,
    algorithm: Option<String>,
    token_name: Option<String>,
    salt: Option<String>,
    hash_algorithm: Option<String>,
    key_type: Option<String>,
    expression: Option<String>,
    token_location: Option<String>,
    issuer: Option<String>,
    renewal: Option<RenewalSettings>,
    cwt_tag: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RenewalSettings {
    #[serde(rename = "type")]
    kind: String,
    expadd: i64,
    deadline: Option<i64>,
    name: Option<String>,
}

/// A key as stored.
#[derive(Clone, Copy)]
pub struct StoredKey<'a> {
    pub id: &'a str,
    pub secret: &'a str,
    pub active: bool,
}

/// The settings keys a scheme reads (beyond the common ones).
fn scheme_keys(kind: SchemeKind) -> &'static [&'static str] {
    match kind {
        SchemeKind::Akamai => &["placement", "algorithm", "tokenName", "salt"],
        SchemeKind::CloudFront => &["hashAlgorithm", "placement"],
        SchemeKind::GoogleCloudCdn => &[],
        SchemeKind::MediaCdn => &["keyType"],
        SchemeKind::Nginx => &["expression", "tokenLocation"],
        SchemeKind::Cat => &["placement", "issuer", "renewal", "cwtTag"],
    }
}

fn check_base_url(url: &str) -> Result<(), String> {
    let authority = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("baseUrl must start with http:// or https://")?;
    let ok = !authority.is_empty()
        && authority.len() <= 253
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("baseUrl must be scheme://host[:port], with no path".into())
    }
}

/// Builds a CDN; the error says what is wrong (for a 400).
pub fn build(
    id: &str,
    name: &str,
    kind: SchemeKind,
    settings: &serde_json::Value,
    is_default: bool,
    keys: &[StoredKey<'_>],
) -> Result<Cdn, String> {
    let s: Settings =
        serde_json::from_value(settings.clone()).map_err(|e| format!("settings: {e}"))?;
    check_base_url(&s.base_url)?;
    let given: Vec<&str> = settings
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let common = ["baseUrl", "ttlSeconds", "bindClientIp", "bindSession"];
    if let Some(k) = given
        .iter()
        .find(|k| !common.contains(k) && !scheme_keys(kind).contains(k))
    {
        return Err(format!("settings.{k} does not apply to {}", kind.as_str()));
    }
    // Bindings a scheme cannot carry are refused here, not at each request.
    if s.bind_client_ip && kind == SchemeKind::GoogleCloudCdn {
        return Err("bindClientIp: Google Cloud CDN tokens cannot bind an address".into());
    }
    if s.bind_session
        && matches!(
            kind,
            SchemeKind::GoogleCloudCdn | SchemeKind::CloudFront | SchemeKind::Nginx
        )
    {
        return Err(format!(
            "bindSession: {} tokens cannot carry a session",
            kind.as_str()
        ));
    }
    if kind == SchemeKind::CloudFront && s.placement == Some(TokenPlacement::Header) {
        return Err("placement: CloudFront takes its signature in the query or in cookies".into());
    }
    let ttl_s = s.ttl_seconds.unwrap_or(3600);
    if !(10..=7 * 86_400).contains(&ttl_s) {
        return Err("ttlSeconds must be 10 to 604800".into());
    }
    if keys.iter().filter(|k| k.active).count() > 1 {
        return Err("one key signs at a time".into());
    }
    let options = options(kind, &s)?;
    let mut built = Vec::with_capacity(keys.len());
    for k in keys {
        let scheme =
            build_key(&options, &s.base_url, k).map_err(|e| format!("key {}: {e}", k.id))?;
        built.push(CdnKey {
            id: k.id.into(),
            active: k.active,
            scheme,
        });
    }
    Ok(Cdn {
        id: id.into(),
        name: name.into(),
        kind,
        base_url: s.base_url.clone().into(),
        ttl_s,
        bind_client_ip: s.bind_client_ip,
        bind_session: s.bind_session,
        placement: s.placement.unwrap_or(TokenPlacement::Query),
        is_default,
        keys: built.into(),
    })
}

/// A scheme's options, read from the settings once (so they are checked
/// whether or not the CDN has keys yet).
enum Options {
    Akamai {
        alg: akamai::Alg,
        name: &'static str,
        salt: Option<String>,
    },
    CloudFront(cloudfront::Hash),
    GoogleCloudCdn,
    MediaCdn(Option<HmacAlg>),
    Nginx {
        expression: String,
        location: Option<String>,
    },
    Cat {
        issuer: Option<String>,
        cwt_tag: bool,
        renewal: Option<cat::Renewal>,
    },
}

fn options(kind: SchemeKind, s: &Settings) -> Result<Options, String> {
    Ok(match kind {
        SchemeKind::Akamai => Options::Akamai {
            alg: match s.algorithm.as_deref().unwrap_or("sha256") {
                "sha256" => akamai::Alg::Sha256,
                "sha1" => akamai::Alg::Sha1,
                "md5" => akamai::Alg::Md5,
                _ => return Err("algorithm must be sha256, sha1 or md5".into()),
            },
            name: match s.token_name.as_deref().unwrap_or("__token__") {
                "__token__" => "__token__",
                "hdnts" => "hdnts",
                "__hdnea__" => "__hdnea__",
                "hdnea" => "hdnea",
                _ => return Err("tokenName must be __token__, hdnts, __hdnea__ or hdnea".into()),
            },
            salt: s.salt.clone(),
        },
        SchemeKind::CloudFront => {
            Options::CloudFront(match s.hash_algorithm.as_deref().unwrap_or("SHA256") {
                "SHA256" => cloudfront::Hash::Sha256,
                "SHA1" => cloudfront::Hash::Sha1,
                _ => return Err("hashAlgorithm must be SHA256 or SHA1".into()),
            })
        }
        SchemeKind::GoogleCloudCdn => Options::GoogleCloudCdn,
        SchemeKind::MediaCdn => {
            Options::MediaCdn(match s.key_type.as_deref().unwrap_or("ed25519") {
                "ed25519" => None,
                "hmac-sha256" => Some(HmacAlg::Sha256),
                "hmac-sha1" => Some(HmacAlg::Sha1),
                _ => return Err("keyType must be ed25519, hmac-sha256 or hmac-sha1".into()),
            })
        }
        SchemeKind::Nginx => {
            let expression = s
                .expression
                .clone()
                .unwrap_or_else(|| "{expires}{uri}{remote_addr} {secret}".into());
            let probe = SecureLink::new(&expression, "probe")
                .ok_or("expression must name {uri} and {secret}")?;
            if let Some(l) = &s.token_location {
                probe
                    .with_token_location(l)
                    .ok_or("tokenLocation must be an absolute path without a trailing /")?;
            }
            Options::Nginx {
                expression,
                location: s.token_location.clone(),
            }
        }
        SchemeKind::Cat => {
            let renewal = match &s.renewal {
                None => None,
                Some(r) => {
                    let kind = match r.kind.as_str() {
                        "automatic" => cat::RenewalKind::Automatic,
                        "cookie" => cat::RenewalKind::Cookie,
                        "header" => cat::RenewalKind::Header,
                        "redirect" => cat::RenewalKind::Redirect,
                        _ => {
                            return Err(
                                "renewal.type must be automatic, cookie, header or redirect".into(),
                            )
                        }
                    };
                    if r.expadd <= 0 || r.deadline.is_some_and(|d| d <= 0) {
                        return Err("renewal.expadd and deadline must be positive".into());
                    }
                    Some(cat::Renewal {
                        kind,
                        expadd: r.expadd,
                        deadline: r.deadline,
                        name: r.name.clone(),
                    })
                }
            };
            Options::Cat {
                issuer: s.issuer.clone(),
                cwt_tag: s.cwt_tag != Some(false),
                renewal,
            }
        }
    })
}

fn build_key(o: &Options, base_url: &str, k: &StoredKey<'_>) -> Result<AnyScheme, String> {
    Ok(match o {
        Options::Akamai { alg, name, salt } => AnyScheme::Akamai(
            EdgeAuth::new(k.secret, *alg, salt.as_deref(), name)
                .ok_or("the secret must be an even-length hex string")?,
        ),
        Options::CloudFront(hash) => AnyScheme::CloudFront(Box::new(
            CloudFront::from_pem(k.secret, k.id, *hash, base_url).map_err(|e| e.to_string())?,
        )),
        Options::GoogleCloudCdn => {
            AnyScheme::GoogleCloudCdn(CloudCdn::new(k.secret, k.id, base_url).ok_or(
                "the secret must be 16 bytes of base64url and the key id 1-63 of [A-Za-z0-9_-]",
            )?)
        }
        Options::MediaCdn(hmac) => {
            let key = match hmac {
                None => MediaCdn::ed25519(k.secret, k.id),
                Some(alg) => MediaCdn::hmac(k.secret, *alg, k.id),
            };
            AnyScheme::MediaCdn(key.ok_or(
                "the secret must be a base64url Ed25519 seed (32 bytes) or HMAC key (16+ bytes)",
            )?)
        }
        Options::Nginx {
            expression,
            location,
        } => {
            let link = SecureLink::new(expression, k.secret).ok_or("the secret must be set")?;
            AnyScheme::Nginx(match location {
                Some(l) => link.with_token_location(l).ok_or("tokenLocation")?,
                None => link,
            })
        }
        Options::Cat {
            issuer,
            cwt_tag,
            renewal,
        } => {
            let secret = URL_SAFE_NO_PAD
                .decode(k.secret.trim_end_matches('='))
                .ok()
                .filter(|b| b.len() == 32)
                .ok_or("the secret must be 32 bytes of base64url")?;
            let mut key = Cat::new(&secret, k.id.as_bytes(), cat::MacAlg::Hmac256)
                .ok_or("the key id must be 1-64 bytes")?;
            if let Some(i) = issuer {
                key = key.with_issuer(i);
            }
            if !cwt_tag {
                key = key.without_cwt_tag();
            }
            if let Some(r) = renewal {
                key = key.with_renewal(r.clone());
            }
            AnyScheme::Cat(key)
        }
    })
}

#[cfg(test)]
mod tests;
