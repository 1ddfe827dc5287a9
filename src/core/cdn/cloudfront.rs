//! AWS CloudFront signed URLs and signed cookies, canned and custom policy.
//!
//! The string signed is the policy JSON, byte for byte. A canned policy
//! (`{"Statement":[{"Resource":<url>,"Condition":{"DateLessThan":
//! {"AWS:EpochTime":<t>}}}]}`, field order fixed) is not sent: the edge
//! rebuilds it from the URL and `Expires`. A custom policy (wildcards `*` and
//! `?` in `Resource`, `DateGreaterThan`, `IpAddress` as an IPv4 CIDR) is sent
//! as `Policy`. Policy and signature travel in CloudFront's base64 (standard,
//! then `+`→`-`, `=`→`_`, `/`→`~`), with `Key-Pair-Id` and, for SHA-256
//! keys, `Hash-Algorithm=SHA256`; as query parameters or as the
//! `CloudFront-*` cookies.
//!
//! Keys: RSA PKCS#1 v1.5 with SHA-1 (CloudFront's default) or SHA-256, and
//! ECDSA P-256 with SHA-256 (DER signature). ring signs RSA keys of 2048 bits
//! or more with SHA-256 and every ECDSA key, in constant time. ring signs
//! neither SHA-1 nor short RSA keys, so those ("legacy" keys, which AWS
//! still accepts) go through the `rsa` crate with blinding; its private-key
//! operation is not constant-time (RUSTSEC-2023-0071), which is why
//! [`CloudFront::is_legacy`] exists and the service warns at start-up.
//!
//! Decisions: session binding is refused (CloudFront has none); an IPv6
//! client cannot be bound (`AWS:SourceIp` is IPv4 only) and is refused
//! rather than signed unbound.
//!
//! Must never: sign a policy whose `Resource` a path could widen (the path
//! is checked: no `*`, `?`, quote or backslash reaches the JSON).

use std::net::IpAddr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ipnet::Ipv4Net;
use ring::rand::SystemRandom;
use ring::signature::{self as rsig, EcdsaKeyPair, KeyPair as _, RsaKeyPair, UnparsedPublicKey};
use rsa::pkcs1::{DecodeRsaPrivateKey as _, EncodeRsaPrivateKey as _};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use serde::Deserialize;

use super::{
    check_path, wildcard_match, CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed,
};

/// The digest the key signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha1,
    Sha256,
}

enum Key {
    /// ring: RSA of 2048 bits or more, SHA-256.
    Rsa(RsaKeyPair),
    /// ring: ECDSA P-256, SHA-256, ASN.1 DER signatures.
    Ecdsa(EcdsaKeyPair),
    /// `rsa` crate, blinded: SHA-1, or a key under 2048 bits.
    LegacyRsa(Box<Legacy>),
}

/// A legacy RSA key's signer and verifier, built once for its digest.
enum Legacy {
    Sha1(
        rsa::pkcs1v15::SigningKey<sha1::Sha1>,
        rsa::pkcs1v15::VerifyingKey<sha1::Sha1>,
    ),
    Sha256(
        rsa::pkcs1v15::SigningKey<sha2::Sha256>,
        rsa::pkcs1v15::VerifyingKey<sha2::Sha256>,
    ),
}

impl Legacy {
    fn new(key: rsa::RsaPrivateKey, hash: Hash) -> Self {
        let public = key.to_public_key();
        match hash {
            Hash::Sha1 => Self::Sha1(
                rsa::pkcs1v15::SigningKey::new(key),
                rsa::pkcs1v15::VerifyingKey::new(public),
            ),
            Hash::Sha256 => Self::Sha256(
                rsa::pkcs1v15::SigningKey::new(key),
                rsa::pkcs1v15::VerifyingKey::new(public),
            ),
        }
    }
}

/// Why a CloudFront key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a PEM RSA (PKCS#1 or PKCS#8) or P-256 (PKCS#8) private key")]
    Unreadable,
    #[error("ECDSA keys sign with SHA-256 only")]
    EcdsaSha1,
    #[error("the key pair id must be 1-128 of [A-Za-z0-9_-]")]
    BadKeyPairId,
    #[error("the origin must be http(s)://host[:port] with no path")]
    BadOrigin,
}

/// A CloudFront signing key (one public key of a trusted key group) for
/// one distribution.
pub struct CloudFront {
    key: Key,
    hash: Hash,
    key_pair_id: String,
    origin: String,
    rng: SystemRandom,
}

impl std::fmt::Debug for CloudFront {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudFront")
            .field("key_pair_id", &self.key_pair_id)
            .field("hash", &self.hash)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// CloudFront's base64: standard, then `+`→`-`, `=`→`_`, `/`→`~`.
pub fn encode(bytes: &[u8]) -> String {
    STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

/// The inverse of [`encode`].
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '=',
            '~' => '/',
            c => c,
        })
        .collect();
    STANDARD.decode(standard).ok()
}

/// The conditions of a custom policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conditions {
    pub expires: i64,
    pub start: Option<i64>,
    pub ip: Option<Ipv4Net>,
}

/// The canned policy for `url`, byte for byte as CloudFront rebuilds it.
pub fn canned_policy(url: &str, expires: i64) -> String {
    format!(
        r#"{{"Statement":[{{"Resource":"{url}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#
    )
}

/// A custom policy. `resource` is written as given (checked by the caller:
/// no quote or backslash).
pub fn custom_policy(resource: &str, c: &Conditions) -> String {
    let mut cond = String::with_capacity(128);
    if let Some(ip) = c.ip {
        cond.push_str(&format!(r#""IpAddress":{{"AWS:SourceIp":"{ip}"}},"#));
    }
    if let Some(start) = c.start {
        cond.push_str(&format!(
            r#""DateGreaterThan":{{"AWS:EpochTime":{start}}},"#
        ));
    }
    cond.push_str(&format!(
        r#""DateLessThan":{{"AWS:EpochTime":{}}}"#,
        c.expires
    ));
    format!(r#"{{"Statement":[{{"Resource":"{resource}","Condition":{{{cond}}}}}]}}"#)
}

fn resource_ok(resource: &str) -> bool {
    !resource.is_empty()
        && resource.len() <= 4096
        && !resource
            .bytes()
            .any(|b| b == b'"' || b == b'\\' || b.is_ascii_control() || b >= 0x80)
}

impl CloudFront {
    /// `pem`: an RSA key (`RSA PRIVATE KEY` or `PRIVATE KEY`) or a P-256 key
    /// (`PRIVATE KEY`); `key_pair_id`: the public key's id in the key group;
    /// `origin`: `https://d111.cloudfront.net` (no path).
    pub fn from_pem(
        pem: &str,
        key_pair_id: &str,
        hash: Hash,
        origin: &str,
    ) -> Result<Self, KeyError> {
        let id_ok = (1..=128).contains(&key_pair_id.len())
            && key_pair_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !id_ok {
            return Err(KeyError::BadKeyPairId);
        }
        let host = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
            .ok_or(KeyError::BadOrigin)?;
        if host.is_empty() || host.contains(['/', '?', '#', '@', ' ', '"', '\\']) {
            return Err(KeyError::BadOrigin);
        }
        let rng = SystemRandom::new();
        let rsa_key = rsa::RsaPrivateKey::from_pkcs1_pem(pem)
            .or_else(|_| rsa::RsaPrivateKey::from_pkcs8_pem(pem));
        let key = match rsa_key {
            Ok(k) if hash == Hash::Sha256 && k.size() >= 256 => {
                let der = k.to_pkcs1_der().map_err(|_| KeyError::Unreadable)?;
                Key::Rsa(RsaKeyPair::from_der(der.as_bytes()).map_err(|_| KeyError::Unreadable)?)
            }
            Ok(k) => Key::LegacyRsa(Box::new(Legacy::new(k, hash))),
            Err(_) => {
                let (label, doc) =
                    rsa::pkcs8::SecretDocument::from_pem(pem).map_err(|_| KeyError::Unreadable)?;
                if label != "PRIVATE KEY" {
                    return Err(KeyError::Unreadable);
                }
                if hash == Hash::Sha1 {
                    return Err(KeyError::EcdsaSha1);
                }
                Key::Ecdsa(
                    EcdsaKeyPair::from_pkcs8(
                        &rsig::ECDSA_P256_SHA256_ASN1_SIGNING,
                        doc.as_bytes(),
                        &rng,
                    )
                    .map_err(|_| KeyError::Unreadable)?,
                )
            }
        };
        Ok(Self {
            key,
            hash,
            key_pair_id: key_pair_id.to_owned(),
            origin: origin.to_owned(),
            rng,
        })
    }

    /// True when the key signs through the `rsa` crate (SHA-1 or a short
    /// key), not ring.
    pub fn is_legacy(&self) -> bool {
        matches!(self.key, Key::LegacyRsa(_))
    }

    pub fn key_pair_id(&self) -> &str {
        &self.key_pair_id
    }

    fn sign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, CdnError> {
        match &self.key {
            Key::Rsa(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(&rsig::RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
                    .map_err(|_| CdnError::BadSignature)?;
                Ok(sig)
            }
            Key::Ecdsa(k) => k
                .sign(&self.rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| CdnError::BadSignature),
            Key::LegacyRsa(k) => {
                let mut rng = rand::rngs::OsRng;
                Ok(match &**k {
                    Legacy::Sha1(signer, _) => signer.sign_with_rng(&mut rng, message).to_vec(),
                    Legacy::Sha256(signer, _) => signer.sign_with_rng(&mut rng, message).to_vec(),
                })
            }
        }
    }

    fn verify_bytes(&self, message: &[u8], signature: &[u8]) -> bool {
        match &self.key {
            Key::Rsa(k) => {
                UnparsedPublicKey::new(&rsig::RSA_PKCS1_2048_8192_SHA256, k.public().as_ref())
                    .verify(message, signature)
                    .is_ok()
            }
            Key::Ecdsa(k) => {
                UnparsedPublicKey::new(&rsig::ECDSA_P256_SHA256_ASN1, k.public_key().as_ref())
                    .verify(message, signature)
                    .is_ok()
            }
            Key::LegacyRsa(k) => {
                let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else {
                    return false;
                };
                match &**k {
                    Legacy::Sha1(_, verifier) => verifier.verify(message, &sig).is_ok(),
                    Legacy::Sha256(_, verifier) => verifier.verify(message, &sig).is_ok(),
                }
            }
        }
    }

    fn tail(&self, params: &mut Vec<(&'static str, String)>, signature: Vec<u8>) {
        params.push(("Signature", encode(&signature)));
        params.push(("Key-Pair-Id", self.key_pair_id.clone()));
        if self.hash == Hash::Sha256 {
            params.push(("Hash-Algorithm", "SHA256".to_owned()));
        }
    }

    /// Canned-policy parameters for exactly `url` (query included).
    pub fn canned(&self, url: &str, expires: i64) -> Result<Vec<(&'static str, String)>, CdnError> {
        if !resource_ok(url) || url.contains(['*']) {
            return Err(CdnError::BadPath);
        }
        let signature = self.sign_bytes(canned_policy(url, expires).as_bytes())?;
        let mut params = vec![("Expires", expires.to_string())];
        self.tail(&mut params, signature);
        Ok(params)
    }

    /// Custom-policy parameters (`Policy`, `Signature`, `Key-Pair-Id`).
    pub fn custom(
        &self,
        resource: &str,
        conditions: &Conditions,
    ) -> Result<Vec<(&'static str, String)>, CdnError> {
        if !resource_ok(resource) {
            return Err(CdnError::BadPath);
        }
        let policy = custom_policy(resource, conditions);
        let signature = self.sign_bytes(policy.as_bytes())?;
        let mut params = vec![("Policy", encode(policy.as_bytes()))];
        self.tail(&mut params, signature);
        Ok(params)
    }

    /// `url` with the parameters appended (`&` if it has a query already).
    pub fn append(url: &str, params: &[(&'static str, String)]) -> String {
        let mut out = String::with_capacity(url.len() + 400);
        out.push_str(url);
        let mut sep = if url.contains('?') { '&' } else { '?' };
        for (name, value) in params {
            out.push(sep);
            out.push_str(name);
            out.push('=');
            out.push_str(value);
            sep = '&';
        }
        out
    }

    /// The same parameters as signed cookies (`CloudFront-Policy` /
    /// `CloudFront-Expires`, `-Signature`, `-Key-Pair-Id`, `-Hash-Algorithm`).
    pub fn cookies(params: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
        params
            .iter()
            .map(|(name, value)| {
                let cookie = match *name {
                    "Policy" => "CloudFront-Policy",
                    "Expires" => "CloudFront-Expires",
                    "Signature" => "CloudFront-Signature",
                    "Key-Pair-Id" => "CloudFront-Key-Pair-Id",
                    _ => "CloudFront-Hash-Algorithm",
                };
                (cookie, value.clone())
            })
            .collect()
    }

    /// What the edge does: `url` is the URL requested (without the signing
    /// parameters), `params` the signing parameters (query or cookies, by
    /// their query names).
    pub fn check(
        &self,
        params: &[(&str, &str)],
        url: &str,
        client_ip: Option<IpAddr>,
        now: i64,
    ) -> Result<(), CdnError> {
        let get = |name: &str| {
            let mut found = params.iter().filter(|(n, _)| *n == name);
            match (found.next(), found.next()) {
                (Some((_, v)), None) => Ok(Some(*v)),
                (None, _) => Ok(None),
                _ => Err(CdnError::Malformed),
            }
        };
        let signature = get("Signature")?.ok_or(CdnError::Malformed)?;
        let signature = decode(signature).ok_or(CdnError::Malformed)?;
        if get("Key-Pair-Id")? != Some(self.key_pair_id.as_str()) {
            return Err(CdnError::BadSignature);
        }
        let want_hash = match get("Hash-Algorithm")? {
            None | Some("SHA1") => Hash::Sha1,
            Some("SHA256") => Hash::Sha256,
            Some(_) => return Err(CdnError::Malformed),
        };
        if want_hash != self.hash {
            return Err(CdnError::BadSignature);
        }
        match (get("Expires")?, get("Policy")?) {
            (Some(expires), None) => {
                let expires: i64 = expires.parse().map_err(|_| CdnError::Malformed)?;
                if !self.verify_bytes(canned_policy(url, expires).as_bytes(), &signature) {
                    return Err(CdnError::BadSignature);
                }
                if now >= expires {
                    return Err(CdnError::Expired);
                }
                Ok(())
            }
            (None, Some(policy)) => {
                let policy = decode(policy).ok_or(CdnError::Malformed)?;
                if !self.verify_bytes(&policy, &signature) {
                    return Err(CdnError::BadSignature);
                }
                check_policy(&policy, url, client_ip, now)
            }
            _ => Err(CdnError::Malformed),
        }
    }
}

#[derive(Deserialize)]
struct PolicyDoc {
    #[serde(rename = "Statement")]
    statement: Vec<Statement>,
}

#[derive(Deserialize)]
struct Statement {
    #[serde(rename = "Resource")]
    resource: Option<String>,
    #[serde(rename = "Condition")]
    condition: Condition,
}

#[derive(Deserialize)]
struct Condition {
    #[serde(rename = "DateLessThan")]
    less: Epoch,
    #[serde(rename = "DateGreaterThan")]
    greater: Option<Epoch>,
    #[serde(rename = "IpAddress")]
    ip: Option<SourceIp>,
}

#[derive(Deserialize)]
struct Epoch {
    #[serde(rename = "AWS:EpochTime")]
    t: i64,
}

#[derive(Deserialize)]
struct SourceIp {
    #[serde(rename = "AWS:SourceIp")]
    cidr: String,
}

/// A verified custom policy against the request (one statement, as
/// CloudFront takes; no `Resource` means every URL).
fn check_policy(
    policy: &[u8],
    url: &str,
    client_ip: Option<IpAddr>,
    now: i64,
) -> Result<(), CdnError> {
    let doc: PolicyDoc = serde_json::from_slice(policy).map_err(|_| CdnError::Malformed)?;
    let [statement] = doc.statement.as_slice() else {
        return Err(CdnError::Malformed);
    };
    let c = &statement.condition;
    if now >= c.less.t || c.greater.as_ref().is_some_and(|g| now <= g.t) {
        return Err(CdnError::Expired);
    }
    if let Some(ip) = &c.ip {
        let net: Ipv4Net = ip
            .cidr
            .parse()
            .ok()
            .or_else(|| {
                ip.cidr
                    .parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(Ipv4Net::from)
            })
            .ok_or(CdnError::Malformed)?;
        match client_ip {
            Some(IpAddr::V4(a)) if net.contains(&a) => {}
            _ => return Err(CdnError::WrongClient),
        }
    }
    match &statement.resource {
        Some(r) if !wildcard_match(r, url) => Err(CdnError::OutOfScope),
        _ => Ok(()),
    }
}

impl CdnScheme for CloudFront {
    fn name(&self) -> &'static str {
        "cloudfront"
    }

    /// A prefix scope signs a custom policy for `<origin><path>*`; an exact
    /// path with no start or address a canned policy, else a custom one.
    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        if scope.session_id.is_some() {
            return Err(CdnError::BadField);
        }
        let ip = match scope.ip {
            None => None,
            Some(IpAddr::V4(a)) => Some(Ipv4Net::from(a)),
            Some(IpAddr::V6(_)) => return Err(CdnError::BadField),
        };
        if scope.expires <= 0 || scope.start.is_some_and(|s| s >= scope.expires) {
            return Err(CdnError::BadWindow);
        }
        let url = format!("{}{}", self.origin, scope.path);
        let params = if scope.prefix || ip.is_some() || scope.start.is_some() {
            let resource = if scope.prefix { format!("{url}*") } else { url };
            let conditions = Conditions {
                expires: scope.expires,
                start: scope.start,
                ip,
            };
            self.custom(&resource, &conditions)?
        } else {
            self.canned(&url, scope.expires)?
        };
        Ok(Signed {
            placement: Placement::Query(params),
        })
    }

    /// `token`: the signing parameters as a query string.
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        let params: Vec<(&str, &str)> = token
            .split('&')
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        let url = format!("{}{}", self.origin, request.path);
        self.check(&params, &url, request.client_ip, request.now)
    }
}

#[cfg(test)]
mod tests;
