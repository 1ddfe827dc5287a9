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
    for (ids, why) in [("", "empty"), (" , ", "only separators"), ("a b", "bad id")] {
        let r = app
            .http
            .post(app.url("/api/itv/items/downloadable"))
            .json(&json!({ "ids": ids }))
            .send()
            .await
            .unwrap();
        assert_eq!(json_of(r, 400).await["code"], 40000, "{why}");
    }
    let many = (0..101)
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
    app.stop().await;
}

crate::on_both_backends!(app_config_lists_classifications, downloadable_items);
