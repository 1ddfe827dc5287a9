//! The approved-device limits hold across processes: two `playgate serve`
//! processes on one PostgreSQL, approving different devices of one account
//! at the same instant, never put more on the list than the profile's
//! maximum (operator approvals, which skip the cool-off) nor more in the
//! period than it allows (the viewer's approvals).

use std::sync::Arc;

use serde_json::{json, Value};

use crate::cluster::two_nodes;

const OPERATOR_KEY: &str = "demo-operator-key-0001";
const RACERS: usize = 6;

/// Sends every request at once (half to each process); the ADM error codes,
/// 0 for a 201.
async fn race(http: &reqwest::Client, requests: Vec<(String, String, Value)>) -> Vec<i64> {
    let gate = Arc::new(tokio::sync::Barrier::new(requests.len()));
    let mut tasks = Vec::new();
    for (url, bearer, body) in requests {
        let (http, gate) = (http.clone(), gate.clone());
        tasks.push(tokio::spawn(async move {
            let request = http
                .post(url)
                .header("nv-tenant-id", "demo")
                .bearer_auth(bearer)
                .json(&body);
            gate.wait().await;
            let r = request.send().await.unwrap();
            if r.status() == 201 {
                return 0;
            }
            assert_eq!(r.status(), 403);
            r.json::<Value>().await.unwrap()["errorCode"]
                .as_i64()
                .unwrap()
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.push(t.await.unwrap());
    }
    codes.sort_unstable();
    codes
}

async fn approved_count(pool: &sqlx::PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices WHERE tenant_id = 'demo' AND account_id = 'acc-active' \
         AND device_type = 'OPEN' AND approved = 1",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_approving_at_once_stay_within_the_limits() {
    let http = reqwest::Client::new();
    let Some((db, a, b)) = two_nodes(&http, &[]).await else {
        return;
    };
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .connect(&db.url)
        .await
        .unwrap();
    let racers: Vec<String> = (0..RACERS).map(|i| format!("dev-race-{i}")).collect();
    for id in &racers {
        sqlx::query(
            "INSERT INTO devices (tenant_id, id, account_id, device_type, created, modified) \
             VALUES ('demo', $1, 'acc-active', 'OPEN', 0, 0)",
        )
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    }
    let base = |i: usize| if i % 2 == 0 { &a.base } else { &b.base };
    // alice has dev-alice-tv approved; the profile allows 3: two places left.
    assert_eq!(approved_count(&pool).await, 1);

    // Customer care on both processes at once: the maximum holds.
    let requests = racers
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let url = format!("{}/adm/v1/devices/amendapprovals/acc-active", base(i));
            (
                url,
                OPERATOR_KEY.to_owned(),
                json!({ "deviceToApprove": id }),
            )
        })
        .collect();
    assert_eq!(
        race(&http, requests).await,
        [0, 0, 40380, 40380, 40380, 40380]
    );
    assert_eq!(approved_count(&pool).await, 3);

    // Room for ten, but two approvals in the period: the viewer's devices,
    // racing on both processes, get exactly two.
    for id in &racers {
        let r = http
            .post(format!(
                "{}/adm/v1/devices/amendapprovals/acc-active",
                a.base
            ))
            .header("nv-tenant-id", "demo")
            .bearer_auth(OPERATOR_KEY)
            .json(&json!({ "deviceToUnapprove": id }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    sqlx::query("UPDATE account_profiles SET max_approved_devices = 10 WHERE tenant_id = 'demo' AND id = 'default'")
        .execute(&pool)
        .await
        .unwrap();
    let r = http
        .post(format!("{}/ias/v3/token/actions/signOnByUserNamePassword", a.base))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let access = r.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let requests = racers
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let url = format!("{}/adm/v1/user/devices/amendapprovals", base(i));
            (url, access.clone(), json!({ "deviceToApprove": id }))
        })
        .collect();
    assert_eq!(
        race(&http, requests).await,
        [0, 0, 40381, 40381, 40381, 40381]
    );
    assert_eq!(approved_count(&pool).await, 3);
    pool.close().await;
    drop(a);
    drop(b);
    db.drop_db().await;
}
