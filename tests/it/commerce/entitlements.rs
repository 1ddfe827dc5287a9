//! RMG operator entitlement API over real HTTP.

use reqwest::Method;
use serde_json::json;

use crate::harness::{json_of, Backend, TestApp};

async fn grant_and_read(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .operator(Method::POST, "/rmg/v1/operator/entitlements")
        .json(&json!({
            "_id": "ent-new", "accountId": "acc-full", "productId": "prod-premium",
            "validFrom": "2026-11-22T00:00:00Z", "expiryDate": "2026-12-22T00:00:00+00:00",
            "purchasedByDeviceId": "dev-fay-1"
        }))
        .send()
        .await
        .unwrap();
    let e = json_of(r, 201).await;
    assert_eq!(
        e,
        json!({
            "_id": "ent-new", "productId": "prod-premium", "accountId": "acc-full",
            "status": "SUBSCRIBED", "validityType": "ABSOLUTE",
            "validFrom": "2026-11-22T00:00:00Z", "expiryDate": "2026-12-22T00:00:00Z",
            "purchasedByDeviceId": "dev-fay-1",
            "created": "2026-11-22T00:00:00Z", "modified": "2026-11-22T00:00:00Z"
        })
    );
    let got = json_of(
        app.operator(Method::GET, "/rmg/v1/operator/entitlements/ent-new")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(got, e);
    app.stop().await;
}

async fn bad_grants_are_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let cases = [
        (
            json!({ "accountId": "nobody", "productId": "prod-basic" }),
            404,
            "40402:404",
        ),
        (
            json!({ "accountId": "acc-full", "productId": "nothing" }),
            404,
            "40402:404",
        ),
        (
            json!({ "accountId": "acc-full", "productId": "prod-basic", "status": "ON" }),
            400,
            "40000:400",
        ),
        (
            json!({ "accountId": "acc-full", "productId": "prod-basic", "validFrom": "monday" }),
            400,
            "40000:400",
        ),
        (
            json!({ "accountId": "acc-full", "productId": "prod-basic",
                    "validFrom": "2026-12-01T00:00:00Z", "expiryDate": "2026-11-01T00:00:00Z" }),
            400,
            "40000:400",
        ),
        (
            json!({ "_id": "ent-alice-basic", "accountId": "acc-full", "productId": "prod-basic" }),
            409,
            "40900:409",
        ),
    ];
    for (body, status, code) in cases {
        let r = app
            .operator(Method::POST, "/rmg/v1/operator/entitlements")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(json_of(r, status).await["resultCode"], code, "{body}");
    }
    let r = app
        .operator(Method::GET, "/rmg/v1/operator/entitlements/none-such")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["resultCode"], "40402:404");
    app.stop().await;
}

crate::on_both_backends!(grant_and_read, bad_grants_are_refused);
