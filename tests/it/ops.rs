//! Operational endpoints and cross-cutting HTTP behaviour.

use crate::harness::{json_of, Backend, TestApp};

async fn health_ready_and_metrics(b: Backend) {
    let app = TestApp::start(b).await;
    let health = json_of(app.http.get(app.url("/healthz")).send().await.unwrap(), 200).await;
    assert_eq!(health["status"], "ok");
    let ready = json_of(app.http.get(app.url("/readyz")).send().await.unwrap(), 200).await;
    assert_eq!(ready["status"], "ready");
    let version = ready["snapshotVersion"].as_i64().unwrap();
    assert!(version > 0, "demo seeding advanced the change feed");

    app.http.get(app.url("/api/config")).send().await.unwrap();
    app.http.get(app.url("/api/config")).send().await.unwrap();
    app.http.get(app.url("/nowhere")).send().await.unwrap();
    app.clock.advance_ms(2_500);
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("openmetrics-text"));
    let text = r.text().await.unwrap();
    assert!(
        text.contains(
            r#"playgate_http_requests_total{method="GET",route="/api/config",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",status="404"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"playgate_http_request_duration_seconds_count{method="GET",route="/api/config"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(&format!("playgate_snapshot_version {version}")),
        "{text}"
    );
    let age_line = text
        .lines()
        .find(|l| l.starts_with("playgate_snapshot_age_seconds "))
        .expect("age gauge");
    let age: f64 = age_line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(
        (2.5..3.0).contains(&age),
        "age follows the injected clock: {age}"
    );
    app.stop().await;
}

async fn correlation_ids(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .http
        .get(app.url("/healthz"))
        .header("x-correlation-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-correlation-id"], "abc-123");
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    let generated = r.headers()["x-correlation-id"].to_str().unwrap().to_owned();
    assert_eq!(generated.len(), 36, "a UUID is generated: {generated}");
    // A malformed id is replaced, not echoed.
    let r = app
        .http
        .get(app.url("/nowhere"))
        .header("x-correlation-id", "has space")
        .send()
        .await
        .unwrap();
    let echoed = r.headers()["x-correlation-id"].to_str().unwrap().to_owned();
    assert_ne!(echoed, "has space");
    let body = json_of(r, 404).await;
    assert_eq!(body["requestId"], echoed.as_str());
    app.stop().await;
}

crate::on_both_backends!(health_ready_and_metrics, correlation_ids);
