//! Every rejection the verifier makes, one test per attack, and agreement with an
//! independent JWT implementation (jsonwebtoken).

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

use super::*;
use crate::core::keys::{generate, KeyAlg};

fn ring_with(alg: KeyAlg, kid: &str) -> (KeyRing, String) {
    let material = generate(alg).unwrap();
    let key = Arc::new(RingKey::from_material(kid, alg, &material.secret_b64, None).unwrap());
    (KeyRing::new(vec![key], Some(kid)), material.secret_b64)
}

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

const PAYLOAD: &str = r#"{"typ":"DevAuthN","exp":2000000000}"#;

#[test]
fn round_trip_every_algorithm() {
    for alg in [KeyAlg::Hs256, KeyAlg::Es256, KeyAlg::EdDsa] {
        let (ring, _) = ring_with(alg, "k1");
        let token = sign(ring.active.as_ref().unwrap(), PAYLOAD.as_bytes());
        let v = verify(&ring, &token, 0).unwrap();
        assert_eq!(v.payload, PAYLOAD.as_bytes(), "{alg:?}");
        assert_eq!(&*v.kid, "k1");
        let header: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(token.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            header,
            serde_json::json!({ "alg": alg.as_str(), "kid": "k1", "typ": "JWT" })
        );
    }
}

#[test]
fn alg_none_is_refused() {
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    for header in [
        r#"{"alg":"none","kid":"k1"}"#,
        r#"{"alg":"None","kid":"k1"}"#,
        r#"{"kid":"k1"}"#,
    ] {
        let token = format!("{}.{}.", b64(header), b64(PAYLOAD));
        assert_eq!(
            verify(&ring, &token, 0).unwrap_err(),
            TokenError::Unsigned,
            "{header}"
        );
    }
}

#[test]
fn hmac_signed_with_the_public_key_is_refused() {
    // The classic confusion: take an asymmetric key's public bytes, use them as an
    // HMAC secret, and claim HS256 with that key's kid.
    let (ring, _) = ring_with(KeyAlg::Es256, "ec1");
    let public = match &ring.get("ec1").unwrap().verifier {
        keyring::Verifier::Es256(pk) => pk.as_ref().to_vec(),
        _ => unreachable!(),
    };
    let signing_input = format!(
        "{}.{}",
        b64(r#"{"alg":"HS256","kid":"ec1","typ":"JWT"}"#),
        b64(PAYLOAD)
    );
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &public),
        signing_input.as_bytes(),
    );
    let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()));
    assert_eq!(
        verify(&ring, &token, 0).unwrap_err(),
        TokenError::AlgorithmMismatch
    );
}

#[test]
fn a_header_claiming_another_algorithm_is_refused() {
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    let token = sign(ring.active.as_ref().unwrap(), PAYLOAD.as_bytes());
    let rest = token.split_once('.').unwrap().1;
    for alg in ["ES256", "RS256", "HS512", "hs256"] {
        let forged = format!(
            "{}.{rest}",
            b64(&format!(r#"{{"alg":"{alg}","kid":"k1","typ":"JWT"}}"#))
        );
        assert_eq!(
            verify(&ring, &forged, 0).unwrap_err(),
            TokenError::AlgorithmMismatch,
            "{alg}"
        );
    }
}

#[test]
fn unknown_or_missing_kid_is_refused() {
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    let (other, _) = ring_with(KeyAlg::Hs256, "k2");
    let token = sign(other.active.as_ref().unwrap(), PAYLOAD.as_bytes());
    assert_eq!(
        verify(&ring, &token, 0).unwrap_err(),
        TokenError::UnknownKey
    );
    let no_kid = format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(PAYLOAD));
    assert_eq!(
        verify(&ring, &no_kid, 0).unwrap_err(),
        TokenError::UnknownKey
    );
}

#[test]
fn same_kid_different_secret_is_a_bad_signature() {
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    let (impostor, _) = ring_with(KeyAlg::Hs256, "k1");
    let token = sign(impostor.active.as_ref().unwrap(), PAYLOAD.as_bytes());
    assert_eq!(
        verify(&ring, &token, 0).unwrap_err(),
        TokenError::BadSignature
    );
}

#[test]
fn tampering_is_detected() {
    for alg in [KeyAlg::Hs256, KeyAlg::Es256, KeyAlg::EdDsa] {
        let (ring, _) = ring_with(alg, "k1");
        let token = sign(ring.active.as_ref().unwrap(), PAYLOAD.as_bytes());
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}",
            parts[0],
            b64(r#"{"typ":"DevAuthN","exp":2100000000}"#),
            parts[2]
        );
        assert_eq!(
            verify(&ring, &forged, 0).unwrap_err(),
            TokenError::BadSignature,
            "{alg:?}"
        );
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        sig[0] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(
            verify(&ring, &flipped, 0).unwrap_err(),
            TokenError::BadSignature,
            "{alg:?}"
        );
    }
}

#[test]
fn retired_keys_verify_only_inside_their_window() {
    let material = generate(KeyAlg::Hs256).unwrap();
    let key = Arc::new(
        RingKey::from_material("old", KeyAlg::Hs256, &material.secret_b64, Some(5000)).unwrap(),
    );
    let ring = KeyRing::new(vec![key.clone()], None);
    let token = sign(&key, PAYLOAD.as_bytes());
    assert!(verify(&ring, &token, 5000).is_ok());
    assert_eq!(
        verify(&ring, &token, 5001).unwrap_err(),
        TokenError::KeyRetired
    );
    assert!(ring.active.is_none());
}

#[test]
fn malformed_tokens_are_refused() {
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    let good = sign(ring.active.as_ref().unwrap(), PAYLOAD.as_bytes());
    let long = "a".repeat(9000);
    for bad in [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "!!.@@.##",
        &format!("{good}.x"),
        &long,
        &format!("{}.{}.x", b64("not json"), b64(PAYLOAD)),
    ] {
        assert_eq!(
            verify(&ring, bad, 0).unwrap_err(),
            TokenError::Malformed,
            "{bad:.40}"
        );
    }
}

#[test]
fn tokens_agree_with_jsonwebtoken() {
    use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct C {
        typ: String,
        exp: i64,
    }
    let claims = C {
        typ: "DevAuthN".into(),
        exp: 4_000_000_000,
    };
    let payload = serde_json::to_vec(&claims).unwrap();
    for (alg, jwt_alg) in [
        (KeyAlg::Hs256, Algorithm::HS256),
        (KeyAlg::Es256, Algorithm::ES256),
        (KeyAlg::EdDsa, Algorithm::EdDSA),
    ] {
        let material = generate(alg).unwrap();
        let key = Arc::new(RingKey::from_material("k1", alg, &material.secret_b64, None).unwrap());
        let ring = KeyRing::new(vec![key.clone()], Some("k1"));
        let der = STANDARD.decode(&material.secret_b64).unwrap();
        let (enc, dec) = match alg {
            KeyAlg::Hs256 => (
                EncodingKey::from_secret(&der),
                DecodingKey::from_secret(&der),
            ),
            KeyAlg::Es256 => {
                let jwk = material.public_jwk.as_ref().unwrap();
                (
                    EncodingKey::from_ec_der(&der),
                    DecodingKey::from_ec_components(
                        jwk["x"].as_str().unwrap(),
                        jwk["y"].as_str().unwrap(),
                    )
                    .unwrap(),
                )
            }
            KeyAlg::EdDsa => {
                let jwk = material.public_jwk.as_ref().unwrap();
                (
                    EncodingKey::from_ed_der(&der),
                    DecodingKey::from_ed_components(jwk["x"].as_str().unwrap()).unwrap(),
                )
            }
            KeyAlg::Rs256 => unreachable!(),
        };
        // ours -> theirs
        let ours = sign(&key, &payload);
        let mut validation = Validation::new(jwt_alg);
        validation.validate_aud = false;
        let decoded =
            decode::<C>(&ours, &dec, &validation).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(decoded.claims, claims);
        assert_eq!(decoded.header.kid.as_deref(), Some("k1"));
        // theirs -> ours
        let mut header = Header::new(jwt_alg);
        header.kid = Some("k1".into());
        let theirs = encode(&header, &claims, &enc).unwrap();
        let verified = verify(&ring, &theirs, 0).unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(
            serde_json::from_slice::<C>(&verified.payload).unwrap(),
            claims
        );
        // Same header fields and payload; HS256 (deterministic) then differs only by
        // the header's field order.
        let header_of = |t: &str| -> serde_json::Value {
            serde_json::from_slice(
                &URL_SAFE_NO_PAD
                    .decode(t.split('.').next().unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(header_of(&ours), header_of(&theirs), "{alg:?}");
        assert_eq!(ours.split('.').nth(1), theirs.split('.').nth(1), "{alg:?}");
    }
}

/// Asymmetric tokens are verified once, then served from the key's cache;
/// the cache never admits bytes the key did not verify.
#[test]
fn asymmetric_tokens_are_verified_once_and_never_forged_through_the_cache() {
    for alg in [KeyAlg::Es256, KeyAlg::EdDsa] {
        let (ring, _) = ring_with(alg, "k1");
        let key = ring.active.as_ref().unwrap();
        let token = sign(key, PAYLOAD.as_bytes());
        let (signed, signature) = token.rsplit_once('.').unwrap();
        assert!(!key.verified.contains(signed.as_bytes(), signature));
        assert_eq!(
            verify(&ring, &token, 0).unwrap().payload,
            PAYLOAD.as_bytes()
        );
        assert!(
            key.verified.contains(signed.as_bytes(), signature),
            "{alg:?} cached"
        );
        assert_eq!(
            verify(&ring, &token, 0).unwrap().payload,
            PAYLOAD.as_bytes(),
            "a hit"
        );
        // The cached signature on another payload: the real verifier refuses it.
        let (header, _) = signed.split_once('.').unwrap();
        let forged = format!(
            "{header}.{}.{signature}",
            b64(r#"{"typ":"DevAuthN","exp":2100000000}"#)
        );
        assert!(
            matches!(verify(&ring, &forged, 0), Err(TokenError::BadSignature)),
            "{alg:?}"
        );
        // Another key under the same kid (a new ring): its own, empty cache.
        let (other, _) = ring_with(alg, "k1");
        assert!(matches!(
            verify(&other, &token, 0),
            Err(TokenError::BadSignature)
        ));
    }
    // HMAC keys never cache (the MAC is cheaper than a lookup).
    let (ring, _) = ring_with(KeyAlg::Hs256, "k1");
    let key = ring.active.as_ref().unwrap();
    let token = sign(key, PAYLOAD.as_bytes());
    verify(&ring, &token, 0).unwrap();
    let (signed, signature) = token.rsplit_once('.').unwrap();
    assert!(!key.verified.contains(signed.as_bytes(), signature));
}
