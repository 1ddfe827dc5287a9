//! User activity over real HTTP: events from every face answered 202,
//! queried per account and profile, counted as views; ratings from OPF,
//! CDG and Rocket as one record per content per profile, with averages.

use reqwest::Method;
use serde_json::{json, Value};

use super::fixtures::call;
use super::rocket::profile_token;
use crate::harness::{json_of, Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::{alice, fay};

const UA: &str = "/useractivityvault/v1/useractivity";

async fn accepted(app: &TestApp, bearer: &str, path: &str, body: Value) {
    let r = call(app, bearer, Method::POST, path, Some(body)).await;
    let status = r.status();
    assert_eq!(status, 202, "{path}: {}", r.text().await.unwrap());
}

async fn events_are_accepted_queried_and_counted(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let alice = alice(&app).await;
    accepted(
        &app,
        &alice,
        &format!("{UA}/watch"),
        json!({"accountId": "acc-active", "userId": "acc-active-main",
        "deviceId": "dev-alice-tv", "name": "watch", "key": "vod-1", "value": "WATCH FULL",
        "timestamp": "2026-11-23T10:00:00Z", "metadata": {"contentType": "vod-ed"}}),
    )
    .await;
    accepted(
        &app,
        &alice,
        "/activitygateway/v1/useractivity/playbackStart",
        json!({"key": "vod-1", "userId": ""}),
    )
    .await;
    accepted(
        &app,
        &alice,
        "/contentdiscovery/v2/useractivity/watch/account/acc-active",
        json!({"deviceType": "Android", "contentId": "vod-1"}),
    )
    .await;
    accepted(
        &app,
        &alice,
        "/recommendations/v1/useractivity",
        json!({"activityType": "like", "deviceType": "Android",
        "content": {"type": "VOD", "id": "vod-2"}}),
    )
    .await;
    accepted(
        &app,
        DEMO_KEY,
        &format!("{UA}/appStart"),
        json!({"accountId": "acc-full"}),
    )
    .await;

    // Queryable at once on the node that took them.
    let main = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            &format!("{UA}/account/acc-active/user/acc-active-main"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(main["totalRecords"], 3, "{main}");
    let watch = &main["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["value"] == "WATCH FULL")
        .unwrap();
    assert_eq!(watch["timestamp"], "2026-11-23T10:00:00Z");
    assert_eq!(watch["metadata"]["contentType"], "vod-ed");
    assert_eq!(watch["deviceId"], "dev-alice-tv");
    let account = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            &format!("{UA}/account/acc-active"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(account["totalRecords"], 4);
    let named = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            &format!("{UA}/account/acc-active?name=watch&limit=1"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(named["totalRecords"], 2);
    assert_eq!(named["activities"].as_array().unwrap().len(), 1);
    // Views: watch, playbackStart and CDG's watch of vod-1; a like is none.
    let views = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            "/useractivityvault/v1/notifications/viewcounts?startDate=2026-01-01T00:00:00Z",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        views["viewCounts"],
        json!([{"contentId": "vod-1", "count": 3, "timestamp": views["viewCounts"][0]["timestamp"]}])
    );
    let later = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            "/useractivityvault/v1/notifications/viewcounts?startDate=2099-01-01T00:00:00Z",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(later["totalRecords"], 0);

    // Refusals, each in the OPF envelope, nothing taken.
    let fay = fay(&app, "dev-fay-1").await;
    for (bearer, path, body, status) in [
        (&alice, format!("{UA}/watch"), json!({"name": "play"}), 400),
        (
            &alice,
            format!("{UA}/watch"),
            json!({"timestamp": "soon"}),
            400,
        ),
        (&alice, format!("{UA}/bad%20name"), json!({}), 400),
        (
            &alice,
            format!("{UA}/watch"),
            json!({"accountId": "acc-full"}),
            403,
        ),
        (
            &fay,
            "/contentdiscovery/v2/useractivity/watch/account/acc-active".to_owned(),
            json!({"contentId": "c"}),
            403,
        ),
        (
            &alice,
            "/contentdiscovery/v2/useractivity/sleep/account/acc-active".to_owned(),
            json!({"contentId": "c"}),
            400,
        ),
        (
            &alice,
            "/recommendations/v1/useractivity".to_owned(),
            json!({"activityType": "watch"}),
            400,
        ),
        (
            &alice,
            format!("{UA}/watch"),
            json!({"userId": "acc-full-main"}),
            404,
        ),
    ] {
        let r = call(&app, bearer, Method::POST, &path, Some(body.clone())).await;
        let v = json_of(r, status).await;
        assert!(
            v["resultCode"]
                .as_str()
                .unwrap()
                .ends_with(&format!(":{status}")),
            "{path} {body}: {v}"
        );
    }
    let r = call(
        &app,
        DEMO_KEY,
        Method::POST,
        "/recommendations/v1/useractivity",
        Some(json!({"activityType": "watch", "content": {"type": "VOD", "id": "c"}})),
    )
    .await;
    assert_eq!(
        r.status(),
        403,
        "the recommendations facade takes the account from a user token"
    );
    let account = json_of(
        call(
            &app,
            DEMO_KEY,
            Method::GET,
            &format!("{UA}/account/acc-active"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(account["totalRecords"], 4, "refused events are not taken");
    app.stop().await;
}

async fn ratings_and_averages(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let alice = alice(&app).await;
    accepted(
        &app,
        &alice,
        &format!("{UA}/rating"),
        json!({"accountId": "acc-active", "userId": "acc-active-main",
        "deviceId": "dev-alice-tv", "contentId": "ed-vod-entitled", "rating": 4, "name": "rating"}),
    )
    .await;
    accepted(
        &app,
        DEMO_KEY,
        "/activitygateway/v1/useractivity/rating",
        json!({"accountId": "acc-active",
        "userId": "acc-active-kids", "contentId": "ed-vod-entitled", "rating": 2}),
    )
    .await;
    let avg = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            "/useractivityvault/v1/ratings/content/ed-vod-entitled/average",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (avg["average"].as_f64(), avg["count"].as_i64()),
        (Some(3.0), Some(2))
    );
    // One rating per content per profile: CDG (the token's profile) and
    // Rocket rewrite alice's, the count stays.
    accepted(
        &app,
        &alice,
        "/contentdiscovery/v2/ratings/account/acc-active",
        json!({"dataType": "vod", "contentId": "ed-vod-entitled", "rating": 5}),
    )
    .await;
    let main = profile_token(&app, "acc-active-main", None).await;
    let r = app
        .http
        .put(app.url("/api/account/profile/ratings/ed-vod-entitled?rating=8"))
        .bearer_auth(&main)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let avg = json_of(
        call(
            &app,
            &alice,
            Method::GET,
            "/useractivityvault/v1/ratings/content/ed-vod-entitled/average",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(avg["id"], "ed-vod-entitled");
    assert_eq!(
        (avg["average"].as_f64(), avg["count"].as_i64()),
        (Some(5.0), Some(2))
    );

    let get = |path: String, bearer: String| {
        let app = &app;
        async move {
            json_of(
                call(
                    app,
                    &bearer,
                    Method::GET,
                    &format!("/useractivityvault/v1/ratings{path}"),
                    None,
                )
                .await,
                200,
            )
            .await
        }
    };
    let by_account = get("/account/acc-active".into(), alice.clone()).await;
    assert_eq!(by_account["totalRecords"], 2, "one per profile");
    let by_profile = get(
        "/account/acc-active/user/acc-active-main".into(),
        alice.clone(),
    )
    .await;
    assert_eq!(
        by_profile["ratings"],
        json!([{"contentId": "ed-vod-entitled", "accountId": "acc-active", "userId": "acc-active-main", "rating": 8}]),
        "Rocket's rewrite replaces the whole record: it names no device"
    );
    assert_eq!(
        get(
            "/content/ed-vod-entitled/account/acc-active".into(),
            alice.clone()
        )
        .await["totalRecords"],
        2
    );
    let one = get(
        "/content/ed-vod-entitled/account/acc-active/user/acc-active-kids".into(),
        alice.clone(),
    )
    .await;
    assert_eq!(one["ratings"][0]["rating"], 2);
    assert_eq!(
        get("/content/ed-vod-entitled".into(), DEMO_KEY.into()).await["totalRecords"],
        2
    );
    let fay = fay(&app, "dev-fay-1").await;
    assert_eq!(
        get("/content/ed-vod-entitled".into(), fay.clone()).await["totalRecords"],
        0,
        "a user sees only their account's"
    );
    let r = call(
        &app,
        &fay,
        Method::GET,
        "/useractivityvault/v1/ratings/account/acc-active",
        None,
    )
    .await;
    assert_eq!(r.status(), 403);
    let changed = json_of(
        call(
            &app,
            &fay,
            Method::GET,
            "/useractivityvault/v1/notifications/averageratings?startDate=2026-01-01T00:00:00Z",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed[0]["contentId"], "ed-vod-entitled");
    assert_eq!(changed[0]["average"], 5.0);

    let r = call(
        &app,
        &alice,
        Method::GET,
        "/useractivityvault/v1/ratings/content/unrated/average",
        None,
    )
    .await;
    assert_eq!(r.status(), 404);
    for body in [
        json!({"contentId": "c", "rating": 11}),
        json!({"contentId": "c", "rating": 0}),
        json!({"rating": 3}),
        json!({"contentId": "c", "rating": "5"}),
    ] {
        let r = call(
            &app,
            &alice,
            Method::POST,
            &format!("{UA}/rating"),
            Some(body.clone()),
        )
        .await;
        assert_eq!(r.status(), 400, "{body}");
    }
    let r = call(
        &app,
        &alice,
        Method::GET,
        "/useractivityvault/v1/notifications/averageratings",
        None,
    )
    .await;
    assert_eq!(r.status(), 400, "startDate is required");
    app.stop().await;
}

crate::on_both_backends!(
    events_are_accepted_queried_and_counted,
    ratings_and_averages,
    expired_ratings_leave_the_averages,
);

/// Ratings expire like every record: an expired rating rewritten is
/// replaced, not counted twice, and the sweep takes expired ones out of
/// their contents' averages.
async fn expired_ratings_leave_the_averages(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let rate = |bearer: String, body: Value| {
        let app = &app;
        async move { accepted(app, &bearer, &format!("{UA}/rating"), body).await }
    };
    rate(DEMO_KEY.into(), json!({"accountId": "acc-active", "userId": "acc-active-main", "contentId": "c1", "rating": 4})).await;
    rate(DEMO_KEY.into(), json!({"accountId": "acc-active", "userId": "acc-active-kids", "contentId": "c1", "rating": 2})).await;
    app.clock.advance_ms(366 * 86_400 * 1000);
    let average = || {
        let app = &app;
        async move {
            json_of(
                call(
                    app,
                    DEMO_KEY,
                    Method::GET,
                    "/useractivityvault/v1/ratings/content/c1/average",
                    None,
                )
                .await,
                200,
            )
            .await
        }
    };
    // Rewritten after expiry: replaced, the count stays 2 until the sweep.
    rate(DEMO_KEY.into(), json!({"accountId": "acc-active", "userId": "acc-active-main", "contentId": "c1", "rating": 8})).await;
    let a = average().await;
    assert_eq!(
        (a["average"].as_f64(), a["count"].as_i64()),
        (Some(5.0), Some(2))
    );
    app.state.plane.activity.sweep(false).await.unwrap();
    let a = average().await;
    assert_eq!(
        (a["average"].as_f64(), a["count"].as_i64()),
        (Some(8.0), Some(1)),
        "the kids' expired 2 went"
    );
    app.stop().await;
}
