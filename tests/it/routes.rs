//! The surface in one place: `docs/ROUTES.md` is the route table the router
//! is built from; every row of it is served (no row answers the unknown
//! route or wrong method fallback); and the admin plane's concurrency limit
//! answers 503 in each face's envelope while the fast path keeps answering
//! (DESIGN.md invariant 10).

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio::io::AsyncWriteExt as _;

use crate::harness::{json_of, repo_path, test_config, Backend, TestApp, TestDb, DEMO_KEY};
use crate::playback::content_token::{alice, token, ENTITLED};

#[test]
fn docs_routes_md_is_the_route_table() {
    let file = std::fs::read_to_string(repo_path("docs/ROUTES.md")).unwrap();
    assert!(
        file == playgate::api::routes::markdown(),
        "docs/ROUTES.md is stale: run `cargo run -- routes > docs/ROUTES.md`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_row_of_the_table_is_served() {
    let app = TestApp::start(Backend::Sqlite).await;
    let table = playgate::api::routes::table();
    let mut paths = std::collections::HashSet::new();
    for r in &table {
        assert!(
            paths.insert((r.method.clone(), r.path)),
            "{} {} twice",
            r.method,
            r.path
        );
        let path = fill(r.path);
        let method = Method::from_bytes(r.method.as_str().as_bytes()).unwrap();
        let resp = app
            .http
            .request(method, app.url(&path))
            .header("nv-tenant-id", "demo")
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        let code = body["errorCode"]
            .as_u64()
            .or(body["code"].as_u64())
            .or(body["resultCode"]
                .as_str()
                .and_then(|c| c.split(':').next()?.parse().ok()));
        assert!(
            status != 405 && !(status == 404 && code == Some(40400)),
            "{} {}: the router does not serve it ({status} {body})",
            r.method,
            r.path
        );
    }
    app.stop().await;
}

/// DESIGN.md invariant 9, the token half, as it stands: no route a user's
/// token authenticates names an account in its path (each takes the
/// account from the verified token), so no user token can reach another
/// account's data by id. A route that adds one must answer 403 when the
/// path's account is not the token's, with a test, and join this list.
#[test]
fn user_routes_take_the_account_from_the_token() {
    for r in playgate::api::routes::table() {
        if r.auth == playgate::api::routes::Auth::User {
            assert!(
                !r.path.contains("{account"),
                "{} {}: a user route with an account in its path",
                r.method,
                r.path
            );
        }
    }
}

/// `{name}` path parameters filled with a plausible value.
fn fill(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').unwrap() + open;
        out.push_str("x1");
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Stalls an admin request: its head, `sent` bytes of a `declared`-byte
/// body, then nothing.
async fn stall(
    app: &TestApp,
    route: &str,
    content_type: &str,
    declared: usize,
    sent: usize,
) -> tokio::net::TcpStream {
    let mut stalled = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "{route} HTTP/1.1\r\nHost: x\r\nnv-tenant-id: demo\r\n\
         Authorization: Bearer {DEMO_KEY}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {declared}\r\n\r\n"
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&vec![b' '; sent]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stalled
}

/// One admin slot. A stalled small body holds none (its body is read
/// before a slot is taken). A large body being read by its handler holds
/// the slot: other
/// admin requests wait the queue timeout, then 503 `50300` in their face's
/// envelope with `Retry-After`; the fast path answers throughout; once the
/// slot is free, admin requests are served again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_busy_admin_plane_answers_503_and_starves_nothing() {
    let db = Arc::new(TestDb::new(Backend::Sqlite).await);
    let mut config = test_config(&db);
    config.server.admin_concurrency = 1;
    config.server.admin_queue_timeout_ms = 300;
    config.server.max_body_bytes = 1024;
    let app = TestApp::start_with(db, config).await;
    let access = alice(&app).await;

    let small = stall(&app, "POST /adm/v1/accounts", "application/json", 100, 1).await;
    let r = app
        .operator(Method::GET, "/adm/v1/accounts")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "a stalled small body holds no slot");
    drop(small);

    // A network list (a route whose body may be larger than max_body_bytes)
    // read by its handler, slowly.
    let stalled = stall(
        &app,
        "PUT /adm/v1/network/lists/vpn",
        "text/csv",
        8000,
        2000,
    )
    .await;
    let asked = Instant::now();
    let r = app
        .operator(Method::GET, "/adm/v1/accounts")
        .send()
        .await
        .unwrap();
    let waited = asked.elapsed();
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(json_of(r, 503).await["errorCode"], 50300, "ADM envelope");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    let r = app.http.get(app.url("/api/config")).send().await.unwrap();
    assert_eq!(json_of(r, 503).await["code"], 50300, "Rocket envelope");
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/refresh"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 503).await["resultCode"],
        "50300:503",
        "OPF envelope"
    );
    // The fast path does not queue for the admin plane.
    for _ in 0..20 {
        let asked = Instant::now();
        let r = token(&app, &access, ENTITLED).await;
        assert_eq!(r.status(), 200);
        assert!(asked.elapsed() < Duration::from_millis(250));
    }
    // The slot comes back with the stalled request's end.
    drop(stalled);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let r = app
        .operator(Method::GET, "/adm/v1/accounts")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.stop().await;
}
