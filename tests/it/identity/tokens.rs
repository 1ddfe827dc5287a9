//! Token Validation Service and JWKS over real HTTP: every rejection the
//! verifier makes, key rotation without downtime, and public keys an external
//! JWT library can verify with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use playgate::core::claims::{SignOnClaims, ACCESS_TYP, REFRESH_TYP, VERSION};
use playgate::core::jwt::sign;
use playgate::core::keys::{KeyAlg, KeyPurpose};
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp, T0_MS};

const NOW: i64 = T0_MS / 1000;

fn claims(typ: &str) -> SignOnClaims {
    SignOnClaims {
        typ: typ.into(),
        ver: VERSION.into(),
        iat: NOW,
        nbf: None,
        exp: NOW + 3600,
        fixed_exp: NOW + 90 * 86400,
        tenant_id: "demo".into(),
        account_id: "acc-active".into(),
        account_profile_id: "default".into(),
        user_id: "acc-active-main".into(),
        device_id: "dev-alice-tv".into(),
        playout_device_class: Some("SmartTV".into()),
        jti: "jti-1".into(),
        sid: "sid-1".into(),
        session_control: Default::default(),
        parental_control: None,
        in_home: None,
    }
}

/// Signs with the demo tenant's ACTIVE access key, as the sign-on services do.
fn mint(app: &TestApp, c: &SignOnClaims) -> String {
    let snapshot = app.state.snapshot.load();
    let key = snapshot
        .tenant("demo")
        .unwrap()
        .access_keys
        .active
        .clone()
        .unwrap();
    sign(&key, &serde_json::to_vec(c).unwrap())
}

async fn validate(app: &TestApp, token: &str) -> reqwest::Response {
    app.http
        .post(app.url("/tvs/v1/token/actions/validate"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn assert_refused(app: &TestApp, token: &str, reason: &str) {
    let body = json_of(validate(app, token).await, 403).await;
    assert_eq!(body["resultCode"], "99999:403", "{body}");
    assert_eq!(body["result"], reason, "{body}");
}

async fn valid_tokens_are_decoded(b: Backend) {
    let app = TestApp::start(b).await;
    let token = mint(&app, &claims(ACCESS_TYP));
    let body = json_of(validate(&app, &token).await, 200).await;
    assert_eq!(body["typ"], "DevAuthN");
    assert_eq!(body["tenantId"], "demo");
    assert_eq!(body["accountId"], "acc-active");
    assert_eq!(body["fixed_exp"], NOW + 90 * 86400);
    // The same token in the body instead of the header.
    let r = app
        .http
        .post(app.url("/tvs/v1/token/actions/validate"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "token": token }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["jti"], "jti-1");
    // Refresh tokens validate too, and say what they are.
    let refresh = mint(&app, &claims(REFRESH_TYP));
    assert_eq!(
        json_of(validate(&app, &refresh).await, 200).await["typ"],
        "RefreshAuthN"
    );
    app.stop().await;
}

async fn every_attack_is_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let good = mint(&app, &claims(ACCESS_TYP));
    let [h, p, s]: [&str; 3] = good.split('.').collect::<Vec<_>>().try_into().unwrap();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap();
    let kid = header["kid"].as_str().unwrap().to_owned();
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());

    // alg: none, with and without a signature
    let none = enc(&json!({ "alg": "none", "kid": kid, "typ": "JWT" }));
    assert_refused(
        &app,
        &format!("{none}.{p}."),
        "unsigned tokens are not accepted",
    )
    .await;
    assert_refused(
        &app,
        &format!("{none}.{p}.{s}"),
        "unsigned tokens are not accepted",
    )
    .await;
    // algorithm swap on the same kid
    let swapped = enc(&json!({ "alg": "RS256", "kid": kid, "typ": "JWT" }));
    assert_refused(
        &app,
        &format!("{swapped}.{p}.{s}"),
        "token algorithm does not match its key",
    )
    .await;
    // unknown kid
    let unknown = enc(&json!({ "alg": "HS256", "kid": "who-knows", "typ": "JWT" }));
    assert_refused(
        &app,
        &format!("{unknown}.{p}.{s}"),
        "token key id is unknown",
    )
    .await;
    // bad signature: payload changed after signing
    let mut richer = claims(ACCESS_TYP);
    richer.account_id = "acc-full".into();
    let forged = format!(
        "{h}.{}.{s}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&richer).unwrap())
    );
    assert_refused(&app, &forged, "token signature is invalid").await;
    // expired
    app.clock.advance_ms(3600 * 1000 + 31_000);
    assert_refused(&app, &good, "token has expired").await;
    app.clock.set_ms(T0_MS);
    // not yet valid
    let mut future = claims(ACCESS_TYP);
    future.iat = NOW + 600;
    future.exp = NOW + 4200;
    assert_refused(&app, &mint(&app, &future), "token is not valid yet").await;
    // past the absolute cap
    let mut capped = claims(ACCESS_TYP);
    capped.fixed_exp = NOW - 60;
    capped.exp = NOW - 60;
    assert_refused(
        &app,
        &mint(&app, &capped),
        "token is past its absolute expiry",
    )
    .await;
    // an exp beyond its own cap: never issued so, refused at any time, on
    // every route that takes a sign-on token
    for typ in [ACCESS_TYP, REFRESH_TYP] {
        let mut beyond = claims(typ);
        beyond.fixed_exp = NOW + 600;
        let token = mint(&app, &beyond);
        assert_refused(&app, &token, "token expires after its absolute expiry").await;
        // (the content token, a client API, refuses it 403 99999 as a token
        // it cannot trust, in the words apps read; refresh 401 with the
        // reason)
        let (route, status, result) = if typ == ACCESS_TYP {
            (
                "/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device",
                403,
                "Bearer Token Decoding Failure",
            )
        } else {
            (
                "/ias/v3/token/actions/refresh",
                401,
                "token expires after its absolute expiry",
            )
        };
        let r = app
            .http
            .post(app.url(route))
            .header("nv-tenant-id", "demo")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = json_of(r, status).await;
        assert_eq!(body["result"], result, "{body}");
    }
    // another tenant's claims under this tenant's key
    let mut foreign = claims(ACCESS_TYP);
    foreign.tenant_id = "other".into();
    assert_refused(
        &app,
        &mint(&app, &foreign),
        "token belongs to another tenant",
    )
    .await;
    // another tenant's key entirely
    app.state
        .plane
        .tenancy
        .create_tenant("other", "Other", None)
        .await
        .unwrap();
    app.state.plane.tenancy.ensure_keys("other").await.unwrap();
    let other_key = app
        .state
        .snapshot
        .load()
        .tenant("other")
        .unwrap()
        .access_keys
        .active
        .clone()
        .unwrap();
    let other_token = sign(&other_key, &serde_json::to_vec(&foreign).unwrap());
    assert_refused(&app, &other_token, "token key id is unknown").await;
    // garbage
    assert_refused(&app, "not.a.jwt", "token is malformed").await;
    app.stop().await;
}

async fn bad_requests_get_the_envelope(b: Backend) {
    let app = TestApp::start(b).await;
    let url = app.url("/tvs/v1/token/actions/validate");
    let r = app
        .http
        .post(&url)
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40000:400");
    let r = app
        .http
        .post(&url)
        .header("nv-tenant-id", "demo")
        .header("content-type", "application/json")
        .body("{\"token\":")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40002:400");
    let r = app
        .http
        .post(&url)
        .bearer_auth("x.y.z")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40001:400");
    let r = app
        .http
        .get(app.url("/ias/v3/jwks/ghost"))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["resultCode"], "40401:404");
    app.stop().await;
}

async fn rotation_keeps_old_tokens_valid(b: Backend) {
    let app = TestApp::start(b).await;
    let old_kid = app
        .state
        .snapshot
        .load()
        .tenant("demo")
        .unwrap()
        .access_keys
        .active
        .as_ref()
        .unwrap()
        .kid
        .to_string();
    let mut long = claims(ACCESS_TYP);
    long.exp = NOW + 10 * 86400;
    let before = mint(&app, &long);

    let new_key = app
        .state
        .plane
        .tenancy
        .rotate_key("demo", KeyPurpose::Access, KeyAlg::Es256, 48 * 3600)
        .await
        .unwrap();
    let after = mint(&app, &long);
    let header_kid = |t: &str| -> String {
        let h: Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(t.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert!(h["alg"].is_string());
        h["kid"].as_str().unwrap().to_owned()
    };
    assert_eq!(header_kid(&before), old_kid);
    assert_eq!(
        header_kid(&after),
        new_key.kid,
        "new tokens carry the new kid"
    );
    assert_ne!(new_key.kid, old_kid);
    json_of(validate(&app, &before).await, 200).await;
    json_of(validate(&app, &after).await, 200).await;

    // The retired key verifies for its window (48 h), then no longer.
    app.clock.advance_ms(48 * 3600 * 1000);
    json_of(validate(&app, &before).await, 200).await;
    app.clock.advance_ms(1000);
    assert_refused(&app, &before, "token key is retired").await;
    json_of(validate(&app, &after).await, 200).await;

    // The new ES256 key is published; an independent JWT library verifies with it.
    let jwks = json_of(
        app.http
            .get(app.url("/ias/v3/jwks/demo"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "HMAC keys are never published: {jwks}");
    assert_eq!(keys[0]["kid"], new_key.kid.as_str());
    assert_eq!(keys[0]["kty"], "EC");
    let dk = jsonwebtoken::DecodingKey::from_ec_components(
        keys[0]["x"].as_str().unwrap(),
        keys[0]["y"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    let decoded = jsonwebtoken::decode::<Value>(&after, &dk, &validation).unwrap();
    assert_eq!(decoded.claims["accountId"], "acc-active");
    app.stop().await;
}

/// An operator's RS256 key (PKCS#8 PEM, imported with `playgate keys import`)
/// signs sign-on tokens; an independent library verifies them with the JWKS;
/// an HS256 token keyed with the public key under the RSA kid is refused.
async fn imported_rs256_key(b: Backend) {
    let app = TestApp::start(b).await;
    let pem = std::fs::read(crate::harness::repo_path(
        "tests/fixtures/rs256-test-key.pem",
    ))
    .unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_playgate"))
        .args([
            "keys",
            "import",
            "--tenant",
            "demo",
            "--purpose",
            "access",
            "--alg",
            "rs256",
            "--file",
        ])
        .arg(crate::harness::repo_path(
            "tests/fixtures/rs256-test-key.pem",
        ))
        .env("PLAYGATE_STORAGE__DATABASE_URL", &app.db.url)
        .env("PLAYGATE_STORAGE__DATA_DIR", app.db.dir.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(String::from_utf8_lossy(&status.stdout).contains("(RS256)"));
    // The running node picks the new key up from the change feed (poll).
    let mut token = String::new();
    for _ in 0..100 {
        token = mint(&app, &claims(ACCESS_TYP));
        if token.starts_with("eyJhbGciOiJSUzI1NiI") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256", "{header}");
    json_of(validate(&app, &token).await, 200).await;

    let jwks = json_of(
        app.http
            .get(app.url("/ias/v3/jwks/demo"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .unwrap()
        .clone();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["alg"].as_str()),
        (Some("RSA"), Some("RS256"))
    );
    let dk = jsonwebtoken::DecodingKey::from_rsa_components(
        jwk["n"].as_str().unwrap(),
        jwk["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    let decoded = jsonwebtoken::decode::<Value>(&token, &dk, &validation).unwrap();
    assert_eq!(decoded.claims["accountId"], "acc-active");

    // HS/RS confusion: HMAC keyed with the public key's bytes, under the RSA kid.
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    for secret in [n.as_slice(), pem.as_slice()] {
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        h.kid = Some(jwk["kid"].as_str().unwrap().to_owned());
        let forged = jsonwebtoken::encode(
            &h,
            &claims(ACCESS_TYP),
            &jsonwebtoken::EncodingKey::from_secret(secret),
        )
        .unwrap();
        assert_refused(&app, &forged, "token algorithm does not match its key").await;
    }
    // PKCS#1 PEM and garbage are refused with a clear message, nothing stored.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_playgate"))
        .args([
            "keys",
            "import",
            "--tenant",
            "demo",
            "--purpose",
            "access",
            "--alg",
            "rs256",
            "--file",
        ])
        .arg(&bad)
        .env("PLAYGATE_STORAGE__DATABASE_URL", &app.db.url)
        .env("PLAYGATE_STORAGE__DATA_DIR", app.db.dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pkcs8"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = app
        .state
        .plane
        .tenancy
        .import_key(
            "demo",
            KeyPurpose::Access,
            KeyAlg::Rs256,
            b"not a key",
            3600,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a valid RS256 key"), "{err}");
    app.stop().await;
}

crate::on_both_backends!(
    imported_rs256_key,
    valid_tokens_are_decoded,
    every_attack_is_refused,
    bad_requests_get_the_envelope,
    rotation_keeps_old_tokens_valid
);
