//! Rocket authorization over real HTTP: tokens per scope, refresh, sign-out, and
//! the refusals.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};

fn payload(token: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

async fn authorize(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/authorization"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn tokens_per_scope_and_refresh(b: Backend) {
    let app = TestApp::start(b).await;
    let r = authorize(&app, json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog", "Commerce"] })).await;
    let tokens = json_of(r, 200).await;
    let tokens = tokens.as_array().unwrap();
    let kinds: Vec<(String, String)> = tokens
        .iter()
        .map(|t| {
            let p = payload(t["value"].as_str().unwrap());
            (
                t["type"].as_str().unwrap().to_owned(),
                p["scope"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("UserAccount".into(), "Catalog".into()),
            ("UserProfile".into(), "Catalog".into()),
            ("UserAccount".into(), "Commerce".into())
        ],
        "an Account token per scope, a Profile token where the scope exists at profile level"
    );
    for t in tokens {
        assert_eq!(t["expirationDate"], "2026-11-22T01:00:00Z");
        assert_eq!(t["refreshable"], true);
        assert_eq!(
            t.as_object().unwrap().len(),
            4,
            "exactly AccessToken's fields: {t}"
        );
    }
    assert_eq!(
        payload(tokens[1]["value"].as_str().unwrap())["profileId"],
        "acc-active-main"
    );

    app.clock.advance_ms(1_800_000);
    let r = app
        .http
        .post(app.url("/api/authorization/refresh"))
        .json(&json!({ "token": tokens[0]["value"] }))
        .send()
        .await
        .unwrap();
    let renewed = json_of(r, 200).await;
    assert_eq!(renewed["type"], "UserAccount");
    assert_eq!(renewed["expirationDate"], "2026-11-22T01:30:00Z");
    assert_eq!(
        payload(renewed["value"].as_str().unwrap())["scope"],
        "Catalog"
    );

    // An OPF sign-on token is not a Rocket token.
    let opf = app.http.post(app.url("/ias/v3/token/actions/signOnByUserNamePassword")).header("nv-tenant-id", "demo")
        .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
        .send().await.unwrap();
    let opf_access = json_of(opf, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .http
        .post(app.url("/api/authorization/refresh"))
        .json(&json!({ "token": opf_access }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["code"], 40101);
    let r = app
        .http
        .post(app.url("/api/authorization/refresh"))
        .json(&json!({ "token": "x.y.z" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["code"], 40101);
    // Tokens expire (past the 30 s clock-skew leeway).
    app.clock.advance_ms(3_631_000);
    let r = app
        .http
        .post(app.url("/api/authorization/refresh"))
        .json(&json!({ "token": renewed["value"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["message"], "token has expired");
    app.stop().await;
}

async fn refusals_and_bad_input(b: Backend) {
    let app = TestApp::start(b).await;
    let r = authorize(&app, json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog", "Playback"] })).await;
    assert_eq!(json_of(r, 403).await["code"], 40320);
    let r = authorize(
        &app,
        json!({ "email": "alice@demo.playgate", "password": "wrong", "scopes": ["Catalog"] }),
    )
    .await;
    assert_eq!(json_of(r, 401).await["code"], 40101);
    let r = authorize(
        &app,
        json!({ "email": "sam@demo.playgate", "password": "sam-demo-pass", "scopes": ["Catalog"] }),
    )
    .await;
    assert_eq!(json_of(r, 403).await["code"], 20002);
    let r = authorize(
        &app,
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": [] }),
    )
    .await;
    assert_eq!(json_of(r, 200).await, json!([]), "no scopes, no tokens");
    for bad in [
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass" }),
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Admin"] }),
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"], "cookieType": "Forever" }),
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"], "pin": "1234" }),
    ] {
        assert_eq!(
            json_of(authorize(&app, bad.clone()).await, 400).await["code"],
            40002,
            "{bad}"
        );
    }
    let r = app
        .http
        .post(app.url("/api/authorization"))
        .body("email=a")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 415).await["code"], 41500);
    let r = app
        .http
        .delete(app.url("/api/authorization"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("rocket_cf=;") && cookie.contains("Max-Age=0"),
        "{cookie}"
    );
    app.stop().await;
}

crate::on_both_backends!(tokens_per_scope_and_refresh, refusals_and_bad_input);
