//! Rocket face (/api) reads over real HTTP.

use serde_json::json;

use crate::harness::{json_of, Backend, TestApp};

async fn app_config_lists_classifications(b: Backend) {
    let app = TestApp::start(b).await;
    let cfg = json_of(
        app.http.get(app.url("/api/config")).send().await.unwrap(),
        200,
    )
    .await;
    let classes = cfg["classification"].as_object().unwrap();
    assert_eq!(classes.len(), 5);
    assert_eq!(
        cfg["classification"]["fsk16"],
        json!({ "code": "fsk16", "name": "FSK 16", "level": 3, "system": "FSK", "images": {} })
    );
    let none = json_of(
        app.http
            .get(app.url("/api/config?include=general"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(none, json!({}));
    let other_system = json_of(
        app.http
            .get(app.url("/api/config?system=BBFC"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(other_system, json!({ "classification": {} }));
    for odd in ["", "%7Bf%20x", "FSK%27%20OR%201%3D1"] {
        let r = app
            .http
            .get(app.url(&format!("/api/config?system={odd}")))
            .send()
            .await
            .unwrap();
        let body = json_of(r, 200).await;
        let n = body["classification"].as_object().unwrap().len();
        assert_eq!(n, if odd.is_empty() { 5 } else { 0 }, "system={odd}");
    }
    let r = app
        .http
        .get(app.url("/api/config?include=classification,bogus"))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["code"], 40003);
    app.stop().await;
}

async fn downloadable_items(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .http
        .post(app.url("/api/itv/items/downloadable"))
        .json(&json!({ "ids": "vod-entitled, vod-d2go,unknown-item" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 200).await,
        json!({ "items": [
            { "id": "vod-entitled", "downloadable": false },
            { "id": "vod-d2go", "downloadable": true }
        ] })
    );
    // Any string is a schema-valid `ids`: what cannot be an item is simply unknown.
    for (ids, why) in [
        ("", "empty"),
        (" , ", "only separators"),
        ("a b,?x", "not ids"),
    ] {
        let r = app
            .http
            .post(app.url("/api/itv/items/downloadable"))
            .json(&json!({ "ids": ids }))
            .send()
            .await
            .unwrap();
        assert_eq!(json_of(r, 200).await, json!({ "items": [] }), "{why}");
    }
    // Except a control character, refused at the boundary like in any text.
    let r = app
        .http
        .post(app.url("/api/itv/items/downloadable"))
        .json(&json!({ "ids": "a b,\u{1b}x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["code"], 40000);
    let r = app
        .http
        .post(app.url("/api/itv/items/downloadable"))
        .json(&json!({ "ids": "vod-d2go,vod-d2go" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 200).await["items"].as_array().unwrap().len(),
        1,
        "duplicates once"
    );
    let many = (0..501)
        .map(|i| format!("i{i}"))
        .collect::<Vec<_>>()
        .join(",");
    let r = app
        .http
        .post(app.url("/api/itv/items/downloadable"))
        .json(&json!({ "ids": many }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["code"], 40000);
    for bad_ff in ["nope", "idp,,hb", "IDP"] {
        let r = app
            .http
            .post(app.url(&format!("/api/itv/items/downloadable?ff={bad_ff}")))
            .json(&json!({ "ids": "vod-d2go" }))
            .send()
            .await
            .unwrap();
        assert_eq!(json_of(r, 400).await["code"], 40003, "ff={bad_ff}");
    }
    app.stop().await;
}

crate::on_both_backends!(app_config_lists_classifications, downloadable_items);
