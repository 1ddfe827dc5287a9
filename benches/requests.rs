//! Whole requests through playgate's router in-process (no sockets, no
//! hyper connection): what the service adds per request on top of the HTTP
//! floor, for the hot endpoints, on the demo tenant. `request_healthz` is
//! the same stack answering a route that does nothing (middleware, routing,
//! response), so the difference is the endpoint's own work.
//!
//! The node is the real one (`NodeBuilder` over a temporary SQLite store,
//! demo data seeded, keys generated); alice signs on through the router once
//! and each iteration replays her request.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt as _;
use playgate::app::NodeBuilder;
use playgate::config::Config;
use tower::ServiceExt as _;

// The service's allocator, as in `main.rs`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn request(method: Method, uri: &str, token: Option<&str>, body: Option<String>) -> Request<Body> {
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

async fn send(router: &axum::Router, r: Request<Body>) -> (StatusCode, bytes::Bytes) {
    let response = router.clone().oneshot(r).await.expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, body)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::embedded();
    config.storage.data_dir = dir.path().to_path_buf();
    config.sync.poll_interval_ms = 20;
    let node = rt.block_on(NodeBuilder::new(config).start()).expect("node");
    let router = playgate::api::router(node.state.clone());
    let token = rt.block_on(async {
        for _ in 0..500 {
            if send(&router, request(Method::GET, "/readyz", None, None)).await.0 == 200 {
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
        v["access_token"].as_str().unwrap().to_owned()
    });
    let cases: [(&str, Method, &str); 5] = [
        ("request_healthz", Method::GET, "/healthz"),
        (
            "request_content_token_HS256",
            Method::POST,
            "/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device",
        ),
        (
            "request_url_builder_akamai",
            Method::GET,
            "/urlbuilder/v1/playout/content/token?content_id=DRM_vod-entitled_DASH",
        ),
        (
            "request_token_validate",
            Method::POST,
            "/tvs/v1/token/actions/validate",
        ),
        ("request_in_house", Method::GET, "/lds/v1/user/inhouse"),
    ];
    for (name, method, uri) in cases {
        let (status, body) = rt.block_on(send(
            &router,
            request(method.clone(), uri, Some(&token), None),
        ));
        assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&body));
        c.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(send(
                    &router,
                    request(method.clone(), uri, Some(&token), None),
                ))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
