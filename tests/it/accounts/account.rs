//! ADM operator account API over real HTTP: create, read, list, update; operator
//! authentication; tenant isolation; validation; no partial writes.

use reqwest::Method;
use serde_json::json;
use sqlx::Row;

use crate::harness::{json_of, scalar, Backend, TestApp, DEMO_KEY};

async fn create_read_list_update(b: Backend) {
    let app = TestApp::start(b).await;
    let r = app
        .operator(Method::POST, "/adm/v1/accounts")
        .json(&json!({
            "_id": "crm-42", "username": "new@demo.playgate", "password": "s3cret-password",
            "firstName": "Nia", "homeIps": ["198.51.100.7", "2001:db8:1::/48"],
            "parentalControl": { "ratingThreshold": { "FSK": "fsk16" } }
        }))
        .send()
        .await
        .unwrap();
    let created = json_of(r, 201).await;
    assert_eq!(created["_id"], "crm-42");
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["accountProfileId"], "default");
    assert_eq!(
        created["homeIps"],
        json!(["198.51.100.7", "2001:db8:1::/48"])
    );
    assert_eq!(
        created["parentalControl"]["ratingThreshold"]["FSK"],
        "fsk16"
    );
    assert_eq!(
        created["created"], "2026-11-22T00:00:00Z",
        "time comes from the injected clock"
    );
    assert!(created.get("password").is_none());

    // The password is stored as an argon2id PHC string, never in clear.
    let phc: String = sqlx::query(
        "SELECT secret_hash FROM credentials WHERE tenant_id = 'demo' AND account_id = 'crm-42'",
    )
    .fetch_one(app.state.store.pool())
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    assert!(!phc.contains("s3cret-password"));
    assert!(playgate::plane::credentials::verify_secret(
        "s3cret-password",
        &phc
    ));
    // A default user profile comes with the account.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM user_profiles WHERE tenant_id = 'demo' AND account_id = 'crm-42' AND is_default = 1").await,
        1
    );

    let got = json_of(
        app.operator(Method::GET, "/adm/v1/accounts/crm-42")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(got, created);

    let page = json_of(
        app.operator(Method::GET, "/adm/v1/accounts?limit=2&page=2")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(page["totalRecords"], 4, "3 demo accounts + the new one");
    let ids: Vec<&str> = page["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["acc-suspended", "crm-42"],
        "ordered by id, page 2 of 2"
    );
    let counted = json_of(
        app.operator(Method::GET, "/adm/v1/accounts?limit=0")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(counted, json!({ "totalRecords": 4, "resourceSet": [] }));

    app.clock.advance_ms(60_000);
    let r = app
        .operator(Method::PUT, "/adm/v1/accounts/crm-42")
        .json(&json!({ "status": "SUSPENDED", "homeIps": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 1 })
    );
    let got = json_of(
        app.operator(Method::GET, "/adm/v1/accounts/crm-42")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(got["status"], "SUSPENDED");
    assert_eq!(got["homeIps"], json!([]));
    assert_eq!(got["modified"], "2026-11-22T00:01:00Z");
    // The same update again changes nothing.
    let r = app
        .operator(Method::PUT, "/adm/v1/accounts/crm-42")
        .json(&json!({ "status": "SUSPENDED" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 0 })
    );
    let r = app
        .operator(Method::PUT, "/adm/v1/accounts/nobody")
        .json(&json!({ "status": "ACTIVE" }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["errorCode"], 40402);
    app.stop().await;
}

async fn operator_credentials_are_checked(b: Backend) {
    let app = TestApp::start(b).await;
    let url = app.url("/adm/v1/accounts/acc-active");
    let r = app
        .http
        .get(&url)
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["errorCode"], 40100);
    let r = app
        .http
        .get(&url)
        .header("nv-tenant-id", "demo")
        .bearer_auth("demo-operator-key-0002")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["errorCode"], 40101);
    let r = app
        .http
        .get(&url)
        .header("nv-tenant-id", "demo")
        .header("authorization", format!("Basic {DEMO_KEY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["errorCode"], 40100);
    app.stop().await;
}

async fn tenants_are_isolated(b: Backend) {
    let app = TestApp::start(b).await;
    app.state
        .plane
        .tenancy
        .create_tenant("other", "Other operator", Some("other-operator-key-01"))
        .await
        .unwrap();
    // The other tenant's operator cannot see demo's accounts, even by id...
    let r = app
        .http
        .get(app.url("/adm/v1/accounts/acc-active"))
        .header("nv-tenant-id", "other")
        .bearer_auth("other-operator-key-01")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["errorCode"], 40402);
    let r = app
        .http
        .get(app.url("/adm/v1/accounts"))
        .header("nv-tenant-id", "other")
        .bearer_auth("other-operator-key-01")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["totalRecords"], 0);
    // ...and demo's key is not valid for the other tenant.
    let r = app
        .http
        .get(app.url("/adm/v1/accounts"))
        .header("nv-tenant-id", "other")
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 401).await["errorCode"], 40101);
    // The same account id and username may exist in both tenants.
    let body = json!({ "_id": "acc-active", "username": "alice@demo.playgate" });
    let r = app
        .http
        .post(app.url("/adm/v1/accounts"))
        .header("nv-tenant-id", "other")
        .bearer_auth("other-operator-key-01")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["_id"], "acc-active");
    let demo_alice = json_of(
        app.operator(Method::GET, "/adm/v1/accounts/acc-active")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(demo_alice["firstName"], "alice", "demo's account untouched");
    app.stop().await;
}

async fn bad_input_is_refused_without_partial_writes(b: Backend) {
    let app = TestApp::start(b).await;
    let accounts_before = scalar(&app, "SELECT COUNT(*) FROM accounts").await;
    let changes_before = scalar(&app, "SELECT COUNT(*) FROM changes").await;
    let cases = [
        (json!({ "username": "" }), 400, 40000),
        (
            json!({ "username": "x@y", "password": "short" }),
            400,
            40000,
        ),
        (json!({ "username": "x@y", "status": "active" }), 400, 40000),
        (
            json!({ "username": "x@y", "homeIps": ["300.1.1.1"] }),
            400,
            40000,
        ),
        (json!({ "username": "x@y", "_id": "a/b" }), 400, 40000),
        (
            json!({ "username": "x@y", "accountProfileId": "no-such-profile" }),
            400,
            40000,
        ),
        (
            json!({ "username": "x@y", "_id": "acc-active" }),
            409,
            40900,
        ),
        (json!({ "username": "alice@demo.playgate" }), 409, 40900),
    ];
    for (body, status, code) in cases {
        let r = app
            .operator(Method::POST, "/adm/v1/accounts")
            .json(&body)
            .send()
            .await
            .unwrap();
        let got = json_of(r, status).await;
        assert_eq!(got["errorCode"], code, "{body} -> {got}");
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts").await,
        accounts_before
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM changes").await,
        changes_before
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM user_profiles WHERE account_id NOT LIKE 'acc-%'"
        )
        .await,
        0
    );
    let r = app
        .operator(Method::GET, "/adm/v1/accounts?limit=5000")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["errorCode"], 40000);
    let r = app
        .operator(Method::GET, "/adm/v1/accounts?page=0")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["errorCode"], 40000);
    let r = app
        .operator(Method::GET, "/adm/v1/accounts/bad%20id")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 400).await["errorCode"], 40000);
    app.stop().await;
}

crate::on_both_backends!(
    create_read_list_update,
    operator_credentials_are_checked,
    tenants_are_isolated,
    bad_input_is_refused_without_partial_writes
);
