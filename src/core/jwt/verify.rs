//! Verification: structure, header, key choice by `kid` (never by the header's
//! `alg`), signature. Claims are checked by the caller ([`crate::core::claims`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

use super::keyring::{KeyRing, Verifier};
use super::TokenError;

/// A token whose signature checked out: its key id and decoded payload.
#[derive(Debug)]
pub struct Verified {
    pub kid: Box<str>,
    pub payload: Vec<u8>,
}

#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow, default)]
    alg: Option<&'a str>,
    #[serde(borrow, default)]
    kid: Option<&'a str>,
}

/// Largest token accepted (bytes); bigger ones are refused before decoding.
pub const MAX_TOKEN_LEN: usize = 8192;

/// Verifies `token`'s signature with the key its `kid` names in `ring`, at time
/// `now_s` (for key retirement). Does not look at the claims.
pub fn verify(ring: &KeyRing, token: &str, now_s: i64) -> Result<Verified, TokenError> {
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
    let header_json = URL_SAFE_NO_PAD
        .decode(header_b64)
        .map_err(|_| TokenError::Malformed)?;
    let header: Header<'_> =
        serde_json::from_slice(&header_json).map_err(|_| TokenError::Malformed)?;
    let alg = match header.alg {
        None => return Err(TokenError::Unsigned),
        Some(a) if a.eq_ignore_ascii_case("none") => return Err(TokenError::Unsigned),
        Some(a) => a,
    };
    let kid = header.kid.ok_or(TokenError::UnknownKey)?;
    let key = ring.get(kid).ok_or(TokenError::UnknownKey)?;
    if alg != key.alg.as_str() {
        return Err(TokenError::AlgorithmMismatch);
    }
    if key.verify_until.is_some_and(|until| now_s > until) {
        return Err(TokenError::KeyRetired);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| TokenError::Malformed)?;
    let signed = &token.as_bytes()[..header_b64.len() + 1 + payload_b64.len()];
    let ok = match &key.verifier {
        Verifier::Hmac(k) => ring::hmac::verify(k, signed, &signature).is_ok(),
        Verifier::Es256(pk) | Verifier::EdDsa(pk) => pk.verify(signed, &signature).is_ok(),
    };
    if !ok {
        return Err(TokenError::BadSignature);
    }
    let payload = URL_SAFE_NO_PAD
        .decode(payload_b64)
        .map_err(|_| TokenError::Malformed)?;
    Ok(Verified {
        kid: key.kid.clone(),
        payload,
    })
}
