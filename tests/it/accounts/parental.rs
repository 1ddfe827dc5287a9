//! Parental rating thresholds over real HTTP (§2.7): get, update (a full
//! replace), delete (the named bodies only), and the thresholds in the
//! access tokens signed afterwards. Demo: alice has `{"FSK": "fsk12"}`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{demo_call, json_of, tvs_claims, Backend, TestApp};
use crate::playback::content_token::alice;

const BASE: &str = "/adm/v1/user/accounts/parentalControl";

async fn call(
    app: &TestApp,
    access: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    demo_call(app, access, method, &format!("{BASE}{path}"), body).await
}

async fn thresholds(app: &TestApp, access: &str) -> Value {
    json_of(
        call(app, access, Method::GET, "/ratingsThresholds", None).await,
        200,
    )
    .await
}

async fn get_update_delete_and_the_token(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    assert_eq!(thresholds(&app, &access).await, json!({ "FSK": "fsk12" }));

    // A full replace: FSK (left out) is gone, null kept as "no threshold".
    let r = call(
        &app,
        &access,
        Method::PUT,
        "/actions/updateRatingsThresholds",
        Some(json!({ "TVPG": "TV-MA", "BBFC": "15", "MPAA": null })),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 1 })
    );
    assert_eq!(
        thresholds(&app, &access).await,
        json!({ "BBFC": "15", "MPAA": null, "TVPG": "TV-MA" })
    );
    // The same map again modifies nothing.
    let r = call(
        &app,
        &access,
        Method::PUT,
        "/actions/updateRatingsThresholds",
        Some(json!({ "TVPG": "TV-MA", "BBFC": "15", "MPAA": null })),
    )
    .await;
    assert_eq!(json_of(r, 200).await["modifiedCount"], 0);

    // Delete only what is named (an unknown name is not an error).
    let r = call(
        &app,
        &access,
        Method::POST,
        "/actions/deleteRatingsThresholds",
        Some(json!(["BBFC", "NOPE"])),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 1 })
    );
    assert_eq!(
        thresholds(&app, &access).await,
        json!({ "MPAA": null, "TVPG": "TV-MA" })
    );

    // Tokens signed from now on carry the new map; the old token keeps its own.
    assert_eq!(
        tvs_claims(&app, &access).await["parentalControl"]["ratingThreshold"],
        json!({ "FSK": "fsk12" })
    );
    let fresh = alice(&app).await;
    assert_eq!(
        tvs_claims(&app, &fresh).await["parentalControl"]["ratingThreshold"],
        json!({ "MPAA": null, "TVPG": "TV-MA" })
    );

    // Bad input: 400 in the ADM envelope, nothing written.
    for (method, path, body) in [
        (
            Method::PUT,
            "/actions/updateRatingsThresholds",
            json!(["FSK"]),
        ),
        (
            Method::PUT,
            "/actions/updateRatingsThresholds",
            json!({ "FSK": 12 }),
        ),
        (
            Method::PUT,
            "/actions/updateRatingsThresholds",
            json!({ "": "x" }),
        ),
        (
            Method::PUT,
            "/actions/updateRatingsThresholds",
            json!({ "FSK": "x".repeat(65) }),
        ),
        (
            Method::POST,
            "/actions/deleteRatingsThresholds",
            json!({ "FSK": "fsk12" }),
        ),
        (Method::POST, "/actions/deleteRatingsThresholds", json!([])),
        (
            Method::POST,
            "/actions/deleteRatingsThresholds",
            json!([12]),
        ),
    ] {
        let r = call(&app, &fresh, method, path, Some(body.clone())).await;
        let e = json_of(r, 400).await;
        assert_eq!(e["code"], 400, "{body}: {e}");
        assert!(e["errorCode"].as_i64().unwrap() >= 40000, "{e}");
    }
    assert_eq!(
        thresholds(&app, &fresh).await,
        json!({ "MPAA": null, "TVPG": "TV-MA" })
    );
    // No token: refused.
    let r = app
        .http
        .get(app.url(&format!("{BASE}/ratingsThresholds")))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 401 | 403));
    app.stop().await;
}

crate::on_both_backends!(get_update_delete_and_the_token);
