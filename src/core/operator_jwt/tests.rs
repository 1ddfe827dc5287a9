use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::{json, Value};

use super::*;
use crate::core::jwt::{JwksError, RingKey};
use crate::core::keys::{self, KeyAlg};

const NOW: i64 = 1_800_000_000;
const LEEWAY: i64 = 30;

/// A freshly generated key: its signer and its public JWK under `kid`.
fn key(alg: KeyAlg, kid: &str) -> (RingKey, Value) {
    let generated = keys::generate(alg).unwrap();
    let mut jwk = generated.public_jwk.unwrap();
    jwk["kid"] = json!(kid);
    let ring = RingKey::from_material(kid, alg, &generated.secret_b64, None).unwrap();
    (ring, jwk)
}

fn rsa_key(kid: &str) -> (RingKey, Value) {
    let pem = include_str!("../../../tests/fixtures/rs256-test-key.pem");
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(b64).unwrap();
    let imported = keys::import(KeyAlg::Rs256, &der).unwrap();
    let mut jwk = imported.public_jwk.unwrap();
    jwk["kid"] = json!(kid);
    let ring = RingKey::from_material(kid, KeyAlg::Rs256, &imported.secret_b64, None).unwrap();
    (ring, jwk)
}

fn issuer(jwks: Vec<Value>, extra: Value) -> OperatorIssuer {
    let mut settings = json!({
        "issuer": "https://idp.example/ops",
        "audience": "playgate-operator",
        "jwks": { "keys": jwks },
    });
    for (k, v) in extra.as_object().unwrap() {
        settings[k] = v.clone();
    }
    OperatorIssuer::from_settings(&settings).unwrap()
}

fn claims() -> Value {
    json!({
        "iss": "https://idp.example/ops",
        "aud": "playgate-operator",
        "sub": "crm-client",
        "iat": NOW - 10,
        "exp": NOW + 300,
    })
}

fn with(mut base: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn signed(key: &RingKey, claims: &Value) -> String {
    jwt::sign(key, claims.to_string().as_bytes())
}

#[test]
fn accepts_each_asymmetric_algorithm() {
    for (signer, jwk) in [
        key(KeyAlg::Es256, "ec"),
        key(KeyAlg::EdDsa, "ed"),
        rsa_key("rsa"),
    ] {
        let kid = signer.kid.clone();
        let iss = issuer(vec![jwk], json!({}));
        let subject = iss.check(&signed(&signer, &claims()), NOW, LEEWAY).unwrap();
        assert_eq!(subject.sub, "crm-client");
        assert_eq!(&*subject.kid, &*kid);
    }
}

#[test]
fn refuses_each_claim_violation() {
    let (signer, jwk) = key(KeyAlg::Es256, "k1");
    let iss = issuer(vec![jwk], json!({}));
    let cases = [
        (
            json!({ "iss": "https://evil.example/ops" }),
            TokenError::WrongIssuer,
        ),
        (json!({ "aud": "another-api" }), TokenError::WrongAudience),
        (json!({ "aud": ["a", "b"] }), TokenError::WrongAudience),
        (json!({ "exp": NOW - LEEWAY }), TokenError::Expired),
        (json!({ "exp": null }), TokenError::Malformed),
        (json!({ "sub": null }), TokenError::Malformed),
        (json!({ "sub": "" }), TokenError::Malformed),
        (json!({ "nbf": NOW + LEEWAY + 1 }), TokenError::NotYetValid),
        (json!({ "iat": NOW + LEEWAY + 1 }), TokenError::NotYetValid),
        (
            json!({ "exp": NOW + DEFAULT_MAX_LIFETIME_S + LEEWAY + 1 }),
            TokenError::LifetimeTooLong,
        ),
    ];
    for (change, expected) in cases {
        let token = signed(&signer, &with(claims(), change.clone()));
        assert_eq!(iss.check(&token, NOW, LEEWAY), Err(expected), "{change}");
    }
    // The boundaries that are still inside the rules.
    for change in [
        json!({ "aud": ["another-api", "playgate-operator"] }),
        json!({ "exp": NOW - LEEWAY + 1 }),
        json!({ "nbf": NOW + LEEWAY }),
        json!({ "exp": NOW + DEFAULT_MAX_LIFETIME_S }),
        json!({ "iat": null }),
    ] {
        let token = signed(&signer, &with(claims(), change.clone()));
        assert!(iss.check(&token, NOW, LEEWAY).is_ok(), "{change}");
    }
}

#[test]
fn required_scope_in_scope_or_scp() {
    let (signer, jwk) = key(KeyAlg::EdDsa, "k1");
    let iss = issuer(vec![jwk], json!({ "requiredScope": "playgate:operator" }));
    let check = |extra: Value| iss.check(&signed(&signer, &with(claims(), extra)), NOW, LEEWAY);
    assert_eq!(check(json!({})), Err(TokenError::InsufficientScope));
    assert_eq!(
        check(json!({ "scope": "openid playgate:operator:read" })),
        Err(TokenError::InsufficientScope)
    );
    assert!(check(json!({ "scope": "openid playgate:operator" })).is_ok());
    assert!(check(json!({ "scp": ["profile", "playgate:operator"] })).is_ok());
    assert_eq!(
        check(json!({ "scp": ["profile"] })),
        Err(TokenError::InsufficientScope)
    );
}

#[test]
fn refuses_foreign_keys_and_algorithm_games() {
    let (signer, jwk) = key(KeyAlg::Es256, "k1");
    let iss = issuer(vec![jwk.clone()], json!({}));

    // Same kid, another key pair: the signature does not verify.
    let (impostor, _) = key(KeyAlg::Es256, "k1");
    assert_eq!(
        iss.check(&signed(&impostor, &claims()), NOW, LEEWAY),
        Err(TokenError::BadSignature)
    );
    // A kid the issuer does not publish.
    let (other, _) = key(KeyAlg::Es256, "k2");
    assert_eq!(
        iss.check(&signed(&other, &claims()), NOW, LEEWAY),
        Err(TokenError::UnknownKey)
    );
    // HS256 "signed" with the public key's bytes under the EC key's kid.
    let point = format!(
        "{}{}",
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap()
    );
    let secret = STANDARD.encode(point.repeat(2));
    let hmac = RingKey::from_material("k1", KeyAlg::Hs256, &secret, None).unwrap();
    assert_eq!(
        iss.check(&signed(&hmac, &claims()), NOW, LEEWAY),
        Err(TokenError::AlgorithmMismatch)
    );
    // alg "none".
    let enc = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = format!(
        "{}.{}.",
        enc(json!({ "alg": "none", "kid": "k1" })),
        enc(claims())
    );
    assert_eq!(iss.check(&unsigned, NOW, LEEWAY), Err(TokenError::Unsigned));
    // A tampered payload under a good signature.
    let token = signed(&signer, &claims());
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged = enc(with(claims(), json!({ "sub": "someone-else" })));
    parts[1] = &forged;
    assert_eq!(
        iss.check(&parts.join("."), NOW, LEEWAY),
        Err(TokenError::BadSignature)
    );
    // A key embedded in the header is not trusted.
    let (attacker, attacker_jwk) = key(KeyAlg::Es256, "k9");
    let body = format!(
        "{}.{}",
        enc(json!({ "alg": "ES256", "kid": "k9", "jwk": attacker_jwk })),
        enc(claims())
    );
    let sig = jwt::sign(&attacker, body.as_bytes());
    let with_jwk = format!("{body}.{}", sig.rsplit('.').next().unwrap());
    assert_eq!(
        iss.check(&with_jwk, NOW, LEEWAY),
        Err(TokenError::UnknownKey)
    );
}

#[test]
fn key_set_rules() {
    let (_, ec) = key(KeyAlg::Es256, "ec");
    let (_, rsa) = rsa_key("rsa");
    let parse = |keys: Value| PublicKeySet::from_jwks(&json!({ "keys": keys }));
    assert_eq!(parse(json!([ec.clone(), rsa.clone()])).unwrap().len(), 2);
    assert_eq!(parse(json!([])).unwrap_err(), JwksError::Empty);
    assert_eq!(
        PublicKeySet::from_jwks(&json!([ec.clone()])).unwrap_err(),
        JwksError::NotAKeySet
    );
    assert_eq!(
        parse(json!([ec.clone(), ec.clone()])).unwrap_err(),
        JwksError::DuplicateKid("ec".into())
    );
    let refused = [
        json!({ "kty": "oct", "kid": "s", "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" }),
        with(ec.clone(), json!({ "crv": "P-384" })),
        with(ec.clone(), json!({ "alg": "RS256" })),
        with(ec.clone(), json!({ "use": "enc" })),
        with(ec.clone(), json!({ "kid": null })),
        with(ec.clone(), json!({ "x": "AAAA" })),
        with(ec.clone(), json!({ "y": "not base64!" })),
        with(
            rsa.clone(),
            json!({ "n": URL_SAFE_NO_PAD.encode([0xffu8; 128]) }),
        ),
        json!({ "kty": "EC" }),
        json!("a string"),
    ];
    for bad in refused {
        assert!(
            matches!(
                parse(json!([bad.clone()])),
                Err(JwksError::BadKey { index: 0, .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn settings_rules() {
    let (_, jwk) = key(KeyAlg::EdDsa, "k1");
    let base = json!({ "issuer": "i", "audience": "a", "jwks": { "keys": [jwk] } });
    assert!(OperatorIssuer::from_settings(&base).is_ok());
    for change in [
        json!({ "issuer": "" }),
        json!({ "audience": null }),
        json!({ "jwks": null }),
        json!({ "jwks": { "keys": [] } }),
        json!({ "maxLifetimeS": 59 }),
        json!({ "maxLifetimeS": 604801 }),
        json!({ "requiredScope": "two scopes" }),
        json!({ "jwksUrl": "https://idp.example/jwks" }),
    ] {
        assert!(
            OperatorIssuer::from_settings(&with(base.clone(), change.clone())).is_err(),
            "{change}"
        );
    }
}
