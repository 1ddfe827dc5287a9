//! The tenant's network policy over real HTTP: VPN / proxy exits (20018) and
//! geo-blocking by country (20019), at sign-on (every credential route, in
//! its face's envelope) and at playback (inside `decide`), read against the
//! tenant's uploaded lists; the client address comes through a trusted proxy.
//! Each content's own location rules (its VPN flag, filtering and blocking
//! lists: 20018 / 20066) beside them, and what RMG reports of them.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, repo_path, test_config, Backend, TestApp, TestDb};
use crate::playback::content_token::{add_content, content, write};
use playgate::store::changes::ChangeKind;

async fn node(b: Backend) -> TestApp {
    let db = Arc::new(TestDb::new(b).await);
    let mut config = test_config(&db);
    config.network.trusted_proxies = vec!["127.0.0.1".into()];
    let app = TestApp::start_with(db, config).await;
    for kind in ["vpn", "geo"] {
        let body = std::fs::read_to_string(repo_path(&format!("config/network/{kind}.sample.csv")))
            .unwrap();
        let r = app
            .operator(Method::PUT, &format!("/adm/v1/network/lists/{kind}"))
            .header("content-type", "text/csv")
            .body(body)
            .send()
            .await
            .unwrap();
        json_of(r, 200).await;
    }
    app
}

/// Replaces the demo tenant's `network` policy keys (keeping `onNet` and the
/// other settings).
async fn set_policy(app: &TestApp, policy: Value) {
    use sqlx::Row as _;
    let row = sqlx::query("SELECT settings FROM tenants WHERE id = 'demo'")
        .fetch_one(app.state.store.pool())
        .await
        .unwrap();
    let mut settings: Value = serde_json::from_str(&row.try_get::<String, _>(0).unwrap()).unwrap();
    let network = settings["network"].as_object_mut().unwrap();
    network.remove("blockVpn");
    network.remove("geoBlocking");
    network.remove("geoFiltering");
    for (k, v) in policy.as_object().unwrap() {
        network.insert(k.clone(), v.clone());
    }
    let sql = format!(
        "UPDATE tenants SET settings = '{}' WHERE id = 'demo'",
        settings.to_string().replace('\'', "''")
    );
    write(app, &[&sql], &[(ChangeKind::Tenant, "demo")]).await;
}

async fn sign_on_from(app: &TestApp, ip: &str) -> reqwest::Response {
    app.http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .header("x-forwarded-for", ip)
        .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
        .send()
        .await
        .unwrap()
}

async fn content_from(app: &TestApp, access: &str, ip: &str) -> reqwest::Response {
    play_from(app, access, "DRM_vod-entitled_DASH", ip).await
}

async fn play_from(app: &TestApp, access: &str, content_id: &str, ip: &str) -> reqwest::Response {
    app.http
        .post(app.url(&format!(
            "/ias/v2/content_token?content_id={content_id}&type=device"
        )))
        .header("nv-tenant-id", "demo")
        .header("x-forwarded-for", ip)
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn result_code(r: reqwest::Response, status: u16) -> String {
    json_of(r, status).await["resultCode"]
        .as_str()
        .unwrap()
        .to_owned()
}

// Sample lists: VPN exits 203.0.113.64/26; 192.0.2.0/24 GB, 198.51.100.0/25
// DE, 198.51.100.128/25 FR, 203.0.113.0/24 NL.
const GB: &str = "192.0.2.5";
const DE: &str = "198.51.100.7";
const FR: &str = "198.51.100.200";
const VPN: &str = "203.0.113.70";
const NOWHERE: &str = "10.9.9.9";

async fn vpn_and_geo_blocking_at_sign_on_and_playback(b: Backend) {
    let app = node(b).await;
    let access = json_of(sign_on_from(&app, VPN).await, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // No policy yet: the lists alone refuse nothing.
    json_of(content_from(&app, &access, VPN).await, 200).await;

    set_policy(
        &app,
        json!({ "blockVpn": true, "geoBlocking": { "allow": ["GB", "DE"], "signOn": true } }),
    )
    .await;
    for ip in [GB, DE] {
        json_of(content_from(&app, &access, ip).await, 200).await;
        json_of(sign_on_from(&app, ip).await, 200).await;
    }
    assert_eq!(
        result_code(content_from(&app, &access, VPN).await, 403).await,
        "20018:403"
    );
    assert_eq!(
        result_code(content_from(&app, &access, FR).await, 403).await,
        "20019:403"
    );
    // An allow list refuses what the geo list does not place.
    assert_eq!(
        result_code(content_from(&app, &access, NOWHERE).await, 403).await,
        "20019:403"
    );
    assert_eq!(
        result_code(sign_on_from(&app, VPN).await, 403).await,
        "20018:403"
    );
    assert_eq!(
        result_code(sign_on_from(&app, FR).await, 403).await,
        "20019:403"
    );
    // Rocket sign-in: the same rule in the Rocket envelope.
    let r = app
        .http
        .post(app.url("/api/authorization"))
        .header("x-forwarded-for", VPN)
        .json(&json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 403).await["code"], 20018);
    // Support sees which rule refused.
    let r = app
        .operator(Method::POST, "/rmg/v1/operator/decisions/actions/trace")
        .json(&json!({ "accountId": "acc-active", "deviceId": "dev-alice-tv", "contentId": "DRM_vod-entitled_DASH", "clientIp": FR }))
        .send()
        .await
        .unwrap();
    let trace = json_of(r, 200).await;
    assert_eq!(trace["code"], 20019, "{trace}");
    let steps = trace["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["rule"] == "geoBlocking" && s["outcome"] == "fail"),
        "{trace}"
    );

    // Without signOn, geo-blocking is for playback only; a deny list
    // refuses its own countries and lets unknown places through.
    set_policy(&app, json!({ "geoBlocking": { "deny": ["FR"] } })).await;
    json_of(sign_on_from(&app, FR).await, 200).await;
    assert_eq!(
        result_code(content_from(&app, &access, FR).await, 403).await,
        "20019:403"
    );
    json_of(content_from(&app, &access, NOWHERE).await, 200).await;
    json_of(content_from(&app, &access, VPN).await, 200).await;

    // Policy off again: everything as before.
    set_policy(&app, json!({})).await;
    json_of(content_from(&app, &access, FR).await, 200).await;
    app.stop().await;
}

/// The rules a content carries: an allow list, a deny list plus a blocking
/// list, a VPN flag of its own; a channel's too; RMG reports them; a list
/// that cannot be read refuses everywhere; `geoFiltering: false` stops them.
async fn a_contents_own_location_rules(b: Backend) {
    use playgate::store::catalogue::Location;
    let app = node(b).await;
    let access = json_of(sign_on_from(&app, GB).await, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut uk_only = content("vod-uk");
    uk_only.location = Location {
        filtering_list: vec!["gb".into()],
        filtering_is_allow: true,
        ..Location::default()
    };
    add_content(&app, uk_only, Some("prod-basic")).await;
    let mut not_de_fr = content("vod-not-de-fr");
    not_de_fr.location = Location {
        filtering_list: vec!["FR".into()],
        blocking_list: vec!["DE".into()],
        ..Location::default()
    };
    add_content(&app, not_de_fr, Some("prod-basic")).await;
    let mut no_vpn = content("vod-no-vpn");
    no_vpn.location.block_vpn = true;
    add_content(&app, no_vpn, Some("prod-basic")).await;

    let code = |r| result_code(r, 403);
    // (content, address, expected resultCode or None for a grant); the
    // tenant blocks neither VPNs nor any country.
    let table = [
        ("DRM_vod-uk", GB, None),
        ("DRM_vod-uk", DE, Some("20066:403")),
        ("DRM_vod-uk", NOWHERE, Some("20066:403")),
        ("DRM_vod-not-de-fr", GB, None),
        ("DRM_vod-not-de-fr", NOWHERE, None),
        ("DRM_vod-not-de-fr", DE, Some("20066:403")),
        ("DRM_vod-not-de-fr", FR, Some("20066:403")),
        ("DRM_vod-no-vpn", GB, None),
        ("DRM_vod-no-vpn", VPN, Some("20018:403")),
        ("DRM_vod-entitled_DASH", VPN, None),
        ("DRM_vod-entitled_DASH", DE, None),
    ];
    for (id, ip, want) in table {
        let r = play_from(&app, &access, id, ip).await;
        match want {
            None => assert_eq!(r.status(), 200, "{id} from {ip}"),
            Some(want) => assert_eq!(code(r).await, want, "{id} from {ip}"),
        }
    }

    // RMG reports the rules it has just applied.
    let r = app
        .http
        .get(app.url("/rmg/v1/user/action/authorisation/content/DRM_vod-not-de-fr"))
        .header("nv-tenant-id", "demo")
        .header("x-forwarded-for", GB)
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    let rights = json_of(r, 200).await["contentRights"].clone();
    assert_eq!(rights["filteringList"], json!(["FR"]), "{rights}");
    assert_eq!(rights["filteringListIsAllowList"], false);
    assert_eq!(rights["blockingList"], json!(["DE"]));
    assert_eq!(rights["blockVPN"], false);

    // Support sees the rule that refused.
    let r = app
        .operator(Method::POST, "/rmg/v1/operator/decisions/actions/trace")
        .json(&json!({ "accountId": "acc-active", "deviceId": "dev-alice-tv", "contentId": "DRM_vod-uk", "clientIp": DE }))
        .send()
        .await
        .unwrap();
    let trace = json_of(r, 200).await;
    assert_eq!(trace["code"], 20066, "{trace}");
    assert!(
        trace["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["rule"] == "geoFiltering" && s["outcome"] == "fail"),
        "{trace}"
    );

    // A channel carries the same rules.
    write(
        &app,
        &[r#"UPDATE channels SET filtering_list = '["DE"]', filtering_is_allow = 1 WHERE id = 'ch-sports'"#],
        &[(ChangeKind::Channel, "ch-sports")],
    )
    .await;
    json_of(
        play_from(&app, &access, "DRM_ch-sports_DASH", DE).await,
        200,
    )
    .await;
    assert_eq!(
        code(play_from(&app, &access, "DRM_ch-sports_DASH", GB).await).await,
        "20066:403"
    );

    // A list that cannot be read: the title plays nowhere.
    write(
        &app,
        &[r#"UPDATE contents SET filtering_list = '["GBR"]' WHERE id = 'vod-not-de-fr'"#],
        &[(ChangeKind::Content, "vod-not-de-fr")],
    )
    .await;
    for ip in [GB, NOWHERE] {
        assert_eq!(
            code(play_from(&app, &access, "DRM_vod-not-de-fr", ip).await).await,
            "20066:403"
        );
    }

    // The tenant turns geo-filtering off: the contents' rules stand aside.
    set_policy(&app, json!({ "geoFiltering": false })).await;
    json_of(play_from(&app, &access, "DRM_vod-uk", DE).await, 200).await;
    json_of(play_from(&app, &access, "DRM_vod-no-vpn", VPN).await, 200).await;
    app.stop().await;
}

crate::on_both_backends!(
    vpn_and_geo_blocking_at_sign_on_and_playback,
    a_contents_own_location_rules
);
