//! Concurrent-stream limits over real HTTP, on the memory store and on Redis
//! (127.0.0.1:6379, keys under a prefix of the test's own): a content token
//! opens or renews the device's lease, a heartbeat renews it, a stop frees
//! it, an expired lease frees its slot (the injected clock), the stream past
//! the limit is 403 with the live sessions listed, and the device group's
//! limit holds too. Demo profile set to 2 streams, Mobile devices 1.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, test_config, Backend, TestApp, TestDb};
use crate::playback::content_token::{sign_on, token, write};
use playgate::store::changes::ChangeKind;

pub(crate) const REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Whether the machine's Redis answers (CI always has one; a developer's
/// machine may not: then the Redis variants say so and pass).
async fn node(store: &str) -> TestApp {
    let db = Arc::new(TestDb::new(Backend::Sqlite).await);
    let mut config = test_config(&db);
    config.sessions.store = store.into();
    config.sessions.lease_s = 60;
    config.sessions.key_prefix = format!("playgate-test-{}", uuid::Uuid::new_v4());
    TestApp::start_with(db, config).await
}

/// Turns the stream limits on for the demo profile.
pub(crate) async fn limited(app: &TestApp, max: i64, mobile_max: i64) {
    let profile = format!(
        "UPDATE account_profiles SET enable_session_limit = 1, max_sessions_allowed = {max}, \
         session_groups = '[{{\"groupId\":\"Mobile\",\"maxSessions\":{mobile_max}}}]' WHERE id = 'default'"
    );
    write(app, &[&profile], &[(ChangeKind::AccountProfile, "default")]).await;
}

/// Alice's phones and tablets.
pub(crate) async fn add_devices(app: &TestApp) {
    for (id, class) in [
        ("dev-p1", "Mobile"),
        ("dev-p2", "Mobile"),
        ("dev-t1", "Tablet"),
        ("dev-t2", "Tablet"),
    ] {
        let sql = format!(
            "INSERT INTO devices (tenant_id, id, account_id, device_type, playout_device_class, approved, \
             created, modified) VALUES ('demo', '{id}', 'acc-active', 'OPEN', '{class}', 1, 0, 0)"
        );
        write(app, &[&sql], &[(ChangeKind::Device, id)]).await;
    }
}

async fn on(app: &TestApp, device: &str) -> String {
    sign_on(app, "alice@demo.playgate", "alice-demo-pass", device).await
}

async fn play(app: &TestApp, access: &str) -> reqwest::Response {
    token(app, access, "DRM_vod-entitled_DASH").await
}

async fn session_of(r: reqwest::Response) -> Value {
    json_of(r, 200).await["session"].clone()
}

async fn call(app: &TestApp, access: &str, method: Method, path: &str) -> reqwest::Response {
    app.http
        .request(method, app.url(path))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn refused_with(r: reqwest::Response, code: &str) -> Vec<String> {
    let body = json_of(r, 403).await;
    assert_eq!(body["resultCode"], code, "{body}");
    let mut devices: Vec<String> = body["activeSessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deviceId"].as_str().unwrap().to_owned())
        .collect();
    devices.sort();
    devices
}

async fn limits_leases_and_expiry(store: &str) {
    if store == "redis" && !crate::harness::redis_or_skip().await {
        return;
    }
    let app = node(store).await;
    // Not limited yet: no lease, and the lease routes say so.
    let tv = on(&app, "dev-alice-tv").await;
    assert!(json_of(play(&app, &tv).await, 200)
        .await
        .get("session")
        .is_none());
    let r = app
        .http
        .post(app.url("/sessions/v1/sessions"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&tv)
        .json(&json!({ "contentId": "DRM_vod-entitled_DASH" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    add_devices(&app).await;
    limited(&app, 2, 1).await;
    // Tokens signed from now on carry the limits.
    let (tv, p1, t1) = (
        on(&app, "dev-alice-tv").await,
        on(&app, "dev-p1").await,
        on(&app, "dev-t1").await,
    );
    let tv_session = session_of(play(&app, &tv).await).await;
    assert_eq!(tv_session["deviceId"], "dev-alice-tv");
    assert_eq!(tv_session["heartbeatS"], 20);
    // The same device again renews its lease: no second slot.
    let again = session_of(play(&app, &tv).await).await;
    assert_eq!(again["sessionId"], tv_session["sessionId"]);
    let p1_session = session_of(play(&app, &p1).await).await;
    assert_eq!(p1_session["groupId"], "Mobile");
    // The third stream: refused, with the two live ones to choose from.
    assert_eq!(
        refused_with(play(&app, &t1).await, "40395:403").await,
        ["dev-alice-tv", "dev-p1"]
    );
    let list = json_of(
        call(&app, &t1, Method::GET, "/sessions/v1/sessions").await,
        200,
    )
    .await;
    assert_eq!(list["totalRecords"], 2);

    // Stop the TV: its slot frees at once.
    let tv_id = tv_session["sessionId"].as_str().unwrap();
    let r = call(
        &app,
        &t1,
        Method::DELETE,
        &format!("/sessions/v1/sessions/{tv_id}"),
    )
    .await;
    assert_eq!(r.status(), 204);
    let r = call(
        &app,
        &t1,
        Method::DELETE,
        &format!("/sessions/v1/sessions/{tv_id}"),
    )
    .await;
    assert_eq!(r.status(), 404);
    let t1_session = session_of(play(&app, &t1).await).await;

    // Room for three, but one Mobile stream: the second phone is refused by its group.
    limited(&app, 3, 1).await;
    let p2 = on(&app, "dev-p2").await;
    assert_eq!(
        refused_with(play(&app, &p2).await, "40396:403").await,
        ["dev-p1", "dev-t1"]
    );

    // Time: p1 sends heartbeats, t1 does not; after the lease, t1's slot is free.
    app.clock.advance_ms(45_000);
    let p1_id = p1_session["sessionId"].as_str().unwrap();
    let beat = json_of(
        call(
            &app,
            &p1,
            Method::POST,
            &format!("/sessions/v1/sessions/{p1_id}/heartbeat"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(beat["sessionId"], p1_id);
    app.clock.advance_ms(20_000);
    let list = json_of(
        call(&app, &p1, Method::GET, "/sessions/v1/sessions").await,
        200,
    )
    .await;
    let live: Vec<&str> = list["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["deviceId"].as_str().unwrap())
        .collect();
    assert_eq!(live, ["dev-p1"], "{list}");
    let t1_id = t1_session["sessionId"].as_str().unwrap();
    let r = call(
        &app,
        &t1,
        Method::POST,
        &format!("/sessions/v1/sessions/{t1_id}/heartbeat"),
    )
    .await;
    assert_eq!(r.status(), 404, "an expired lease cannot be renewed");
    // Another account never sees or stops alice's sessions.
    let fay = sign_on(&app, "fay@demo.playgate", "fay-demo-pass", "dev-fay-1").await;
    let r = call(
        &app,
        &fay,
        Method::DELETE,
        &format!("/sessions/v1/sessions/{p1_id}"),
    )
    .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        json_of(
            call(&app, &fay, Method::GET, "/sessions/v1/sessions").await,
            200
        )
        .await["totalRecords"],
        0
    );
    app.stop().await;
}

#[tokio::test]
async fn limits_leases_and_expiry_in_memory() {
    limits_leases_and_expiry("memory").await;
}

#[tokio::test]
async fn limits_leases_and_expiry_in_redis() {
    limits_leases_and_expiry("redis").await;
}

/// Many devices of one account asking at once, on one node: exactly the
/// limit get a stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_streams_gets_only_the_limit() {
    for store in ["memory", "redis"] {
        if store == "redis" && !crate::harness::redis_or_skip().await {
            continue;
        }
        let app = node(store).await;
        add_devices(&app).await;
        limited(&app, 2, 9).await;
        let mut tokens = Vec::new();
        for d in ["dev-alice-tv", "dev-p1", "dev-p2", "dev-t1", "dev-t2"] {
            tokens.push(on(&app, d).await);
        }
        let mut tasks = Vec::new();
        for t in tokens {
            let (http, url) = (
                app.http.clone(),
                app.url("/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device"),
            );
            tasks.push(tokio::spawn(async move {
                http.post(url)
                    .header("nv-tenant-id", "demo")
                    .bearer_auth(t)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 200, 403, 403, 403], "{store}");
        app.stop().await;
    }
}
