//! `/samsung-preview` over real HTTP: the demo's preview (root lists, at
//! most 40 tiles split evenly, the rest to the first section), tile
//! images that IM-1 serves at the tile's size, the operator's rows and
//! ratio in force at once, and 404 while no image host is configured.

use serde_json::{json, Value};

use super::fixtures::NOW;
use crate::harness::{json_of, Backend, TestApp};
use crate::tenancy::provisioning::{platform, platform_app, PLATFORM_KEY};

const BASE: &str = "https://images.demo.playgate";

async fn preview(app: &TestApp) -> reqwest::Response {
    app.http
        .get(app.url("/api/samsung-preview"))
        .send()
        .await
        .unwrap()
}

async fn settings(app: &TestApp, body: Value) -> u16 {
    platform(
        app,
        reqwest::Method::PUT,
        "/platform/v1/tenants/demo/settings",
        PLATFORM_KEY,
    )
    .json(&body)
    .send()
    .await
    .unwrap()
    .status()
    .as_u16()
}

fn tiles(v: &Value, section: usize) -> &Vec<Value> {
    v["sections"][section]["tiles"].as_array().unwrap()
}

async fn the_public_preview(b: Backend) {
    let app = platform_app(b).await;
    let r = preview(&app).await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let demo = json_of(r, 200).await;
    let expires = demo["expires"].as_i64().unwrap();
    assert!(
        expires > NOW && expires <= NOW + 3600,
        "refreshMinutes 60: {expires}"
    );
    assert_eq!(expires % 3600, 0, "on the hour");
    let sections = demo["sections"].as_array().unwrap();
    assert!(sections.len() >= 2, "{demo}");
    let counts: Vec<usize> = (0..sections.len()).map(|i| tiles(&demo, i).len()).collect();
    assert!(counts.iter().sum::<usize>() <= 40, "{counts:?}");
    assert_eq!(sections[0]["title"], "Movies", "{demo}");
    assert_eq!(sections[0]["position"], 1);
    // The movies row holds more than its share: it is cut to it, and the
    // first section takes the remainder.
    let share = 40 / sections.len();
    assert_eq!(counts[0], share + 40 % sections.len(), "{counts:?}");
    for (i, t) in tiles(&demo, 0).iter().enumerate() {
        assert_eq!(t["position"], i + 1);
        assert_eq!(t["image_ratio"], "16:9");
        let url = t["image_url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{BASE}/images/v1/image/imageid/")),
            "{url}"
        );
        assert!(url.ends_with("?width=444&height=250"), "{url}");
        let action: Value = serde_json::from_str(t["action_data"].as_str().unwrap()).unwrap();
        assert_eq!(
            action["path"],
            format!("/movie/{}", action["id"].as_str().unwrap())
        );
        assert_eq!(t["is_playable"], true);
    }
    // The URL works against IM-1 (the image host adds the tenant).
    let url = tiles(&demo, 0)[0]["image_url"].as_str().unwrap();
    let image = app
        .http
        .get(app.url(url.trim_start_matches(BASE)))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), 200);
    let bytes = image.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (444, 250));
    // Cacheable.
    let again = app
        .http
        .get(app.url("/api/samsung-preview"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // The operator's rows and ratio, at once: posters of shows.
    let rows = json!({ "rocket": { "imageBaseUrl": BASE, "samsungPreview": {
        "rows": ["n-series", "n-nowhere"], "imageRatio": "2:3" } } });
    assert_eq!(settings(&app, rows).await, 200);
    let r = preview(&app).await;
    let series = json_of(r, 200).await;
    assert!(series.get("expires").is_none(), "{series}");
    assert_eq!(
        series["sections"].as_array().unwrap().len(),
        1,
        "an empty row is dropped"
    );
    let t = &tiles(&series, 0)[0];
    assert!(t["image_url"]
        .as_str()
        .unwrap()
        .ends_with("?width=167&height=250"));
    assert_eq!(t["is_playable"], false, "a show");
    assert!(tiles(&series, 0).len() <= 40);

    // Bad settings are refused; without an image host there is no preview.
    for bad in [
        json!({ "rocket": { "imageBaseUrl": "images.demo" } }),
        json!({ "rocket": { "samsungPreview": { "imageRatio": "21:9" } } }),
        json!({ "rocket": { "samsungPreview": { "refreshMinutes": 20000 } } }),
    ] {
        assert_eq!(settings(&app, bad.clone()).await, 400, "{bad}");
    }
    assert_eq!(settings(&app, json!({})).await, 200);
    let none = json_of(preview(&app).await, 404).await;
    assert!(none["message"].as_str().unwrap().contains("not configured"));
    // Nor do items carry images: a relative URL is no URI.
    let item = app
        .http
        .get(app.url("/api/items/ed-vod-entitled"))
        .send()
        .await
        .unwrap();
    assert!(json_of(item, 200).await.get("images").is_none());
    app.stop().await;
}

crate::on_both_backends!(the_public_preview);
