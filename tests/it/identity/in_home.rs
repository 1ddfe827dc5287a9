//! In-home detection over real HTTP (OPF §2.5): the managed STB's encrypted
//! string, and open devices' `updateInHomeStatus` giving `inHome` true only for
//! their own account's current, authentic string.

use playgate::core::keys::{KeyAlg, KeyPurpose};
use serde_json::{json, Value};

use crate::harness::{json_of, tvs_claims as claims, Backend, TestApp};

const GENERATE: &str = "/ias/v3/token/actions/generateUpdateInHomeToken";
const UPDATE: &str = "/ias/v3/token/actions/updateInHomeStatus";

async fn stb_token(app: &TestApp) -> String {
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByCasn"))
        .header("tenantId", "demo")
        .json(&json!({ "casn": "CASN-0001" }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn open_device(app: &TestApp, user: &str, password: &str, client: &str) -> Value {
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "username": user, "password": password, "clientId": client }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

async fn alice_tv(app: &TestApp) -> String {
    open_device(
        app,
        "alice@demo.playgate",
        "alice-demo-pass",
        "dev-alice-tv",
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn generate(app: &TestApp, access: &str) -> reqwest::Response {
    app.http
        .get(app.url(GENERATE))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn update(app: &TestApp, access: &str, body: Option<Value>) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url(UPDATE))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// The key id in an in-home string's clear header.
fn kid_of(s: &str) -> String {
    use base64::Engine as _;
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .unwrap();
    String::from_utf8(raw[2..2 + usize::from(raw[1])].to_vec()).unwrap()
}

async fn in_home_flow(b: Backend) {
    let app = TestApp::start(b).await;
    let stb = stb_token(&app).await;
    let body = json_of(generate(&app, &stb).await, 200).await;
    assert_eq!(body["expires_in"], 3600);
    let string = body["inHomeToken"].as_str().unwrap().to_owned();
    assert!(!string.contains("acc-active"), "the string is encrypted");

    // alice's open device hears it: inHome true, same chain and profile.
    let tv = alice_tv(&app).await;
    let before = claims(&app, &tv).await;
    let r = update(&app, &tv, Some(json!({ "inHomeToken": string }))).await;
    let out = json_of(r, 200).await;
    assert_eq!(out["inHome"], true);
    let after = claims(&app, out["access_token"].as_str().unwrap()).await;
    assert_eq!(after["inHome"], true);
    assert_eq!(after["sid"], before["sid"]);
    assert_eq!(after["userId"], before["userId"]);
    assert_eq!(after["deviceId"], "dev-alice-tv");

    // Another account's device, no string, a tampered or foreign one: false.
    let fay = open_device(&app, "fay@demo.playgate", "fay-demo-pass", "dev-fay-1").await
        ["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tampered = string.clone();
    tampered.replace_range(10..11, if &string[10..11] == "A" { "B" } else { "A" });
    for (token, body) in [
        (&fay, Some(json!({ "inHomeToken": string }))),
        (&tv, None),
        (&tv, Some(json!({}))),
        (&tv, Some(json!({ "inHomeToken": tampered }))),
        (&tv, Some(json!({ "inHomeToken": "not-a-string-we-made" }))),
    ] {
        let out = json_of(update(&app, token, body.clone()).await, 200).await;
        assert_eq!(out["inHome"], false, "{body:?}");
        assert_eq!(
            claims(&app, out["access_token"].as_str().unwrap()).await["inHome"],
            false
        );
    }
    // Open devices cannot make the string; tokens are required.
    let r = generate(&app, &tv).await;
    assert_eq!(json_of(r, 403).await["resultCode"], "40330:403");
    assert_eq!(update(&app, "garbage", None).await.status(), 403);
    let r = app
        .http
        .get(app.url(GENERATE))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Rotation: a string from the old key still works while it verifies; a new
    // string comes from the new key.
    app.state
        .plane
        .tenancy
        .rotate_key("demo", KeyPurpose::Access, KeyAlg::Hs256, 48 * 3600)
        .await
        .unwrap();
    let tv = alice_tv(&app).await;
    let out = json_of(
        update(&app, &tv, Some(json!({ "inHomeToken": string }))).await,
        200,
    )
    .await;
    assert_eq!(out["inHome"], true, "old key still opens");
    let stb = stb_token(&app).await;
    let fresh = json_of(generate(&app, &stb).await, 200).await["inHomeToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(kid_of(&fresh), kid_of(&string), "sealed under the new key");

    // Expired strings say nothing.
    app.clock.advance_ms(3_631_000);
    let tv = alice_tv(&app).await;
    let out = json_of(
        update(&app, &tv, Some(json!({ "inHomeToken": fresh }))).await,
        200,
    )
    .await;
    assert_eq!(out["inHome"], false);
    app.stop().await;
}

crate::on_both_backends!(in_home_flow);
