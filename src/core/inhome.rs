//! The in-home token (OPF §2.5): a managed STB asks for an encrypted string
//! naming its account and tenant and broadcasts it on the home network; an open
//! device on the same network presents it, and its new access token says
//! `inHome: true` when the string names the device's own account.
//!
//! The string is AES-256-GCM sealed: `base64url(version | kid length | kid |
//! nonce | ciphertext+tag)`, with the version and kid as associated data.
//! Each tenant's in-home keys are derived with HKDF-SHA256 from its sign-on
//! (access) key material, one per `kid`, so they rotate with the access keys
//! and share their verification window, and no separate secret is stored.
//!
//! Must never: accept a string it cannot authenticate, or reuse a nonce (the
//! caller passes a fresh random one for every seal).

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::hkdf;
use serde::{Deserialize, Serialize};

use super::jwt::TokenError;

const VERSION: u8 = 1;
const SALT: &[u8] = b"playgate in-home token v1";
/// Longest in-home string accepted (bytes of base64).
const MAX_LEN: usize = 1024;

/// What the string says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InHomeClaims {
    pub tenant_id: String,
    pub account_id: String,
    pub iat: i64,
    pub exp: i64,
}

/// One derived key.
pub struct InHomeKey {
    kid: Box<str>,
    key: LessSafeKey,
    /// After this (seconds since the epoch) the key no longer opens strings.
    verify_until: Option<i64>,
}

impl std::fmt::Debug for InHomeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InHomeKey")
            .field("kid", &self.kid)
            .field("verify_until", &self.verify_until)
            .finish_non_exhaustive()
    }
}

impl InHomeKey {
    /// Derives the in-home key of sign-on key `kid` from its material.
    pub fn derive(kid: &str, material: &[u8], verify_until: Option<i64>) -> InHomeKey {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, SALT).extract(material);
        let info = [kid.as_bytes()];
        let okm = prk
            .expand(&info, &AES_256_GCM)
            .expect("AES-256 key length is a valid HKDF output length");
        InHomeKey {
            kid: kid.into(),
            key: LessSafeKey::new(UnboundKey::from(okm)),
            verify_until,
        }
    }
}

/// A tenant's in-home keys: the active one seals, all open.
#[derive(Debug, Default)]
pub struct InHomeRing {
    pub active: Option<Arc<InHomeKey>>,
    by_kid: HashMap<Box<str>, Arc<InHomeKey>>,
}

impl InHomeRing {
    pub fn new(keys: Vec<Arc<InHomeKey>>, active_kid: Option<&str>) -> Self {
        let active = active_kid.and_then(|kid| keys.iter().find(|k| &*k.kid == kid).cloned());
        let by_kid = keys.into_iter().map(|k| (k.kid.clone(), k)).collect();
        Self { active, by_kid }
    }
}

fn header(kid: &str) -> Vec<u8> {
    let mut h = Vec::with_capacity(2 + kid.len());
    h.push(VERSION);
    h.push(u8::try_from(kid.len()).expect("key ids are shorter than 256 bytes"));
    h.extend_from_slice(kid.as_bytes());
    h
}

/// Seals `claims` with `key` under a fresh random `nonce`.
pub fn seal(key: &InHomeKey, claims: &InHomeClaims, nonce: [u8; NONCE_LEN]) -> String {
    let head = header(&key.kid);
    let mut body = serde_json::to_vec(claims).expect("claims serialise");
    key.key
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&head),
            &mut body,
        )
        .expect("AES-GCM sealing of a short message");
    let mut out = head;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&body);
    URL_SAFE_NO_PAD.encode(out)
}

/// Opens and checks an in-home string of `tenant` at `now_s`: it must
/// authenticate under one of the ring's keys, name this tenant and not be
/// expired (with `leeway_s`).
pub fn open(
    ring: &InHomeRing,
    token: &str,
    tenant: &str,
    now_s: i64,
    leeway_s: i64,
) -> Result<InHomeClaims, TokenError> {
    if token.len() > MAX_LEN {
        return Err(TokenError::Malformed);
    }
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| TokenError::Malformed)?;
    let (&version, rest) = raw.split_first().ok_or(TokenError::Malformed)?;
    let (&kid_len, rest) = rest.split_first().ok_or(TokenError::Malformed)?;
    if version != VERSION || rest.len() < usize::from(kid_len) + NONCE_LEN {
        return Err(TokenError::Malformed);
    }
    let (kid, rest) = rest.split_at(usize::from(kid_len));
    let kid = std::str::from_utf8(kid).map_err(|_| TokenError::Malformed)?;
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let key = ring.by_kid.get(kid).ok_or(TokenError::UnknownKey)?;
    if key.verify_until.is_some_and(|until| now_s > until) {
        return Err(TokenError::KeyRetired);
    }
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| TokenError::Malformed)?;
    let mut sealed = sealed.to_vec();
    let plain = key
        .key
        .open_in_place(nonce, Aad::from(header(kid)), &mut sealed)
        .map_err(|_| TokenError::BadSignature)?;
    let claims: InHomeClaims = serde_json::from_slice(plain).map_err(|_| TokenError::Malformed)?;
    if claims.tenant_id != tenant {
        return Err(TokenError::WrongTenant);
    }
    super::claims::check_times(claims.iat, None, claims.exp, i64::MAX, now_s, leeway_s)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> InHomeClaims {
        InHomeClaims {
            tenant_id: "demo".into(),
            account_id: "acc".into(),
            iat: 1000,
            exp: 4600,
        }
    }

    #[test]
    fn seal_open_and_every_refusal() {
        let k1 = Arc::new(InHomeKey::derive(
            "k1",
            b"material-one-0123456789abcdef0123",
            None,
        ));
        let ring = InHomeRing::new(vec![k1.clone()], Some("k1"));
        let token = seal(&k1, &claims(), [7; NONCE_LEN]);
        assert_eq!(open(&ring, &token, "demo", 2000, 30), Ok(claims()));
        assert_ne!(
            token,
            seal(&k1, &claims(), [8; NONCE_LEN]),
            "nonce changes the string"
        );
        assert_eq!(
            open(&ring, &token, "other", 2000, 30),
            Err(TokenError::WrongTenant)
        );
        assert_eq!(
            open(&ring, &token, "demo", 4630, 30),
            Err(TokenError::Expired)
        );
        // Any flipped bit, anywhere, fails authentication or parsing.
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        for i in [0, 1, 2, 5, raw.len() / 2, raw.len() - 1] {
            raw[i] ^= 1;
            let tampered = URL_SAFE_NO_PAD.encode(&raw);
            assert!(
                open(&ring, &tampered, "demo", 2000, 30).is_err(),
                "byte {i}"
            );
            raw[i] ^= 1;
        }
        // Same kid, other material: a different key.
        let other = InHomeKey::derive("k1", b"material-two-0123456789abcdef0123", None);
        let forged = seal(&other, &claims(), [9; NONCE_LEN]);
        assert_eq!(
            open(&ring, &forged, "demo", 2000, 30),
            Err(TokenError::BadSignature)
        );
        // Unknown kid, retired key, garbage.
        let k2 = Arc::new(InHomeKey::derive(
            "k2",
            b"material-two-0123456789abcdef0123",
            None,
        ));
        let t2 = seal(&k2, &claims(), [1; NONCE_LEN]);
        assert_eq!(
            open(&ring, &t2, "demo", 2000, 30),
            Err(TokenError::UnknownKey)
        );
        let retired = InHomeRing::new(
            vec![Arc::new(InHomeKey::derive(
                "k1",
                b"material-one-0123456789abcdef0123",
                Some(1500),
            ))],
            None,
        );
        assert_eq!(
            open(&retired, &token, "demo", 2000, 30),
            Err(TokenError::KeyRetired)
        );
        for junk in ["", "!!!", "AQ", &"A".repeat(2000)] {
            assert_eq!(
                open(&ring, junk, "demo", 2000, 30),
                Err(TokenError::Malformed),
                "{junk:.10}"
            );
        }
    }
}
