//! The support endpoint that replays the playback decision with its trace:
//! grants and refusals with the rule that decided, product ids by name, bad
//! input, operator authentication, and answers with the store closed.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{iso, DAY, NOW};

const PATH: &str = "/rmg/v1/operator/decisions/actions/trace";

async fn trace(app: &TestApp, body: Value) -> reqwest::Response {
    app.operator(Method::POST, PATH)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn step<'a>(t: &'a Value, rule: &str) -> &'a Value {
    t["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} step in {t}"))
}

async fn explains_grants_and_refusals(b: Backend) {
    let app = TestApp::start(b).await;
    let who = json!({ "accountId": "acc-active", "deviceId": "dev-alice-tv" });
    let mut ask = who.clone();
    ask["contentId"] = json!("DRM_vod-entitled_DASH");
    let t = json_of(trace(&app, ask).await, 200).await;
    assert_eq!(t["decision"], "GRANT");
    assert_eq!(t["rights"]["productId"], "prod-basic");
    assert_eq!(t["rights"]["start"], iso(NOW - DAY));
    assert_eq!(t["rights"]["freeToAir"], false);
    assert_eq!(t["at"], iso(NOW));
    assert!(t["snapshotVersion"].as_i64().unwrap() > 0);
    let rules: Vec<_> = t["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        &rules[..7],
        &[
            "account",
            "device",
            "approval",
            "vpn",
            "geoBlocking",
            "content",
            "contentWindow"
        ]
    );
    let ent = step(&t, "entitlement");
    assert_eq!(ent["outcome"], "pass");
    assert_eq!(ent["detail"]["productId"], "prod-basic");

    // Not entitled: the refusal names its code and the failing rule.
    let mut ask = who.clone();
    ask["contentId"] = json!("DRM_vod-premium_DASH");
    let t = json_of(trace(&app, ask).await, 200).await;
    assert_eq!(t["decision"], "DENY");
    assert_eq!(t["code"], 40341);
    assert_eq!(step(&t, "entitlement")["outcome"], "fail");
    assert!(t.get("rights").is_none());

    // Replayed at another time: after the entitlement's expiry.
    let mut ask = who.clone();
    ask["contentId"] = json!("DRM_vod-entitled_DASH");
    ask["at"] = json!(iso(NOW + 400 * DAY));
    let t = json_of(trace(&app, ask).await, 200).await;
    assert_eq!(t["decision"], "DENY");
    assert_eq!(t["code"], 40341);
    assert_eq!(t["at"], iso(NOW + 400 * DAY));

    // Unknown device: the device rule fails and nothing after it runs.
    let t = json_of(
        trace(
            &app,
            json!({ "accountId": "acc-active", "deviceId": "nope", "contentId": "DRM_vod-entitled_DASH" }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(t["decision"], "DENY");
    assert_eq!(step(&t, "device")["outcome"], "fail");
    assert_eq!(t["steps"].as_array().unwrap().len(), 2);

    // Download purpose: the D2Go rule is in the trace.
    let mut ask = who.clone();
    ask["contentId"] = json!("DRM_vod-d2go_DASH");
    ask["purpose"] = json!("DOWNLOAD");
    let t = json_of(trace(&app, ask).await, 200).await;
    assert_eq!(t["decision"], "GRANT");
    assert_eq!(step(&t, "download")["outcome"], "pass");
    app.stop().await;
}

async fn bad_input_and_authentication(b: Backend) {
    let app = TestApp::start(b).await;
    for body in [
        json!({ "accountId": "acc-active", "deviceId": "dev-alice-tv" }),
        json!({ "accountId": "acc-active", "deviceId": "d", "contentId": "c", "clientIp": "10.0.0" }),
        json!({ "accountId": "acc-active", "deviceId": "d", "contentId": "c", "at": "yesterday" }),
        json!({ "accountId": "acc-active", "deviceId": "d", "contentId": "c", "purpose": "STEAL" }),
        json!({ "accountId": "acc-active", "deviceId": "d", "contentId": "c", "purpose": "PPV" }),
        json!({ "accountId": "acc-active", "deviceId": "d", "contentId": "c", "extra": 1 }),
    ] {
        let r = trace(&app, body.clone()).await;
        assert_eq!(r.status(), 400, "{body}");
        let v: Value = r.json().await.unwrap();
        assert!(v["resultCode"].as_str().unwrap().ends_with(":400"), "{v}");
    }
    let r = app
        .http
        .post(app.url(PATH))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "accountId": "a", "deviceId": "d", "contentId": "c" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .http
        .post(app.url(PATH))
        .header("nv-tenant-id", "demo")
        .bearer_auth("not-the-key")
        .json(&json!({ "accountId": "a", "deviceId": "d", "contentId": "c" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    app.stop().await;
}

async fn answers_with_the_store_closed(b: Backend) {
    let app = TestApp::start(b).await;
    app.state.store.close().await;
    let t = json_of(
        trace(
            &app,
            json!({ "accountId": "acc-active", "deviceId": "dev-alice-tv",
                    "contentId": "DRM_vod-entitled_DASH" }),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(t["decision"], "GRANT");
    app.stop().await;
}

crate::on_both_backends!(
    explains_grants_and_refusals,
    bad_input_and_authentication,
    answers_with_the_store_closed
);
