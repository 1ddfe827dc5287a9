//! Whole requests through playgate's router in-process (no sockets, no
//! hyper connection): what the service adds per request on top of the HTTP
//! floor, for the hot endpoints, on the demo tenant. `request_healthz` is
//! the same stack answering a route that does nothing (middleware, routing,
//! response), so the difference is the endpoint's own work.
//!
//! The node is the real one (`NodeBuilder` over a temporary SQLite store,
//! demo data seeded, keys generated); alice signs on through the router once
//! and each iteration replays her request.

#[path = "../tests/support/in_process.rs"]
mod in_process;

use axum::http::Method;
use criterion::{criterion_group, criterion_main, Criterion};
use in_process::{demo_node, request, send};

// The service's allocator, as in `main.rs`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let node = rt.block_on(demo_node());
    let (router, token) = (&node.router, &node.token);
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
            router,
            request(method.clone(), uri, Some(token), None),
        ));
        assert_eq!(status, 200, "{name}: {}", String::from_utf8_lossy(&body));
        c.bench_function(name, |b| {
            b.iter(|| {
                rt.block_on(send(
                    router,
                    request(method.clone(), uri, Some(token), None),
                ))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
