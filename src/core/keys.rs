//! Signing-key material: generation and the public half (JWK) of each algorithm.
//!
//! Owns: creating HS256 secrets and ES256 / EdDSA key pairs from the system CSPRNG,
//! checking imported key material (RS256 is import-only: ring cannot generate RSA
//! keys), and describing public keys as JWKs.
//!
//! Must never: log or `Debug`-print secret material, or use a non-cryptographic RNG.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::rsa::PublicKeyComponents;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};

/// Token signing algorithms a tenant key ring may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlg {
    Hs256,
    Es256,
    EdDsa,
    Rs256,
}

impl KeyAlg {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hs256 => "HS256",
            Self::Es256 => "ES256",
            Self::EdDsa => "EdDSA",
            Self::Rs256 => "RS256",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "HS256" => Some(Self::Hs256),
            "ES256" => Some(Self::Es256),
            "EdDSA" => Some(Self::EdDsa),
            "RS256" => Some(Self::Rs256),
            _ => None,
        }
    }
}

/// What a key signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// Access and refresh (sign-on) tokens.
    Access,
    /// ContentAuthZ tokens.
    Content,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Access => "ACCESS",
            Self::Content => "CONTENT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACCESS" => Some(Self::Access),
            "CONTENT" => Some(Self::Content),
            _ => None,
        }
    }
}

/// Newly generated key material.
pub struct GeneratedKey {
    pub alg: KeyAlg,
    /// Base64 (standard) of the HMAC secret or PKCS#8 document.
    pub secret_b64: String,
    /// Public JWK without `kid` (the caller adds it); `None` for HMAC.
    pub public_jwk: Option<serde_json::Value>,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("alg", &self.alg)
            .field("secret_b64", &"***")
            .field("public_jwk", &self.public_jwk)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0} keys cannot be generated here; import an existing key pair")]
    NotGeneratable(&'static str),
    #[error("the system random source failed")]
    Random,
    #[error("stored key material does not parse")]
    BadMaterial,
}

/// Generates fresh key material for `alg`.
pub fn generate(alg: KeyAlg) -> Result<GeneratedKey, KeyError> {
    let rng = SystemRandom::new();
    match alg {
        KeyAlg::Hs256 => {
            let mut secret = [0u8; 32];
            rng.fill(&mut secret).map_err(|_| KeyError::Random)?;
            Ok(GeneratedKey {
                alg,
                secret_b64: STANDARD.encode(secret),
                public_jwk: None,
            })
        }
        KeyAlg::Es256 => {
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| KeyError::Random)?;
            let secret_b64 = STANDARD.encode(pkcs8.as_ref());
            let public_jwk = Some(public_jwk(alg, &secret_b64)?);
            Ok(GeneratedKey {
                alg,
                secret_b64,
                public_jwk,
            })
        }
        KeyAlg::EdDsa => {
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|_| KeyError::Random)?;
            let secret_b64 = STANDARD.encode(pkcs8.as_ref());
            let public_jwk = Some(public_jwk(alg, &secret_b64)?);
            Ok(GeneratedKey {
                alg,
                secret_b64,
                public_jwk,
            })
        }
        KeyAlg::Rs256 => Err(KeyError::NotGeneratable("RS256")),
    }
}

/// The public JWK of stored asymmetric key material.
pub fn public_jwk(alg: KeyAlg, secret_b64: &str) -> Result<serde_json::Value, KeyError> {
    let der = STANDARD
        .decode(secret_b64)
        .map_err(|_| KeyError::BadMaterial)?;
    match alg {
        KeyAlg::Es256 => {
            let rng = SystemRandom::new();
            let pair =
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                    .map_err(|_| KeyError::BadMaterial)?;
            // Uncompressed SEC1 point: 0x04 || x (32) || y (32).
            let point = pair.public_key().as_ref();
            if point.len() != 65 || point[0] != 4 {
                return Err(KeyError::BadMaterial);
            }
            Ok(serde_json::json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..]),
            }))
        }
        KeyAlg::EdDsa => {
            let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| KeyError::BadMaterial)?;
            Ok(serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "x": URL_SAFE_NO_PAD.encode(pair.public_key().as_ref()),
            }))
        }
        KeyAlg::Rs256 => {
            let pair = RsaKeyPair::from_pkcs8(&der).map_err(|_| KeyError::BadMaterial)?;
            let public = PublicKeyComponents::<Vec<u8>>::from(pair.public());
            Ok(serde_json::json!({
                "kty": "RSA", "alg": "RS256", "use": "sig",
                "n": URL_SAFE_NO_PAD.encode(&public.n),
                "e": URL_SAFE_NO_PAD.encode(&public.e),
            }))
        }
        KeyAlg::Hs256 => Err(KeyError::BadMaterial),
    }
}

/// Existing key material an operator brings (RS256 keys cannot be generated
/// here): an HS256 secret of at least 32 bytes, or a PKCS#8 private key (DER)
/// of the given algorithm. Checked by parsing it as the key ring will.
pub fn import(alg: KeyAlg, material: &[u8]) -> Result<GeneratedKey, KeyError> {
    let secret_b64 = STANDARD.encode(material);
    let public_jwk = match alg {
        KeyAlg::Hs256 if material.len() >= 32 => None,
        KeyAlg::Hs256 => return Err(KeyError::BadMaterial),
        _ => Some(public_jwk(alg, &secret_b64)?),
    };
    Ok(GeneratedKey {
        alg,
        secret_b64,
        public_jwk,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hs256_secrets_are_32_random_bytes() {
        let a = generate(KeyAlg::Hs256).unwrap();
        let b = generate(KeyAlg::Hs256).unwrap();
        assert_eq!(STANDARD.decode(&a.secret_b64).unwrap().len(), 32);
        assert_ne!(a.secret_b64, b.secret_b64);
        assert!(a.public_jwk.is_none());
        assert!(
            !format!("{a:?}").contains(&a.secret_b64),
            "Debug must not show the secret"
        );
    }

    #[test]
    fn es256_public_jwk_verifies_a_signature_made_with_the_private_key() {
        let k = generate(KeyAlg::Es256).unwrap();
        let jwk = k.public_jwk.unwrap();
        let der = STANDARD.decode(&k.secret_b64).unwrap();
        let rng = SystemRandom::new();
        let pair =
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                .unwrap();
        let sig = pair.sign(&rng, b"payload").unwrap();
        let mut point = vec![4u8];
        point.extend(URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap());
        point.extend(URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap());
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &point)
            .verify(b"payload", sig.as_ref())
            .unwrap();
    }

    #[test]
    fn eddsa_public_jwk_verifies_a_signature_made_with_the_private_key() {
        let k = generate(KeyAlg::EdDsa).unwrap();
        let jwk = k.public_jwk.unwrap();
        let pair = Ed25519KeyPair::from_pkcs8(&STANDARD.decode(&k.secret_b64).unwrap()).unwrap();
        let sig = pair.sign(b"payload");
        let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
        signature::UnparsedPublicKey::new(&signature::ED25519, &x)
            .verify(b"payload", sig.as_ref())
            .unwrap();
        assert!(signature::UnparsedPublicKey::new(&signature::ED25519, &x)
            .verify(b"other", sig.as_ref())
            .is_err());
    }

    #[test]
    fn rs256_is_import_only() {
        assert!(matches!(
            generate(KeyAlg::Rs256),
            Err(KeyError::NotGeneratable(_))
        ));
    }
}
