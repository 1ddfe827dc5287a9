//! Two `playgate serve` processes on one PostgreSQL: an operator grant made
//! through process A is honoured by process B's content tokens within the
//! cluster bound (DESIGN.md: < 200 ms target; asserted generously, measured
//! and printed). The poll is set to a minute, so only the `NOTIFY` a commit
//! sends can wake B in time.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Backend, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_playgate");
const OPERATOR_KEY: &str = "demo-operator-key-0001";

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) struct Server {
    child: Child,
    pub(crate) base: String,
    _data: tempfile::TempDir,
}

impl Server {
    /// The server process's id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `playgate serve` process on `db`, with more `PLAYGATE_*` settings.
pub(crate) fn serve_with(db: &TestDb, env: &[(&str, &str)]) -> Server {
    let port = free_port();
    let data = tempfile::tempdir().unwrap();
    let child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data.path())
        .env("PLAYGATE_STORAGE__DATABASE_URL", &db.url)
        .env("PLAYGATE_SYNC__POLL_INTERVAL_MS", "60000")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _data: data,
    }
}

pub(crate) async fn ready(http: &reqwest::Client, s: &Server) {
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("{}/readyz", s.base)).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server not ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two processes on one fresh PostgreSQL database, ready (A first: it
/// seeds the demo tenant), each with `env` (more `PLAYGATE_*` settings);
/// `None`, with a note, when PostgreSQL is not configured.
pub(crate) async fn two_nodes(
    http: &reqwest::Client,
    env: &[(&str, &str)],
) -> Option<(Arc<TestDb>, Server, Server)> {
    if !crate::harness::postgres_or_skip() {
        return None;
    }
    let db = Arc::new(TestDb::new(Backend::Postgres).await);
    let a = serve_with(&db, env);
    ready(http, &a).await;
    let b = serve_with(&db, env);
    ready(http, &b).await;
    Some((db, a, b))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_through_one_process_plays_on_another() {
    let http = reqwest::Client::new();
    let Some((db, a, b)) = two_nodes(&http, &[]).await else {
        return;
    };

    let r = http
        .post(format!(
            "{}/ias/v3/token/actions/signOnByUserNamePassword",
            b.base
        ))
        .header("nv-tenant-id", "demo")
        .json(
            &json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass",
                       "clientId": "dev-alice-tv" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let access = r.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let ask = || {
        http.post(format!(
            "{}/ias/v2/content_token?content_id=DRM_vod-premium_DASH&type=device",
            b.base
        ))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
    };
    assert_eq!(ask().await.unwrap().status(), 403, "not entitled yet");

    let now = time::OffsetDateTime::now_utc();
    let fmt = &time::format_description::well_known::Rfc3339;
    let r = http
        .post(format!("{}/rmg/v1/operator/entitlements", a.base))
        .header("nv-tenant-id", "demo")
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({ "_id": "ent-cluster", "accountId": "acc-active",
                       "productId": "prod-premium",
                       "validFrom": (now - time::Duration::days(1)).format(fmt).unwrap(),
                       "expiryDate": (now + time::Duration::days(1)).format(fmt).unwrap() }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let granted_at = Instant::now();
    loop {
        let status = ask().await.unwrap().status();
        if status == 200 {
            break;
        }
        assert_eq!(status, 403);
        assert!(
            granted_at.elapsed() < Duration::from_secs(2),
            "process B did not honour the grant within 2 s (its poll is 60 s)"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!(
        "grant visible on the other process after {:?}",
        granted_at.elapsed()
    );

    // Cut every listening connection: B's listener reconnects, and the next
    // change (an operator UNSUBSCRIBED through A) still reaches B in time.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&db.url)
        .await
        .unwrap();
    let cut: Vec<(bool,)> = sqlx::query_as(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(cut.len(), 2, "one listener per process");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = http
        .put(format!(
            "{}/rmg/v1/operator/entitlements/ent-cluster",
            a.base
        ))
        .header("nv-tenant-id", "demo")
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({ "status": "UNSUBSCRIBED" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let changed_at = Instant::now();
    loop {
        let status = ask().await.unwrap().status();
        if status == 403 {
            break;
        }
        assert_eq!(status, 200);
        assert!(
            changed_at.elapsed() < Duration::from_secs(3),
            "process B did not see the change after its listener was cut"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    eprintln!(
        "change visible on the other process after a listener reconnect: {:?}",
        changed_at.elapsed()
    );
    pool.close().await;
    drop(a);
    drop(b);
    db.drop_db().await;
}

/// A title ingested through A is listed by B's MDS and Rocket faces and
/// playable there without B's poll (measured and printed: the issue's
/// bound is 200 ms; asserted at 2 s so a loaded machine does not fail it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_ingested_through_one_process_is_browsable_on_another() {
    let http = reqwest::Client::new();
    let Some((db, a, b)) = two_nodes(&http, &[]).await else {
        return;
    };
    let on_b = || {
        http.get(format!("{}/api/items/ed-cluster", b.base))
            .header("nv-tenant-id", "demo")
            .send()
    };
    assert_eq!(on_b().await.unwrap().status(), 404);
    let title = json!({
        "id": "ed-cluster", "type": "MOVIE", "productRefs": ["prod-basic"],
        "locales": { "en_GB": { "title": "Made on A" } },
        "technicals": [{ "id": "cluster-dash", "drmId": "DRM_cluster_DASH",
                         "deviceTypes": ["Android"], "drmInstanceName": "DASH_WV",
                         "uri": "https://cdn.example/vod/cluster.mpd" }],
    });
    let sent_at = Instant::now();
    let r = http
        .post(format!(
            "{}/metadata/operator/v1/catalogue/editorials",
            a.base
        ))
        .header("nv-tenant-id", "demo")
        .bearer_auth(OPERATOR_KEY)
        .json(&json!({ "upsert": [title] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let ingested_at = Instant::now();
    loop {
        let status = on_b().await.unwrap().status();
        if status == 200 {
            break;
        }
        assert_eq!(status, 404);
        assert!(
            ingested_at.elapsed() < Duration::from_secs(2),
            "process B did not list the title within 2 s (its poll is 60 s)"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let (seen, since_sent) = (ingested_at.elapsed(), sent_at.elapsed());
    // MDS on B lists it too (the same change folded in).
    let mds: serde_json::Value = http
        .get(format!(
            "{}/metadata/delivery/v2/GLOBAL/vod/editorials",
            b.base
        ))
        .header("nv-tenant-id", "demo")
        .query(&[("filter", r#"{"id":"ed-cluster"}"#)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mds["total_records"], 1, "{mds}");
    eprintln!(
        "title ingested on A listed on B {seen:?} after A answered ({since_sent:?} after it was sent)"
    );
    drop(a);
    drop(b);
    db.drop_db().await;
}
