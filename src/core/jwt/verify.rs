//! Verification: structure, header, key choice by `kid` (never by the header's
//! `alg`), signature. Claims are checked by the caller ([`crate::core::claims`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

use super::keyring::{KeyRing, RingKey, Verifier};
use super::TokenError;

/// A token whose signature checked out: its key id and decoded payload.
#[derive(Debug)]
pub struct Verified {
    pub kid: std::sync::Arc<str>,
    pub payload: Vec<u8>,
}

#[derive(Deserialize)]
pub(super) struct Header<'a> {
    #[serde(borrow, default)]
    alg: Option<&'a str>,
    #[serde(borrow, default)]
    pub(super) kid: Option<&'a str>,
}

/// Largest token accepted (bytes); bigger ones are refused before decoding.
pub const MAX_TOKEN_LEN: usize = 8192;

/// Verifies `token`'s signature with the key its `kid` names in `ring`, at time
/// `now_s` (for key retirement). Does not look at the claims.
pub fn verify(ring: &KeyRing, token: &str, now_s: i64) -> Result<Verified, TokenError> {
    let parsed = Parsed::split(token)?;
    let header = parsed.header()?;
    let alg = signed_alg(&header)?;
    let kid = header.kid.ok_or(TokenError::UnknownKey)?;
    let key = ring.get(kid).ok_or(TokenError::UnknownKey)?;
    parsed.check(alg, key, now_s)
}

/// The `tenantId` a token's payload claims, read without verifying it: only
/// to choose whose keys verify it (a token that lies about its tenant fails
/// that verification) or to explain a refusal. `None` if the token does not
/// parse or claims no tenant.
pub fn claimed_tenant(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Claimed {
        #[serde(rename = "tenantId")]
        tenant_id: String,
    }
    let payload = Parsed::split(token).ok()?.payload().ok()?;
    serde_json::from_slice::<Claimed>(&payload)
        .ok()
        .map(|c| c.tenant_id)
}

/// Verifies `token` with one known key whatever `kid` its header names (for
/// tokens from a peer that shares exactly one secret with us and may send no
/// `kid`). The header's `alg` must still be the key's.
pub fn verify_with_key(key: &RingKey, token: &str, now_s: i64) -> Result<Verified, TokenError> {
    let parsed = Parsed::split(token)?;
    let header = parsed.header()?;
    let alg = signed_alg(&header)?;
    parsed.check(alg, key, now_s)
}

/// The header's `alg`, refusing unsigned tokens.
pub(super) fn signed_alg<'h>(header: &Header<'h>) -> Result<&'h str, TokenError> {
    match header.alg {
        None => Err(TokenError::Unsigned),
        Some(a) if a.eq_ignore_ascii_case("none") => Err(TokenError::Unsigned),
        Some(a) => Ok(a),
    }
}

/// Bytes decoded from base64url: on the stack when they fit (every JOSE
/// header and signature we make or take in practice), on the heap otherwise.
pub(super) enum Decoded<const N: usize> {
    Inline([u8; N], usize),
    Heap(Vec<u8>),
}

impl<const N: usize> Decoded<N> {
    pub(super) fn of(b64: &str) -> Result<Self, TokenError> {
        // base64 without padding: 3 bytes per 4 characters, rounded up.
        if b64.len().div_ceil(4) * 3 <= N {
            let mut buf = [0u8; N];
            let n = URL_SAFE_NO_PAD
                .decode_slice(b64, &mut buf)
                .map_err(|_| TokenError::Malformed)?;
            Ok(Decoded::Inline(buf, n))
        } else {
            URL_SAFE_NO_PAD
                .decode(b64)
                .map(Decoded::Heap)
                .map_err(|_| TokenError::Malformed)
        }
    }
}

impl<const N: usize> std::ops::Deref for Decoded<N> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Decoded::Inline(buf, n) => &buf[..*n],
            Decoded::Heap(v) => v,
        }
    }
}

/// A token split into its three parts, header decoded from base64.
pub(super) struct Parsed<'a> {
    header_json: Decoded<192>,
    pub(super) signed: &'a [u8],
    payload_b64: &'a str,
    signature_b64: &'a str,
}

impl<'a> Parsed<'a> {
    pub(super) fn split(token: &'a str) -> Result<Parsed<'a>, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Malformed);
        }
        let mut parts = token.splitn(3, '.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        if signature_b64.contains('.') {
            return Err(TokenError::Malformed);
        }
        let header_json = Decoded::of(header_b64)?;
        Ok(Parsed {
            header_json,
            signed: &token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()],
            payload_b64,
            signature_b64,
        })
    }

    pub(super) fn header(&self) -> Result<Header<'_>, TokenError> {
        serde_json::from_slice(&self.header_json).map_err(|_| TokenError::Malformed)
    }

    /// Algorithm, key window and signature; then the payload.
    fn check(&self, alg: &str, key: &RingKey, now_s: i64) -> Result<Verified, TokenError> {
        if alg != key.alg.as_str() {
            return Err(TokenError::AlgorithmMismatch);
        }
        if key.verify_until.is_some_and(|until| now_s > until) {
            return Err(TokenError::KeyRetired);
        }
        let ok = match &key.verifier {
            Verifier::Hmac(k) => ring::hmac::verify(k, self.signed, &self.signature()?).is_ok(),
            // Asymmetric signatures are verified once per token (see
            // `verified_cache`): a hit is these exact bytes, verified before.
            Verifier::Es256(pk) | Verifier::EdDsa(pk) | Verifier::Rs256(pk) => {
                key.verified.contains(self.signed, self.signature_b64) || {
                    let ok = pk.verify(self.signed, &self.signature()?).is_ok();
                    if ok {
                        key.verified.insert(self.signed, self.signature_b64);
                    }
                    ok
                }
            }
        };
        if !ok {
            return Err(TokenError::BadSignature);
        }
        Ok(Verified {
            kid: key.kid.clone(),
            payload: self.payload()?,
        })
    }

    pub(super) fn signature(&self) -> Result<Decoded<512>, TokenError> {
        Decoded::of(self.signature_b64)
    }

    pub(super) fn payload(&self) -> Result<Vec<u8>, TokenError> {
        URL_SAFE_NO_PAD
            .decode(self.payload_b64)
            .map_err(|_| TokenError::Malformed)
    }
}
