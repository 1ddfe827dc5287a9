//! DSRA device-code flow end to end over real HTTP.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};

pub(crate) async fn new_code(app: &TestApp) -> (String, String) {
    let r = app
        .http
        .get(app.url("/dsra/v1/user/deviceRegistrationCode"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    let body = json_of(r, 200).await;
    assert_eq!(body["expiresAfterMillis"], 600_000);
    assert_eq!(body["pollingPeriodSeconds"], 5);
    let code = body["deviceRegistrationCode"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    (code, body["dsraToken"].as_str().unwrap().to_owned())
}

pub(crate) async fn poll(app: &TestApp, dsra: &str, body: Option<Value>) -> reqwest::Response {
    let mut req = app
        .http
        .put(app.url("/dsra/v1/user/signOnActivationToken"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(dsra);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

pub(crate) async fn companion_token(app: &TestApp) -> String {
    let r = app.http.post(app.url("/ias/v3/token/actions/signOnByUserNamePassword")).header("nv-tenant-id", "demo")
        .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
        .send().await.unwrap();
    json_of(r, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) async fn approve(app: &TestApp, access: &str, code: &str) -> reqwest::Response {
    app.http
        .put(app.url("/dsra/v1/user/deviceRegistrationCode/actions/approve"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .json(&json!({ "deviceRegistrationCode": code }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn activate(app: &TestApp, token: &str) -> reqwest::Response {
    app.http
        .post(app.url("/ias/v3/token/actions/signOnBySignOnActivationToken"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn companion_approval_end_to_end(b: Backend) {
    let app = TestApp::start(b).await;
    let (code, dsra) = new_code(&app).await;
    assert_eq!(
        poll(&app, &dsra, None).await.status(),
        204,
        "not approved yet"
    );
    let access = companion_token(&app).await;
    assert_eq!(
        approve(&app, &access, &code.to_lowercase()).await.status(),
        202,
        "codes are case-insensitive"
    );
    assert_eq!(
        json_of(approve(&app, &access, &code).await, 403).await["resultCode"],
        "40311:403"
    );

    let r = poll(&app, &dsra, Some(json!({ "deviceInformation": { "deviceType": "OPEN", "playoutDeviceClass": "SmartTV" } }))).await;
    let activation = json_of(r, 202).await;
    let client_id = activation["clientId"].as_str().unwrap().to_owned();
    let token = activation["signOnActivationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        json_of(poll(&app, &dsra, None).await, 403).await["resultCode"],
        "40312:403",
        "one activation per code"
    );

    let signed = json_of(activate(&app, &token).await, 201).await;
    assert_eq!(signed["client_id"], client_id.as_str());
    assert_eq!(signed["accountId"], "acc-active");
    let claims = json_of(
        app.http
            .post(app.url("/tvs/v1/token/actions/validate"))
            .header("nv-tenant-id", "demo")
            .bearer_auth(signed["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(claims["deviceId"], client_id.as_str());
    assert_eq!(
        json_of(activate(&app, &token).await, 403).await["resultCode"],
        "40312:403",
        "single use"
    );
    app.stop().await;
}

async fn operator_approval_and_limits(b: Backend) {
    let app = TestApp::start(b).await;
    let (code, dsra) = new_code(&app).await;
    let r = app
        .operator(
            Method::PUT,
            "/dsra/v1/operator/deviceRegistrationCode/actions/approve",
        )
        .json(&json!({ "deviceRegistrationCode": code, "accountId": "acc-full" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    // fay's account is at its device limit: a new device is refused...
    let r = poll(&app, &dsra, Some(json!({ "deviceInformation": {} }))).await;
    assert_eq!(json_of(r, 403).await["resultCode"], "20007:403");
    // ...but one of its existing devices can register.
    let r = poll(&app, &dsra, Some(json!({ "clientId": "dev-fay-1" }))).await;
    assert_eq!(json_of(r, 202).await["clientId"], "dev-fay-1");
    // Approving for a suspended account is refused.
    let (code2, _) = new_code(&app).await;
    let r = app
        .operator(
            Method::PUT,
            "/dsra/v1/operator/deviceRegistrationCode/actions/approve",
        )
        .json(&json!({ "deviceRegistrationCode": code2, "accountId": "acc-suspended" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 403).await["resultCode"], "20002:403");
    app.stop().await;
}

async fn expiry_and_bad_input(b: Backend) {
    let app = TestApp::start(b).await;
    let access = companion_token(&app).await;
    let (code, dsra) = new_code(&app).await;
    assert_eq!(
        json_of(approve(&app, &access, "NOSUCHCD").await, 404).await["resultCode"],
        "40402:404"
    );
    assert_eq!(
        json_of(poll(&app, "not-a-dsra-token", None).await, 401).await["resultCode"],
        "40101:401"
    );
    let r = app
        .http
        .put(app.url("/dsra/v1/user/signOnActivationToken"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["resultCode"], "40100:401");
    assert_eq!(
        json_of(approve(&app, "x.y.z", &code).await, 403).await["resultCode"],
        "99999:403"
    );
    approve(&app, &access, &code).await;
    let r = poll(
        &app,
        &dsra,
        Some(json!({ "clientId": "dev-alice-tv", "deviceInformation": {} })),
    )
    .await;
    assert_eq!(
        json_of(r, 400).await["resultCode"],
        "40000:400",
        "exactly one device description"
    );
    // Activation tokens expire (300 s), codes too (600 s).
    let r = poll(&app, &dsra, Some(json!({ "clientId": "dev-alice-tv" }))).await;
    let token = json_of(r, 202).await["signOnActivationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance_ms(301_000);
    assert_eq!(
        json_of(activate(&app, &token).await, 403).await["resultCode"],
        "40312:403"
    );
    let (late_code, late_dsra) = new_code(&app).await;
    app.clock.advance_ms(601_000);
    let access = companion_token(&app).await;
    assert_eq!(
        json_of(approve(&app, &access, &late_code).await, 403).await["resultCode"],
        "40310:403"
    );
    assert_eq!(
        json_of(poll(&app, &late_dsra, None).await, 403).await["resultCode"],
        "40310:403"
    );
    assert_eq!(
        json_of(activate(&app, "never-issued").await, 401).await["resultCode"],
        "40101:401"
    );
    app.stop().await;
}

crate::on_both_backends!(
    companion_approval_end_to_end,
    operator_approval_and_limits,
    expiry_and_bad_input
);
