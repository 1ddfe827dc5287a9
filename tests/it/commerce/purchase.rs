//! The Purchase Service over real HTTP: a purchase writes the purchase and its
//! entitlement together and the buyer's next content token sees it; PPV is
//! sold until kick-off; sale windows and rentals; a repeated
//! `x-correlation-id` (also in parallel) buys once; the CRM callback against a
//! stub CRM on 127.0.0.1:0 (authorises with its reference, refuses, fails,
//! stalls past its timeout); and bad input.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use playgate::core::status::ProductType;
use playgate::store::changes::ChangeKind;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, update_account, Backend, TestApp};
use crate::playback::content_token::{
    add_content, add_product, alice, ask, content, fay, iso, product, refused, token, write, DAY,
    NOW,
};

const PURCHASE: &str = "/purchase_service/v1/user/product/actions/purchase";

async fn buy(app: &TestApp, access: &str, product: &str, xcid: Option<&str>) -> reqwest::Response {
    let mut r = app
        .http
        .post(app.url(PURCHASE))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .json(&json!({ "productId": product }));
    if let Some(id) = xcid {
        r = r.header("x-correlation-id", id);
    }
    r.send().await.unwrap()
}

/// The caller's entitlements for `product` as RMG lists them.
async fn rmg_entitlements(app: &TestApp, access: &str, product: &str) -> Value {
    let filter = format!(r#"{{"productId":"{product}"}}"#);
    let r = app
        .http
        .get(app.url("/rmg/v1/user/entitlements"))
        .query(&[("filter", filter.as_str())])
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

async fn scalar_text(app: &TestApp, sql: &str) -> String {
    use sqlx::Row as _;
    sqlx::query(sql)
        .fetch_one(app.state.store.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn count(app: &TestApp, table: &str, product: &str) -> i64 {
    scalar(
        app,
        &format!(
            "SELECT COUNT(*) FROM {table} WHERE tenant_id = 'demo' AND product_id = '{product}'"
        ),
    )
    .await
}

/// Buying prod-premium: 201 with the correlation id as reference, the purchase
/// and its entitlement stored, and the next content token granted.
async fn a_purchase_is_playable_at_once(b: Backend) {
    let app = TestApp::start(b).await;
    write(
        &app,
        &[r#"UPDATE products SET price = '{"amount":499,"currency":"EUR"}' WHERE tenant_id = 'demo' AND id = 'prod-premium'"#],
        &[(ChangeKind::Product, "prod-premium")],
    )
    .await;
    let access = alice(&app).await;
    refused(
        token(&app, &access, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;

    let r = buy(&app, &access, "prod-premium", Some("buy-premium-1")).await;
    let body = json_of(r, 201).await;
    assert_eq!(
        body,
        json!({ "productId": "prod-premium", "purchaseAuthRequestReference": "buy-premium-1" })
    );
    json_of(token(&app, &access, "DRM_vod-premium_DASH").await, 200).await;

    let listed = rmg_entitlements(&app, &access, "prod-premium").await;
    assert_eq!(listed["totalRecords"], 1, "{listed}");
    let e = &listed["resourceSet"][0];
    assert_eq!(e["status"], "SUBSCRIBED");
    assert_eq!(e["purchasedByDeviceId"], "dev-alice-tv");
    assert_eq!(e["validFrom"], iso(NOW));
    assert_eq!(e["expiryDate"], Value::Null);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM purchases p JOIN entitlements e \
             ON e.tenant_id = p.tenant_id AND e.id = p.entitlement_id \
             WHERE p.tenant_id = 'demo' AND p.account_id = 'acc-active' \
             AND p.product_id = 'prod-premium' AND p.device_id = 'dev-alice-tv' \
             AND p.price = '{\"amount\":499,\"currency\":\"EUR\"}' \
             AND p.purchase_auth_request_reference = 'buy-premium-1'"
        )
        .await,
        1
    );

    // The same request again (a retry): the first purchase, nothing new.
    let again = json_of(
        buy(&app, &access, "prod-premium", Some("buy-premium-1")).await,
        201,
    )
    .await;
    assert_eq!(again, body);
    assert_eq!(count(&app, "purchases", "prod-premium").await, 1);
    assert_eq!(count(&app, "entitlements", "prod-premium").await, 1);

    // A new request for a product she holds is refused.
    refused(
        buy(&app, &access, "prod-premium", Some("buy-premium-2")).await,
        403,
        40362,
    )
    .await;
    // Another account reusing her correlation id gets no answer about it.
    let fay = fay(&app, "dev-fay-1").await;
    let r = buy(&app, &fay, "prod-premium", Some("buy-premium-1")).await;
    let body = json_of(r, 409).await;
    assert!(!body.to_string().contains("acc-active"), "{body}");
    assert_eq!(count(&app, "purchases", "prod-premium").await, 1);

    // Without a correlation id the generated one is the reference.
    let r = buy(&app, &fay, "prod-premium", None).await;
    let echoed = r
        .headers()
        .get("x-correlation-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body = json_of(r, 201).await;
    assert_eq!(body["purchaseAuthRequestReference"], echoed.as_str());
    app.stop().await;
}

/// PPV: sold until the event starts; the entitlement ends with the event.
async fn ppv_is_sold_until_kick_off(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let start = NOW + 7 * DAY;
    json_of(
        buy(&app, &access, "prod-ppv-final", Some("ppv-alice")).await,
        201,
    )
    .await;
    let listed = rmg_entitlements(&app, &access, "prod-ppv-final").await;
    assert_eq!(
        listed["resourceSet"][0]["expiryDate"],
        iso(start + 3 * 3600)
    );
    let r = ask(
        &app,
        &access,
        "/ias/v2/ppv_content_token",
        "content_id=DRM_ch-sports_DASH&type=device&event_id=ppv-final",
    )
    .await;
    json_of(r, 200).await;

    // One second before kick-off Fay may still buy; at kick-off she may not.
    app.clock.advance_ms((7 * DAY - 1) * 1000);
    let fay = fay(&app, "dev-fay-1").await;
    app.clock.advance_ms(1000);
    refused(
        buy(&app, &fay, "prod-ppv-final", Some("ppv-fay")).await,
        403,
        40361,
    )
    .await;
    assert_eq!(count(&app, "purchases", "prod-ppv-final").await, 1);
    app.stop().await;
}

/// Rentals last their rental period; products outside their purchase window
/// or past their validity are not on sale; a used-up rental can be rented again.
async fn sale_windows_and_rentals(b: Backend) {
    let app = TestApp::start(b).await;
    let mut rental = product("prod-rent", ProductType::Rental);
    rental.rental_period_s = Some(2 * DAY);
    rental.max_plays = Some(1);
    add_product(&app, rental).await;
    add_content(&app, content("vod-rent"), Some("prod-rent")).await;
    let mut later = product("prod-later", ProductType::Subscription);
    later.start_purchase = Some(NOW + DAY);
    later.end_purchase = Some(NOW + 2 * DAY);
    add_product(&app, later).await;
    let mut over = product("prod-over", ProductType::Subscription);
    over.end_validity = Some(NOW);
    add_product(&app, over).await;

    let access = alice(&app).await;
    json_of(buy(&app, &access, "prod-rent", Some("rent-1")).await, 201).await;
    let listed = rmg_entitlements(&app, &access, "prod-rent").await;
    assert_eq!(listed["resourceSet"][0]["expiryDate"], iso(NOW + 2 * DAY));
    refused(
        buy(&app, &access, "prod-rent", Some("rent-2")).await,
        403,
        40362,
    )
    .await;
    // Her one play used (recorded behind the content token): she may rent it again.
    json_of(token(&app, &access, "DRM_vod-rent").await, 200).await;
    let id = scalar_text(
        &app,
        "SELECT id FROM entitlements WHERE product_id = 'prod-rent'",
    )
    .await;
    crate::commerce::rental_plays::recorded(&app, &id, NOW).await;
    json_of(buy(&app, &access, "prod-rent", Some("rent-3")).await, 201).await;
    assert_eq!(count(&app, "entitlements", "prod-rent").await, 2);

    refused(
        buy(&app, &access, "prod-later", Some("later-1")).await,
        403,
        40360,
    )
    .await;
    app.clock.advance_ms(DAY * 1000);
    let access = alice(&app).await;
    json_of(buy(&app, &access, "prod-later", Some("later-2")).await, 201).await;
    refused(
        buy(&app, &access, "prod-over", Some("over-1")).await,
        403,
        40360,
    )
    .await;
    app.clock.advance_ms(DAY * 1000);
    let fay = fay(&app, "dev-fay-1").await;
    refused(
        buy(&app, &fay, "prod-later", Some("later-3")).await,
        403,
        40360,
    )
    .await;
    app.stop().await;
}

/// Parallel purchases: one correlation id buys once, and one account cannot
/// buy the same product twice by racing.
async fn racing_purchases_buy_once(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let same = futures_util::future::join_all(
        (0..8).map(|_| buy(&app, &access, "prod-premium", Some("race-1"))),
    )
    .await;
    for r in same {
        let body = json_of(r, 201).await;
        assert_eq!(body["purchaseAuthRequestReference"], "race-1");
    }
    assert_eq!(count(&app, "purchases", "prod-premium").await, 1);

    let fay = fay(&app, "dev-fay-1").await;
    let ids: Vec<String> = (0..8).map(|i| format!("race-fay-{i}")).collect();
    let answers = futures_util::future::join_all(
        ids.iter()
            .map(|id| buy(&app, &fay, "prod-premium", Some(id.as_str()))),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 403, 403, 403, 403, 403, 403, 403]);
    assert_eq!(count(&app, "purchases", "prod-premium").await, 2);
    assert_eq!(count(&app, "entitlements", "prod-premium").await, 2);
    app.stop().await;
}

/// What the stub CRM was asked: body, Authorization, x-correlation-id.
type Asks = Arc<Mutex<Vec<(Value, Option<String>, Option<String>)>>>;

/// A CRM that answers by product: `prod-premium` 201 with its reference,
/// `prod-sports-x` 201 with no body, `prod-refused` 403, `prod-broken` 500,
/// `prod-slow` after 3 s.
async fn stub_crm() -> (String, Asks) {
    let asks: Asks = Arc::default();
    let log = asks.clone();
    let app = Router::new().route(
        "/crm/isPurchaseAuthorised",
        post(move |headers: HeaderMap, Json(ask): Json<Value>| {
            let log = log.clone();
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                log.lock().unwrap().push((
                    ask.clone(),
                    header("authorization"),
                    header("x-correlation-id"),
                ));
                match ask["product_id"].as_str().unwrap_or_default() {
                    "prod-premium" => (
                        StatusCode::CREATED,
                        json!({ "purchaseAuthRequestReference": "crm-ref-1" }).to_string(),
                    ),
                    "prod-refused" => (StatusCode::FORBIDDEN, "{}".into()),
                    "prod-broken" => (StatusCode::INTERNAL_SERVER_ERROR, "{}".into()),
                    "prod-slow" => {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                        (StatusCode::CREATED, "{}".into())
                    }
                    _ => (StatusCode::CREATED, String::new()),
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/crm/isPurchaseAuthorised"), asks)
}

async fn crm_authorises_each_purchase(b: Backend) {
    let app = TestApp::start(b).await;
    let (url, asks) = stub_crm().await;
    let settings = json!({
        "purchase": { "crm": { "url": url, "timeoutMs": 500, "apiKey": "crm-test-key" } }
    });
    let sql = format!("UPDATE tenants SET settings = '{settings}' WHERE id = 'demo'");
    write(&app, &[sql.as_str()], &[(ChangeKind::Tenant, "demo")]).await;
    for id in ["prod-refused", "prod-broken", "prod-slow", "prod-sports-x"] {
        add_product(&app, product(id, ProductType::Subscription)).await;
    }
    let access = alice(&app).await;

    let body = json_of(buy(&app, &access, "prod-premium", Some("crm-1")).await, 201).await;
    assert_eq!(body["purchaseAuthRequestReference"], "crm-ref-1");
    {
        let seen = asks.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (ask, auth, xcid) = &seen[0];
        assert_eq!(
            ask,
            &json!({
                "account_id": "acc-active",
                "product_id": "prod-premium",
                "device_id": "dev-alice-tv",
                "device_playout_class": "SmartTV",
                "viewing_window_start": iso(NOW),
                "viewing_window_end": null,
            })
        );
        assert_eq!(auth.as_deref(), Some("Bearer crm-test-key"));
        assert_eq!(xcid.as_deref(), Some("crm-1"));
    }
    // A retry is answered from the store: the CRM is not asked twice.
    json_of(buy(&app, &access, "prod-premium", Some("crm-1")).await, 201).await;
    assert_eq!(asks.lock().unwrap().len(), 1);

    // A CRM that accepts without a reference: the correlation id is the reference.
    let body = json_of(
        buy(&app, &access, "prod-sports-x", Some("crm-2")).await,
        201,
    )
    .await;
    assert_eq!(body["purchaseAuthRequestReference"], "crm-2");

    refused(
        buy(&app, &access, "prod-refused", Some("crm-3")).await,
        403,
        40363,
    )
    .await;
    refused(
        buy(&app, &access, "prod-broken", Some("crm-4")).await,
        502,
        50200,
    )
    .await;
    let started = std::time::Instant::now();
    refused(
        buy(&app, &access, "prod-slow", Some("crm-5")).await,
        502,
        50200,
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3));
    for p in ["prod-refused", "prod-broken", "prod-slow"] {
        assert_eq!(count(&app, "purchases", p).await, 0, "{p}");
        assert_eq!(count(&app, "entitlements", p).await, 0, "{p}");
    }
    // A refused purchase never reaches the CRM.
    let before = asks.lock().unwrap().len();
    refused(
        buy(&app, &access, "prod-premium", Some("crm-6")).await,
        403,
        40362,
    )
    .await;
    assert_eq!(asks.lock().unwrap().len(), before);

    // Malformed CRM settings: 502, nothing bought, the key never echoed.
    write(
        &app,
        &[r#"UPDATE tenants SET settings = '{"purchase":{"crm":{"url":"ftp://crm","apiKey":"crm-test-key"}}}' WHERE id = 'demo'"#],
        &[(ChangeKind::Tenant, "demo")],
    )
    .await;
    let r = buy(&app, &access, "prod-basic-x", Some("crm-7")).await;
    json_of(r, 404).await;
    add_product(&app, product("prod-basic-x", ProductType::Subscription)).await;
    let r = buy(&app, &access, "prod-basic-x", Some("crm-8")).await;
    let body = json_of(r, 502).await;
    assert!(!body.to_string().contains("crm-test-key"));
    assert_eq!(count(&app, "purchases", "prod-basic-x").await, 0);
    app.stop().await;
}

async fn bad_purchases(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let post = |body: &'static str| {
        app.http
            .post(app.url(PURCHASE))
            .header("nv-tenant-id", "demo")
            .header("content-type", "application/json")
            .bearer_auth(&access)
            .body(body)
            .send()
    };
    for body in [
        "{",
        "{}",
        r#"{"productId": 7}"#,
        r#"{"productId": "prod-premium", "price": 0}"#,
    ] {
        refused(post(body).await.unwrap(), 400, 40002).await;
    }
    refused(
        post(r#"{"productId": "no such/product"}"#).await.unwrap(),
        400,
        40000,
    )
    .await;
    refused(
        post(r#"{"productId": "prod-nope"}"#).await.unwrap(),
        404,
        40402,
    )
    .await;
    let r = app
        .http
        .post(app.url(PURCHASE))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "productId": "prod-premium" }))
        .send()
        .await
        .unwrap();
    refused(r, 401, 40100).await;
    let r = app
        .http
        .post(app.url(PURCHASE))
        .header("nv-tenant-id", "nope")
        .bearer_auth(&access)
        .json(&json!({ "productId": "prod-premium" }))
        .send()
        .await
        .unwrap();
    refused(r, 404, 40401).await;

    // A disabled device, then a suspended account, may not buy.
    write(
        &app,
        &["UPDATE devices SET status = 'DISABLED' WHERE tenant_id = 'demo' AND id = 'dev-alice-tv'"],
        &[(ChangeKind::Device, "dev-alice-tv")],
    )
    .await;
    refused(
        buy(&app, &access, "prod-premium", Some("bad-1")).await,
        403,
        20004,
    )
    .await;
    update_account(&app, "acc-active", json!({ "status": "SUSPENDED" })).await;
    refused(
        buy(&app, &access, "prod-premium", Some("bad-2")).await,
        403,
        20002,
    )
    .await;
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM purchases").await,
        0,
        "no refused purchase is stored"
    );
    app.stop().await;
}

crate::on_both_backends!(
    a_purchase_is_playable_at_once,
    ppv_is_sold_until_kick_off,
    sale_windows_and_rentals,
    racing_purchases_buy_once,
    crm_authorises_each_purchase,
    bad_purchases
);
