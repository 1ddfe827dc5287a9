//! The listener: header limits, graceful shutdown with in-flight requests, and the
//! admin-plane deadline.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::harness::{json_of, test_config, Backend, TestApp, TestDb};

async fn raw_request(app: &TestApp, request: &[u8]) -> String {
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn oversized_headers_are_refused() {
    let app = TestApp::start(Backend::Sqlite).await;
    let mut many = String::from("GET /healthz HTTP/1.1\r\nhost: x\r\n");
    for i in 0..100 {
        many.push_str(&format!("x-h{i}: v\r\n"));
    }
    many.push_str("connection: close\r\n\r\n");
    let answer = raw_request(&app, many.as_bytes()).await;
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "too many headers: {answer}"
    );

    let huge = format!(
        "GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: {}\r\nconnection: close\r\n\r\n",
        "a".repeat(40_000)
    );
    let answer = raw_request(&app, huge.as_bytes()).await;
    assert!(
        answer.starts_with("HTTP/1.1 431"),
        "header section too large: {answer}"
    );

    let fine = raw_request(
        &app,
        b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(fine.starts_with("HTTP/1.1 200"), "{fine}");
    app.stop().await;
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let mut app = TestApp::start(Backend::Sqlite).await;
    let body = br#"{"ids":"vod-d2go"}"#;
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/itv/items/downloadable HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&body[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Shut down while the request is half-sent.
    let stopping = {
        let addr = app.addr;
        let handle = tokio::spawn(async move {
            app.stop_serving().await;
            app
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        // New connections are no longer accepted...
        let refused = TcpStream::connect(addr).await;
        assert!(refused.is_err(), "listener closed during shutdown");
        handle
    };
    // ...but the in-flight request completes.
    s.write_all(&body[5..]).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out))
        .await
        .expect("response before the grace period ends")
        .unwrap();
    let answer = String::from_utf8_lossy(&out);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains(r#"{"items":[{"id":"vod-d2go","downloadable":true}]}"#),
        "{answer}"
    );
    let app = stopping.await.unwrap();
    app.stop().await;
}

#[tokio::test]
async fn admin_requests_past_their_deadline_get_503_in_the_envelope() {
    let db = std::sync::Arc::new(TestDb::new(Backend::Sqlite).await);
    let mut config = test_config(&db);
    config.server.admin_timeout_ms = 300;
    let app = TestApp::start_with(db, config).await;
    // Hold SQLite's single writer so the create below cannot finish in time.
    let blocker = app.state.store.write().await.unwrap();
    let r = app
        .operator(reqwest::Method::POST, "/adm/v1/accounts")
        .json(&serde_json::json!({ "username": "late@demo.playgate" }))
        .send()
        .await
        .unwrap();
    let body = json_of(r, 503).await;
    assert_eq!(body["errorCode"], 50300);
    drop(blocker);
    // Nothing was written by the abandoned request.
    let r = app
        .operator(reqwest::Method::GET, "/adm/v1/accounts?limit=0")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["totalRecords"], 3);
    app.stop().await;
}
