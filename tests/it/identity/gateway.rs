//! AGS over real HTTP: discovery, sign-on through an auth service (201 and the
//! 300 multiple-accounts answer), subsequent sign-on, refresh, sign-out, session
//! tokens vouched for by an operator's HS256 OperatorAuthToken (signed here with
//! jsonwebtoken, an independent signer), TVKey registration and
//! `signOnByTVKeyActivation`, and the operator API behind them.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, tvs_claims as claims_of, Backend, TestApp, T0_MS};

pub(crate) const SERVICE: &str = "demo-sso";
pub(crate) const SECRET: &str = "demo-ags-shared-secret-0123456789abcdef";
const NOW_S: i64 = T0_MS / 1000;

pub(crate) fn device_info(model: &str) -> Value {
    json!({ "deviceType": "OPEN", "playoutDeviceClass": "Mobile",
            "device": { "hardware": { "manufacturer": "Acme", "model": model } } })
}

pub(crate) fn params(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(n, v)| json!({ "name": n, "value": v }))
            .collect(),
    )
}

pub(crate) fn ags(app: &TestApp, path: &str) -> reqwest::RequestBuilder {
    app.http
        .post(app.url(path))
        .header("nv-tenant-id", "demo")
        .header("x-auth-service-id", SERVICE)
}

pub(crate) async fn sign_on(
    app: &TestApp,
    login: &str,
    password: &str,
    device: Value,
) -> reqwest::Response {
    let mut body = json!({ "parameters": params(&[("username", login), ("password", password)]) });
    body.as_object_mut()
        .unwrap()
        .extend(device.as_object().unwrap().clone());
    ags(app, "/ags/signOn").json(&body).send().await.unwrap()
}

async fn tvs_status(app: &TestApp, token: &str) -> u16 {
    app.http
        .post(app.url("/tvs/v1/token/actions/validate"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn result_code(body: &Value) -> &str {
    body["resultCode"].as_str().unwrap_or_default()
}

async fn discovery_lists_configured_services(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .http
        .get(app.url("/ags/servicediscovery"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    let body = json_of(r, 200).await;
    let services = body["availableServices"].as_array().unwrap();
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(s["authServiceName"], SERVICE);
    assert_eq!(s["displayAttributes"]["name"], "Demo operator login");
    let endpoint = |name: &str| {
        s["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing from {s}"))
            .clone()
    };
    let signon = endpoint("SIGNON");
    assert_eq!(signon["path"], "/signOn");
    assert_eq!(
        signon["parameterProperties"],
        json!([{ "name": "username", "mandatory": true, "isPassword": false },
               { "name": "password", "mandatory": true, "isPassword": true }])
    );
    assert_eq!(endpoint("REGISTER")["path"], "/register/tvkey");
    assert_eq!(
        endpoint("GET_SESSION_TOKEN")["parameterProperties"][0]["name"],
        "OperatorAuthToken"
    );
    for name in [
        "SUBSEQUENT_SIGNON",
        "REFRESH",
        "SIGNOUT",
        "SIGNON_WITH_SESSION_TOKEN",
        "SUBSEQUENT_REGISTER",
    ] {
        endpoint(name);
    }

    // A service without a session secret or registration types offers neither.
    let r = app
        .operator(Method::PUT, "/ags/operator/authServices/plain-sso")
        .json(&json!({ "displayName": "Plain" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["sessionTokens"], false);
    let body = json_of(
        app.http
            .get(app.url("/ags/servicediscovery"))
            .header("nv-tenant-id", "demo")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let plain = body["availableServices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["authServiceName"] == "plain-sso")
        .unwrap()
        .clone();
    let names: Vec<&str> = plain["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SIGNON", "SUBSEQUENT_SIGNON", "REFRESH", "SIGNOUT"]);

    // Disabled services disappear; none left is 404.
    for name in ["plain-sso", SERVICE] {
        let r = app
            .operator(Method::PUT, &format!("/ags/operator/authServices/{name}"))
            .json(&json!({ "displayName": "Off", "enabled": false }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = app
        .http
        .get(app.url("/ags/servicediscovery"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    let body = json_of(r, 404).await;
    assert_eq!(result_code(&body), "40402:404");
    // And a disabled service signs no one on.
    let r = sign_on(
        &app,
        "alice@sso.demo",
        "alice-sso-pass",
        json!({ "deviceInformation": device_info("P") }),
    )
    .await;
    assert_eq!(r.status(), 404);
    app.stop().await;
}

async fn sign_on_with_one_account(b: Backend) {
    let app = TestApp::start(b).await;
    let r = sign_on(
        &app,
        "alice@sso.demo",
        "alice-sso-pass",
        json!({ "deviceInformation": device_info("Phone") }),
    )
    .await;
    let body = json_of(r, 201).await;
    assert_eq!(body["accountId"], "acc-active");
    assert_eq!(body["token_type"], "bearer");
    let device = body["client_id"].as_str().unwrap().to_owned();
    let claims = claims_of(&app, body["access_token"].as_str().unwrap()).await;
    assert_eq!(claims["typ"], "DevAuthN");
    assert_eq!(claims["deviceId"], device.as_str());
    // Auto-approval belongs to the first IAS password sign-on only (§2.6).
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT approved FROM devices WHERE tenant_id='demo' AND id='{device}'")
        )
        .await,
        0
    );
    // Nth time: the same device by clientId.
    let r = sign_on(
        &app,
        "alice@sso.demo",
        "alice-sso-pass",
        json!({ "clientId": device }),
    )
    .await;
    assert_eq!(json_of(r, 201).await["client_id"], device.as_str());
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND account_id='acc-active'"
        )
        .await,
        3
    );

    // Refusals.
    let r = app
        .http
        .post(app.url("/ags/signOn"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "parameters": params(&[("username", "alice@sso.demo"), ("password", "alice-sso-pass")]), "clientId": device }))
        .send()
        .await
        .unwrap();
    let body = json_of(r, 400).await;
    assert!(
        body["result"]
            .as_str()
            .unwrap()
            .contains("x-auth-service-id"),
        "{body}"
    );
    let r = app
        .http
        .post(app.url("/ags/signOn"))
        .header("nv-tenant-id", "demo")
        .header("x-auth-service-id", "no-such-sso")
        .json(&json!({ "parameters": params(&[("username", "alice@sso.demo"), ("password", "alice-sso-pass")]), "clientId": device }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = ags(&app, "/ags/signOn")
        .json(
            &json!({ "parameters": params(&[("username", "alice@sso.demo")]), "clientId": device }),
        )
        .send()
        .await
        .unwrap();
    assert!(json_of(r, 400).await["result"]
        .as_str()
        .unwrap()
        .contains("password"));
    let r = ags(&app, "/ags/signOn")
        .json(&json!({ "parameters": params(&[("username", "a"), ("username", "b"), ("password", "p")]), "clientId": device }))
        .send()
        .await
        .unwrap();
    assert!(json_of(r, 400).await["result"]
        .as_str()
        .unwrap()
        .contains("twice"));
    let r = ags(&app, "/ags/signOn")
        .json(&json!({ "parameters": params(&[("username", "alice@sso.demo"), ("password", "alice-sso-pass")]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "neither deviceInformation nor clientId");
    let r = ags(&app, "/ags/signOn")
        .json(&json!({ "parameters": "username=alice" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Unknown login and wrong password: the same 401.
    let unknown = sign_on(
        &app,
        "nobody@sso.demo",
        "whatever-pass",
        json!({ "clientId": device }),
    )
    .await;
    let unknown = json_of(unknown, 401).await;
    let wrong = sign_on(
        &app,
        "alice@sso.demo",
        "wrong-pass",
        json!({ "clientId": device }),
    )
    .await;
    let wrong = json_of(wrong, 401).await;
    assert_eq!(unknown["result"], wrong["result"]);
    // The identity's password is not the account's: the IAS password does not work here.
    let r = sign_on(
        &app,
        "alice@demo.playgate",
        "alice-demo-pass",
        json!({ "clientId": device }),
    )
    .await;
    assert_eq!(r.status(), 401);
    app.stop().await;
}

async fn identity_lockout(b: Backend) {
    let app = TestApp::start(b).await;
    let device = json!({ "deviceInformation": device_info("P") });
    for _ in 0..5 {
        let r = sign_on(&app, "alice@sso.demo", "wrong-pass", device.clone()).await;
        assert_eq!(r.status(), 401);
    }
    let r = sign_on(&app, "alice@sso.demo", "alice-sso-pass", device.clone()).await;
    assert_eq!(r.status(), 429, "locked even with the right password");
    assert_eq!(r.headers()["retry-after"], "300");
    // The identity's lock is its own: the account's IAS sign-on still works.
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "deviceInformation": device_info("Q") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.clock.advance_ms(301_000);
    let r = sign_on(&app, "alice@sso.demo", "alice-sso-pass", device).await;
    assert_eq!(r.status(), 201);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM secret_failures WHERE kind = 'identity' AND name = 'alice@sso.demo'"
        )
        .await,
        0
    );
    app.stop().await;
}

async fn multiple_accounts_then_subsequent_sign_on(b: Backend) {
    let app = TestApp::start(b).await;
    let r = sign_on(
        &app,
        "family@sso.demo",
        "family-sso-pass",
        json!({ "deviceInformation": device_info("P") }),
    )
    .await;
    let body = json_of(r, 300).await;
    let ids: Vec<&str> = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accountInformation"]["accountId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acc-active", "acc-full"]);
    assert_eq!(
        body["accounts"][1]["accountInformation"]["status"],
        "ACTIVE"
    );
    assert!(body.get("access_token").is_none());
    let user_token = body["userAccountToken"].as_str().unwrap().to_owned();
    // The userAccountToken is no sign-on token.
    assert_eq!(tvs_status(&app, &user_token).await, 403);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND account_id IN ('acc-active','acc-full')").await,
        4,
        "no device is created before an account is chosen"
    );

    let subsequent = |token: String, account: &'static str, device: Value| {
        let mut body = json!({ "parameters": params(&[("accountId", account)]) });
        body.as_object_mut()
            .unwrap()
            .extend(device.as_object().unwrap().clone());
        ags(&app, "/ags/subsequentSignOn")
            .header("User-Token", token)
            .json(&body)
            .send()
    };
    let new_device = json!({ "deviceInformation": device_info("P") });
    // An account the token did not offer.
    let r = subsequent(user_token.clone(), "acc-suspended", new_device.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // acc-full is at its device limit: refused, and the token is not used up.
    let r = subsequent(user_token.clone(), "acc-full", new_device.clone())
        .await
        .unwrap();
    assert_eq!(result_code(&json_of(r, 403).await), "20007:403");
    // Tampered token.
    let mut forged = user_token.clone();
    forged.pop();
    forged.push(if user_token.ends_with('A') { 'B' } else { 'A' });
    let r = subsequent(forged, "acc-active", new_device.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A register-flow endpoint will not take a sign-on token.
    let r = ags(&app, "/ags/subsequentRegister")
        .header("User-Token", &user_token)
        .json(&json!({ "parameters": params(&[("accountId", "acc-active")]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Missing User-Token.
    let r = ags(&app, "/ags/subsequentSignOn")
        .json(&json!({ "parameters": params(&[("accountId", "acc-active")]), "deviceInformation": device_info("P") }))
        .send()
        .await
        .unwrap();
    assert!(json_of(r, 400).await["result"]
        .as_str()
        .unwrap()
        .contains("User-Token"));
    // Another auth service cannot finish this one's sign-on.
    app.operator(Method::PUT, "/ags/operator/authServices/other-sso")
        .json(&json!({ "displayName": "Other" }))
        .send()
        .await
        .unwrap();
    let r = app
        .http
        .post(app.url("/ags/subsequentSignOn"))
        .header("nv-tenant-id", "demo")
        .header("x-auth-service-id", "other-sso")
        .header("User-Token", &user_token)
        .json(&json!({ "parameters": params(&[("accountId", "acc-active")]), "deviceInformation": device_info("P") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let r = subsequent(user_token.clone(), "acc-active", new_device.clone())
        .await
        .unwrap();
    let body = json_of(r, 201).await;
    assert_eq!(body["accountId"], "acc-active");
    assert_eq!(
        claims_of(&app, body["access_token"].as_str().unwrap()).await["accountId"],
        "acc-active"
    );
    // Single use.
    let r = subsequent(user_token.clone(), "acc-active", new_device.clone())
        .await
        .unwrap();
    let body = json_of(r, 401).await;
    assert!(
        body["result"]
            .as_str()
            .unwrap()
            .contains("already been used"),
        "{body}"
    );

    // Expiry (300 s by default).
    let r = sign_on(
        &app,
        "family@sso.demo",
        "family-sso-pass",
        json!({ "deviceInformation": device_info("P") }),
    )
    .await;
    let late = json_of(r, 300).await["userAccountToken"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance_ms(331_000);
    let r = subsequent(late, "acc-active", new_device).await.unwrap();
    assert!(json_of(r, 401).await["result"]
        .as_str()
        .unwrap()
        .contains("expired"));
    app.stop().await;
}

async fn refresh_and_sign_out(b: Backend) {
    let app = TestApp::start(b).await;
    let r = sign_on(
        &app,
        "alice@sso.demo",
        "alice-sso-pass",
        json!({ "deviceInformation": device_info("P") }),
    )
    .await;
    let first = json_of(r, 201).await;
    let refresh = first["refresh_token"].as_str().unwrap();
    let access = first["access_token"].as_str().unwrap();
    // AGS sends the token bare in Authorization.
    let r = ags(&app, "/ags/refresh")
        .header("Authorization", refresh)
        .json(&json!({ "parameters": [] }))
        .send()
        .await
        .unwrap();
    let second = json_of(r, 200).await;
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["client_id"], first["client_id"]);
    // The access token is no refresh token; a spent refresh token is refused.
    let r = ags(&app, "/ags/refresh")
        .header("Authorization", access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = ags(&app, "/ags/refresh")
        .header("Authorization", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = ags(&app, "/ags/refresh").send().await.unwrap();
    assert_eq!(r.status(), 401, "no Authorization");
    let r = app
        .http
        .post(app.url("/ags/refresh"))
        .header("nv-tenant-id", "demo")
        .header("Authorization", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no x-auth-service-id");

    // Reuse of a spent refresh token ended the chain: sign on again.
    let r = sign_on(
        &app,
        "alice@sso.demo",
        "alice-sso-pass",
        json!({ "clientId": first["client_id"] }),
    )
    .await;
    let third = json_of(r, 201).await;
    let access = third["access_token"].as_str().unwrap();
    let refresh = third["refresh_token"].as_str().unwrap();
    assert_eq!(tvs_status(&app, access).await, 200);
    let r = ags(&app, "/ags/signOut")
        .header("Authorization", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a refresh token cannot sign out");
    let r = ags(&app, "/ags/signOut")
        .header("Authorization", format!("Bearer {access}"))
        .json(&json!({ "parameters": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(tvs_status(&app, access).await, 403);
    let r = ags(&app, "/ags/refresh")
        .header("Authorization", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "signed out: the refresh token is dead too");
    app.stop().await;
}

/// An OperatorAuthToken as a head-end signs it, with jsonwebtoken.
pub(crate) fn operator_token(claims: Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

pub(crate) fn operator_claims(account: &str) -> Value {
    json!({ "typ": "GetSessionTokenAuthN", "OpfAccountId": account, "OpfTenantId": "demo",
            "exp": NOW_S + 60, "aud": "ags" })
}

pub(crate) async fn get_session_token(app: &TestApp, token: &str) -> reqwest::Response {
    ags(app, "/ags/getSessionToken")
        .json(&json!({ "parameters": params(&[("OperatorAuthToken", token)]) }))
        .send()
        .await
        .unwrap()
}

async fn session_token_sign_on(b: Backend) {
    let app = TestApp::start(b).await;
    let r = get_session_token(&app, &operator_token(operator_claims("acc-active"), SECRET)).await;
    let session = json_of(r, 200).await["sessionToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        tvs_status(&app, &session).await,
        403,
        "a session token is no sign-on token"
    );

    let with_session = |token: String| {
        ags(&app, "/ags/signOnWithSessionToken")
            .json(&json!({ "parameters": params(&[("sessionToken", &token)]), "deviceInformation": device_info("Phone") }))
            .send()
    };
    let r = with_session(session.clone()).await.unwrap();
    let body = json_of(r, 201).await;
    assert_eq!(body["accountId"], "acc-active");
    assert_eq!(
        tvs_status(&app, body["access_token"].as_str().unwrap()).await,
        200
    );
    let r = with_session(session.clone()).await.unwrap();
    assert_eq!(r.status(), 401, "single use");

    // One refusal per rule of the OperatorAuthToken.
    let mut cases: Vec<(&str, String)> = vec![
        (
            "wrong secret",
            operator_token(
                operator_claims("acc-active"),
                "another-secret-of-32-bytes-or-more!!",
            ),
        ),
        ("alg none", {
            let header = base64url(br#"{"alg":"none","typ":"JWT"}"#);
            let payload = base64url(operator_claims("acc-active").to_string().as_bytes());
            format!("{header}.{payload}.")
        }),
        (
            "HS512",
            jsonwebtoken::encode(
                &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
                &operator_claims("acc-active"),
                &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
            )
            .unwrap(),
        ),
        (
            "unknown account",
            operator_token(operator_claims("acc-nobody"), SECRET),
        ),
    ];
    for (what, patch) in [
        ("expired", json!({ "exp": NOW_S - 31 })),
        ("wrong audience", json!({ "aud": "ias" })),
        ("wrong tenant", json!({ "OpfTenantId": "other" })),
        ("wrong typ", json!({ "typ": "DevAuthN" })),
    ] {
        let mut c = operator_claims("acc-active");
        c.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        cases.push((what, operator_token(c, SECRET)));
    }
    for (what, token) in cases {
        let r = get_session_token(&app, &token).await;
        assert_eq!(r.status(), 401, "{what}");
    }
    let r = get_session_token(
        &app,
        &operator_token(operator_claims("acc-suspended"), SECRET),
    )
    .await;
    assert_eq!(result_code(&json_of(r, 403).await), "20002:403");
    let r = ags(&app, "/ags/getSessionToken")
        .json(&json!({ "parameters": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // A session token is bound to its auth service; services without a secret offer none.
    app.operator(Method::PUT, "/ags/operator/authServices/other-sso")
        .json(&json!({ "displayName": "Other" }))
        .send()
        .await
        .unwrap();
    let r = get_session_token(&app, &operator_token(operator_claims("acc-active"), SECRET)).await;
    let session = json_of(r, 200).await["sessionToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = |path: &str| {
        app.http
            .post(app.url(path))
            .header("nv-tenant-id", "demo")
            .header("x-auth-service-id", "other-sso")
    };
    let r = other("/ags/signOnWithSessionToken")
        .json(&json!({ "parameters": params(&[("sessionToken", &session)]), "deviceInformation": device_info("P") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = other("/ags/getSessionToken")
        .json(&json!({ "parameters": params(&[("OperatorAuthToken", &operator_token(operator_claims("acc-active"), SECRET))]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Expired session token.
    app.clock.advance_ms(331_000);
    let r = with_session(session).await.unwrap();
    assert_eq!(r.status(), 401);
    app.stop().await;
}

fn base64url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn tvkey_registration_and_activation(b: Backend) {
    let app = TestApp::start(b).await;
    let register = |login: &'static str, password: &'static str, tvkey: &'static str| {
        ags(&app, "/ags/register/tvkey")
            .json(&json!({ "parameters": params(&[("username", login), ("password", password), ("tvKeyId", tvkey)]) }))
            .send()
    };
    let r = register("alice@sso.demo", "alice-sso-pass", "TVK-9")
        .await
        .unwrap();
    let body = json_of(r, 201).await;
    assert_eq!(body["accountId"], "acc-active");
    let device = body["client_id"].as_str().unwrap().to_owned();
    assert_eq!(
        scalar(&app, &format!("SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND id='{device}' AND tvkey_id='TVK-9' AND device_type='MANAGED'")).await,
        1
    );
    // The registered TVKey device signs on by activation (header tenantId).
    let activate = |tvkey: &'static str, info: Value| {
        app.http
            .post(app.url("/ias/v3/token/actions/signOnByTVKeyActivation"))
            .header("tenantId", "demo")
            .json(&json!({ "tvKeyId": tvkey, "deviceInformation": info }))
            .send()
    };
    let r = activate(
        "TVK-9",
        json!({ "device": { "hardware": { "model": "TV-55" } } }),
    )
    .await
    .unwrap();
    let body = json_of(r, 200).await;
    assert_eq!(body["client_id"], device.as_str());
    assert_eq!(
        scalar(&app, &format!("SELECT COUNT(*) FROM devices WHERE id='{device}' AND device_information LIKE '%TV-55%'")).await,
        1
    );
    let r = activate("TVK-unknown", json!({})).await.unwrap();
    assert_eq!(r.status(), 401);
    let r = activate("TVK-9", json!("not an object")).await.unwrap();
    assert_eq!(r.status(), 400);

    // Registering again to the same account is allowed (same device).
    let r = register("alice@sso.demo", "alice-sso-pass", "TVK-9")
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["client_id"], device.as_str());
    // Through an identity with two accounts: 300, then subsequentRegister.
    let r = register("family@sso.demo", "family-sso-pass", "TVK-9")
        .await
        .unwrap();
    let token = json_of(r, 300).await["userAccountToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let subsequent = |account: &'static str| {
        ags(&app, "/ags/subsequentRegister")
            .header("User-Token", &token)
            .json(&json!({ "parameters": params(&[("accountId", account)]) }))
            .send()
    };
    // The device belongs to acc-active: registering it to acc-full is a conflict.
    let r = subsequent("acc-full").await.unwrap();
    assert_eq!(r.status(), 409);
    let r = subsequent("acc-active").await.unwrap();
    assert_eq!(json_of(r, 201).await["client_id"], device.as_str());
    let r = subsequent("acc-active").await.unwrap();
    assert_eq!(r.status(), 401, "single use");
    // A register token cannot finish a sign-on.
    let r = register("family@sso.demo", "family-sso-pass", "TVK-10")
        .await
        .unwrap();
    let token = json_of(r, 300).await["userAccountToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = ags(&app, "/ags/subsequentSignOn")
        .header("User-Token", &token)
        .json(&json!({ "parameters": params(&[("accountId", "acc-active")]), "deviceInformation": device_info("P") }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Unknown type, missing device key, bad credentials.
    let r = ags(&app, "/ags/register/smartcard")
        .json(&json!({ "parameters": params(&[("username", "alice@sso.demo"), ("password", "alice-sso-pass"), ("tvKeyId", "X")]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = ags(&app, "/ags/register/tvkey")
        .json(&json!({ "parameters": params(&[("username", "alice@sso.demo"), ("password", "alice-sso-pass")]) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = register("alice@sso.demo", "wrong-pass", "TVK-11")
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE tvkey_id IN ('TVK-10','TVK-11')"
        )
        .await,
        0
    );
    app.stop().await;
}

async fn operator_api(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .http
        .put(app.url("/ags/operator/authServices/x-sso"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "displayName": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "operator key required");
    for (body, why) in [
        (
            json!({ "displayName": "X", "sessionTokenSecret": "short" }),
            "short secret",
        ),
        (
            json!({ "displayName": "X", "registrationTypes": ["smartcard"] }),
            "unknown type",
        ),
        (json!({ "displayName": "" }), "empty name"),
        (
            json!({ "displayName": "X", "surprise": 1 }),
            "unknown field",
        ),
    ] {
        let r = app
            .operator(Method::PUT, "/ags/operator/authServices/x-sso")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{why}");
    }
    let r = app
        .operator(Method::PUT, "/ags/operator/authServices/x-sso")
        .json(&json!({ "displayName": "X", "registrationTypes": ["tvkey"],
                        "sessionTokenSecret": "x-secret-that-is-long-enough-0123456789" }))
        .send()
        .await
        .unwrap();
    let body = json_of(r, 201).await;
    assert_eq!(body["sessionTokens"], true);
    assert!(
        body.get("sessionTokenSecret").is_none(),
        "the secret is never returned"
    );

    let identity = |login: &str, body: Value| {
        app.operator(
            Method::PUT,
            &format!("/ags/operator/authServices/x-sso/identities/{login}"),
        )
        .json(&body)
        .send()
    };
    let r = identity(
        "bob",
        json!({ "password": "bob-password", "accountIds": ["acc-nobody"] }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 404);
    let r = identity(
        "bob",
        json!({ "password": "short", "accountIds": ["acc-active"] }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    let r = app
        .operator(
            Method::PUT,
            "/ags/operator/authServices/no-such/identities/bob",
        )
        .json(&json!({ "password": "bob-password", "accountIds": ["acc-active"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM sso_identities WHERE login='bob'"
        )
        .await,
        0
    );
    let r = identity(
        "bob",
        json!({ "password": "bob-password", "accountIds": ["acc-full", "acc-active", "acc-full"] }),
    )
    .await
    .unwrap();
    assert_eq!(
        json_of(r, 201).await["accountIds"],
        json!(["acc-active", "acc-full"])
    );
    let r = identity(
        "bob",
        json!({ "password": "bob-password-2", "accountIds": ["acc-active"] }),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    // Replaced: one account now, so a plain 201 sign-on with the new password.
    let r = app
        .http
        .post(app.url("/ags/signOn"))
        .header("nv-tenant-id", "demo")
        .header("x-auth-service-id", "x-sso")
        .json(
            &json!({ "parameters": params(&[("username", "bob"), ("password", "bob-password-2")]),
                        "deviceInformation": device_info("P") }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["accountId"], "acc-active");
    app.stop().await;
}

crate::on_both_backends!(
    discovery_lists_configured_services,
    sign_on_with_one_account,
    identity_lockout,
    multiple_accounts_then_subsequent_sign_on,
    refresh_and_sign_out,
    session_token_sign_on,
    tvkey_registration_and_activation,
    operator_api,
);
