//! The operator's network lists over real HTTP: geo and VPN lists uploaded
//! as CSV (`/adm/v1/network/lists/{kind}`), checked row by row, swapped in
//! whole on the next request, per tenant; the locale of a client address
//! (`/locale/v1/locale`) answered from memory.

use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, repo_path, test_config, Backend, TestApp, TestDb};

async fn node(b: Backend) -> TestApp {
    let db = Arc::new(TestDb::new(b).await);
    let mut config = test_config(&db);
    // The test client stands in for a proxy, so X-Forwarded-For picks the
    // address the locale is asked for.
    config.network.trusted_proxies = vec!["127.0.0.1".into()];
    config.network.max_list_bytes = 4096;
    TestApp::start_with(db, config).await
}

async fn put_list(app: &TestApp, kind: &str, body: &str) -> reqwest::Response {
    app.operator(Method::PUT, &format!("/adm/v1/network/lists/{kind}"))
        .header("content-type", "text/csv")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn locale_of(app: &TestApp, tenant: &str, ip: &str) -> Value {
    let r = app
        .http
        .get(app.url("/locale/v1/locale"))
        .header("nv-tenant-id", tenant)
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

fn place(country: Value, region: Value, city: Value, locale: Value, ip: &str) -> Value {
    json!({ "countryCode": country, "region": region, "city": city, "locale": locale, "ipAddress": ip })
}

async fn lists_upload_swap_whole_and_answer_the_locale(b: Backend) {
    let app = node(b).await;
    let n = Value::Null;
    assert_eq!(
        locale_of(&app, "demo", "198.51.100.7").await,
        place(n.clone(), n.clone(), n.clone(), n.clone(), "198.51.100.7")
    );

    let sample = std::fs::read_to_string(repo_path("config/network/geo.sample.csv")).unwrap();
    let r = put_list(&app, "geo", &sample).await;
    let body = json_of(r, 200).await;
    assert_eq!(
        (&body["kind"], &body["entries"]),
        (&json!("geo"), &json!(6))
    );
    for (ip, want) in [
        (
            "198.51.100.7",
            place(
                json!("DE"),
                json!("BY"),
                json!("München"),
                json!("de-DE"),
                "198.51.100.7",
            ),
        ),
        (
            "198.51.100.200",
            place(
                json!("FR"),
                json!("IDF"),
                json!("Paris"),
                json!("fr-FR"),
                "198.51.100.200",
            ),
        ),
        (
            "203.0.113.5",
            place(
                json!("NL"),
                n.clone(),
                n.clone(),
                json!("nl-NL"),
                "203.0.113.5",
            ),
        ),
        (
            "2001:db8::1",
            place(
                json!("GB"),
                json!("SCT"),
                json!("Edinburgh"),
                json!("en-GB"),
                "2001:db8::1",
            ),
        ),
        (
            "10.0.0.1",
            place(n.clone(), n.clone(), n.clone(), n.clone(), "10.0.0.1"),
        ),
    ] {
        assert_eq!(locale_of(&app, "demo", ip).await, want, "{ip}");
    }
    let r = app
        .operator(Method::GET, "/adm/v1/network/lists/geo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["entries"], 6);

    // A new list replaces the old one whole.
    json_of(put_list(&app, "geo", "198.51.100.0/24,AT\n").await, 200).await;
    assert_eq!(
        locale_of(&app, "demo", "198.51.100.7").await["countryCode"],
        "AT"
    );
    assert_eq!(
        locale_of(&app, "demo", "192.0.2.1").await["countryCode"],
        Value::Null
    );

    // A bad row refuses the list, names the row, and changes nothing.
    let r = put_list(
        &app,
        "geo",
        "network,country\n10.0.0.0/8,GB\n10.0.0.0/40,GB\n",
    )
    .await;
    let e = json_of(r, 400).await;
    assert_eq!(e["errorCode"], 40000);
    assert!(e["message"].as_str().unwrap().contains("row 3"), "{e}");
    assert_eq!(
        locale_of(&app, "demo", "198.51.100.7").await["countryCode"],
        "AT"
    );
    assert_eq!(
        locale_of(&app, "demo", "10.1.1.1").await["countryCode"],
        Value::Null
    );

    // VPN list: its prefixes reach the snapshot.
    let vpn = std::fs::read_to_string(repo_path("config/network/vpn.sample.csv")).unwrap();
    assert_eq!(
        json_of(put_list(&app, "vpn", &vpn).await, 200).await["entries"],
        2
    );
    let snapshot = app.state.snapshot.load();
    let vpn_set = &snapshot.playback["demo"].vpn;
    assert!(vpn_set.contains("203.0.113.70".parse().unwrap()));
    assert!(!vpn_set.contains("203.0.113.5".parse().unwrap()));

    // Another tenant has lists of its own.
    app.state
        .plane
        .tenancy
        .create_tenant("other", "Other operator", Some("other-operator-key-01"))
        .await
        .unwrap();
    assert_eq!(
        locale_of(&app, "other", "198.51.100.7").await["countryCode"],
        Value::Null
    );
    let r = app
        .http
        .get(app.url("/adm/v1/network/lists/geo"))
        .header("nv-tenant-id", "other")
        .bearer_auth("other-operator-key-01")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Removing a list empties its lookups.
    let r = app
        .operator(Method::DELETE, "/adm/v1/network/lists/geo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(
        locale_of(&app, "demo", "198.51.100.7").await["countryCode"],
        Value::Null
    );
    let r = app
        .operator(Method::DELETE, "/adm/v1/network/lists/geo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["errorCode"], 40402);
    app.stop().await;
}

#[tokio::test]
async fn bad_uploads_get_a_4xx_in_the_adm_envelope() {
    let app = node(Backend::Sqlite).await;
    let r = put_list(&app, "colour", "10.0.0.0/8\n").await;
    assert_eq!(json_of(r, 400).await["errorCode"], 40000);
    let r = app
        .operator(Method::PUT, "/adm/v1/network/lists/vpn")
        .json(&json!(["10.0.0.0/8"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = app
        .operator(Method::PUT, "/adm/v1/network/lists/vpn")
        .header("content-type", "text/csv")
        .body(vec![b'1', b'0', 0xff, b'\n'])
        .send()
        .await
        .unwrap();
    assert!(json_of(r, 400).await["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    // Larger than network.max_list_bytes (4096 here).
    let big: String = (0..400)
        .map(|i| format!("10.0.{}.0/24\n", i % 256))
        .collect();
    assert!(big.len() > 4096);
    assert_eq!(put_list(&app, "vpn", &big).await.status(), 413);
    let r = app
        .http
        .put(app.url("/adm/v1/network/lists/vpn"))
        .header("nv-tenant-id", "demo")
        .header("content-type", "text/csv")
        .body("10.0.0.0/8\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .operator(Method::GET, "/adm/v1/network/lists/vpn")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["errorCode"], 40402);
    app.stop().await;
}

crate::on_both_backends!(lists_upload_swap_whole_and_answer_the_locale);

/// Lists kept as files (`network.lists_dir`): stored at start and again when
/// a file changes; a bad file is refused and the stored list stays.
#[tokio::test]
async fn list_files_are_loaded_at_start_and_when_they_change() {
    let files = tempfile::tempdir().unwrap();
    let geo = files.path().join("demo/geo.csv");
    std::fs::create_dir_all(geo.parent().unwrap()).unwrap();
    std::fs::create_dir_all(files.path().join("ghost")).unwrap();
    std::fs::write(files.path().join("ghost/vpn.csv"), "10.0.0.0/8\n").unwrap();
    std::fs::write(&geo, "198.51.100.0/24,AT\n").unwrap();
    let db = Arc::new(TestDb::new(Backend::Sqlite).await);
    let mut config = test_config(&db);
    config.network.trusted_proxies = vec!["127.0.0.1".into()];
    config.network.lists_dir = files.path().display().to_string();
    config.network.lists_poll_ms = 100;
    let app = TestApp::start_with(db, config).await;

    let until = |country: &'static str| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            loop {
                if locale_of(app, "demo", "198.51.100.7").await["countryCode"] == country {
                    return;
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(10),
                    "the geo file never reached the snapshot as {country}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    until("AT").await;
    std::fs::write(&geo, "198.51.100.0/24,CH,ZH\n").unwrap();
    until("CH").await;
    let summary = |app: &TestApp| {
        app.operator(Method::GET, "/adm/v1/network/lists/geo")
            .send()
    };
    let before = json_of(summary(&app).await.unwrap(), 200).await;
    assert_eq!(before["entries"], 1);
    // A bad file: refused, the stored list stays.
    std::fs::write(&geo, "network,country\n198.51.100.0/24,CHE\n").unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert_eq!(
        locale_of(&app, "demo", "198.51.100.7").await["countryCode"],
        "CH"
    );
    assert_eq!(json_of(summary(&app).await.unwrap(), 200).await, before);
    app.stop().await;
}

/// Two nodes on one PostgreSQL: a list uploaded through node A is what node
/// B answers from, and a delete through B empties A's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_uploaded_through_one_node_reaches_the_other() {
    if !crate::harness::postgres_or_skip() {
        return;
    }
    let db = Arc::new(TestDb::new(Backend::Postgres).await);
    let mut config = test_config(&db);
    config.network.trusted_proxies = vec!["127.0.0.1".into()];
    let a = TestApp::start_with(db.clone(), config.clone()).await;
    let b = TestApp::start_with(db.clone(), config).await;
    drop(db);
    let ip = "198.51.100.7";
    assert_eq!(locale_of(&b, "demo", ip).await["countryCode"], Value::Null);
    json_of(put_list(&a, "geo", "198.51.100.0/24,AT\n").await, 200).await;
    let took = country_reaches(&b, ip, json!("AT")).await;
    eprintln!("geo list reached node B in {took:?}");
    let r = b
        .operator(Method::DELETE, "/adm/v1/network/lists/geo")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    country_reaches(&a, ip, Value::Null).await;
    a.stop().await;
    b.stop().await;
}

/// Waits until `app` places `ip` in `country`; how long that took.
async fn country_reaches(app: &TestApp, ip: &str, country: Value) -> std::time::Duration {
    let started = std::time::Instant::now();
    loop {
        if locale_of(app, "demo", ip).await["countryCode"] == country {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the list never reached the other node as {country}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}
