//! Operator APIs accept a JWT from the tenant's own identity provider beside the
//! operator API key: tokens signed by an independent JWT library with keys the
//! tenant publishes in `operatorJwt.jwks`, on reads and writes, refused for the
//! wrong issuer, audience, scope, time or key, for another tenant, after a key
//! rotation, and when the settings do not parse.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use playgate::core::keys::{self, KeyAlg};
use playgate::store::changes::ChangeKind;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::{write, NOW};

const ISSUER: &str = "https://idp.operator.example/realms/back-office";
const AUDIENCE: &str = "playgate-demo";

/// A signing key of the identity provider and its public JWK under `kid`.
struct IdpKey {
    alg: Algorithm,
    kid: &'static str,
    encoding: EncodingKey,
    jwk: Value,
}

/// The DER inside a PEM fixture.
fn pem_der(path: &str) -> Vec<u8> {
    let pem = std::fs::read_to_string(crate::harness::repo_path(path)).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(b64).unwrap()
}

fn idp_key(alg: KeyAlg, kid: &'static str) -> IdpKey {
    // ES256 and RS256 keys come from OpenSSL-made PKCS#8 fixtures (the format an
    // identity provider exports); Ed25519 keys are generated fresh.
    let fixture = match alg {
        KeyAlg::Es256 if kid == "ec-1" => Some("tests/fixtures/es256-test-key.pem"),
        KeyAlg::Rs256 => Some("tests/fixtures/rs256-test-key.pem"),
        _ => None,
    };
    let (der, public_jwk) = match fixture {
        Some(path) => {
            let der = pem_der(path);
            let jwk = keys::import(alg, &der).unwrap().public_jwk.unwrap();
            (der, jwk)
        }
        None => {
            let generated = keys::generate(alg).unwrap();
            (
                STANDARD.decode(&generated.secret_b64).unwrap(),
                generated.public_jwk.unwrap(),
            )
        }
    };
    let (alg, encoding) = match alg {
        KeyAlg::Es256 => (Algorithm::ES256, EncodingKey::from_ec_der(&der)),
        KeyAlg::EdDsa => (Algorithm::EdDSA, EncodingKey::from_ed_der(&der)),
        // The independent signer wants RSA keys as PKCS#1: the same key, converted
        // with `openssl rsa -traditional`.
        KeyAlg::Rs256 => (
            Algorithm::RS256,
            EncodingKey::from_rsa_der(&pem_der("tests/fixtures/rs256-test-key.pkcs1.pem")),
        ),
        KeyAlg::Hs256 => unreachable!("identity providers publish asymmetric keys"),
    };
    let mut jwk = public_jwk;
    jwk["kid"] = json!(kid);
    IdpKey {
        alg,
        kid,
        encoding,
        jwk,
    }
}

impl IdpKey {
    fn token(&self, claims: &Value) -> String {
        let mut header = Header::new(self.alg);
        header.kid = Some(self.kid.into());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap()
    }
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": [AUDIENCE, "account"], "sub": "crm-service-account",
        "iat": NOW - 5, "exp": NOW + 300, "scope": "openid playgate:operator",
    })
}

fn claims_with(changes: Value) -> Value {
    let mut c = claims();
    for (k, v) in changes.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

/// Sets (or clears) the demo tenant's `operatorJwt` settings.
async fn configure(app: &TestApp, operator_jwt: Value) {
    let settings = json!({ "operatorJwt": operator_jwt }).to_string();
    let sql = format!(
        "UPDATE tenants SET settings = '{}' WHERE id = 'demo'",
        settings.replace('\'', "''")
    );
    write(app, &[sql.as_str()], &[(ChangeKind::Tenant, "demo")]).await;
}

fn settings(keys: &[&IdpKey]) -> Value {
    json!({
        "issuer": ISSUER, "audience": AUDIENCE, "requiredScope": "playgate:operator",
        "jwks": { "keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>() },
    })
}

async fn read_account(app: &TestApp, tenant: &str, bearer: &str) -> reqwest::Response {
    app.http
        .get(app.url("/adm/v1/accounts/acc-active"))
        .header("nv-tenant-id", tenant)
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
}

/// 401 in the OPF envelope, with the reason given.
async fn refused(r: reqwest::Response, reason: &str) {
    let body = json_of(r, 401).await;
    assert_eq!(body["message"], reason, "{body}");
    assert!(body["code"].is_number(), "{body}");
}

async fn idp_tokens_work_on_operator_apis(b: Backend) {
    let app = TestApp::start(b).await;
    let (ec, ed, rsa) = (
        idp_key(KeyAlg::Es256, "ec-1"),
        idp_key(KeyAlg::EdDsa, "ed-1"),
        idp_key(KeyAlg::Rs256, "rsa-1"),
    );
    // Before the tenant names an issuer, a good-looking JWT is just a bad key.
    refused(
        read_account(&app, "demo", &ec.token(&claims())).await,
        "operator credential not valid for this tenant",
    )
    .await;

    configure(&app, settings(&[&ec, &ed, &rsa])).await;
    for key in [&ec, &ed, &rsa] {
        let body = json_of(read_account(&app, "demo", &key.token(&claims())).await, 200).await;
        assert_eq!(body["_id"], "acc-active", "{}", key.kid);
    }
    // A write: the CRM grants an entitlement with its IdP token.
    let r = app
        .http
        .post(app.url("/rmg/v1/operator/entitlements"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(ec.token(&claims()))
        .json(&json!({
            "_id": "ent-by-jwt", "accountId": "acc-full", "productId": "prod-premium",
            "validFrom": "2026-11-22T00:00:00Z", "expiryDate": "2026-12-22T00:00:00Z",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["_id"], "ent-by-jwt");
    // The API key still works beside the issuer.
    json_of(read_account(&app, "demo", DEMO_KEY).await, 200).await;

    // Each rule, through HTTP.
    let cases = [
        (
            json!({ "iss": "https://evil.example/" }),
            "token is from an issuer this tenant does not trust",
        ),
        (
            json!({ "aud": "another-api" }),
            "token is not for this service",
        ),
        (
            json!({ "scope": "openid" }),
            "token lacks the required scope",
        ),
        (json!({ "exp": NOW - 3600 }), "token has expired"),
        (json!({ "nbf": NOW + 3600 }), "token is not valid yet"),
        (
            json!({ "exp": NOW + 30 * 86400 }),
            "token lifetime exceeds the issuer's limit",
        ),
    ];
    for (change, reason) in cases {
        refused(
            read_account(&app, "demo", &ec.token(&claims_with(change))).await,
            reason,
        )
        .await;
    }
    // A key the tenant does not publish, and a tampered token.
    let stranger = idp_key(KeyAlg::Es256, "ec-9");
    refused(
        read_account(&app, "demo", &stranger.token(&claims())).await,
        "token key id is unknown",
    )
    .await;
    // Another key pair naming a published kid.
    let mut impostor = idp_key(KeyAlg::Es256, "ec-fresh");
    impostor.kid = "ec-1";
    refused(
        read_account(&app, "demo", &impostor.token(&claims())).await,
        "token signature is invalid",
    )
    .await;

    // Another tenant does not trust demo's issuer.
    app.state
        .plane
        .tenancy
        .create_tenant("other", "Other operator", Some("other-operator-key-01"))
        .await
        .unwrap();
    refused(
        read_account(&app, "other", &ec.token(&claims())).await,
        "operator credential not valid for this tenant",
    )
    .await;

    // Rotation: the IdP publishes a new key and drops ec-1.
    let next = idp_key(KeyAlg::Es256, "ec-2");
    let old_token = ec.token(&claims());
    configure(&app, settings(&[&next])).await;
    refused(
        read_account(&app, "demo", &old_token).await,
        "token key id is unknown",
    )
    .await;
    json_of(
        read_account(&app, "demo", &next.token(&claims())).await,
        200,
    )
    .await;

    // Settings that do not parse turn JWTs off (closed) and leave the API key.
    configure(
        &app,
        json!({ "issuer": ISSUER, "audience": AUDIENCE, "jwks": { "keys": [{ "kty": "oct", "kid": "s", "k": "c2VjcmV0" }] } }),
    )
    .await;
    refused(
        read_account(&app, "demo", &next.token(&claims())).await,
        "operator credential not valid for this tenant",
    )
    .await;
    json_of(read_account(&app, "demo", DEMO_KEY).await, 200).await;
    app.stop().await;
}

crate::on_both_backends!(idp_tokens_work_on_operator_apis);
