//! Catalogue records and requests the catalogue tests share.

use serde_json::{json, Value};

use crate::harness::TestApp;

pub(crate) const NOW: i64 = crate::harness::T0_MS / 1000;
pub(crate) const DAY: i64 = 86_400;

/// A tenant and its operator key.
#[derive(Clone, Copy)]
pub(crate) struct Tenant<'a> {
    pub id: &'a str,
    pub key: &'a str,
}

pub(crate) const DEMO: Tenant<'static> = Tenant {
    id: "demo",
    key: crate::harness::DEMO_KEY,
};

/// `POST /metadata/operator/v1/catalogue/{kind}` as the demo operator.
pub(crate) async fn ingest(app: &TestApp, kind: &str, body: Value) -> reqwest::Response {
    ingest_as(app, DEMO, kind, body).await
}

/// `POST /metadata/operator/v1/catalogue/{kind}` as `tenant`'s operator.
pub(crate) async fn ingest_as(
    app: &TestApp,
    tenant: Tenant<'_>,
    kind: &str,
    body: Value,
) -> reqwest::Response {
    app.http
        .post(app.url(&format!("/metadata/operator/v1/catalogue/{kind}")))
        .header("nv-tenant-id", tenant.id)
        .bearer_auth(tenant.key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Ingests `records` of `kind` for the demo tenant, expecting every one taken.
pub(crate) async fn upsert(app: &TestApp, kind: &str, records: Value) {
    upsert_as(app, DEMO, kind, records).await
}

/// Ingests `records` of `kind` for `tenant`, expecting every one taken.
pub(crate) async fn upsert_as(app: &TestApp, tenant: Tenant<'_>, kind: &str, records: Value) {
    let r = ingest_as(app, tenant, kind, json!({ "upsert": records })).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{kind}: {body}");
}

/// An MDS list (`path` after `/metadata/delivery`) of the demo tenant,
/// with `query` pairs.
pub(crate) async fn mds(app: &TestApp, path: &str, query: &[(&str, &str)]) -> reqwest::Response {
    mds_of(app, "demo", path, query).await
}

/// An MDS list of `tenant`.
pub(crate) async fn mds_of(
    app: &TestApp,
    tenant: &str,
    path: &str,
    query: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .get(app.url(&format!("/metadata/delivery{path}")))
        .header("nv-tenant-id", tenant)
        .query(query)
        .send()
        .await
        .unwrap()
}

pub(crate) fn product(id: &str, kind: &str, end_validity: Option<i64>) -> Value {
    json!({
        "id": id, "type": kind,
        "locales": { "en_GB": { "title": format!("{id} title") } },
        "price": { "amount": 4.99, "currency": "GBP" },
        "endValidity": end_validity,
    })
}

pub(crate) fn editorial(id: &str, products: &[&str], nodes: &[&str]) -> Value {
    json!({
        "id": id, "type": "MOVIE", "year": 2001, "duration": 5400,
        "productRefs": products, "nodeRefs": nodes,
        "categories": ["Genre:Drama"],
        "locales": {
            "en_GB": { "title": format!("{id} in English"), "description": "A film." },
            "fr_FR": { "title": format!("{id} en français") }
        },
        "technicals": [
            { "id": format!("{id}-dash"), "drmId": format!("DRM_{id}_DASH"),
              "deviceTypes": ["Android", "PC"], "drmInstanceName": "DASH_WV", "definition": "HD",
              "uri": format!("https://cdn.example/vod/{id}.mpd") },
            { "id": format!("{id}-hls"), "drmId": format!("DRM_{id}_HLS"),
              "deviceTypes": ["iOS"], "drmInstanceName": "HLS_FP",
              "uri": format!("https://cdn.example/vod/{id}.m3u8") }
        ]
    })
}

pub(crate) fn service(id: &str, number: i64, products: &[&str]) -> Value {
    json!({
        "id": id, "tvChannel": number, "productRefs": products,
        "catchUpSupport": true,
        "locales": { "en_GB": { "title": format!("{id} TV") } },
        "technicals": [
            { "id": format!("{id}-dash"), "drmId": format!("DRM_{id}_DASH"),
              "deviceTypes": ["Android", "PC"], "drmInstanceName": "DASH_WV",
              "networkLocation": format!("https://cdn.example/live/{id}.mpd"),
              "startOverLocation": format!("https://cdn.example/so/{id}.mpd") },
            { "id": format!("{id}-hls"), "drmId": format!("DRM_{id}_HLS"),
              "deviceTypes": ["iOS"], "drmInstanceName": "HLS_FP",
              "networkLocation": format!("https://cdn.example/live/{id}.m3u8") }
        ]
    })
}

pub(crate) fn programme(id: &str, service: &str, start: i64, minutes: i64) -> Value {
    json!({
        "id": id, "serviceRef": service,
        "period": { "start": start, "end": start + minutes * 60 },
        "locales": { "en_GB": { "title": format!("{id} show") } },
    })
}

/// An entitlement of alice (`acc-active`) to `product`, valid a year.
pub(crate) async fn entitle_alice(app: &TestApp, id: &str, product: &str) {
    let fmt = &time::format_description::well_known::Rfc3339;
    let at = |s: i64| {
        time::OffsetDateTime::from_unix_timestamp(s)
            .unwrap()
            .format(fmt)
            .unwrap()
    };
    let r = app
        .operator(reqwest::Method::POST, "/rmg/v1/operator/entitlements")
        .json(
            &json!({ "_id": id, "accountId": "acc-active", "productId": product,
                       "validFrom": at(NOW - DAY), "expiryDate": at(NOW + 365 * DAY) }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// Provisions tenant `id` and waits until this node serves it; its
/// operator key.
pub(crate) async fn second_tenant(app: &TestApp, id: &str) -> String {
    let created = app
        .state
        .plane
        .tenancy
        .provision_tenant(id, "Second tenant")
        .await
        .unwrap();
    for _ in 0..200 {
        if get_as(app, id, "/api/config").await.status() == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(get_as(app, id, "/api/config").await.status(), 200);
    created.operator_key
}

/// `GET path` as tenant `tenant`.
pub(crate) async fn get_as(app: &TestApp, tenant: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("nv-tenant-id", tenant)
        .send()
        .await
        .unwrap()
}
