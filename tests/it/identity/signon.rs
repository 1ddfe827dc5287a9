//! IAS v3 sign-on, refresh and sign-out over real HTTP: every documented refusal,
//! device creation and auto-approval, lockout, refresh rotation and sign-out.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, update_account, Backend, TestApp};

const SIGN_ON: &str = "/ias/v3/token/actions/signOnByUserNamePassword";

fn device_info(model: &str) -> Value {
    json!({ "deviceType": "OPEN", "playoutDeviceClass": "Mobile",
            "device": { "hardware": { "manufacturer": "Acme", "model": model, "type": "phone" } } })
}

async fn sign_on(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.url(SIGN_ON))
        .header("nv-tenant-id", "demo")
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn with_bearer(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.http
        .post(app.url(path))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn tvs(app: &TestApp, token: &str) -> reqwest::Response {
    with_bearer(app, "/tvs/v1/token/actions/validate", token).await
}

async fn first_and_nth_time_sign_on(b: Backend) {
    let app = TestApp::start(b).await;
    let r = sign_on(
        &app,
        json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                                  "deviceInformation": device_info("Phone 1") }),
    )
    .await;
    let body = json_of(r, 200).await;
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["refresh_expires_in"], 172_800);
    assert_eq!(body["fixed_refresh_expires_in"], 7_776_000);
    assert_eq!(body["accountId"], "acc-active");
    let device = body["client_id"].as_str().unwrap().to_owned();
    let claims = json_of(tvs(&app, body["access_token"].as_str().unwrap()).await, 200).await;
    assert_eq!(claims["typ"], "DevAuthN");
    assert_eq!(claims["deviceId"], device.as_str());
    assert_eq!(claims["playoutDeviceClass"], "Mobile");
    assert_eq!(claims["parentalControl"]["ratingThreshold"]["FSK"], "fsk12");
    assert_eq!(
        json_of(
            tvs(&app, body["refresh_token"].as_str().unwrap()).await,
            200
        )
        .await["typ"],
        "RefreshAuthN"
    );
    // The device exists, OPEN, auto-approved (list not full, window allows it).
    assert_eq!(
        scalar(&app, &format!("SELECT approved FROM devices WHERE tenant_id='demo' AND id='{device}' AND device_type='OPEN'")).await,
        1
    );
    // Nth time: the same device by client id, no new device.
    let devices_before = scalar(
        &app,
        "SELECT COUNT(*) FROM devices WHERE account_id='acc-active'",
    )
    .await;
    let r = sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": device })).await;
    assert_eq!(json_of(r, 200).await["client_id"], device.as_str());
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM devices WHERE account_id='acc-active'"
        )
        .await,
        devices_before
    );
    // Auto-approval stops at the window's allowance (2 per 30 days in the demo profile).
    let second = json_of(
        sign_on(
            &app,
            json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                                               "deviceInformation": device_info("Phone 2") }),
        )
        .await,
        200,
    )
    .await;
    let third = json_of(
        sign_on(
            &app,
            json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                                              "deviceInformation": device_info("Phone 3") }),
        )
        .await,
        200,
    )
    .await;
    let approved =
        |id: &str| format!("SELECT approved FROM devices WHERE tenant_id='demo' AND id='{id}'");
    assert_eq!(
        scalar(&app, &approved(second["client_id"].as_str().unwrap())).await,
        1
    );
    assert_eq!(
        scalar(&app, &approved(third["client_id"].as_str().unwrap())).await,
        0,
        "window used up"
    );
    app.stop().await;
}

async fn documented_refusals(b: Backend) {
    let app = TestApp::start(b).await;
    let alice = |password: &str| json!({ "username": "alice@demo.playgate", "password": password, "deviceInformation": device_info("X") });
    let wrong = json_of(sign_on(&app, alice("nope-nope-nope")).await, 401).await;
    assert_eq!(wrong["resultCode"], "40101:401");
    let unknown = json_of(
        sign_on(
            &app,
            json!({ "username": "ghost@demo.playgate", "password": "x", "clientId": "d" }),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(
        unknown["result"], wrong["result"],
        "unknown user and wrong password look the same"
    );

    let sam = json!({ "username": "sam@demo.playgate", "password": "sam-demo-pass", "clientId": "dev-sam-phone" });
    assert_eq!(
        json_of(sign_on(&app, sam).await, 403).await["resultCode"],
        "20002:403"
    );

    update_account(&app, "acc-suspended", json!({ "status": "CANCELLED" })).await;
    let sam = json!({ "username": "sam@demo.playgate", "password": "sam-demo-pass", "clientId": "dev-sam-phone" });
    assert_eq!(
        json_of(sign_on(&app, sam).await, 403).await["resultCode"],
        "20001:403"
    );

    let fay = json!({ "username": "fay@demo.playgate", "password": "fay-demo-pass", "deviceInformation": device_info("Third") });
    assert_eq!(
        json_of(sign_on(&app, fay).await, 403).await["resultCode"],
        "20007:403"
    );

    sqlx::query(
        "UPDATE devices SET status = 'DISABLED' WHERE tenant_id = 'demo' AND id = 'dev-fay-1'",
    )
    .execute(app.state.store.pool())
    .await
    .unwrap();
    let fay1 = json!({ "username": "fay@demo.playgate", "password": "fay-demo-pass", "clientId": "dev-fay-1" });
    assert_eq!(
        json_of(sign_on(&app, fay1).await, 403).await["resultCode"],
        "20004:403"
    );
    sqlx::query("UPDATE devices SET deleted_at = 1 WHERE tenant_id = 'demo' AND id = 'dev-fay-2'")
        .execute(app.state.store.pool())
        .await
        .unwrap();
    let fay2 = json!({ "username": "fay@demo.playgate", "password": "fay-demo-pass", "clientId": "dev-fay-2" });
    assert_eq!(
        json_of(sign_on(&app, fay2).await, 403).await["resultCode"],
        "20003:403"
    );
    // Disabled and deleted devices no longer count toward the limit.
    let fay = json!({ "username": "fay@demo.playgate", "password": "fay-demo-pass", "deviceInformation": device_info("Third") });
    json_of(sign_on(&app, fay).await, 200).await;

    // Someone else's device id is not yours.
    let r = sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-sam-phone" })).await;
    assert_eq!(json_of(r, 404).await["resultCode"], "40402:404");
    // Bad input
    let r = sign_on(
        &app,
        json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass" }),
    )
    .await;
    assert_eq!(json_of(r, 400).await["resultCode"], "40000:400");
    let r = sign_on(&app, json!({ "username": "alice@demo.playgate" })).await;
    assert_eq!(json_of(r, 400).await["resultCode"], "40002:400");
    let r = sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "deviceInformation": "tv" })).await;
    assert_eq!(json_of(r, 400).await["resultCode"], "40000:400");
    app.stop().await;
}

async fn repeated_failures_lock_the_account(b: Backend) {
    let app = TestApp::start(b).await;
    let attempt = |password: &'static str| json!({ "username": "alice@demo.playgate", "password": password, "clientId": "dev-alice-tv" });
    for _ in 0..5 {
        json_of(sign_on(&app, attempt("wrong-password")).await, 401).await;
    }
    let r = sign_on(&app, attempt("alice-demo-pass")).await;
    assert_eq!(r.status(), 429, "locked even with the right password");
    assert_eq!(r.headers()["retry-after"], "300");
    assert_eq!(json_of(r, 429).await["resultCode"], "42900:429");
    // The lock is stored, not held in this process's memory.
    assert!(
        scalar(
            &app,
            "SELECT locked_until FROM secret_failures WHERE kind = 'password' AND owner = 'acc-active'"
        )
        .await
            > 0
    );
    app.clock.advance_ms(301_000);
    json_of(sign_on(&app, attempt("alice-demo-pass")).await, 200).await;
    // Success resets the counter: four more failures do not lock.
    for _ in 0..4 {
        json_of(sign_on(&app, attempt("wrong-password")).await, 401).await;
    }
    json_of(sign_on(&app, attempt("alice-demo-pass")).await, 200).await;
    app.stop().await;
}

async fn refresh_rotates_and_sign_out_revokes(b: Backend) {
    let app = TestApp::start(b).await;
    let first = json_of(sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" })).await, 200).await;
    let refresh1 = first["refresh_token"].as_str().unwrap().to_owned();
    let access1 = first["access_token"].as_str().unwrap().to_owned();

    app.clock.advance_ms(3_000_000);
    let second = json_of(
        with_bearer(&app, "/ias/v3/token/actions/refresh", &refresh1).await,
        200,
    )
    .await;
    let access2 = second["access_token"].as_str().unwrap().to_owned();
    let refresh2 = second["refresh_token"].as_str().unwrap().to_owned();
    let c1 = json_of(tvs(&app, &access1).await, 200).await;
    let c2 = json_of(tvs(&app, &access2).await, 200).await;
    assert_eq!(c1["sid"], c2["sid"], "same sign-on chain");
    assert_eq!(
        c1["fixed_exp"], c2["fixed_exp"],
        "the absolute cap does not move"
    );
    assert_ne!(c1["jti"], c2["jti"]);
    assert_eq!(second["fixed_refresh_expires_in"], 7_776_000 - 3_000);

    // An access token is not a refresh token, and vice versa.
    let r = with_bearer(&app, "/ias/v3/token/actions/refresh", &access2).await;
    assert_eq!(
        json_of(r, 401).await["result"],
        "token is of the wrong type for this call"
    );
    let r = with_bearer(&app, "/ias/v3/token/actions/signOut", &refresh2).await;
    assert_eq!(
        json_of(r, 403).await["result"],
        "token is of the wrong type for this call"
    );

    // Refresh re-checks the account.
    update_account(&app, "acc-active", json!({ "status": "SUSPENDED" })).await;
    assert_eq!(
        json_of(
            with_bearer(&app, "/ias/v3/token/actions/refresh", &refresh2).await,
            403
        )
        .await["resultCode"],
        "20002:403"
    );
    update_account(&app, "acc-active", json!({ "status": "ACTIVE" })).await;

    // Sign-out ends the whole chain at once.
    let r = with_bearer(&app, "/ias/v3/token/actions/signOut", &access2).await;
    assert_eq!(r.status(), 204);
    for token in [&access1, &access2] {
        assert_eq!(
            json_of(tvs(&app, token).await, 403).await["result"],
            "token has been revoked"
        );
    }
    let r = with_bearer(&app, "/ias/v3/token/actions/refresh", &refresh2).await;
    assert_eq!(json_of(r, 401).await["result"], "token has been revoked");
    let r = with_bearer(&app, "/ias/v3/token/actions/signOut", &access2).await;
    assert_eq!(json_of(r, 403).await["resultCode"], "99999:403");
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOut"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["resultCode"], "40100:401");
    app.stop().await;
}

async fn a_reused_refresh_token_ends_the_chain(b: Backend) {
    let app = TestApp::start(b).await;
    let first = json_of(sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" })).await, 200).await;
    let refresh1 = first["refresh_token"].as_str().unwrap().to_owned();
    let second = json_of(
        with_bearer(&app, "/ias/v3/token/actions/refresh", &refresh1).await,
        200,
    )
    .await;
    // Someone replays the spent refresh token: refused, and the chain is revoked,
    // so the legitimate holder's newer tokens stop working too.
    let r = with_bearer(&app, "/ias/v3/token/actions/refresh", &refresh1).await;
    assert_eq!(json_of(r, 401).await["result"], "token has been revoked");
    let r = with_bearer(
        &app,
        "/ias/v3/token/actions/refresh",
        second["refresh_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(json_of(r, 401).await["result"], "token has been revoked");
    assert_eq!(
        json_of(
            tvs(&app, second["access_token"].as_str().unwrap()).await,
            403
        )
        .await["result"],
        "token has been revoked"
    );
    app.stop().await;
}

async fn managed_devices_sign_on_by_identifier(b: Backend) {
    let app = TestApp::start(b).await;
    let managed = |path: &str, body: Value| {
        app.http
            .post(app.url(path))
            .header("tenantId", "demo")
            .json(&body)
            .send()
    };
    let r = managed(
        "/ias/v3/token/actions/signOnByCasn",
        json!({ "casn": "CASN-0001" }),
    )
    .await
    .unwrap();
    let body = json_of(r, 200).await;
    assert_eq!(body["client_id"], "stb-alice");
    assert_eq!(body["accountId"], "acc-active");
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    let claims = json_of(tvs(&app, body["access_token"].as_str().unwrap()).await, 200).await;
    assert_eq!(claims["deviceId"], "stb-alice");
    let r = managed(
        "/ias/v3/token/actions/signOnBySmartCardId",
        json!({ "smartCardId": "SC-0001" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 200).await["client_id"], "stb-alice");
    let r = managed(
        "/ias/v3/token/actions/signOnByCasn",
        json!({ "casn": "CASN-9999" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 401).await["resultCode"], "40101:401");
    let r = managed(
        "/ias/v3/token/actions/signOnByCasn",
        json!({ "smartCardId": "SC-0001" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40002:400");
    sqlx::query(
        "UPDATE devices SET activity = 'INACTIVE' WHERE tenant_id = 'demo' AND id = 'stb-alice'",
    )
    .execute(app.state.store.pool())
    .await
    .unwrap();
    let r = managed(
        "/ias/v3/token/actions/signOnByCasn",
        json!({ "casn": "CASN-0001" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 403).await["resultCode"], "20004:403");
    app.stop().await;
}

async fn switching_user_profile(b: Backend) {
    let app = TestApp::start(b).await;
    let kid_profile = playgate::store::accounts::account::UserProfile {
        tenant_id: "demo".into(),
        id: "alice-kids".into(),
        account_id: "acc-active".into(),
        name: "Kids".into(),
        is_default: false,
        child_profile: true,
        pin_prompt_required: false,
        created: 0,
    };
    let mut conn = app.state.store.pool().acquire().await.unwrap();
    playgate::store::accounts::account::insert_user_profile(&mut conn, &kid_profile)
        .await
        .unwrap();
    drop(conn);
    let signed = json_of(sign_on(&app, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" })).await, 200).await;
    let access = signed["access_token"].as_str().unwrap();
    let change = |token: String, body: Value| {
        app.http
            .post(app.url("/ias/v3/token/actions/changeUserProfile"))
            .header("nv-tenant-id", "demo")
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let r = change(
        access.to_owned(),
        json!({ "newUserProfileId": "alice-kids" }),
    )
    .await
    .unwrap();
    let body = json_of(r, 200).await;
    let new_access = body["access_token"].as_str().unwrap();
    let before = json_of(tvs(&app, access).await, 200).await;
    let after = json_of(tvs(&app, new_access).await, 200).await;
    assert_eq!(before["userId"], "acc-active-main");
    assert_eq!(after["userId"], "alice-kids");
    assert_eq!(after["sid"], before["sid"], "same sign-on chain");
    // From a child profile there is no changing profiles.
    let r = change(
        new_access.to_owned(),
        json!({ "newUserProfileId": "acc-active-main" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 403).await["resultCode"], "40320:403");
    let r = change(
        access.to_owned(),
        json!({ "newUserProfileId": "acc-full-main" }),
    )
    .await
    .unwrap();
    assert_eq!(
        json_of(r, 404).await["resultCode"],
        "40402:404",
        "another account's profile"
    );
    let r = change(
        signed["refresh_token"].as_str().unwrap().to_owned(),
        json!({ "newUserProfileId": "alice-kids" }),
    )
    .await
    .unwrap();
    assert_eq!(json_of(r, 403).await["resultCode"], "99999:403");
    app.stop().await;
}

async fn ias_v2_grants_and_sign_out(b: Backend) {
    let app = TestApp::start(b).await;
    let v2 = |query: &str| {
        app.http
            .post(app.url(&format!("/ias/v2/token?{query}")))
            .header("tenantId", "demo")
            .send()
    };
    let first = json_of(
        v2("grant_type=password&username=alice%40demo.playgate&password=alice-demo-pass")
            .await
            .unwrap(),
        200,
    )
    .await;
    let device = first["client_id"].as_str().unwrap().to_owned();
    assert_eq!(first["token_type"], "bearer");
    assert_eq!(first["expires_in"], 3600);
    assert_eq!(first["refresh_expires_in"], 172_800);
    assert_eq!(first["fixed_refresh_expires_in"], 7_776_000);
    let again = json_of(v2(&format!("grant_type=password&username=alice%40demo.playgate&password=alice-demo-pass&client_id={device}")).await.unwrap(), 200).await;
    assert_eq!(
        again["client_id"],
        device.as_str(),
        "the known device signs on again"
    );
    let refreshed = json_of(
        v2(&format!(
            "grant_type=refresh_token&refresh_token={}",
            first["refresh_token"].as_str().unwrap()
        ))
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(refreshed["client_id"], device.as_str());
    let managed = json_of(
        v2("grant_type=client_credentials&casn=CASN-0001")
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(managed["client_id"], "stb-alice");
    for (query, code) in [
        (
            "grant_type=password&username=alice%40demo.playgate&password=wrong",
            "40101:401",
        ),
        (
            "grant_type=password&username=alice%40demo.playgate",
            "40003:400",
        ),
        ("grant_type=implicit", "40003:400"),
        ("", "40003:400"),
        ("grant_type=refresh_token&refresh_token=x.y.z", "40101:401"),
    ] {
        let r = v2(query).await.unwrap();
        let status = r.status().as_u16();
        assert_eq!(json_of(r, status).await["resultCode"], code, "{query}");
    }
    // v2 sign-out takes the access token in header `token`.
    let access = refreshed["access_token"].as_str().unwrap();
    let r = app
        .http
        .post(app.url("/ias/v2/signout"))
        .header("tenantId", "demo")
        .header("token", access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        json_of(tvs(&app, access).await, 403).await["result"],
        "token has been revoked"
    );
    let r = app
        .http
        .post(app.url("/ias/v2/signout"))
        .header("tenantId", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["resultCode"], "40000:400");
    app.stop().await;
}

async fn the_device_limit_holds_under_concurrency(b: Backend) {
    let app = TestApp::start(b).await;
    // alice: limit 5, two devices counted (dev-alice-tv, stb-alice): three free slots.
    let mut tasks = Vec::new();
    for n in 0..8 {
        let http = app.http.clone();
        let url = app.url(SIGN_ON);
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .header("nv-tenant-id", "demo")
                .json(
                    &json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                               "deviceInformation": device_info(&format!("Racer {n}")) }),
                )
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 200, 200, 403, 403, 403, 403, 403],
        "{statuses:?}"
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND account_id='acc-active' AND deleted_at IS NULL").await,
        5
    );
    app.stop().await;
}

/// One address guessing across accounts is stopped by the per-address throttle
/// (which no per-account lockout would notice), on every credential route.
async fn one_address_guessing_across_accounts_is_throttled(b: Backend) {
    let db = std::sync::Arc::new(crate::harness::TestDb::new(b).await);
    let mut config = crate::harness::test_config(&db);
    config.tokens.max_failed_signons_per_ip = 4;
    config.tokens.signon_ip_window_s = 120;
    let app = TestApp::start_with(db, config).await;
    let good = json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" });
    // Successes do not count.
    for _ in 0..5 {
        assert_eq!(sign_on(&app, good.clone()).await.status(), 200);
    }
    // Four failures, each on a different (unknown or real) account or route.
    for body in [
        json!({ "username": "u1@demo.playgate", "password": "x", "clientId": "d" }),
        json!({ "username": "u2@demo.playgate", "password": "x", "clientId": "d" }),
        json!({ "username": "fay@demo.playgate", "password": "wrong", "clientId": "d" }),
    ] {
        assert_eq!(sign_on(&app, body).await.status(), 401);
    }
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByCasn"))
        .header("tenantId", "demo")
        .json(&json!({ "casn": "CASN-GUESS" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // Now even the right password on another face is refused, with Retry-After.
    let r = sign_on(&app, good.clone()).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "120");
    let body = json_of(r, 429).await;
    assert_eq!(body["resultCode"], "42900:429");
    let r = app
        .http
        .post(app.url("/api/authorization"))
        .json(&json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(json_of(r, 429).await["code"], 42900, "Rocket envelope");
    // Routes that take no credentials are not throttled.
    let r = app
        .operator(Method::GET, "/adm/v1/accounts/acc-active")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The per-account counters were not what stopped it: fay's has one failure.
    assert_eq!(
        scalar(
            &app,
            "SELECT failed_attempts FROM secret_failures WHERE kind = 'password' AND owner = 'acc-full'"
        )
        .await,
        1
    );
    app.clock.advance_ms(121_000);
    assert_eq!(sign_on(&app, good).await.status(), 200);
    app.stop().await;
}

crate::on_both_backends!(
    one_address_guessing_across_accounts_is_throttled,
    first_and_nth_time_sign_on,
    documented_refusals,
    repeated_failures_lock_the_account,
    refresh_rotates_and_sign_out_revokes,
    a_reused_refresh_token_ends_the_chain,
    managed_devices_sign_on_by_identifier,
    switching_user_profile,
    ias_v2_grants_and_sign_out,
    the_device_limit_holds_under_concurrency,
);

/// Sign-out through node A stops the token on node B (PostgreSQL, two nodes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_reaches_every_node() {
    if !crate::harness::postgres_or_skip() {
        return;
    }
    let db = std::sync::Arc::new(crate::harness::TestDb::new(Backend::Postgres).await);
    let a = TestApp::start_with(db.clone(), crate::harness::test_config(&db)).await;
    let b = TestApp::start_with(db.clone(), crate::harness::test_config(&db)).await;
    drop(db);
    let signed = json_of(sign_on(&a, json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" })).await, 200).await;
    let access = signed["access_token"].as_str().unwrap();
    json_of(tvs(&b, access).await, 200).await;
    assert_eq!(
        with_bearer(&a, "/ias/v3/token/actions/signOut", access)
            .await
            .status(),
        204
    );
    let started = std::time::Instant::now();
    loop {
        if tvs(&b, access).await.status() == 403 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "node B still accepts the token"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    eprintln!("revocation reached node B in {:?}", started.elapsed());
    a.stop().await;
    b.stop().await;
}
