//! IAS content tokens over real HTTP: every rule of `decide` with a grant and
//! a denial, the ContentAuthZ token checked by an independent verifier
//! (jsonwebtoken with the tenant's stored content key), change-feed
//! visibility on the same node, bad input, and answers from memory with the
//! store closed.

use base64::Engine as _;
use playgate::core::status::{GrantTarget, ProductType};
use playgate::store::catalogue::{self, Content, Product};
use playgate::store::changes::ChangeKind;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, update_account, Backend, TestApp, T0_MS};

pub(crate) const NOW: i64 = T0_MS / 1000;
pub(crate) const DAY: i64 = 86_400;
pub(crate) const ENTITLED: &str = "DRM_vod-entitled_DASH";

pub(crate) async fn sign_on(app: &TestApp, user: &str, password: &str, client: &str) -> String {
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "username": user, "password": password, "clientId": client }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Fay (`acc-full`, entitled to prod-basic only) on one of her devices.
pub(crate) async fn fay(app: &TestApp, device: &str) -> String {
    sign_on(app, "fay@demo.playgate", "fay-demo-pass", device).await
}

pub(crate) async fn alice(app: &TestApp) -> String {
    sign_on(
        app,
        "alice@demo.playgate",
        "alice-demo-pass",
        "dev-alice-tv",
    )
    .await
}

pub(crate) async fn ask(app: &TestApp, access: &str, path: &str, query: &str) -> reqwest::Response {
    app.http
        .post(app.url(&format!("{path}?{query}")))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// `POST /ias/v2/content_token?content_id=<content>&type=device`.
pub(crate) async fn token(app: &TestApp, access: &str, content: &str) -> reqwest::Response {
    ask(
        app,
        access,
        "/ias/v2/content_token",
        &format!("content_id={content}&type=device"),
    )
    .await
}

pub(crate) fn code(body: &Value) -> &str {
    body["resultCode"].as_str().unwrap_or_default()
}

/// Asserts a refusal with its status and registry code.
pub(crate) async fn refused(r: reqwest::Response, status: u16, expected: u32) {
    let body = json_of(r, status).await;
    assert_eq!(code(&body), format!("{expected}:{status}"), "{body}");
}

/// The tenant's active content key (kid, secret), read from the store.
async fn content_key(app: &TestApp) -> (String, Vec<u8>) {
    use sqlx::Row as _;
    let row = sqlx::query(
        "SELECT kid, secret FROM signing_keys WHERE tenant_id = 'demo' AND purpose = 'CONTENT' AND status = 'ACTIVE'",
    )
    .fetch_one(app.state.store.pool())
    .await
    .unwrap();
    let secret = base64::engine::general_purpose::STANDARD
        .decode(row.try_get::<String, _>("secret").unwrap())
        .unwrap();
    (row.try_get("kid").unwrap(), secret)
}

/// A content token's claims, verified with jsonwebtoken and `key`.
fn claims_under(key: &(String, Vec<u8>), token: &str) -> Value {
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(key.0.as_str()));
    assert_eq!(header.alg, jsonwebtoken::Algorithm::HS256);
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.validate_exp = false; // the server's clock is the test's manual clock
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(token, &jsonwebtoken::DecodingKey::from_secret(&key.1), &v)
        .expect("content token verifies with the tenant's content key")
        .claims
}

/// The content token's claims, verified with jsonwebtoken and the tenant's
/// active content key read from the store.
pub(crate) async fn verified_claims(app: &TestApp, token: &str) -> Value {
    claims_under(&content_key(app).await, token)
}

async fn granted(app: &TestApp, r: reqwest::Response) -> Value {
    let body = json_of(r, 200).await;
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"].as_str().unwrap().contains('.'));
    verified_claims(app, body["content_token"].as_str().unwrap()).await
}

/// Writes catalogue rows (or any SQL) in one transaction with change entries,
/// and waits until this node's snapshot has them.
pub(crate) async fn write(app: &TestApp, sql: &[&str], changes: &[(ChangeKind, &str)]) {
    let mut tx = app.state.store.write().await.unwrap();
    for s in sql {
        sqlx::query(s)
            .execute(tx.conn())
            .await
            .unwrap_or_else(|e| panic!("{s}: {e}"));
    }
    for (kind, key) in changes {
        tx.record_change("demo", *kind, key, NOW).await.unwrap();
    }
    app.state.plane.commit(tx).await.unwrap();
}

pub(crate) async fn add_product(app: &TestApp, p: Product) {
    let mut tx = app.state.store.write().await.unwrap();
    catalogue::rights::put_product(tx.conn(), &p, p.created)
        .await
        .unwrap();
    tx.record_change("demo", ChangeKind::Product, &p.id, NOW)
        .await
        .unwrap();
    app.state.plane.commit(tx).await.unwrap();
}

/// A VOD content `id` (DRM id `DRM_<id>`) granted by `product`.
pub(crate) async fn add_content(app: &TestApp, c: Content, product: Option<&str>) {
    let mut tx = app.state.store.write().await.unwrap();
    catalogue::rights::put_contents(tx.conn(), std::slice::from_ref(&c), c.created)
        .await
        .unwrap();
    if let Some(p) = product {
        catalogue::rights::set_grants(tx.conn(), "demo", GrantTarget::Content, &c.id, &[p.into()])
            .await
            .unwrap();
    }
    tx.record_change("demo", ChangeKind::Content, &c.id, NOW)
        .await
        .unwrap();
    app.state.plane.commit(tx).await.unwrap();
}

pub(crate) fn content(id: &str) -> Content {
    Content {
        tenant_id: "demo".into(),
        id: id.into(),
        editorial_id: format!("ed-{id}"),
        drm_id: format!("DRM_{id}"),
        title: id.into(),
        created: NOW,
        ..Content::default()
    }
}

pub(crate) fn product(id: &str, kind: ProductType) -> Product {
    Product {
        tenant_id: "demo".into(),
        id: id.into(),
        name: id.into(),
        product_type: Some(kind),
        created: NOW,
        ..Product::default()
    }
}

pub(crate) fn iso(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .unwrap()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// An operator (CRM) grant through the RMG operator API.
pub(crate) async fn grant(
    app: &TestApp,
    id: &str,
    account: &str,
    product: &str,
    from: i64,
    to: Option<i64>,
) {
    let mut body =
        json!({ "_id": id, "accountId": account, "productId": product, "validFrom": iso(from) });
    if let Some(to) = to {
        body["expiryDate"] = json!(iso(to));
    }
    let r = app
        .operator(Method::POST, "/rmg/v1/operator/entitlements")
        .json(&body)
        .send()
        .await
        .unwrap();
    json_of(r, 201).await;
}

/// The token's shape, and the grant path of the entitlement rule.
async fn grants_a_signed_content_token(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let c = granted(&app, token(&app, &access, ENTITLED).await).await;
    assert_eq!(c["typ"], "ContentAuthZ");
    assert_eq!(c["ver"], "1.0");
    assert_eq!(c["tenantId"], "demo");
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 600);
    assert!(!c["jti"].as_str().unwrap().is_empty());
    assert_eq!(c["device"]["drm"], "ssp");
    assert_eq!(c["device"]["deviceUniqueId"], "dev-alice-tv");
    assert_eq!(c["device"]["accountId"], "acc-active");
    assert_eq!(c["device"]["ipAddress"], "127.0.0.1");
    assert_eq!(c["device"]["watermarking"], false);
    let rights = &c["contentRights"][0];
    assert_eq!(rights["contentId"], ENTITLED);
    assert_eq!(rights["storable"], false);
    // The demo entitlement runs from a day before seeding to a year after.
    assert_eq!(rights["start"].as_i64().unwrap(), NOW - DAY);
    assert_eq!(rights["end"].as_i64().unwrap(), NOW + 365 * DAY);
    assert!(rights["sessionControl"].is_object());
    assert!(rights.get("drt").is_none() && rights.get("duration").is_none());
    // Two tokens never share a jti.
    let again = granted(&app, token(&app, &access, ENTITLED).await).await;
    assert_ne!(again["jti"], c["jti"]);
    // type=account: no device binding.
    let acc = granted(
        &app,
        ask(
            &app,
            &access,
            "/ias/v2/content_token",
            &format!("content_id={ENTITLED}&type=account"),
        )
        .await,
    )
    .await;
    assert!(acc["device"].get("deviceUniqueId").is_none());
    assert_eq!(acc["device"]["accountId"], "acc-active");
    // By technical id too.
    granted(&app, token(&app, &access, "vod-entitled").await).await;
    app.stop().await;
}

/// Entitlement rule: none → 40341; an operator grant is visible to the next
/// request on this node; expired and unsubscribed ones grant nothing.
async fn entitlement_rule(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    refused(
        token(&app, &access, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;
    grant(
        &app,
        "ent-prem",
        "acc-active",
        "prod-premium",
        NOW - DAY,
        Some(NOW + DAY),
    )
    .await;
    let c = granted(&app, token(&app, &access, "DRM_vod-premium_DASH").await).await;
    assert_eq!(c["contentRights"][0]["end"].as_i64().unwrap(), NOW + DAY);
    // Past its expiry: refused.
    app.clock.advance_ms(2 * DAY * 1000);
    let access = alice(&app).await;
    refused(
        token(&app, &access, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;
    // Not yet valid: refused.
    grant(
        &app,
        "ent-prem-later",
        "acc-active",
        "prod-premium",
        NOW + 10 * DAY,
        None,
    )
    .await;
    refused(
        token(&app, &access, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;
    // Unsubscribed: refused (basic was granting vod-entitled).
    granted(&app, token(&app, &access, ENTITLED).await).await;
    write(
        &app,
        &["UPDATE entitlements SET status = 'UNSUBSCRIBED' WHERE id = 'ent-alice-basic'"],
        &[(ChangeKind::Entitlement, "acc-active")],
    )
    .await;
    refused(token(&app, &access, ENTITLED).await, 403, 40341).await;
    app.stop().await;
}

/// Account and device rules, and approval (§2.6 matrix), each through the
/// change feed.
async fn account_and_device_rules(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    granted(&app, token(&app, &access, ENTITLED).await).await;
    for (status, code) in [("SUSPENDED", 20002), ("CANCELLED", 20001)] {
        update_account(&app, "acc-active", json!({ "status": status })).await;
        refused(token(&app, &access, ENTITLED).await, 403, code).await;
    }
    update_account(&app, "acc-active", json!({ "status": "ACTIVE" })).await;
    granted(&app, token(&app, &access, ENTITLED).await).await;

    // Approval on (the default profile) and the device unapproved: refused;
    // a MANAGED device needs no approval.
    write(
        &app,
        &["UPDATE devices SET approved = 0 WHERE id = 'dev-alice-tv'"],
        &[(ChangeKind::Device, "dev-alice-tv")],
    )
    .await;
    refused(token(&app, &access, ENTITLED).await, 403, 40340).await;
    let stb = json_of(
        app.http
            .post(app.url("/ias/v3/token/actions/signOnByCasn"))
            .header("tenantId", "demo")
            .json(&json!({ "casn": "CASN-0001" }))
            .send()
            .await
            .unwrap(),
        200,
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    granted(&app, token(&app, &stb, ENTITLED).await).await;
    // Approval off for the profile: the unapproved device plays.
    write(
        &app,
        &["UPDATE account_profiles SET enable_approval_limit = 0 WHERE id = 'default'"],
        &[(ChangeKind::AccountProfile, "default")],
    )
    .await;
    granted(&app, token(&app, &access, ENTITLED).await).await;

    write(
        &app,
        &["UPDATE devices SET status = 'DISABLED' WHERE id = 'dev-alice-tv'"],
        &[(ChangeKind::Device, "dev-alice-tv")],
    )
    .await;
    refused(token(&app, &access, ENTITLED).await, 403, 20004).await;
    write(&app, &["UPDATE devices SET status = 'ENABLED', activity = 'INACTIVE' WHERE id = 'dev-alice-tv'"], &[(ChangeKind::Device, "dev-alice-tv")]).await;
    refused(token(&app, &access, ENTITLED).await, 403, 20004).await;
    write(
        &app,
        &["UPDATE devices SET activity = 'ACTIVE', deleted_at = 1 WHERE id = 'dev-alice-tv'"],
        &[(ChangeKind::Device, "dev-alice-tv")],
    )
    .await;
    refused(token(&app, &access, ENTITLED).await, 403, 20003).await;
    app.stop().await;
}

/// Content rules: unknown (404), editorial and technical windows, off-net,
/// in-home, free-to-air, and the product's device classes.
async fn content_rules(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    refused(token(&app, &access, "DRM_nothing").await, 404, 40402).await;

    // Free-to-air: no product grants ch-news, so it plays by rule.
    let c = granted(&app, token(&app, &access, "DRM_ch-news_DASH").await).await;
    assert_eq!(c["contentRights"][0]["contentId"], "DRM_ch-news_DASH");

    // Windows.
    let mut past = content("vod-gone");
    past.end_at = Some(NOW - 1);
    add_content(&app, past, Some("prod-basic")).await;
    refused(token(&app, &access, "DRM_vod-gone").await, 403, 40342).await;
    let mut soon = content("vod-soon");
    soon.start_at = Some(NOW + DAY);
    soon.end_at = Some(NOW + 30 * DAY);
    add_content(&app, soon, Some("prod-basic")).await;
    refused(token(&app, &access, "DRM_vod-soon").await, 403, 40342).await;
    app.clock.advance_ms(DAY * 1000 + 1000);
    let access = alice(&app).await;
    let c = granted(&app, token(&app, &access, "DRM_vod-soon").await).await;
    assert_eq!(c["contentRights"][0]["start"].as_i64().unwrap(), NOW + DAY);
    assert_eq!(
        c["contentRights"][0]["end"].as_i64().unwrap(),
        NOW + 30 * DAY
    );
    write(
        &app,
        &[&format!(
            "UPDATE contents SET technical_end_at = {} WHERE id = 'vod-soon'",
            NOW + DAY
        )],
        &[(ChangeKind::Content, "vod-soon")],
    )
    .await;
    refused(token(&app, &access, "DRM_vod-soon").await, 403, 40342).await;

    // Off-net: the demo network is 192.0.2.0/24; this client is 127.0.0.1.
    let mut on_net = content("vod-onnet");
    on_net.block_if_off_net = true;
    add_content(&app, on_net, Some("prod-basic")).await;
    refused(token(&app, &access, "DRM_vod-onnet").await, 403, 40344).await;
    write(&app, &[r#"UPDATE tenants SET settings = '{"network":{"onNet":["127.0.0.0/8"]}}' WHERE id = 'demo'"#], &[(ChangeKind::Tenant, "demo")]).await;
    granted(&app, token(&app, &access, "DRM_vod-onnet").await).await;

    // In-home only: refused away from home; the account's home address grants.
    let mut home = content("vod-home");
    home.in_home_only = true;
    add_content(&app, home, Some("prod-basic")).await;
    refused(token(&app, &access, "DRM_vod-home").await, 403, 40345).await;
    update_account(&app, "acc-active", json!({ "homeIps": ["127.0.0.1"] })).await;
    granted(&app, token(&app, &access, "DRM_vod-home").await).await;

    // Device classes: a Mobile-only product does not cover alice's SmartTV.
    let mut mobile = product("prod-mobile", ProductType::Subscription);
    mobile.device_classes = vec!["Mobile".into()];
    add_product(&app, mobile).await;
    add_content(&app, content("vod-mobile"), Some("prod-mobile")).await;
    grant(
        &app,
        "ent-mobile",
        "acc-active",
        "prod-mobile",
        NOW - DAY,
        None,
    )
    .await;
    refused(token(&app, &access, "DRM_vod-mobile").await, 403, 40343).await;
    write(
        &app,
        &["UPDATE devices SET playout_device_class = 'Mobile' WHERE id = 'dev-alice-tv'"],
        &[(ChangeKind::Device, "dev-alice-tv")],
    )
    .await;
    granted(&app, token(&app, &access, "DRM_vod-mobile").await).await;
    app.stop().await;
}

/// PPV: the event's product, bought before the start; rights = the event window.
async fn ppv_rules(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let ppv = |event: &str| format!("content_id=DRM_ch-sports_DASH&type=device&event_id={event}");
    let path = "/ias/v2/ppv_content_token";
    refused(
        ask(&app, &access, path, &ppv("ppv-final")).await,
        403,
        40341,
    )
    .await;
    refused(
        ask(&app, &access, path, &ppv("no-such-event")).await,
        404,
        40402,
    )
    .await;
    // The event belongs to ch-sports, not ch-news.
    refused(
        ask(
            &app,
            &access,
            path,
            "content_id=DRM_ch-news_DASH&event_id=ppv-final",
        )
        .await,
        404,
        40402,
    )
    .await;
    json_of(
        ask(&app, &access, path, "content_id=DRM_ch-sports_DASH").await,
        400,
    )
    .await;

    let start = NOW + 7 * DAY;
    grant(
        &app,
        "ent-final",
        "acc-active",
        "prod-ppv-final",
        NOW,
        Some(start + 3 * 3600),
    )
    .await;
    let c = granted(&app, ask(&app, &access, path, &ppv("ppv-final")).await).await;
    assert_eq!(c["contentRights"][0]["start"].as_i64().unwrap(), start);
    assert_eq!(
        c["contentRights"][0]["end"].as_i64().unwrap(),
        start + 3 * 3600
    );

    // Fay buys after kick-off: refused; after the final whistle nobody plays.
    app.clock.advance_ms((7 * DAY + 60) * 1000);
    grant(
        &app,
        "ent-fay-final",
        "acc-full",
        "prod-ppv-final",
        NOW + 7 * DAY,
        Some(start + 3 * 3600),
    )
    .await;
    let fay = fay(&app, "dev-fay-1").await;
    refused(ask(&app, &fay, path, &ppv("ppv-final")).await, 403, 40346).await;
    let access = alice(&app).await;
    granted(&app, ask(&app, &access, path, &ppv("ppv-final")).await).await;
    app.clock.advance_ms(3 * 3600 * 1000);
    let access = alice(&app).await;
    refused(
        ask(&app, &access, path, &ppv("ppv-final")).await,
        403,
        40347,
    )
    .await;
    app.stop().await;
}

/// Rentals: rental period, play period (from the first play) and maxPlays.
async fn rental_rules(b: Backend) {
    let app = TestApp::start(b).await;
    let mut rental = product("prod-rent", ProductType::Rental);
    rental.rental_period_s = Some(2 * DAY);
    rental.play_period_s = Some(DAY / 2);
    rental.max_plays = Some(2);
    add_product(&app, rental).await;
    add_content(&app, content("vod-rent"), Some("prod-rent")).await;
    grant(&app, "ent-rent", "acc-active", "prod-rent", NOW, None).await;
    let access = alice(&app).await;
    let c = granted(&app, token(&app, &access, "DRM_vod-rent").await).await;
    assert_eq!(c["contentRights"][0]["duration"], DAY / 2);
    assert_eq!(
        c["contentRights"][0]["end"].as_i64().unwrap(),
        NOW + 2 * DAY
    );
    // The play is recorded behind the request; let it land before the rows
    // are rewritten below.
    crate::commerce::rental_plays::recorded(&app, "ent-rent", NOW).await;

    write(
        &app,
        &["UPDATE entitlements SET plays_used = 2 WHERE id = 'ent-rent'"],
        &[(ChangeKind::Entitlement, "acc-active")],
    )
    .await;
    refused(token(&app, &access, "DRM_vod-rent").await, 403, 40349).await;
    write(
        &app,
        &[&format!(
            "UPDATE entitlements SET plays_used = 1, first_play_at = {} WHERE id = 'ent-rent'",
            NOW - DAY
        )],
        &[(ChangeKind::Entitlement, "acc-active")],
    )
    .await;
    refused(token(&app, &access, "DRM_vod-rent").await, 403, 40348).await;
    write(
        &app,
        &[&format!(
            "UPDATE entitlements SET first_play_at = {} WHERE id = 'ent-rent'",
            NOW - 3600
        )],
        &[(ChangeKind::Entitlement, "acc-active")],
    )
    .await;
    let c = granted(&app, token(&app, &access, "DRM_vod-rent").await).await;
    assert_eq!(
        c["contentRights"][0]["end"].as_i64().unwrap(),
        NOW - 3600 + DAY / 2
    );
    app.clock.advance_ms(2 * DAY * 1000);
    let access = alice(&app).await;
    refused(token(&app, &access, "DRM_vod-rent").await, 403, 40348).await;
    app.stop().await;
}

/// Download to Go: the product's flag, storage duration (`drt`) and the
/// storage-start period.
async fn download_rules(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let path = "/ias/v2/d2go_content_token";
    let c = granted(
        &app,
        ask(&app, &access, path, "content_id=DRM_vod-d2go_DASH").await,
    )
    .await;
    assert_eq!(c["contentRights"][0]["storable"], true);
    assert_eq!(c["contentRights"][0]["drt"], 30 * DAY);
    // Streaming the same content is not storable.
    let c = granted(&app, token(&app, &access, "DRM_vod-d2go_DASH").await).await;
    assert_eq!(c["contentRights"][0]["storable"], false);
    // prod-basic has no Download to Go; free-to-air never downloads.
    refused(
        ask(&app, &access, path, &format!("content_id={ENTITLED}")).await,
        403,
        40350,
    )
    .await;
    refused(
        ask(&app, &access, path, "content_id=DRM_ch-news_DASH").await,
        403,
        40350,
    )
    .await;
    // The demo d2go entitlement started a day before seeding; 7 days to start.
    app.clock.advance_ms(6 * DAY * 1000 + 1000);
    let access = alice(&app).await;
    refused(
        ask(&app, &access, path, "content_id=DRM_vod-d2go_DASH").await,
        403,
        40351,
    )
    .await;
    app.stop().await;
}

/// Bad input: 400 for the query, 401/403 for the token, never a 500.
async fn bad_requests(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let path = "/ias/v2/content_token";
    for q in [
        "type=device",
        "content_id=&type=device",
        "content_id=x&type=box",
        &format!("content_id={}", "x".repeat(300)),
    ] {
        let body = json_of(ask(&app, &access, path, q).await, 400).await;
        assert_eq!(code(&body), "40003:400", "{q}: {body}");
    }
    // No token; a refresh token; another tenant's header.
    let r = app
        .http
        .post(app.url(&format!("{path}?content_id={ENTITLED}")))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    json_of(r, 401).await;
    let r = app
        .http
        .post(app.url(&format!("{path}?content_id={ENTITLED}")))
        .header("nv-tenant-id", "other")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
    let r = app
        .http
        .get(app.url(&format!("{path}?content_id={ENTITLED}")))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    app.stop().await;
}

/// Content tokens are answered from memory: with the store closed they still
/// grant (signed with the tenant's content key, read before the close) and
/// refuse.
async fn answers_with_the_store_closed(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let key = content_key(&app).await;
    app.state.store.close().await;
    let body = json_of(token(&app, &access, ENTITLED).await, 200).await;
    let claims = claims_under(&key, body["content_token"].as_str().unwrap());
    assert_eq!(claims["contentRights"][0]["contentId"], ENTITLED);
    refused(
        token(&app, &access, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;
    app.stop().await;
}

crate::on_both_backends!(
    grants_a_signed_content_token,
    entitlement_rule,
    account_and_device_rules,
    content_rules,
    ppv_rules,
    rental_rules,
    download_rules,
    bad_requests,
    answers_with_the_store_closed
);
