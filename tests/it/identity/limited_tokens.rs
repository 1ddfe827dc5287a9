//! Self-service tokens (v3 body, v2 query) and guest tokens over real HTTP:
//! issue, what TVS says of them, and that neither passes for a device's access
//! token.

use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};

async fn tvs(app: &TestApp, token: &str) -> reqwest::Response {
    app.http
        .post(app.url("/tvs/v1/token/actions/validate"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn v3(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.url("/ias/v3/token/actions/selfServiceToken"))
        .header("nv-tenant-id", "demo")
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn self_service_tokens(b: Backend) {
    let app = TestApp::start(b).await;
    let r = v3(
        &app,
        json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass" }),
    )
    .await;
    let body = json_of(r, 200).await;
    assert_eq!(body["expires_in"], 900);
    assert_eq!(body["accountId"], "acc-active");
    let token = body["access_token"].as_str().unwrap().to_owned();
    let claims = json_of(tvs(&app, &token).await, 200).await;
    assert_eq!(claims["typ"], "SelfServiceAuthN");
    assert_eq!(claims["accountId"], "acc-active");
    assert!(claims.get("deviceId").is_none(), "no device: {claims}");
    // Not a device's access token.
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOut"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 403).await["resultCode"], "99999:403");
    // Expires after 900 s.
    app.clock.advance_ms(931_000);
    let body = json_of(tvs(&app, &token).await, 403).await;
    assert_eq!(body["result"], "token has expired");

    for (body, status, code) in [
        (
            json!({ "username": "alice@demo.playgate", "password": "nope" }),
            401,
            "40101:401",
        ),
        (
            json!({ "username": "sam@demo.playgate", "password": "sam-demo-pass" }),
            403,
            "20002:403",
        ),
        (json!({ "username": "", "password": "x" }), 400, "40000:400"),
        (
            json!({ "username": "alice@demo.playgate" }),
            400,
            "40002:400",
        ),
    ] {
        let r = v3(&app, body.clone()).await;
        assert_eq!(json_of(r, status).await["resultCode"], code, "{body}");
    }

    // v2: credentials in the query, header tenantId.
    let r = app
        .http
        .post(app.url(
            "/ias/v2/self_service_token?username=alice%40demo.playgate&password=alice-demo-pass",
        ))
        .header("tenantId", "demo")
        .send()
        .await
        .unwrap();
    let body = json_of(r, 200).await;
    assert_eq!(
        json_of(tvs(&app, body["access_token"].as_str().unwrap()).await, 200).await["typ"],
        "SelfServiceAuthN"
    );
    let r = app
        .http
        .post(app.url("/ias/v2/self_service_token?username=alice%40demo.playgate"))
        .header("tenantId", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    app.stop().await;
}

async fn guest(app: &TestApp, tenant: &str, country: Option<&str>) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url("/ias/v2/anonymoustoken"))
        .header("tenantId", tenant);
    if let Some(c) = country {
        r = r.header("country-code", c);
    }
    r.send().await.unwrap()
}

async fn guest_tokens(b: Backend) {
    let app = TestApp::start(b).await;
    let body = json_of(guest(&app, "demo", Some("gb")).await, 200).await;
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("accountId").is_none());
    let token = body["access_token"].as_str().unwrap().to_owned();
    let claims = json_of(tvs(&app, &token).await, 200).await;
    assert_eq!(claims["typ"], "GuestAuthN");
    assert_eq!(claims["countryCode"], "GB");
    assert!(claims.get("accountId").is_none());
    // A guest has no account: no account-bound call accepts the token.
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/changeUserProfile"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&token)
        .json(&json!({ "newUserProfileId": "acc-active-main" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    assert_eq!(
        json_of(guest(&app, "demo", Some("FR")).await, 403).await["resultCode"],
        "20022:403"
    );
    for c in [None, Some("G1"), Some("GBR"), Some("")] {
        assert_eq!(guest(&app, "demo", c).await.status(), 400, "{c:?}");
    }
    // A tenant that has not switched guest access on.
    app.state
        .plane
        .tenancy
        .create_tenant("quiet", "Quiet operator", None)
        .await
        .unwrap();
    assert_eq!(guest(&app, "quiet", Some("GB")).await.status(), 404);
    assert_eq!(guest(&app, "nobody", Some("GB")).await.status(), 404);
    app.stop().await;
}

crate::on_both_backends!(self_service_tokens, guest_tokens);
