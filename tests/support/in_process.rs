//! A real node on the demo data, driven through its router in-process (no
//! sockets): shared by `benches/requests.rs` and `tests/request_alloc.rs`
//! (each includes this file with `#[path]`).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use http_body_util::BodyExt as _;
use playgate::app::{Node, NodeBuilder};
use playgate::config::Config;
use tower::ServiceExt as _;

/// A request of tenant `demo` from a fixed client address, with alice's
/// bearer token when given.
pub fn request(
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<String>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("nv-tenant-id", "demo");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    let mut r = b
        .body(body.map_or_else(Body::empty, Body::from))
        .expect("request");
    let peer: SocketAddr = "203.0.113.7:50000".parse().unwrap();
    r.extensions_mut().insert(ConnectInfo(peer));
    r
}

/// Called once per [`send`], never inlined: `loadtest/instructions.sh`
/// counts requests by its calls.
#[inline(never)]
pub fn request_sent() {
    std::hint::black_box(());
}

/// The answer's status and whole body.
pub async fn send(router: &axum::Router, r: Request<Body>) -> (u16, bytes::Bytes) {
    request_sent();
    let response = router.clone().oneshot(r).await.expect("infallible");
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, body)
}

/// A started node over a temporary SQLite store (demo data seeded, keys
/// generated), its router once ready, and alice's access token.
pub struct DemoNode {
    pub router: axum::Router,
    pub token: String,
    _node: Node,
    _dir: tempfile::TempDir,
}

pub async fn demo_node() -> DemoNode {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::embedded();
    config.storage.data_dir = dir.path().to_path_buf();
    config.sync.poll_interval_ms = 20;
    let node = NodeBuilder::new(config).start().await.expect("node");
    let router = playgate::api::router(node.state.clone());
    for _ in 0..500 {
        if send(&router, request(Method::GET, "/readyz", None, None))
            .await
            .0
            == 200
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let body = serde_json::json!({"username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv"});
    let (status, answer) = send(
        &router,
        request(
            Method::POST,
            "/ias/v3/token/actions/signOnByUserNamePassword",
            None,
            Some(body.to_string()),
        ),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    let v: serde_json::Value = serde_json::from_slice(&answer).unwrap();
    DemoNode {
        router,
        token: v["access_token"].as_str().unwrap().to_owned(),
        _node: node,
        _dir: dir,
    }
}
