//! A tenant's settings document through the platform API: read with its
//! secrets masked, replaced whole, each section checked by its reader (400
//! naming the key, nothing stored), a masked secret sent back kept, and the
//! new settings in force at once (guest access switched on).

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, DEMO_KEY};
use crate::tenancy::provisioning::{platform, platform_app, PLATFORM_KEY};

async fn guest(app: &crate::harness::TestApp, tenant: &str) -> u16 {
    app.http
        .post(app.url("/ias/v2/anonymoustoken"))
        .header("tenantId", tenant)
        .header("country-code", "GB")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn stored_settings(app: &crate::harness::TestApp, tenant: &str) -> Value {
    use sqlx::Row as _;
    let text: String = sqlx::query("SELECT settings FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_one(app.state.store.pool())
        .await
        .unwrap()
        .get(0);
    serde_json::from_str(&text).unwrap()
}

async fn settings_are_checked_masked_and_in_force(b: Backend) {
    let app = platform_app(b).await;
    let r = platform(&app, Method::POST, "/platform/v1/tenants", PLATFORM_KEY)
        .json(&json!({ "id": "acme", "name": "Acme TV" }))
        .send()
        .await
        .unwrap();
    json_of(r, 201).await;
    let path = "/platform/v1/tenants/acme/settings";
    let put = |key: &str, body: Value| platform(&app, Method::PUT, path, key).json(&body).send();

    assert_eq!(guest(&app, "acme").await, 404, "no guest access yet");
    let settings = json!({
        "guest": { "enabled": true, "allowedCountries": ["GB"] },
        "purchase": { "crm": { "url": "https://crm.acme.example/auth", "apiKey": "crm-s3cret" } },
    });
    assert_eq!(put(DEMO_KEY, settings.clone()).await.unwrap().status(), 401);
    let shown = json_of(put(PLATFORM_KEY, settings.clone()).await.unwrap(), 200).await;
    assert_eq!(shown["purchase"]["crm"]["apiKey"], "***");
    assert_eq!(
        guest(&app, "acme").await,
        200,
        "in force on the next request"
    );

    // Read: the secret masked.
    let read = json_of(
        platform(&app, Method::GET, path, PLATFORM_KEY)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(read, shown);
    assert!(!read.to_string().contains("crm-s3cret"));

    // What a GET shows, sent back with one change: the secret is kept.
    let mut edited = read.clone();
    edited["guest"]["allowedCountries"] = json!(["GB", "IE"]);
    json_of(put(PLATFORM_KEY, edited).await.unwrap(), 200).await;
    let stored = stored_settings(&app, "acme").await;
    assert_eq!(stored["purchase"]["crm"]["apiKey"], "crm-s3cret");
    assert_eq!(stored["guest"]["allowedCountries"], json!(["GB", "IE"]));

    // Refused documents name the key and change nothing.
    for (bad, named) in [
        (json!({ "guset": {} }), "guset"),
        (
            json!({ "network": { "onNet": ["300.0.0.0/8"] } }),
            "network.onNet",
        ),
        (
            json!({ "guest": { "allowedCountries": ["GBR"] } }),
            "guest.allowedCountries",
        ),
        (
            json!({ "purchase": { "crm": { "url": "ftp://crm" } } }),
            "purchase.crm.url",
        ),
        (json!([1, 2]), "object"),
    ] {
        let body: Value = json_of(put(PLATFORM_KEY, bad.clone()).await.unwrap(), 400).await;
        assert!(
            body["message"].as_str().unwrap().contains(named),
            "{bad}: {body}"
        );
    }
    assert_eq!(stored_settings(&app, "acme").await, stored);
    assert_eq!(guest(&app, "acme").await, 200);

    let r = platform(
        &app,
        Method::GET,
        "/platform/v1/tenants/nobody/settings",
        PLATFORM_KEY,
    )
    .send()
    .await
    .unwrap();
    json_of(r, 404).await;
    app.stop().await;
}

crate::on_both_backends!(settings_are_checked_masked_and_in_force);
