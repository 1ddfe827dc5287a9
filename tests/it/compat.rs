//! What deployed OPF apps send and read (`opf-api-admin.md` §2.8): tenant
//! from the token, the tenant headers they use, `token=` beside a bearer
//! header, percent-escaped sign-on bodies, the token-failure strings their
//! refresh logic reads, and the IAS v2 grants with a JSON device body.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{alice, ENTITLED};
use crate::playback::url_builder::MANIFEST;

/// A request with a bearer token and no tenant header.
fn bare(app: &TestApp, method: Method, path: &str, access: &str) -> reqwest::RequestBuilder {
    app.http.request(method, app.url(path)).bearer_auth(access)
}

/// The client routes apps call with only `Authorization: Bearer`.
fn client_calls() -> Vec<(Method, String)> {
    let content = format!("content_id={ENTITLED}&type=device");
    vec![
        (Method::POST, format!("/ias/v2/content_token?{content}")),
        (
            Method::GET,
            format!(
                "/urlbuilder/v1/playout/content/token?content_id={ENTITLED}&content_URL={MANIFEST}"
            ),
        ),
        (Method::GET, "/rmg/v1/user/entitlements".into()),
        (Method::GET, "/rmg/v1/user/device/entitlements".into()),
        (Method::GET, "/lds/v1/user/inhouse".into()),
        (Method::GET, "/adm/v1/user/devices/amiapproved".into()),
        (Method::GET, "/adm/v1/user/devices".into()),
        (Method::GET, "/adm/v1/user/accounts/pins/status".into()),
    ]
}

/// The tenant comes from the verified token when no header names it; a
/// header naming another tenant than the token's is 403 `40306`.
async fn tenant_from_the_token(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    for (method, path) in client_calls() {
        let r = bare(&app, method.clone(), &path, &access)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_success(),
            "{method} {path}: {}",
            r.text().await.unwrap()
        );
    }
    app.state
        .plane
        .tenancy
        .create_tenant("other", "Other operator", Some("other-operator-key-01"))
        .await
        .unwrap();
    for _ in 0..500 {
        if app.state.snapshot.load().tenant("other").is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    for (method, path) in client_calls() {
        for header in ["nv-tenant-id", "tenantId"] {
            let r = bare(&app, method.clone(), &path, &access)
                .header(header, "other")
                .send()
                .await
                .unwrap();
            let body = json_of(r, 403).await;
            assert_eq!(
                body["resultCode"], "40306:403",
                "{method} {path} {header}: {body}"
            );
        }
    }
    // Without a header, a token that claims another tenant is verified with
    // that tenant's keys, and refused.
    let forged = reclaim(&access, "other");
    let r = bare(&app, Method::POST, &client_calls()[0].1, &forged)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 403).await["result"],
        "Bearer Token Decoding Failure"
    );
    // No header and no token: the tenant is missing.
    let r = app
        .http
        .post(app.url(&client_calls()[0].1))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40001:400");
    app.stop().await;
}

/// `access` with its payload's `tenantId` replaced (signature unchanged).
fn reclaim(access: &str, tenant: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    let parts: Vec<&str> = access.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["tenantId"] = json!(tenant);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.{}", parts[0], parts[2])
}

/// `nv-tenant-id`, `Nv-Tenant-Id`, `tenantId` and `tenantid` all name the
/// tenant; when both are sent, `nv-tenant-id` is the one read.
async fn tenant_headers(b: Backend) {
    let app = TestApp::start(b).await;
    let sign_on = |header: &'static str, value: &'static str| {
        app.http
            .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
            .header(header, value)
            .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
    };
    for header in ["nv-tenant-id", "Nv-Tenant-Id", "tenantId", "tenantid"] {
        let r = sign_on(header, "demo").send().await.unwrap();
        assert_eq!(r.status(), 200, "{header}");
    }
    // Both sent: nv-tenant-id wins.
    let r = sign_on("nv-tenant-id", "demo")
        .header("tenantId", "ghost")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "nv-tenant-id wins");
    let r = sign_on("nv-tenant-id", "ghost")
        .header("tenantId", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["resultCode"], "40401:404");
    app.stop().await;
}

/// A `token=` query parameter beside the bearer header is not read, even
/// on routes that refuse unknown parameters; the header's token wins.
async fn token_query_beside_the_header(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    for (method, path) in client_calls() {
        let sep = if path.contains('?') { '&' } else { '?' };
        for token in ["undefined", "x.y.z"] {
            let r = bare(
                &app,
                method.clone(),
                &format!("{path}{sep}token={token}"),
                &access,
            )
            .header("nv-tenant-id", "demo")
            .send()
            .await
            .unwrap();
            assert!(
                r.status().is_success(),
                "{method} {path} token={token}: {}",
                r.status()
            );
        }
    }
    // Without the header it is still an unknown parameter where the route
    // refuses those.
    let r = app
        .http
        .get(app.url("/rmg/v1/user/entitlements?token=undefined"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    app.stop().await;
}

/// Percent-escaped user names and passwords in the JSON credential bodies;
/// a `%` that starts no valid escape is kept.
async fn escaped_credentials(b: Backend) {
    let app = TestApp::start(b).await;
    let post = |path: &'static str, body: Value| {
        app.http
            .post(app.url(path))
            .header("nv-tenant-id", "demo")
            .json(&body)
    };
    let r = post(
        "/ias/v3/token/actions/signOnByUserNamePassword",
        json!({ "username": "alice%40demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(json_of(r, 200).await["accountId"], "acc-active");
    let r = post(
        "/ias/v3/token/actions/selfServiceToken",
        json!({ "username": "alice%40demo.playgate", "password": "alice%2Ddemo%2Dpass" }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    // A password holding `%` that is no escape, set by the operator.
    let r = app
        .operator(Method::POST, "/adm/v1/accounts")
        .json(
            &json!({ "_id": "acc-pct", "username": "pct@demo.playgate", "password": "50%off%zz%" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    for password in ["50%off%zz%", "50%25off%zz%25"] {
        let r = post(
            "/ias/v3/token/actions/signOnByUserNamePassword",
            json!({ "username": "pct%40demo.playgate", "password": password, "deviceInformation": { "deviceType": "OPEN" } }),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200, "{password}");
    }
    app.stop().await;
}

/// Token failures on client APIs carry the `result` strings apps read.
async fn token_failure_strings(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let mut tampered = access.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for (method, path) in client_calls() {
        for (token, result) in [
            ("not-a-token", "Bearer Token Decoding Failure"),
            ("a.b.c", "Bearer Token Decoding Failure"),
            (tampered.as_str(), "Bearer Token Decoding Failure"),
        ] {
            let r = bare(&app, method.clone(), &path, token)
                .header("nv-tenant-id", "demo")
                .send()
                .await
                .unwrap();
            let body = json_of(r, 403).await;
            assert_eq!(body["result"], result, "{method} {path}: {body}");
            assert_eq!(body["resultCode"], "99999:403");
        }
    }
    app.clock.advance_ms(7_200_000);
    for (method, path) in client_calls() {
        let r = bare(&app, method.clone(), &path, &access)
            .send()
            .await
            .unwrap();
        let body = json_of(r, 403).await;
        assert_eq!(body["result"], "Bearer Token Expired", "{method} {path}");
    }
    app.stop().await;
}

/// IAS v2 password and refresh grants as apps send them: query parameters
/// and a JSON `{"device": {...}}` body; the answer's expiry fields.
async fn ias_v2_with_a_device_body(b: Backend) {
    let app = TestApp::start(b).await;
    let device = json!({ "device": {
        "hardware": { "manufacturer": "Acme", "model": "Stick 4K", "type": "Android" },
        "OS": { "type": "Android", "version": "12" },
        "screen": { "width": 1920, "height": 1080 } } });
    let first = json_of(
        app.http
            .post(app.url("/ias/v2/token?grant_type=password&username=alice%40demo.playgate&password=alice-demo-pass"))
            .header("nv-tenant-id", "demo")
            .json(&device)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    for field in [
        "expires_in",
        "refresh_expires_in",
        "fixed_refresh_expires_in",
    ] {
        assert!(first[field].as_i64().unwrap() > 0, "{field}: {first}");
    }
    assert_eq!(first["accountId"], "acc-active");
    // The new device is the one the body described.
    let client = first["client_id"].as_str().unwrap();
    let info: String = sqlx::query_scalar(
        "SELECT device_information FROM devices WHERE tenant_id = 'demo' AND id = $1",
    )
    .bind(client)
    .fetch_one(app.state.store.pool())
    .await
    .unwrap();
    let info: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(info["hardware"]["model"], "Stick 4K", "{info}");
    let refreshed = json_of(
        app.http
            .post(app.url(&format!(
                "/ias/v2/token?grant_type=refresh_token&refresh_token={}",
                first["refresh_token"].as_str().unwrap()
            )))
            .header("nv-tenant-id", "demo")
            .json(&device)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    for field in [
        "expires_in",
        "refresh_expires_in",
        "fixed_refresh_expires_in",
    ] {
        assert!(
            refreshed[field].as_i64().unwrap() > 0,
            "{field}: {refreshed}"
        );
    }
    app.stop().await;
}

crate::on_both_backends!(
    tenant_from_the_token,
    tenant_headers,
    token_query_beside_the_header,
    escaped_credentials,
    token_failure_strings,
    ias_v2_with_a_device_body,
);
