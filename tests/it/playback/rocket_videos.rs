//! Rocket media resolution and the playback guard over real HTTP: an item
//! rated at or above the account's `minRatingPlaybackGuard` is 403 `{code:
//! 1}` on `videos` with a Catalog token and served on `videos-guarded` with
//! the Playback token `/itv/pinauthorization` gives; every other rule is the
//! one playback decision's. Demo: alice's guard is fsk16, she holds
//! vod-entitled (fsk12, an `.mpd`), not vod-premium (fsk16).

use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::write;
use playgate::store::changes::ChangeKind;

const QUERY: &str = "delivery=stream&resolution=HD-1080";

async fn token(app: &TestApp, path: &str, bearer: Option<&str>, body: Value) -> String {
    let mut r = app.http.post(app.url(path)).json(&body);
    if let Some(b) = bearer {
        r = r.bearer_auth(b);
    }
    json_of(r.send().await.unwrap(), 200).await[0]["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn videos(
    app: &TestApp,
    bearer: &str,
    route: &str,
    item: &str,
    query: &str,
) -> reqwest::Response {
    app.http
        .get(app.url(&format!("/api/account/items/{item}/{route}?{query}")))
        .bearer_auth(bearer)
        .send()
        .await
        .unwrap()
}

async fn rocket_code(r: reqwest::Response, status: u16) -> i64 {
    let body = json_of(r, status).await;
    assert!(body["message"].is_string(), "{body}");
    body["code"].as_i64().unwrap()
}

async fn set_guard(app: &TestApp, guard: Option<&str>) {
    let value = guard.map_or("NULL".to_owned(), |g| format!("'{g}'"));
    let sql =
        format!("UPDATE accounts SET min_rating_playback_guard = {value} WHERE id = 'acc-active'");
    write(app, &[&sql], &[(ChangeKind::Account, "acc-active")]).await;
}

async fn the_guard_and_the_decision(b: Backend) {
    let app = TestApp::start(b).await;
    let catalog = token(&app, "/api/authorization", None,
        json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] })).await;
    let playback = token(
        &app,
        "/api/itv/pinauthorization",
        Some(&catalog),
        json!({ "pin": "1234" }),
    )
    .await;

    // Below the guard: served, the item's manifest as one stream.
    let files = json_of(
        videos(&app, &catalog, "videos", "vod-entitled", QUERY).await,
        200,
    )
    .await;
    assert_eq!(
        files,
        json!([{ "name": "vod-entitled", "deliveryType": "Stream",
                 "url": "https://cdn.demo.playgate/vod/vod-entitled/manifest.mpd", "drm": "SSP",
                 "format": "mpd", "resolution": "HD-1080", "width": 1920, "height": 1080, "language": "und" }])
    );
    // By its DRM id too.
    json_of(
        videos(&app, &catalog, "videos", "DRM_vod-entitled_DASH", QUERY).await,
        200,
    )
    .await;

    // The guard at fsk12: the same item is classification restricted on the
    // Catalog route, and served on the guarded one with the Playback token.
    set_guard(&app, Some("fsk12")).await;
    assert_eq!(
        rocket_code(
            videos(&app, &catalog, "videos", "vod-entitled", QUERY).await,
            403
        )
        .await,
        1
    );
    json_of(
        videos(&app, &playback, "videos-guarded", "vod-entitled", QUERY).await,
        200,
    )
    .await;
    // Each route takes exactly its scope.
    assert_eq!(
        rocket_code(
            videos(&app, &catalog, "videos-guarded", "vod-entitled", QUERY).await,
            403
        )
        .await,
        40303
    );
    assert_eq!(
        rocket_code(
            videos(&app, &playback, "videos", "vod-entitled", QUERY).await,
            403
        )
        .await,
        40303
    );
    let r = app
        .http
        .get(app.url(&format!("/api/account/items/vod-entitled/videos?{QUERY}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // The decision's rules still hold on the guarded route: not entitled,
    // unknown item.
    assert_eq!(
        rocket_code(
            videos(&app, &playback, "videos-guarded", "vod-premium", QUERY).await,
            403
        )
        .await,
        40341
    );
    assert_eq!(
        videos(&app, &playback, "videos-guarded", "no-such-item", QUERY)
            .await
            .status(),
        404
    );

    // A guard code the classifications do not define cannot be ordered:
    // guarded. No guard: nothing is.
    set_guard(&app, Some("TV-MA")).await;
    assert_eq!(
        rocket_code(
            videos(&app, &catalog, "videos", "vod-entitled", QUERY).await,
            403
        )
        .await,
        1
    );
    set_guard(&app, None).await;
    json_of(
        videos(&app, &catalog, "videos", "vod-entitled", QUERY).await,
        200,
    )
    .await;

    // Filters: only a stream in mpd is there.
    for (query, status) in [
        ("delivery=progressive&resolution=SD", 404),
        ("delivery=stream&resolution=SD&formats=hls", 404),
        (
            "delivery=progressive,stream&resolution=SD&formats=hls,mpd",
            200,
        ),
        ("resolution=SD", 400),
        ("delivery=&resolution=SD", 400),
        ("delivery=stream", 400),
        ("delivery=stream&resolution=8K", 400),
        ("delivery=stream&resolution=SD&formats=avi", 400),
        ("delivery=stream&resolution=SD&ff=nope", 400),
    ] {
        let r = videos(&app, &catalog, "videos", "vod-entitled", query).await;
        assert_eq!(r.status(), status, "{query}");
    }
    let sd = json_of(
        videos(
            &app,
            &catalog,
            "videos",
            "vod-entitled",
            "delivery=stream&resolution=SD",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (&sd[0]["width"], &sd[0]["height"]),
        (&json!(720), &json!(576))
    );

    // From memory: the store closed, the answer stands.
    app.state.store.close().await;
    json_of(
        videos(&app, &catalog, "videos", "vod-entitled", QUERY).await,
        200,
    )
    .await;
    app.stop().await;
}

crate::on_both_backends!(the_guard_and_the_decision);
