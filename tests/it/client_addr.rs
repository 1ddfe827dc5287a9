//! The client address over real HTTP: the connection's peer, or behind
//! configured trusted proxies what their `Forwarded` / `X-Forwarded-For`
//! says; the in-house test (`/lds/v1/user/inhouse`) and the per-address
//! sign-on throttle both see it.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::harness::{json_of, test_config, update_account, Backend, TestApp, TestDb};

const IN_HOUSE: &str = "/lds/v1/user/inhouse";

/// Request headers, then the in-house answer expected: `inHouse`, `ipAddress`.
type Case = (&'static [(&'static str, &'static str)], bool, &'static str);

async fn node(trusted: &[&str]) -> TestApp {
    let db = Arc::new(TestDb::new(Backend::Sqlite).await);
    let mut config = test_config(&db);
    config.network.trusted_proxies = trusted.iter().map(|s| (*s).to_owned()).collect();
    config.tokens.max_failed_signons_per_ip = 2;
    TestApp::start_with(db, config).await
}

/// Alice on her TV, her home moved outside the operator's network
/// (192.0.2.0/24, 2001:db8::/32 in the demo settings).
async fn alice(app: &TestApp) -> String {
    update_account(app, "acc-active", json!({ "homeIps": ["198.51.100.0/28"] })).await;
    crate::playback::content_token::alice(app).await
}

async fn in_house(app: &TestApp, token: &str, headers: &[(&str, &str)]) -> Value {
    let mut req = app
        .http
        .get(app.url(IN_HOUSE))
        .header("nv-tenant-id", "demo")
        .bearer_auth(token);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    json_of(req.send().await.unwrap(), 200).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_tested_for_in_house() {
    let app = node(&["127.0.0.1/32"]).await;
    let token = alice(&app).await;
    let cases: &[Case] = &[
        // No header: the proxy itself, which is neither home nor on-net.
        (&[], false, "127.0.0.1"),
        // At home (the account's prefix).
        (&[("x-forwarded-for", "198.51.100.7")], true, "198.51.100.7"),
        // On the operator's network.
        (&[("x-forwarded-for", "192.0.2.99")], true, "192.0.2.99"),
        (&[("x-forwarded-for", "203.0.113.9")], false, "203.0.113.9"),
        // What the client wrote left of the proxy's hop is not believed.
        (
            &[("x-forwarded-for", "198.51.100.7, 203.0.113.9")],
            false,
            "203.0.113.9",
        ),
        // RFC 7239, IPv6 on the operator's network; it wins over X-Forwarded-For.
        (
            &[
                ("forwarded", "for=\"[2001:db8::5]:4711\";proto=https"),
                ("x-forwarded-for", "203.0.113.9"),
            ],
            true,
            "2001:db8::5",
        ),
        // A hop that does not parse ends the walk at the proxy.
        (
            &[("x-forwarded-for", "198.51.100.7, nonsense")],
            false,
            "127.0.0.1",
        ),
    ];
    for (headers, expected, ip) in cases {
        let body = in_house(&app, &token, headers).await;
        assert_eq!(
            body,
            json!({ "inHouse": expected, "ipAddress": ip }),
            "{headers:?}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
    let app = node(&[]).await;
    let token = alice(&app).await;
    for headers in [
        &[("x-forwarded-for", "198.51.100.7")][..],
        &[("forwarded", "for=192.0.2.99")][..],
    ] {
        let body = in_house(&app, &token, headers).await;
        assert_eq!(body, json!({ "inHouse": false, "ipAddress": "127.0.0.1" }));
    }
    // A peer outside the trusted list is not believed either.
    let app2 = node(&["10.0.0.0/8"]).await;
    let token2 = alice(&app2).await;
    let body = in_house(&app2, &token2, &[("x-forwarded-for", "198.51.100.7")]).await;
    assert_eq!(body, json!({ "inHouse": false, "ipAddress": "127.0.0.1" }));
    // No token: 401 in the OPF envelope.
    let r = app
        .http
        .get(app.url(IN_HOUSE))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(json_of(r, 401).await["resultCode"].is_string());
    app.stop().await;
    app2.stop().await;
}

async fn failed_sign_on(app: &TestApp, forwarded_for: &str) -> u16 {
    app.http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({ "username": "nobody@demo.playgate", "password": "x", "clientId": "d" }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_sign_on_throttle_counts_the_client_not_the_proxy() {
    // Behind the proxy: each client has its own count (limit 2).
    let app = node(&["127.0.0.1/32"]).await;
    assert_eq!(failed_sign_on(&app, "203.0.113.1").await, 401);
    assert_eq!(failed_sign_on(&app, "203.0.113.1").await, 401);
    assert_eq!(failed_sign_on(&app, "203.0.113.1").await, 429);
    assert_eq!(failed_sign_on(&app, "203.0.113.2").await, 401);
    app.stop().await;
    // With no trusted proxy, a new header per guess does not escape the count.
    let app = node(&[]).await;
    assert_eq!(failed_sign_on(&app, "203.0.113.1").await, 401);
    assert_eq!(failed_sign_on(&app, "203.0.113.2").await, 401);
    assert_eq!(failed_sign_on(&app, "203.0.113.3").await, 429);
    app.stop().await;
}
