//! Concurrent-stream limits across processes: two `playgate serve` processes
//! on one PostgreSQL and one Redis (`sessions.store = "redis"`), six devices
//! of one account asking both at once for a stream: exactly the account's
//! `maxSessions` get one, and both processes list the same leases.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::cluster::{ready, serve_with};
use crate::harness::{Backend, TestDb};
use crate::playback::sessions::REDIS_URL;

const DEVICES: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_hold_the_stream_limit() {
    if !crate::harness::postgres_or_skip() || !crate::harness::redis_or_skip().await {
        return;
    }
    let db = Arc::new(TestDb::new(Backend::Postgres).await);
    let http = reqwest::Client::new();
    let prefix = format!("playgate-cluster-{}", uuid::Uuid::new_v4());
    let env = [
        ("PLAYGATE_SESSIONS__STORE", "redis"),
        ("PLAYGATE_SESSIONS__REDIS_URL", REDIS_URL),
        ("PLAYGATE_SESSIONS__KEY_PREFIX", prefix.as_str()),
    ];
    let a = serve_with(&db, &env);
    ready(&http, &a).await; // A seeds the demo tenant first
    let b = serve_with(&db, &env);
    ready(&http, &b).await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&db.url)
        .await
        .unwrap();
    // Two streams, room for the devices, no approval to get in the way; the
    // change entry tells both processes to rebuild the profile's accounts.
    sqlx::query(
        "UPDATE account_profiles SET enable_session_limit = 1, max_sessions_allowed = 2, \
         enable_device_limit = 0, enable_approval_limit = 0 WHERE tenant_id = 'demo' AND id = 'default'",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO changes (tenant_id, kind, entity_key, at) VALUES ('demo', 'account_profile', 'default', 0)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("SELECT pg_notify('playgate_changes', '')")
        .execute(&pool)
        .await
        .unwrap();

    let mut tokens = Vec::new();
    for i in 0..DEVICES {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let r = http
            .post(format!("{base}/ias/v3/token/actions/signOnByUserNamePassword"))
            .header("nv-tenant-id", "demo")
            .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                           "deviceInformation": { "deviceType": "OPEN", "playoutDeviceClass": "Mobile",
                               "device": { "hardware": { "model": format!("Phone {i}") } } } }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        tokens.push(body["access_token"].as_str().unwrap().to_owned());
    }
    // Each device plays once alone on its own process first? No: all at once.
    let gate = Arc::new(tokio::sync::Barrier::new(DEVICES));
    let mut tasks = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        let (http, gate, t) = (http.clone(), gate.clone(), t.clone());
        tasks.push(tokio::spawn(async move {
            let request = http
                .post(format!(
                    "{base}/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device"
                ))
                .header("nv-tenant-id", "demo")
                .bearer_auth(t);
            gate.wait().await;
            request.send().await.unwrap().status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 403, 403, 403, 403]);
    for base in [&a.base, &b.base] {
        let list: Value = http
            .get(format!("{base}/sessions/v1/sessions"))
            .header("nv-tenant-id", "demo")
            .bearer_auth(&tokens[0])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["totalRecords"], 2, "{list}");
    }
    pool.close().await;
    drop(a);
    drop(b);
    db.drop_db().await;
}
