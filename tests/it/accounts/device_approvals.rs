//! The device approval service over real HTTP (§2.6): `amiapproved` from
//! memory, `amendapprovals` within the profile's maximum and rolling
//! cool-off, `canIApproveADevice` with every field, the device list, the
//! operator twins, and bad input. The demo profile allows 3 approved
//! devices and 2 approvals in 30 days; alice starts with one (dev-alice-tv).

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, Backend, TestApp};
use crate::playback::content_token::{alice, sign_on, write};
use playgate::store::changes::ChangeKind;

const DAY: i64 = 86_400;

/// Adds unapproved OPEN devices to alice's account.
async fn add_devices(app: &TestApp, ids: &[&str]) {
    for id in ids {
        let sql = format!(
            "INSERT INTO devices (tenant_id, id, account_id, device_type, playout_device_class, \
             created, modified) VALUES ('demo', '{id}', 'acc-active', 'OPEN', 'Mobile', 0, 0)"
        );
        write(app, &[&sql], &[(ChangeKind::Device, id)]).await;
    }
}

async fn get(app: &TestApp, access: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn amend(app: &TestApp, access: &str, body: Value) -> reqwest::Response {
    app.http
        .post(app.url("/adm/v1/user/devices/amendapprovals"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn operator_amend(app: &TestApp, account: &str, body: Value) -> reqwest::Response {
    app.operator(
        Method::POST,
        &format!("/adm/v1/devices/amendapprovals/{account}"),
    )
    .json(&body)
    .send()
    .await
    .unwrap()
}

async fn standing(app: &TestApp, access: &str) -> Value {
    json_of(
        get(app, access, "/adm/v1/user/devices/canIApproveADevice").await,
        200,
    )
    .await
}

/// The ADM error code of a refusal with `status`.
async fn adm_code(r: reqwest::Response, status: u16) -> i64 {
    let body = json_of(r, status).await;
    assert_eq!(body["code"], status, "{body}");
    assert!(body["message"].is_string(), "{body}");
    body["errorCode"].as_i64().unwrap()
}

fn iso(t: i64) -> String {
    crate::playback::content_token::iso(t)
}

fn now(app: &TestApp) -> i64 {
    use playgate::core::clock::Clock as _;
    app.clock.now_s()
}

async fn approved(app: &TestApp, device: &str) -> bool {
    scalar(
        app,
        &format!("SELECT approved FROM devices WHERE tenant_id = 'demo' AND id = '{device}'"),
    )
    .await
        == 1
}

async fn limits_and_cool_off(b: Backend) {
    let app = TestApp::start(b).await;
    add_devices(&app, &["dev-a1", "dev-a2", "dev-a3", "dev-a4"]).await;
    let tv = alice(&app).await;
    let a1 = sign_on(&app, "alice@demo.playgate", "alice-demo-pass", "dev-a1").await;
    let t0 = now(&app);
    assert_eq!(
        standing(&app, &tv).await,
        json!({
            "currentNumberOfApprovedDevices": 1,
            "numberOfDevicesApprovedInPeriod": 0,
            "numberOfAllowedApprovalsInPeriod": 2,
            "maximumNumberOfDevicesCanBeApproved": 3,
            "numberOfDaysInApprovalPeriod": 30,
            "nextDeviceCanBeApprovedOn": iso(t0),
            "allowedToApprove": true
        })
    );

    // Not approved: amiapproved 403, and playback refused.
    let am_i = |token: String| {
        let app = &app;
        async move { get(app, &token, "/adm/v1/user/devices/amiapproved").await }
    };
    assert_eq!(adm_code(am_i(a1.clone()).await, 403).await, 40340);
    let play = |token: String| {
        let app = &app;
        async move {
            crate::playback::content_token::token(app, &token, "DRM_vod-entitled_DASH")
                .await
                .status()
        }
    };
    assert_eq!(play(a1.clone()).await, 403);
    assert_eq!(
        json_of(am_i(tv.clone()).await, 201).await,
        json!({ "_id": "dev-alice-tv" })
    );

    // Approve dev-a1 from the TV: it plays at once (read-your-writes).
    assert_eq!(
        amend(&app, &tv, json!({ "deviceToApprove": "dev-a1" }))
            .await
            .status(),
        201
    );
    json_of(am_i(a1.clone()).await, 201).await;
    assert_eq!(play(a1.clone()).await, 200);
    // Approving it again changes nothing and spends nothing.
    assert_eq!(
        amend(&app, &a1, json!({ "deviceToApprove": "dev-a1" }))
            .await
            .status(),
        201
    );
    assert_eq!(
        standing(&app, &tv).await["numberOfDevicesApprovedInPeriod"],
        1
    );

    // Access tokens live for hours: sign on again after the clock moves.
    app.clock.advance_ms(DAY * 1000);
    let tv = alice(&app).await;
    let a1 = sign_on(&app, "alice@demo.playgate", "alice-demo-pass", "dev-a1").await;
    assert_eq!(
        amend(&app, &tv, json!({ "deviceToApprove": "dev-a2" }))
            .await
            .status(),
        201
    );
    // Three on the list: full. Time does not help, only an unapproval.
    assert_eq!(
        adm_code(
            amend(&app, &tv, json!({ "deviceToApprove": "dev-a3" })).await,
            403
        )
        .await,
        40380
    );
    let s = standing(&app, &tv).await;
    assert_eq!(
        (
            &s["currentNumberOfApprovedDevices"],
            &s["numberOfDevicesApprovedInPeriod"]
        ),
        (&json!(3), &json!(2))
    );
    assert_eq!(
        (&s["allowedToApprove"], &s["nextDeviceCanBeApprovedOn"]),
        (&json!(false), &Value::Null)
    );

    // A swap at the cool-off limit is refused whole: dev-a1 stays approved.
    let swap = json!({ "deviceToUnapprove": "dev-a1", "deviceToApprove": "dev-a3" });
    assert_eq!(
        adm_code(amend(&app, &tv, swap.clone()).await, 403).await,
        40381
    );
    assert!(approved(&app, "dev-a1").await);
    assert!(!approved(&app, "dev-a3").await);

    // Unapproving is always allowed and free; the window still says no, and
    // says when: the older of the two approvals ages out after 30 days.
    assert_eq!(
        amend(&app, &tv, json!({ "deviceToUnapprove": "dev-a1" }))
            .await
            .status(),
        201
    );
    assert_eq!(adm_code(am_i(a1.clone()).await, 403).await, 40340);
    let s = standing(&app, &tv).await;
    assert_eq!(s["currentNumberOfApprovedDevices"], 2);
    assert_eq!(s["allowedToApprove"], false);
    assert_eq!(s["nextDeviceCanBeApprovedOn"], json!(iso(t0 + 30 * DAY)));
    assert_eq!(
        adm_code(
            amend(&app, &tv, json!({ "deviceToApprove": "dev-a3" })).await,
            403
        )
        .await,
        40381
    );

    // Customer care is exempt from the cool-off, not from the maximum, and
    // its approvals do not spend the viewer's.
    assert_eq!(
        operator_amend(&app, "acc-active", json!({ "deviceToApprove": "dev-a3" }))
            .await
            .status(),
        201
    );
    assert_eq!(
        adm_code(
            operator_amend(&app, "acc-active", json!({ "deviceToApprove": "dev-a4" })).await,
            403
        )
        .await,
        40380
    );
    let by_operator = json_of(
        app.operator(
            Method::GET,
            "/adm/v1/devices/canAccountApproveADevice/acc-active",
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(by_operator, standing(&app, &tv).await);
    assert_eq!(by_operator["currentNumberOfApprovedDevices"], 3);
    assert_eq!(by_operator["numberOfDevicesApprovedInPeriod"], 2);

    // One second before the window frees, still no; at that moment, a swap works.
    app.clock.advance_ms((29 * DAY - 1) * 1000);
    let tv = alice(&app).await;
    let swap = json!({ "deviceToUnapprove": "dev-a3", "deviceToApprove": "dev-a4" });
    assert_eq!(
        adm_code(amend(&app, &tv, swap.clone()).await, 403).await,
        40381
    );
    app.clock.advance_ms(1000);
    assert_eq!(now(&app), t0 + 30 * DAY);
    let a1 = sign_on(&app, "alice@demo.playgate", "alice-demo-pass", "dev-a1").await;
    assert_eq!(amend(&app, &tv, swap).await.status(), 201);
    assert!(approved(&app, "dev-a4").await && !approved(&app, "dev-a3").await);

    // The device list shows who is on it and when things changed.
    let list = json_of(get(&app, &tv, "/adm/v1/user/devices").await, 200).await;
    assert_eq!(list["totalRecords"], 6, "{list}");
    let a1_row = list["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["_id"] == "dev-a1")
        .unwrap()
        .clone();
    assert_eq!(a1_row["approved"], false);
    assert_eq!(a1_row["lastApproved"], json!(iso(t0)));
    assert_eq!(a1_row["lastUnapproved"], json!(iso(t0 + DAY)));
    let page = json_of(
        get(&app, &tv, "/adm/v1/user/devices?limit=2&page=3").await,
        200,
    )
    .await;
    assert_eq!(page["resourceSet"].as_array().unwrap().len(), 2);
    let by_operator = json_of(
        app.operator(Method::GET, "/adm/v1/accounts/acc-active/devices")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(by_operator, list);

    // Approval off for the profile: every device may play, amiapproved says so.
    write(
        &app,
        &["UPDATE account_profiles SET enable_approval_limit = 0 WHERE id = 'default'"],
        &[(ChangeKind::AccountProfile, "default")],
    )
    .await;
    json_of(am_i(a1.clone()).await, 201).await;
    assert_eq!(play(a1).await, 200);
    app.stop().await;
}

async fn bad_amendments(b: Backend) {
    let app = TestApp::start(b).await;
    add_devices(&app, &["dev-a1"]).await;
    write(
        &app,
        &["UPDATE devices SET status = 'DISABLED' WHERE id = 'dev-a1'"],
        &[(ChangeKind::Device, "dev-a1")],
    )
    .await;
    let tv = alice(&app).await;
    for (body, status, code) in [
        (json!({}), 400, 40000),
        (
            json!({ "deviceToApprove": "dev-alice-tv", "extra": 1 }),
            400,
            40002,
        ),
        (json!({ "deviceToApprove": 7 }), 400, 40002),
        (json!({ "deviceToApprove": "../x" }), 400, 40000),
        (
            json!({ "deviceToApprove": "dev-a1", "deviceToUnapprove": "dev-a1" }),
            400,
            40000,
        ),
        (json!({ "deviceToApprove": "no-such-device" }), 404, 40402),
        // Another account's device is unknown here.
        (json!({ "deviceToUnapprove": "dev-fay-1" }), 404, 40402),
        // Managed devices need no approval.
        (json!({ "deviceToApprove": "stb-alice" }), 400, 40000),
        (json!({ "deviceToApprove": "dev-a1" }), 403, 20004),
    ] {
        let r = amend(&app, &tv, body.clone()).await;
        assert_eq!(adm_code(r, status).await, code, "{body}");
    }
    assert!(approved(&app, "dev-fay-1").await, "fay's device untouched");
    // Not JSON at all.
    let r = app
        .http
        .post(app.url("/adm/v1/user/devices/amendapprovals"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&tv)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // No token: refused before anything is read.
    let r = app
        .http
        .get(app.url("/adm/v1/user/devices/canIApproveADevice"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 401 | 403), "{}", r.status());
    // Operator twins: unknown account 404, bad account id 400, no key 401.
    for (path, status) in [
        (
            "/adm/v1/devices/canAccountApproveADevice/no-such-account",
            404,
        ),
        ("/adm/v1/devices/canAccountApproveADevice/bad%20id", 400),
        ("/adm/v1/accounts/no-such-account/devices", 404),
    ] {
        let r = app.operator(Method::GET, path).send().await.unwrap();
        assert_eq!(r.status(), status, "{path}");
    }
    let r = app
        .http
        .get(app.url("/adm/v1/devices/canAccountApproveADevice/acc-active"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = get(&app, &tv, "/adm/v1/user/devices?limit=5000").await;
    assert_eq!(adm_code(r, 400).await, 40000);
    app.stop().await;
}

/// `amiapproved` is a playback check: it answers with the store closed.
async fn am_i_approved_answers_with_the_store_closed(b: Backend) {
    let app = TestApp::start(b).await;
    let tv = alice(&app).await;
    app.state.store.close().await;
    json_of(
        get(&app, &tv, "/adm/v1/user/devices/amiapproved").await,
        201,
    )
    .await;
    app.stop().await;
}

crate::on_both_backends!(
    limits_and_cool_off,
    bad_amendments,
    am_i_approved_answers_with_the_store_closed
);
