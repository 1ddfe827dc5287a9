//! A tenant's keys for one purpose, parsed once: the ACTIVE signing key with its
//! header already serialised, and every key that may still verify, by `kid`.

use std::collections::HashMap;
use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};

use crate::core::keys::{KeyAlg, KeyError};

/// Signing half of a key.
pub(super) enum Signer {
    Hmac(ring::hmac::Key),
    Es256(EcdsaKeyPair),
    EdDsa(Ed25519KeyPair),
    Rs256(RsaKeyPair),
}

/// Verifying half of a key.
pub(super) enum Verifier {
    Hmac(ring::hmac::Key),
    Es256(signature::UnparsedPublicKey<Vec<u8>>),
    EdDsa(signature::UnparsedPublicKey<Vec<u8>>),
    Rs256(signature::UnparsedPublicKey<Vec<u8>>),
}

/// One key as the fast path uses it.
pub struct RingKey {
    /// Shared, so a verified token names its key without an allocation.
    pub kid: Arc<str>,
    pub alg: KeyAlg,
    /// Seconds since the epoch after which the key no longer verifies (`None`:
    /// active, or retired without a limit).
    pub verify_until: Option<i64>,
    /// `base64url(header JSON) + "."`, ready to prefix a payload.
    pub(super) header_prefix: Box<str>,
    pub(super) signer: Signer,
    pub(super) verifier: Verifier,
    /// Tokens this (asymmetric) key has verified.
    pub(super) verified: super::verified_cache::VerifiedCache,
}

impl std::fmt::Debug for RingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RingKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("verify_until", &self.verify_until)
            .finish_non_exhaustive()
    }
}

impl RingKey {
    /// Parses stored key material (base64 HMAC secret or PKCS#8) once.
    pub fn from_material(
        kid: &str,
        alg: KeyAlg,
        secret_b64: &str,
        verify_until: Option<i64>,
    ) -> Result<RingKey, KeyError> {
        let der = STANDARD
            .decode(secret_b64)
            .map_err(|_| KeyError::BadMaterial)?;
        let (signer, verifier) = match alg {
            KeyAlg::Hs256 => {
                if der.len() < 32 {
                    return Err(KeyError::BadMaterial);
                }
                let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &der);
                (Signer::Hmac(key.clone()), Verifier::Hmac(key))
            }
            KeyAlg::Es256 => {
                let rng = SystemRandom::new();
                let pair = EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                    &der,
                    &rng,
                )
                .map_err(|_| KeyError::BadMaterial)?;
                let public = pair.public_key().as_ref().to_vec();
                (
                    Signer::Es256(pair),
                    Verifier::Es256(signature::UnparsedPublicKey::new(
                        &signature::ECDSA_P256_SHA256_FIXED,
                        public,
                    )),
                )
            }
            KeyAlg::EdDsa => {
                let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| KeyError::BadMaterial)?;
                let public = pair.public_key().as_ref().to_vec();
                (
                    Signer::EdDsa(pair),
                    Verifier::EdDsa(signature::UnparsedPublicKey::new(
                        &signature::ED25519,
                        public,
                    )),
                )
            }
            KeyAlg::Rs256 => {
                let pair = RsaKeyPair::from_pkcs8(&der).map_err(|_| KeyError::BadMaterial)?;
                let public = pair.public().as_ref().to_vec();
                (
                    Signer::Rs256(pair),
                    Verifier::Rs256(signature::UnparsedPublicKey::new(
                        &signature::RSA_PKCS1_2048_8192_SHA256,
                        public,
                    )),
                )
            }
        };
        let header = serde_json::json!({ "alg": alg.as_str(), "kid": kid, "typ": "JWT" });
        let header_prefix =
            format!("{}.", URL_SAFE_NO_PAD.encode(header.to_string())).into_boxed_str();
        Ok(RingKey {
            kid: kid.into(),
            alg,
            verify_until,
            header_prefix,
            signer,
            verifier,
            verified: Default::default(),
        })
    }
}

/// A tenant's keys for one purpose.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// The key new tokens are signed with.
    pub active: Option<Arc<RingKey>>,
    /// Every key that may verify (active and retired), by `kid`.
    pub by_kid: HashMap<Arc<str>, Arc<RingKey>>,
}

impl KeyRing {
    /// Builds a ring; `active` must also be one of `keys`.
    pub fn new(keys: Vec<Arc<RingKey>>, active_kid: Option<&str>) -> KeyRing {
        let active = active_kid.and_then(|kid| keys.iter().find(|k| &*k.kid == kid).cloned());
        let by_kid = keys.into_iter().map(|k| (k.kid.clone(), k)).collect();
        KeyRing { active, by_kid }
    }

    pub fn get(&self, kid: &str) -> Option<&Arc<RingKey>> {
        self.by_kid.get(kid)
    }
}
