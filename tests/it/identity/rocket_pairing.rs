//! Rocket authorization beyond sign-in, over real HTTP: Profile tokens (with the
//! profile PIN), pin-code device pairing, the Playback token from the account
//! PIN, registration, single sign-on, and scope enforcement on every
//! token-protected route.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, Backend, TestApp};

fn payload(token: &str) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// (type, scope, profileId) of each token.
fn kinds(tokens: &Value) -> Vec<(String, String, String)> {
    tokens
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let p = payload(t["value"].as_str().unwrap());
            (
                t["type"].as_str().unwrap().to_owned(),
                p["scope"].as_str().unwrap().to_owned(),
                p["profileId"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn k(t: &str, s: &str, p: &str) -> (String, String, String) {
    (t.into(), s.into(), p.into())
}

pub(crate) async fn sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
    scopes: Value,
) -> Vec<String> {
    let r = app
        .http
        .post(app.url("/api/authorization"))
        .json(&json!({ "email": email, "password": password, "scopes": scopes }))
        .send()
        .await
        .unwrap();
    json_of(r, 200)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap().to_owned())
        .collect()
}

/// alice's Account Catalog token (the first token of a Catalog sign-in).
pub(crate) async fn alice_catalog(app: &TestApp) -> String {
    sign_in(
        app,
        "alice@demo.playgate",
        "alice-demo-pass",
        json!(["Catalog"]),
    )
    .await[0]
        .clone()
}

pub(crate) async fn post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut r = app.http.post(app.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    r.send().await.unwrap()
}

async fn code_of(response: reqwest::Response, status: u16) -> u64 {
    json_of(response, status).await["code"].as_u64().unwrap()
}

async fn profile_tokens(b: Backend) {
    let app = TestApp::start(b).await;
    let catalog = alice_catalog(&app).await;
    let r = post(
        &app,
        "/api/authorization/profile",
        Some(&catalog),
        json!({ "profileId": "acc-active-main", "scopes": ["Catalog", "Settings", "Catalog"] }),
    )
    .await;
    let tokens = json_of(r, 200).await;
    assert_eq!(
        kinds(&tokens),
        [
            k("UserProfile", "Catalog", "acc-active-main"),
            k("UserProfile", "Settings", "acc-active-main")
        ]
    );
    // The Kids profile needs its PIN.
    let kids = |pin: Option<&str>| {
        let mut body = json!({ "profileId": "acc-active-kids", "scopes": ["Catalog"] });
        if let Some(p) = pin {
            body["pin"] = json!(p);
        }
        post(&app, "/api/authorization/profile", Some(&catalog), body)
    };
    assert_eq!(kids(None).await.status(), 401);
    assert_eq!(kids(Some("0000")).await.status(), 401);
    let tokens = json_of(kids(Some("4321")).await, 200).await;
    assert_eq!(
        kinds(&tokens),
        [k("UserProfile", "Catalog", "acc-active-kids")]
    );
    // Another account's profile, unknown profile, Playback scope.
    for (body, status) in [
        (
            json!({ "profileId": "acc-full-main", "scopes": ["Catalog"] }),
            404,
        ),
        (json!({ "profileId": "nope", "scopes": ["Catalog"] }), 404),
        (
            json!({ "profileId": "acc-active-main", "scopes": ["Playback"] }),
            400,
        ),
        (json!({ "profileId": "acc-active-main" }), 400),
    ] {
        let r = post(
            &app,
            "/api/authorization/profile",
            Some(&catalog),
            body.clone(),
        )
        .await;
        assert_eq!(r.status(), status, "{body}");
    }
    // The profile PIN locks after 5 failures (429 + Retry-After), even for the right PIN.
    for _ in 0..5 {
        assert_eq!(kids(Some("1111")).await.status(), 401);
    }
    let r = kids(Some("4321")).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    app.stop().await;
}

/// Every token-protected Rocket route takes exactly its declared type and scope.
async fn scopes_are_enforced(b: Backend) {
    let app = TestApp::start(b).await;
    let tokens = sign_in(
        &app,
        "alice@demo.playgate",
        "alice-demo-pass",
        json!(["Catalog", "Commerce"]),
    )
    .await;
    let (account_catalog, profile_catalog, account_commerce) =
        (tokens[0].clone(), tokens[1].clone(), tokens[2].clone());
    assert_eq!(payload(&profile_catalog)["typ"], "UserProfile");
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&account_catalog),
        json!({ "pin": "1234" }),
    )
    .await;
    let playback = json_of(r, 200).await[0]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    let routes = [
        (
            "/api/authorization/profile",
            json!({ "profileId": "acc-active-main", "scopes": ["Catalog"] }),
        ),
        (
            "/api/account/devices/authorization",
            json!({ "code": "ZZZZZZZZ" }),
        ),
        ("/api/itv/pinauthorization", json!({ "pin": "1234" })),
    ];
    for (path, body) in &routes {
        for wrong in [&profile_catalog, &account_commerce, &playback] {
            let r = post(&app, path, Some(wrong), body.clone()).await;
            assert_eq!(
                code_of(r, 403).await,
                40303,
                "{path} with {}",
                payload(wrong)
            );
        }
        let r = post(&app, path, None, body.clone()).await;
        assert_eq!(r.status(), 401, "{path} without a token");
        let r = post(&app, path, Some("not.a.token"), body.clone()).await;
        assert_eq!(r.status(), 401, "{path} with garbage");
        // An OPF sign-on token is no Rocket token.
        let opf = json_of(
            app.http
                .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
                .header("nv-tenant-id", "demo")
                .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
                .send()
                .await
                .unwrap(),
            200,
        )
        .await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = post(&app, path, Some(&opf), body.clone()).await;
        assert!(
            matches!(r.status().as_u16(), 401 | 403),
            "{path} with an OPF token"
        );
        assert_ne!(r.status(), 200);
    }
    // Signed out: the Account token stops working on these routes too.
    let r = app
        .http
        .delete(app.url("/api/authorization"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    app.stop().await;
}

async fn pin_authorization(b: Backend) {
    let app = TestApp::start(b).await;
    let catalog = alice_catalog(&app).await;
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&catalog),
        json!({ "pin": "1234", "scopes": ["Settings"], "cookieType": "Session" }),
    )
    .await;
    let tokens = json_of(r, 200).await;
    assert_eq!(
        kinds(&tokens),
        [
            k("UserAccount", "Playback", ""),
            k("UserAccount", "Settings", "")
        ]
    );
    assert_eq!(
        tokens[0]["refreshable"], false,
        "the PIN is asked again when it expires"
    );
    assert_eq!(tokens[1]["refreshable"], true);
    let r = post(
        &app,
        "/api/authorization/refresh",
        None,
        json!({ "token": tokens[0]["value"] }),
    )
    .await;
    assert_eq!(r.status(), 401);
    for (pin, status) in [("12345", 400), ("12a4", 400), ("", 400)] {
        let r = post(
            &app,
            "/api/itv/pinauthorization",
            Some(&catalog),
            json!({ "pin": pin }),
        )
        .await;
        assert_eq!(r.status(), status, "{pin:?}");
    }
    // ParentalPin: 3 attempts, then locked for 900 s (the lock is shared by all devices).
    for _ in 0..3 {
        let r = post(
            &app,
            "/api/itv/pinauthorization",
            Some(&catalog),
            json!({ "pin": "9999" }),
        )
        .await;
        assert_eq!(r.status(), 401);
    }
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&catalog),
        json!({ "pin": "1234" }),
    )
    .await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "900");
    app.clock.advance_ms(901_000);
    let catalog = alice_catalog(&app).await;
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&catalog),
        json!({ "pin": "1234" }),
    )
    .await;
    assert_eq!(r.status(), 200);
    // fay has no PIN.
    let fay = sign_in(
        &app,
        "fay@demo.playgate",
        "fay-demo-pass",
        json!(["Catalog"]),
    )
    .await[0]
        .clone();
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&fay),
        json!({ "pin": "1234" }),
    )
    .await;
    assert_eq!(code_of(r, 403).await, 40321);
    app.stop().await;
}

async fn device_pairing(b: Backend) {
    let app = TestApp::start(b).await;
    let device = json!({ "id": "SN-1001", "name": "Living room TV", "type": "smart_tv" });
    let code = json_of(
        post(&app, "/api/authorization/device/code", None, device.clone()).await,
        200,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 8);
    let exchange = |id: &str, code: &str| {
        post(
            &app,
            "/api/authorization/device",
            None,
            json!({ "id": id, "code": code, "scopes": ["Catalog"] }),
        )
    };
    // Not authorized yet: 403 40322 (keep polling).
    assert_eq!(code_of(exchange("SN-1001", &code).await, 403).await, 40322);
    let catalog = alice_catalog(&app).await;
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&catalog),
        json!({ "code": code.to_lowercase() }),
    )
    .await;
    assert_eq!(r.status(), 204, "codes are case-insensitive");
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&catalog),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(r.status(), 409, "authorized once");
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&catalog),
        json!({ "code": "BBBBBBBB" }),
    )
    .await;
    assert_eq!(r.status(), 404);
    // Only the device the code was issued to may use it.
    assert_eq!(exchange("SN-9999", &code).await.status(), 404);
    let tokens = json_of(exchange("SN-1001", &code).await, 200).await;
    assert_eq!(
        kinds(&tokens),
        [
            k("UserAccount", "Catalog", ""),
            k("UserProfile", "Catalog", "acc-active-main")
        ]
    );
    assert_eq!(
        payload(tokens[0]["value"].as_str().unwrap())["accountId"],
        "acc-active"
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND id='SN-1001' AND account_id='acc-active' AND name='Living room TV'").await,
        1
    );
    assert_eq!(exchange("SN-1001", &code).await.status(), 404, "single use");

    // Expired codes are gone.
    let late = json_of(
        post(
            &app,
            "/api/authorization/device/code",
            None,
            json!({ "id": "SN-1002", "name": "TV", "type": "tv" }),
        )
        .await,
        200,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance_ms(601_000);
    let catalog = alice_catalog(&app).await;
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&catalog),
        json!({ "code": late }),
    )
    .await;
    assert_eq!(r.status(), 404);

    // The account's device limit holds (fay: 2 of 2), and the code stays usable
    // for nothing else.
    let code = json_of(
        post(
            &app,
            "/api/authorization/device/code",
            None,
            json!({ "id": "SN-2001", "name": "TV", "type": "tv" }),
        )
        .await,
        200,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let fay = sign_in(
        &app,
        "fay@demo.playgate",
        "fay-demo-pass",
        json!(["Catalog"]),
    )
    .await[0]
        .clone();
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&fay),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(code_of(exchange("SN-2001", &code).await, 403).await, 20007);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM devices WHERE id='SN-2001'").await,
        0
    );
    // A device id another account holds: 409.
    let code = json_of(
        post(
            &app,
            "/api/authorization/device/code",
            None,
            json!({ "id": "dev-fay-1", "name": "TV", "type": "tv" }),
        )
        .await,
        200,
    )
    .await["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = post(
        &app,
        "/api/account/devices/authorization",
        Some(&catalog),
        json!({ "code": code }),
    )
    .await;
    assert_eq!(r.status(), 204);
    assert_eq!(exchange("dev-fay-1", &code).await.status(), 409);
    // Bad bodies.
    for body in [
        json!({ "id": "SN", "name": "TV" }),
        json!({ "id": "bad id!", "name": "TV", "type": "tv" }),
        json!({ "id": "SN", "name": "", "type": "tv" }),
    ] {
        assert_eq!(
            post(&app, "/api/authorization/device/code", None, body.clone())
                .await
                .status(),
            400,
            "{body}"
        );
    }
    let r = post(
        &app,
        "/api/authorization/device",
        None,
        json!({ "id": "SN-1001", "code": "X", "scopes": ["Playback"] }),
    )
    .await;
    assert_eq!(code_of(r, 403).await, 40320);
    app.stop().await;
}

async fn registration(b: Backend) {
    let app = TestApp::start(b).await;
    let r = post(&app, "/api/register", None, json!({ "email": "new@viewer.example", "password": "new-viewer-pass",
        "firstName": "Nia", "pin": "5678", "marketing": false, "segments": ["trial"], "languageCode": "en-GB" })).await;
    let tokens = json_of(r, 200).await;
    let got = kinds(&tokens);
    let profile = got[1].2.clone();
    assert!(!profile.is_empty());
    assert_eq!(
        got,
        [
            k("UserAccount", "Catalog", ""),
            k("UserProfile", "Catalog", &profile),
            k("UserAccount", "Commerce", ""),
            k("UserProfile", "Commerce", &profile)
        ]
    );
    let account = payload(tokens[0]["value"].as_str().unwrap())["accountId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        scalar(
            &app,
            &format!(
                "SELECT COUNT(*) FROM pins WHERE account_id='{account}' AND pin_type='ParentalPin'"
            )
        )
        .await,
        1
    );
    // The new account signs in, and its PIN gives a Playback token.
    let catalog = sign_in(
        &app,
        "new@viewer.example",
        "new-viewer-pass",
        json!(["Catalog"]),
    )
    .await[0]
        .clone();
    let r = post(
        &app,
        "/api/itv/pinauthorization",
        Some(&catalog),
        json!({ "pin": "5678" }),
    )
    .await;
    assert_eq!(r.status(), 200);
    // Taken email, bad email, short password, bad PIN: refused, nothing written.
    let before = scalar(&app, "SELECT COUNT(*) FROM accounts").await;
    for (body, status) in [
        (
            json!({ "email": "new@viewer.example", "password": "another-pass" }),
            409,
        ),
        (
            json!({ "email": "not-an-email", "password": "another-pass" }),
            400,
        ),
        (
            json!({ "email": "x@viewer.example", "password": "short" }),
            400,
        ),
        (
            json!({ "email": "y@viewer.example", "password": "another-pass", "pin": "12" }),
            400,
        ),
        (json!({ "email": "z@viewer.example" }), 400),
        (
            json!({ "email": "z@viewer.example", "password": "another-pass", "extra": 1 }),
            400,
        ),
    ] {
        let r = post(&app, "/api/register", None, body.clone()).await;
        assert_eq!(r.status(), status, "{body}");
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM accounts").await, before);
    app.stop().await;
}

async fn single_sign_on(b: Backend) {
    let app = TestApp::start(b).await;
    let r = post(
        &app,
        "/api/authorization/sso",
        None,
        json!({ "provider": "Facebook", "token": "fb-token", "scopes": ["Catalog"] }),
    )
    .await;
    assert_eq!(code_of(r, 401).await, 6000);
    let r = post(
        &app,
        "/api/authorization/sso",
        None,
        json!({ "provider": "Google", "token": "t" }),
    )
    .await;
    assert_eq!(r.status(), 400);
    app.stop().await;
}

crate::on_both_backends!(
    profile_tokens,
    scopes_are_enforced,
    pin_authorization,
    device_pairing,
    registration,
    single_sign_on,
);
