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
    let general = json_of(
        app.http
            .get(app.url("/api/config?include=general"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        general.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["general"],
        "only the part asked for"
    );
    let other_system = json_of(
        app.http
            .get(app.url("/api/config?include=classification&system=BBFC"))
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
            .get(app.url(&format!("/api/config?include=classification&system={odd}")))
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

/// Every part of `/api/config` from the catalogue and the tenant's
/// settings, and the settings in force at once.
async fn app_config_parts_and_settings(b: Backend) {
    let app = crate::tenancy::provisioning::platform_app(b).await;
    let config = |q: &'static str| {
        let app = &app;
        async move {
            json_of(
                app.http
                    .get(app.url(&format!("/api/config{q}")))
                    .send()
                    .await
                    .unwrap(),
                200,
            )
            .await
        }
    };
    let all = config("").await;
    for part in [
        "classification",
        "playback",
        "general",
        "subscription",
        "i18n",
        "linear",
        "display",
        "navigation",
        "sitemap",
    ] {
        assert!(all.get(part).is_some(), "{part} in {all}");
    }
    assert_eq!(
        all["playback"]["viewEventPoints"],
        json!([0.25, 0.5, 0.75, 1.0])
    );
    assert_eq!(all["general"]["currencyCode"], "EUR");
    assert_eq!(all["general"]["maxUserRating"], 4);
    assert_eq!(all["general"]["itemImageTypes"]["Poster"], "Poster");
    let plans: Vec<&str> = all["subscription"]["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        plans.contains(&"prod-premium") && !plans.contains(&"ppv-final"),
        "{plans:?}"
    );
    assert_eq!(all["i18n"]["languages"][0]["code"], "en-GB");
    assert_eq!(all["i18n"]["languages"][1]["label"], "Deutsch");
    assert_eq!(all["linear"]["scheduleCacheMaxAgeMinutes"], 10);
    assert!(all["linear"]["viewingWindowDaysAfter"].as_i64().unwrap() >= 7);
    let header = all["navigation"]["header"].as_array().unwrap();
    assert_eq!(
        header[0]["label"], "Movies",
        "the home node's children lead"
    );
    assert_eq!(header[0]["path"], "/list/n-movies");
    assert_eq!(all["sitemap"].as_array().unwrap().len(), 5);
    assert_eq!(all["display"], json!({ "themes": [] }));

    // The operator's settings: in force on the next request.
    let put = |body: serde_json::Value| {
        crate::tenancy::provisioning::platform(
            &app,
            reqwest::Method::PUT,
            "/platform/v1/tenants/demo/settings",
            crate::tenancy::provisioning::PLATFORM_KEY,
        )
        .json(&body)
        .send()
    };
    for bad in [
        json!({ "catalogue": { "defaultLocale": "Deutsch" } }),
        json!({ "rocket": { "playback": { "viewEventPoints": [2] } } }),
        json!({ "rocket": { "general": { "mandatorySignin": true } } }),
    ] {
        assert_eq!(put(bad.clone()).await.unwrap().status(), 400, "{bad}");
    }
    let settings = json!({
        "catalogue": { "defaultLocale": "de_DE" },
        "rocket": { "playback": { "chainPlayCountdown": 0 },
                    "general": { "mandatorySignIn": true, "defaultTimeZone": "Europe/Berlin" } },
    });
    assert_eq!(put(settings).await.unwrap().status(), 200);
    let after = config("?include=playback,general,i18n").await;
    assert_eq!(after["playback"]["chainPlayCountdown"], 0);
    assert_eq!(after["playback"]["heartbeatFrequency"], 60, "the rest kept");
    assert_eq!(after["general"]["mandatorySignIn"], true);
    assert_eq!(after["general"]["defaultTimeZone"], "Europe/Berlin");
    assert_eq!(after["i18n"]["languages"][0]["code"], "de-DE");
    let item = json_of(
        app.http
            .get(app.url("/api/items/ed-vod-entitled"))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        item["title"], "Der berechtigte Film",
        "the new default locale"
    );
    app.stop().await;
}

crate::on_both_backends!(
    app_config_lists_classifications,
    downloadable_items,
    app_config_parts_and_settings
);
