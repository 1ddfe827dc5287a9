//! The DAS rows over real HTTP, against a DAS server stub on 127.0.0.1:0 that
//! speaks playgate's DAS wire contract: `POST {challenge, scheme, tenantId}` →
//! `200 {deviceId}` for a genuine challenge, 403 for a forged one, 500 or a
//! stall for a broken server. The stub records what it was asked, so the
//! tests also check what playgate forwards (tenant, scheme, API key,
//! correlation id) and that a refused request never reached it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::harness::{
    json_of, scalar, test_config, tvs_claims as claims, Backend, TestApp, TestDb,
};

const CASN_SIGN_ON: &str = "/ias/v3/token/actions/dasSignOnByCasn";
const PASSWORD_SIGN_ON: &str = "/ias/v3/token/actions/dasSignOnByUserNamePassword";
const VALIDATE: &str = "/das/v1/user/actions/validateCredentials";
const GET_DEVICE_ID: &str = "/das/v1/user/actions/getDeviceId";
const DAS_KEY: &str = "das-test-api-key";

/// What the stub saw: each request's body and headers of interest.
#[derive(Default)]
struct Seen {
    asks: Vec<(Value, Option<String>, Option<String>)>,
}

/// Challenges: `genuine:<box>` → deviceId `das-<box>`; `forged` → 403;
/// `broken` → 500; `garbled` → 200 with a body that is not `{deviceId}`;
/// `stall` → answers after 2 s (past the test's DAS deadline).
async fn stub_das() -> (String, Arc<Mutex<Seen>>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    let app = Router::new().route(
        "/das/verify",
        post(move |headers: HeaderMap, Json(ask): Json<Value>| {
            let log = log.clone();
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                log.lock().unwrap().asks.push((
                    ask.clone(),
                    header("authorization"),
                    header("x-correlation-id"),
                ));
                if header("authorization").as_deref() != Some(&format!("Bearer {DAS_KEY}")) {
                    return (StatusCode::UNAUTHORIZED, Json(json!({}))).into_response_parts();
                }
                let challenge = ask["challenge"].as_str().unwrap_or_default();
                match challenge {
                    "forged" => (StatusCode::FORBIDDEN, Json(json!({ "error": "bad" }))),
                    "broken" => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({}))),
                    "garbled" => (StatusCode::OK, Json(json!({ "id": 7 }))),
                    "stall" => {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        (StatusCode::OK, Json(json!({ "deviceId": "das-late" })))
                    }
                    c => match c.strip_prefix("genuine:") {
                        Some(b) => (
                            StatusCode::OK,
                            Json(json!({ "deviceId": format!("das-{b}") })),
                        ),
                        None => (StatusCode::BAD_REQUEST, Json(json!({}))),
                    },
                }
                .into_response_parts()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/das/verify"), seen)
}

/// A (status, JSON) pair as the stub's handler returns it.
trait IntoParts {
    fn into_response_parts(self) -> (StatusCode, Json<Value>);
}

impl IntoParts for (StatusCode, Json<Value>) {
    fn into_response_parts(self) -> (StatusCode, Json<Value>) {
        self
    }
}

async fn start(b: Backend, das_url: Option<&str>) -> TestApp {
    let db = Arc::new(TestDb::new(b).await);
    let mut config = test_config(&db);
    if let Some(url) = das_url {
        config.das.url = url.into();
        config.das.api_key = DAS_KEY.into();
        config.das.timeout_ms = 500;
    }
    TestApp::start_with(db, config).await
}

fn code(body: &Value) -> &str {
    body["resultCode"].as_str().unwrap_or_default()
}

async fn casn_sign_on(app: &TestApp, body: Value, mac: Option<&str>) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url(CASN_SIGN_ON))
        .header("tenantId", "demo")
        .json(&body);
    if let Some(mac) = mac {
        r = r.header("nv-mac-address", mac);
    }
    r.send().await.unwrap()
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql)
        .execute(app.state.store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// `dasSignOnByCasn`: the STB's proof binds it to its DAS id; every refusal
/// has its own status and code; nothing is asked of the DAS server for a
/// request that fails validation.
async fn sign_on_by_casn(b: Backend) {
    let (url, seen) = stub_das().await;
    let app = start(b, Some(&url)).await;

    // 400: missing casn, missing challenge, unknown scheme. None reach DAS.
    for body in [
        json!({ "dasChallenge": "genuine:stb1", "scheme": "CONNECT" }),
        json!({ "casn": "CASN-0001", "scheme": "CONNECT" }),
        json!({ "casn": "CASN-0001", "dasChallenge": "", "scheme": "CONNECT" }),
        json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1", "scheme": "PLAYREADY" }),
    ] {
        let r = casn_sign_on(&app, body.clone(), None).await;
        let out = json_of(r, 400).await;
        assert_eq!(code(&out), "40000:400", "{body}: {out}");
    }
    assert!(
        seen.lock().unwrap().asks.is_empty(),
        "invalid requests reached DAS"
    );

    // 404: no such managed device (DAS not asked either).
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-NOPE", "dasChallenge": "genuine:stb1", "scheme": "CONNECT" }),
        None,
    )
    .await;
    json_of(r, 404).await;
    assert!(seen.lock().unwrap().asks.is_empty());

    // 401: the DAS server refuses a forged challenge; nothing is bound.
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0001", "dasChallenge": "forged", "scheme": "WIDEVINE" }),
        None,
    )
    .await;
    let out = json_of(r, 401).await;
    assert_eq!(code(&out), "40101:401");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE das_device_id IS NOT NULL"
        )
        .await,
        0
    );

    // 200: a genuine challenge; what DAS was asked.
    let r = app
        .http
        .post(app.url(CASN_SIGN_ON))
        .header("tenantId", "demo")
        .header("xcid", "corr-das-1")
        .json(&json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1", "scheme": "WIDEVINE" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["x-correlation-id"],
        "corr-das-1",
        "xcid is the correlation id"
    );
    let out = json_of(r, 200).await;
    assert_eq!(out["client_id"], "stb-alice");
    assert_eq!(out["accountId"], "acc-active");
    let c = claims(&app, out["access_token"].as_str().unwrap()).await;
    assert_eq!(c["deviceId"], "stb-alice");
    assert!(
        c.get("inHome").is_none(),
        "no in-home claim without detection: {c}"
    );
    {
        let seen = seen.lock().unwrap();
        let (ask, auth, corr) = seen.asks.last().unwrap();
        assert_eq!(
            ask,
            &json!({ "challenge": "genuine:stb1", "scheme": "WIDEVINE", "tenantId": "demo" })
        );
        assert_eq!(auth.as_deref(), Some(format!("Bearer {DAS_KEY}").as_str()));
        assert_eq!(corr.as_deref(), Some("corr-das-1"));
    }
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE id = 'stb-alice' AND das_device_id = 'das-stb1'"
        )
        .await,
        1
    );
    // Scheme defaults to CONNECT when absent.
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1" }),
        None,
    )
    .await;
    json_of(r, 200).await;
    assert_eq!(
        seen.lock().unwrap().asks.last().unwrap().0["scheme"],
        "CONNECT"
    );

    // 403 40331: the same CASN from another box (a cloned card) is refused.
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0001", "dasChallenge": "genuine:clone", "scheme": "CONNECT" }),
        None,
    )
    .await;
    let out = json_of(r, 403).await;
    assert_eq!(code(&out), "40331:403");

    // 403 40331: a second STB whose box proves the DAS id another STB holds.
    exec(
        &app,
        "INSERT INTO devices (tenant_id, id, account_id, device_type, status, activity, \
                name, casn, device_information, approved, created, modified) VALUES \
                ('demo', 'stb-two', 'acc-active', 'MANAGED', 'ENABLED', 'ACTIVE', 'stb-two', \
                'CASN-0002', '{}', 0, 1, 1)",
    )
    .await;
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0002", "dasChallenge": "genuine:stb1", "scheme": "CONNECT" }),
        None,
    )
    .await;
    assert_eq!(code(&json_of(r, 403).await), "40331:403");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE id = 'stb-two' AND das_device_id IS NULL"
        )
        .await,
        1,
        "the refused device stays unbound"
    );

    // 502: the DAS server fails, answers garbage or stalls past das.timeout_ms.
    for challenge in ["broken", "garbled", "stall"] {
        let r = casn_sign_on(
            &app,
            json!({ "casn": "CASN-0002", "dasChallenge": challenge, "scheme": "CONNECT" }),
            None,
        )
        .await;
        let out = json_of(r, 502).await;
        assert_eq!(code(&out), "50200:502", "{challenge}");
        assert!(
            !out.to_string().contains(challenge),
            "no DAS detail leaks: {out}"
        );
    }

    // 403 20004: a disabled STB, even with its genuine proof.
    exec(
        &app,
        "UPDATE devices SET status = 'DISABLED' WHERE id = 'stb-alice'",
    )
    .await;
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1", "scheme": "CONNECT" }),
        None,
    )
    .await;
    assert_eq!(code(&json_of(r, 403).await), "20004:403");
    exec(
        &app,
        "UPDATE devices SET status = 'ENABLED' WHERE id = 'stb-alice'",
    )
    .await;

    // 403 20002: the STB's account is suspended.
    exec(
        &app,
        "UPDATE accounts SET status = 'SUSPENDED' WHERE id = 'acc-active'",
    )
    .await;
    let r = casn_sign_on(
        &app,
        json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1", "scheme": "CONNECT" }),
        None,
    )
    .await;
    assert_eq!(code(&json_of(r, 403).await), "20002:403");
    app.stop().await;
}

/// In-home detection on: `nv-mac-address` is required and must be a MAC; it is
/// recorded on the STB, whose token then says `inHome: true`.
async fn casn_with_in_home_detection(b: Backend) {
    let (url, _seen) = stub_das().await;
    let app = start(b, Some(&url)).await;
    exec(
        &app,
        r#"UPDATE tenants SET settings = '{"inHomeDetection":{"enabled":true}}' WHERE id = 'demo'"#,
    )
    .await;
    let body = json!({ "casn": "CASN-0001", "dasChallenge": "genuine:stb1", "scheme": "CONNECT" });

    let out = json_of(casn_sign_on(&app, body.clone(), None).await, 400).await;
    assert!(out.to_string().contains("nv-mac-address"), "{out}");
    json_of(
        casn_sign_on(&app, body.clone(), Some("00:11:22:33:44")).await,
        400,
    )
    .await;

    let out = json_of(
        casn_sign_on(&app, body.clone(), Some("00-1A-2B-3C-4D-5E")).await,
        200,
    )
    .await;
    let c = claims(&app, out["access_token"].as_str().unwrap()).await;
    assert_eq!(c["inHome"], true);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM devices WHERE id = 'stb-alice' AND mac_address = '00:1a:2b:3c:4d:5e'").await,
        1
    );
    app.stop().await;
}

async fn password_sign_on(
    app: &TestApp,
    user: &str,
    password: &str,
    challenge: &str,
) -> reqwest::Response {
    app.http
        .post(app.url(PASSWORD_SIGN_ON))
        .header("nv-tenant-id", "demo")
        .json(&json!({
            "username": user, "password": password,
            "dasChallenge": challenge, "scheme": "CONNECT",
            "deviceInformation": { "deviceType": "OPEN", "playoutDeviceClass": "Mobile",
                                   "device": { "hardware": { "model": "Pixel" } } }
        }))
        .send()
        .await
        .unwrap()
}

/// `dasSignOnByUserNamePassword`: one box is one device however often it signs
/// on; another account cannot take it; credentials are checked before DAS is
/// asked; the device limit holds.
async fn sign_on_by_password(b: Backend) {
    let (url, seen) = stub_das().await;
    let app = start(b, Some(&url)).await;
    let devices_before = scalar(
        &app,
        "SELECT COUNT(*) FROM devices WHERE account_id = 'acc-active'",
    )
    .await;

    let first = json_of(
        password_sign_on(
            &app,
            "alice@demo.playgate",
            "alice-demo-pass",
            "genuine:phone",
        )
        .await,
        200,
    )
    .await;
    let again = json_of(
        password_sign_on(
            &app,
            "alice@demo.playgate",
            "alice-demo-pass",
            "genuine:phone",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        first["client_id"], again["client_id"],
        "same box, same device"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE account_id = 'acc-active'"
        )
        .await,
        devices_before + 1
    );
    let device_id = first["client_id"].as_str().unwrap();
    assert_eq!(
        scalar(&app, &format!("SELECT COUNT(*) FROM devices WHERE id = '{device_id}' AND das_device_id = 'das-phone' AND device_type = 'OPEN' AND approved = 1")).await,
        1,
        "bound to its DAS id, auto-approved on its first sign-on"
    );
    let c = claims(&app, first["access_token"].as_str().unwrap()).await;
    assert_eq!(c["deviceId"], device_id);
    assert_eq!(c["playoutDeviceClass"], "Mobile");

    // Bad password: 401, and the DAS server is not asked.
    let asked = seen.lock().unwrap().asks.len();
    let out = json_of(
        password_sign_on(&app, "alice@demo.playgate", "wrong", "genuine:phone").await,
        401,
    )
    .await;
    assert_eq!(code(&out), "40101:401");
    assert_eq!(seen.lock().unwrap().asks.len(), asked);

    // A forged proof with good credentials: 401.
    json_of(
        password_sign_on(&app, "alice@demo.playgate", "alice-demo-pass", "forged").await,
        401,
    )
    .await;

    // Another account on alice's box: 409, no device created.
    let fay_before = scalar(
        &app,
        "SELECT COUNT(*) FROM devices WHERE account_id = 'acc-full'",
    )
    .await;
    json_of(
        password_sign_on(&app, "fay@demo.playgate", "fay-demo-pass", "genuine:phone").await,
        409,
    )
    .await;
    // Fay's profile allows two devices and she has two: a new box is 20007.
    let out = json_of(
        password_sign_on(
            &app,
            "fay@demo.playgate",
            "fay-demo-pass",
            "genuine:fay-new",
        )
        .await,
        403,
    )
    .await;
    assert_eq!(code(&out), "20007:403");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE account_id = 'acc-full'"
        )
        .await,
        fay_before
    );

    // Suspended account: 20002.
    let out = json_of(
        password_sign_on(&app, "sam@demo.playgate", "sam-demo-pass", "genuine:sam").await,
        403,
    )
    .await;
    assert_eq!(code(&out), "20002:403");

    // deviceInformation must be an object.
    let r = app
        .http
        .post(app.url(PASSWORD_SIGN_ON))
        .header("nv-tenant-id", "demo")
        .json(
            &json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                       "dasChallenge": "genuine:x", "deviceInformation": "tv" }),
        )
        .send()
        .await
        .unwrap();
    json_of(r, 400).await;
    app.stop().await;
}

/// `validateCredentials` and `getDeviceId`: the DAS id, nothing bound, and a
/// device bound to one DAS id cannot claim another.
async fn das_service_rows(b: Backend) {
    let (url, _seen) = stub_das().await;
    let app = start(b, Some(&url)).await;
    let validate = |body: Value| {
        app.http
            .post(app.url(VALIDATE))
            .header("nv-tenant-id", "demo")
            .json(&body)
            .send()
    };
    let out = json_of(
        validate(
            json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                         "challenge": "genuine:tab", "scheme": "WIDEVINE" }),
        )
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(out, json!({ "deviceId": "das-tab" }));
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE das_device_id IS NOT NULL"
        )
        .await,
        0
    );
    json_of(
        validate(
            json!({ "username": "alice@demo.playgate", "password": "nope",
                         "challenge": "genuine:tab", "scheme": "WIDEVINE" }),
        )
        .await
        .unwrap(),
        401,
    )
    .await;
    json_of(
        validate(
            json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                         "challenge": "forged" }),
        )
        .await
        .unwrap(),
        401,
    )
    .await;
    json_of(
        validate(json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass" }))
            .await
            .unwrap(),
        400,
    )
    .await;

    // getDeviceId: a DAS-bound phone gets its id back; another box's proof is 403.
    let phone = json_of(
        password_sign_on(
            &app,
            "alice@demo.playgate",
            "alice-demo-pass",
            "genuine:phone",
        )
        .await,
        200,
    )
    .await;
    let access = phone["access_token"].as_str().unwrap();
    let get_id = |challenge: &str, token: Option<&str>| {
        let mut r = app
            .http
            .post(app.url(GET_DEVICE_ID))
            .header("nv-tenant-id", "demo")
            .json(&json!({ "challenge": challenge, "scheme": "CONNECT" }));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let out = json_of(get_id("genuine:phone", Some(access)).await.unwrap(), 200).await;
    assert_eq!(out["deviceId"], "das-phone");
    let out = json_of(get_id("genuine:other", Some(access)).await.unwrap(), 403).await;
    assert_eq!(code(&out), "40331:403");
    json_of(get_id("genuine:phone", None).await.unwrap(), 401).await;
    json_of(get_id("forged", Some(access)).await.unwrap(), 401).await;

    // An unbound device (plain password sign-on) may not claim the phone's DAS id.
    let tv = json_of(
        app.http
            .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
            .header("nv-tenant-id", "demo")
            .json(
                &json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                           "clientId": "dev-alice-tv" }),
            )
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let tv = tv["access_token"].as_str().unwrap();
    assert_eq!(
        code(&json_of(get_id("genuine:phone", Some(tv)).await.unwrap(), 403).await),
        "40331:403"
    );
    let out = json_of(get_id("genuine:tv", Some(tv)).await.unwrap(), 200).await;
    assert_eq!(out["deviceId"], "das-tv");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE id = 'dev-alice-tv' AND das_device_id IS NULL"
        )
        .await,
        1,
        "getDeviceId binds nothing"
    );
    app.stop().await;
}

/// Without `[das] url` every DAS row is 404 in the OPF envelope.
async fn das_not_configured(b: Backend) {
    let app = start(b, None).await;
    for path in [CASN_SIGN_ON, PASSWORD_SIGN_ON, VALIDATE] {
        let r = app
            .http
            .post(app.url(path))
            .header("nv-tenant-id", "demo")
            .header("tenantId", "demo")
            .json(
                &json!({ "casn": "CASN-0001", "username": "u", "password": "p",
                           "dasChallenge": "genuine:x" }),
            )
            .send()
            .await
            .unwrap();
        let out = json_of(r, 404).await;
        assert!(
            out["result"].as_str().unwrap().contains("DAS"),
            "{path}: {out}"
        );
        assert_eq!(code(&out), "40402:404");
    }
    app.stop().await;
}

crate::on_both_backends!(
    sign_on_by_casn,
    casn_with_in_home_detection,
    sign_on_by_password,
    das_service_rows,
    das_not_configured
);
