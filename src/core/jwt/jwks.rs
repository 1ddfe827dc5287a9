//! Public keys of a foreign issuer, read from a JWKS document (RFC 7517/7518/8037),
//! for verifying tokens that issuer signs (an operator's identity provider).
//!
//! Owns: parsing `EC` P-256, `OKP` Ed25519 and `RSA` (2048–8192 bit) public keys
//! into verifiers once, and [`verify_public`].
//!
//! Must never: accept symmetric (`oct`) keys — a shared secret does not belong in
//! a published key set — or a key whose declared `alg` or `use` contradicts how
//! it would be used.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;

use super::verify::{Parsed, Verified};
use super::TokenError;
use crate::core::keys::KeyAlg;

/// Why a JWKS document was refused (names the offending key by position).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwksError {
    #[error("the key set is not a JSON object with a \"keys\" array")]
    NotAKeySet,
    #[error("the key set holds no keys")]
    Empty,
    #[error("key {index}: {reason}")]
    BadKey { index: usize, reason: &'static str },
    #[error("key id {0:?} appears twice")]
    DuplicateKid(String),
}

enum PublicVerifier {
    Unparsed(UnparsedPublicKey<Vec<u8>>),
    Rsa(RsaPublicKeyComponents<Vec<u8>>),
}

/// One verification key of a foreign issuer.
pub struct PublicKey {
    alg: KeyAlg,
    verifier: PublicVerifier,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicKey")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// An issuer's verification keys by `kid`.
#[derive(Debug, Default)]
pub struct PublicKeySet {
    by_kid: HashMap<Box<str>, PublicKey>,
}

#[derive(Deserialize)]
struct Jwk {
    kty: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    crv: Option<String>,
    x: Option<String>,
    y: Option<String>,
    n: Option<String>,
    e: Option<String>,
}

fn b64(field: Option<&String>, reason: &'static str) -> Result<Vec<u8>, &'static str> {
    field
        .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
        .ok_or(reason)
}

impl Jwk {
    fn parse(&self) -> Result<(Box<str>, PublicKey), &'static str> {
        let kid = self
            .kid
            .as_deref()
            .filter(|k| !k.is_empty() && k.len() <= 256)
            .ok_or("a key needs a \"kid\" of 1-256 characters")?;
        if self.use_.as_deref().is_some_and(|u| u != "sig") {
            return Err("\"use\" must be \"sig\"");
        }
        let (alg, verifier) = match (self.kty.as_deref(), self.crv.as_deref()) {
            (Some("EC"), Some("P-256")) => {
                let x = b64(self.x.as_ref(), "\"x\" must be base64url")?;
                let y = b64(self.y.as_ref(), "\"y\" must be base64url")?;
                if x.len() != 32 || y.len() != 32 {
                    return Err("P-256 coordinates are 32 bytes each");
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                (
                    KeyAlg::Es256,
                    PublicVerifier::Unparsed(UnparsedPublicKey::new(
                        &signature::ECDSA_P256_SHA256_FIXED,
                        point,
                    )),
                )
            }
            (Some("EC"), _) => return Err("only the P-256 curve is accepted for EC keys"),
            (Some("OKP"), Some("Ed25519")) => {
                let x = b64(self.x.as_ref(), "\"x\" must be base64url")?;
                if x.len() != 32 {
                    return Err("an Ed25519 key is 32 bytes");
                }
                (
                    KeyAlg::EdDsa,
                    PublicVerifier::Unparsed(UnparsedPublicKey::new(&signature::ED25519, x)),
                )
            }
            (Some("OKP"), _) => return Err("only the Ed25519 curve is accepted for OKP keys"),
            (Some("RSA"), _) => {
                let n = b64(self.n.as_ref(), "\"n\" must be base64url")?;
                let e = b64(self.e.as_ref(), "\"e\" must be base64url")?;
                let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
                if !(2048..=8192).contains(&bits) {
                    return Err("an RSA modulus must be 2048-8192 bits");
                }
                (
                    KeyAlg::Rs256,
                    PublicVerifier::Rsa(RsaPublicKeyComponents { n, e }),
                )
            }
            (Some("oct"), _) => return Err("symmetric (oct) keys are not accepted"),
            _ => return Err("\"kty\" must be EC, OKP or RSA"),
        };
        if self
            .alg
            .as_deref()
            .is_some_and(|a| KeyAlg::parse(a) != Some(alg))
        {
            return Err("\"alg\" does not match the key type");
        }
        Ok((kid.into(), PublicKey { alg, verifier }))
    }
}

impl PublicKeySet {
    /// Parses a JWKS document (`{"keys": [...]}`); every key must parse.
    pub fn from_jwks(doc: &serde_json::Value) -> Result<PublicKeySet, JwksError> {
        let keys = doc
            .get("keys")
            .and_then(serde_json::Value::as_array)
            .ok_or(JwksError::NotAKeySet)?;
        if keys.is_empty() {
            return Err(JwksError::Empty);
        }
        let mut by_kid = HashMap::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            let jwk = Jwk::deserialize(key).map_err(|_| JwksError::BadKey {
                index,
                reason: "not a JSON Web Key",
            })?;
            let (kid, key) = jwk
                .parse()
                .map_err(|reason| JwksError::BadKey { index, reason })?;
            if by_kid.contains_key(&kid) {
                return Err(JwksError::DuplicateKid(kid.into()));
            }
            by_kid.insert(kid, key);
        }
        Ok(PublicKeySet { by_kid })
    }

    pub fn len(&self) -> usize {
        self.by_kid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_kid.is_empty()
    }
}

/// Verifies `token`'s signature with the key of `set` its `kid` names. The
/// header's `alg` must be that key's. Does not look at the claims.
pub fn verify_public(set: &PublicKeySet, token: &str) -> Result<Verified, TokenError> {
    let parsed = Parsed::split(token)?;
    let header = parsed.header()?;
    let alg = super::verify::signed_alg(&header)?;
    let kid = header.kid.ok_or(TokenError::UnknownKey)?;
    let (kid, key) = set
        .by_kid
        .get_key_value(kid)
        .ok_or(TokenError::UnknownKey)?;
    if alg != key.alg.as_str() {
        return Err(TokenError::AlgorithmMismatch);
    }
    let signature = parsed.signature()?;
    let ok = match &key.verifier {
        PublicVerifier::Unparsed(pk) => pk.verify(parsed.signed, &signature).is_ok(),
        PublicVerifier::Rsa(components) => components
            .verify(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                parsed.signed,
                &signature,
            )
            .is_ok(),
    };
    if !ok {
        return Err(TokenError::BadSignature);
    }
    Ok(Verified {
        kid: (&**kid).into(),
        payload: parsed.payload()?,
    })
}
