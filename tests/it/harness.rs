//! Test harness: start a real node on 127.0.0.1:0 over a fresh store, with an
//! injected clock, and talk to it over HTTP.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use playgate::app::{AppState, NodeBuilder};
use playgate::config::Config;
use playgate::core::clock::ManualClock;
use playgate::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const DEMO_KEY: &str = "demo-operator-key-0001";
/// 2026-11-22T00:00:00Z
pub const T0_MS: i64 = 1_795_305_600_000;

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates `<name>_sqlite` and `<name>_postgres` tests from `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        mod both {
            $(
            pub mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::super::$name($crate::harness::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if !$crate::harness::postgres_or_skip() {
                        return;
                    }
                    super::super::$name($crate::harness::Backend::Postgres).await;
                }
            }
            )+
        }
    };
}

/// True under CI (`CI=true`), where every peer a test needs must be there.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A test cannot run for want of a peer: a skip with a note outside CI, a
/// failure under CI.
pub fn skip(missing: &str) {
    assert!(!in_ci(), "CI must provide {missing}");
    eprintln!("skipped: {missing} is missing");
}

/// True if PostgreSQL tests can run (`PLAYGATE_TEST_DATABASE_URL` is set);
/// otherwise skips (see [`skip`]).
pub fn postgres_or_skip() -> bool {
    let there = postgres_url().is_some();
    if !there {
        skip("PostgreSQL (PLAYGATE_TEST_DATABASE_URL)");
    }
    there
}

/// True if Redis answers on 127.0.0.1:6379; otherwise skips (see [`skip`]).
pub async fn redis_or_skip() -> bool {
    let there = tokio::net::TcpStream::connect("127.0.0.1:6379")
        .await
        .is_ok();
    if !there {
        skip("Redis on 127.0.0.1:6379");
    }
    there
}

pub fn postgres_url() -> Option<String> {
    std::env::var("PLAYGATE_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A private database (PostgreSQL) or directory (SQLite) for one test.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    match query {
        Some(q) => format!("{host}/{name}?{q}"),
        None => format!("{host}/{name}"),
    }
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        match backend {
            Backend::Sqlite => TestDb {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("playgate.db").display()
                ),
                dir,
                pg_name: None,
            },
            Backend::Postgres => {
                let admin = postgres_url().expect("postgres url");
                let name = format!("pgt_{}", uuid::Uuid::new_v4().simple());
                let store = Store::connect(&admin, 1)
                    .await
                    .expect("admin connection to PostgreSQL");
                // A language collation (as production databases usually
                // have), so nothing passes only because text sorts by bytes.
                sqlx::query(&format!(
                    "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu \
                     ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
                ))
                .execute(store.pool())
                .await
                .expect("create test database");
                store.close().await;
                TestDb {
                    url: replace_db_name(&admin, &name),
                    dir,
                    pg_name: Some(name),
                }
            }
        }
    }

    pub async fn drop_db(&self) {
        if let Some(name) = &self.pg_name {
            let admin = postgres_url().expect("postgres url");
            if let Ok(store) = Store::connect(&admin, 1).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(store.pool())
                    .await;
                store.close().await;
            }
        }
    }
}

/// The config a test node runs with: embedded defaults over the test store.
pub fn test_config(db: &TestDb) -> Config {
    let mut c = Config::embedded();
    c.server.listen = "127.0.0.1:0".into();
    c.storage.data_dir = db.dir.path().to_path_buf();
    c.storage.database_url = db.url.clone();
    c.storage.max_connections = 4;
    c.sync.poll_interval_ms = 50;
    c.server.shutdown_grace_ms = 2000;
    c
}

/// A running node.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub db: Arc<TestDb>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestApp {
    /// A node with the demo tenant seeded, on a fresh store.
    pub async fn start(backend: Backend) -> TestApp {
        let db = Arc::new(TestDb::new(backend).await);
        Self::start_with(db.clone(), test_config(&db)).await
    }

    /// A node over an existing test store with a given config.
    pub async fn start_with(db: Arc<TestDb>, config: Config) -> TestApp {
        let clock = Arc::new(ManualClock::new(T0_MS));
        let node = NodeBuilder::new(config)
            .clock(clock.clone())
            .start()
            .await
            .expect("node starts");
        let state = node.state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(node.serve(listener, async {
            let _ = rx.await;
        }));
        let app = TestApp {
            addr,
            base: format!("http://{addr}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
            state,
            clock,
            db,
            shutdown: Some(tx),
            task: Some(task),
        };
        app.wait_ready().await;
        app
    }

    pub async fn wait_ready(&self) {
        for _ in 0..200 {
            if let Ok(r) = self.http.get(self.url("/readyz")).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("node did not become ready");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request builder carrying the demo tenant and operator key.
    pub fn operator(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path))
            .header("nv-tenant-id", "demo")
            .bearer_auth(DEMO_KEY)
    }

    /// Stops serving (graceful) and waits for the node to finish.
    pub async fn stop_serving(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("node stops within 10 s")
                .expect("node task");
        }
    }

    /// Stops the node and drops its database.
    pub async fn stop(mut self) {
        self.stop_serving().await;
        if Arc::strong_count(&self.db) == 1 {
            self.db.drop_db().await;
        }
    }
}

/// An operator's ADM update of a demo account (`PUT /adm/v1/accounts/{id}`),
/// which must succeed.
pub async fn update_account(app: &TestApp, id: &str, body: serde_json::Value) {
    let r = app
        .operator(reqwest::Method::PUT, &format!("/adm/v1/accounts/{id}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    json_of(r, 200).await;
}

/// The single integer a query returns (counts, flags) from a store.
pub async fn scalar_in(store: &Store, sql: &str) -> i64 {
    use sqlx::Row as _;
    sqlx::query(sql)
        .fetch_one(store.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get::<i64, _>(0)
        .unwrap()
}

/// The single integer a query returns from a running node's store.
pub async fn scalar(app: &TestApp, sql: &str) -> i64 {
    scalar_in(&app.state.store, sql).await
}

/// A token's claims as the Token Validation Service decodes them (tenant `demo`).
#[allow(dead_code)]
pub async fn tvs_claims(app: &TestApp, token: &str) -> serde_json::Value {
    json_of(
        app.http
            .post(app.url("/tvs/v1/token/actions/validate"))
            .header("nv-tenant-id", "demo")
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await
}

/// The body as JSON, asserting the status first.
/// A request to the demo tenant with `bearer` (an access token or the
/// operator key), with a JSON body if given.
pub async fn demo_call(
    app: &TestApp,
    bearer: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut r = app
        .http
        .request(method, app.url(path))
        .header("nv-tenant-id", "demo")
        .bearer_auth(bearer);
    if let Some(body) = body {
        r = r.json(&body);
    }
    r.send().await.unwrap()
}

pub async fn json_of(response: reqwest::Response, status: u16) -> serde_json::Value {
    let got = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(got, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[allow(dead_code)]
pub fn repo_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        replace_db_name("postgres://u@127.0.0.1:5432/test", "x"),
        "postgres://u@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_db_name("postgres://u@h/test?sslmode=disable", "x"),
        "postgres://u@h/x?sslmode=disable"
    );
    assert_eq!(replace_db_name("postgres://u@h", "x"), "postgres://u@h/x");
}
