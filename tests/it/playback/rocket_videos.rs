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

async fn public(app: &TestApp, item: &str, query: &str) -> reqwest::Response {
    app.http
        .get(app.url(&format!("/api/items/{item}/videos?{query}")))
        .send()
        .await
        .unwrap()
}

/// `/items/{id}/videos` without a token: free items' files only; what a
/// product grants has none (404, like an unknown item); the content's own
/// rules still refuse with their code.
async fn public_files_are_the_free_ones(b: Backend) {
    use crate::catalogue::fixtures::{editorial, product, upsert, DAY, NOW};
    let app = TestApp::start(b).await;
    let news = json_of(public(&app, "ch-news", QUERY).await, 200).await;
    assert_eq!(news.as_array().unwrap().len(), 1, "{news}");
    assert!(
        news[0]["url"].as_str().unwrap().starts_with("http"),
        "{news}"
    );
    assert_eq!(news[0]["deliveryType"], "Stream");
    for sold in ["vod-entitled", "ch-sports", "no-such-item"] {
        assert_eq!(
            rocket_code(public(&app, sold, QUERY).await, 404).await,
            playgate::api::error::codes::NOT_FOUND as i64,
            "{sold}"
        );
    }

    // A free title ingested now is public at once, until its window ends.
    let mut free = editorial("ed-free", &[], &[]);
    free["period"] = json!({ "start": NOW - DAY, "end": NOW + DAY });
    upsert(&app, "editorials", json!([free.clone()])).await;
    let files = json_of(public(&app, "ed-free", QUERY).await, 200).await;
    assert_eq!(files[0]["url"], "https://cdn.example/vod/ed-free.mpd");
    assert_eq!(files[0]["name"], "ed-free-dash");
    app.clock.set_ms((NOW + 2 * DAY) * 1000);
    let ended = rocket_code(public(&app, "ed-free", QUERY).await, 403).await;
    assert_eq!(
        ended,
        playgate::api::error::codes::OUTSIDE_CONTENT_WINDOW as i64
    );
    // Sold from now on: no longer public.
    app.clock.set_ms(NOW * 1000);
    upsert(
        &app,
        "products",
        json!([product("prod-free-no-more", "SUBSCRIPTION", None)]),
    )
    .await;
    free["productRefs"] = json!(["prod-free-no-more"]);
    upsert(&app, "editorials", json!([free])).await;
    rocket_code(public(&app, "ed-free", QUERY).await, 404).await;

    // Bad input: the account routes' rules.
    for query in [
        "resolution=HD-1080",
        "delivery=stream",
        "delivery=teleport&resolution=SD",
    ] {
        rocket_code(public(&app, "ch-news", query).await, 400).await;
    }
    rocket_code(public(&app, "ch%07news", QUERY).await, 400).await;
    app.stop().await;
}

async fn clips(app: &TestApp, body: Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/itv/items/clips"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// `/itv/items/clips`: each title's clips in `clipRefs` order, only the
/// files the public decision grants; unknown ids left out.
async fn clips_of_items(b: Backend) {
    use crate::catalogue::fixtures::{editorial, product, upsert, DAY, NOW};
    let app = TestApp::start(b).await;
    let demo = json_of(
        clips(
            &app,
            json!({ "ids": "ed-vod-premium,nobody,bad id,ed-vod-entitled,ed-vod-premium" }),
        )
        .await,
        200,
    )
    .await;
    let items = demo["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{demo}");
    assert_eq!(items[0]["id"], "ed-vod-premium");
    let trailer = &items[1]["clips"][0];
    assert_eq!(items[1]["id"], "ed-vod-entitled");
    assert_eq!(
        trailer["url"],
        "https://cdn.demo.playgate/clips/vod-entitled-trailer.mp4"
    );
    assert_eq!(
        (
            &trailer["deliveryType"],
            &trailer["format"],
            &trailer["resolution"],
            &trailer["width"]
        ),
        (
            &json!("Progressive"),
            &json!("mp4"),
            &json!("HD-1080"),
            &json!(1920)
        )
    );

    // Sold clips and ended ones are not public; order is clipRefs'.
    upsert(
        &app,
        "products",
        json!([product("prod-extras", "SUBSCRIPTION", None)]),
    )
    .await;
    let clip = |id: &str, products: &[&str], end: i64| {
        let mut c = editorial(id, products, &[]);
        c["type"] = json!("TRAILER");
        c["period"] = json!({ "start": NOW - DAY, "end": end });
        c
    };
    let mut title = editorial("ed-with-clips", &[], &[]);
    title["clipRefs"] = json!(["clip-late", "clip-sold", "clip-free", "clip-missing"]);
    upsert(
        &app,
        "editorials",
        json!([
            clip("clip-free", &[], NOW + DAY),
            clip("clip-late", &[], NOW + 3 * DAY),
            clip("clip-sold", &["prod-extras"], NOW + DAY),
            title
        ]),
    )
    .await;
    let names = |v: &Value| -> Vec<String> {
        v["items"][0]["clips"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let now = json_of(clips(&app, json!({ "ids": "ed-with-clips" })).await, 200).await;
    assert_eq!(
        names(&now),
        [
            "clip-late-dash",
            "clip-late-hls",
            "clip-free-dash",
            "clip-free-hls"
        ]
    );
    app.clock.set_ms((NOW + 2 * DAY) * 1000);
    let later = json_of(clips(&app, json!({ "ids": "ed-with-clips" })).await, 200).await;
    assert_eq!(names(&later), ["clip-late-dash", "clip-late-hls"]);

    // Bad bodies.
    let many: Vec<String> = (0..501).map(|i| format!("i{i}")).collect();
    for body in [
        json!({ "ids": many.join(",") }),
        json!({}),
        json!({ "ids": "a", "colour": "red" }),
        json!({ "ids": 7 }),
    ] {
        rocket_code(clips(&app, body.clone()).await, 400).await;
    }
    app.stop().await;
}

crate::on_both_backends!(
    the_guard_and_the_decision,
    public_files_are_the_free_ones,
    clips_of_items
);
