//! Tenant provisioning: the platform API behind the platform key (never a
//! tenant's operator key), a tenant created ready to serve in one answer
//! (its operator key shown once, signing keys, default profile and PIN
//! types), listed, disabled and re-enabled, re-keyed, and refused input;
//! and the same through `playgate tenant`.

use std::process::Command;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, test_config, Backend, TestApp, TestDb, DEMO_KEY};

pub(crate) const PLATFORM_KEY: &str = "platform-key-0123456789-abcdefghij";

pub(crate) async fn platform_app(b: Backend) -> TestApp {
    let db = Arc::new(TestDb::new(b).await);
    let mut config = test_config(&db);
    config.platform.api_key = PLATFORM_KEY.into();
    TestApp::start_with(db, config).await
}

pub(crate) fn platform(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
) -> reqwest::RequestBuilder {
    app.http.request(method, app.url(path)).bearer_auth(key)
}

/// An ADM call as the tenant's operator.
async fn as_operator(app: &TestApp, tenant: &str, key: &str, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("nv-tenant-id", tenant)
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

async fn sign_on(app: &TestApp, tenant: &str) -> reqwest::Response {
    app.http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", tenant)
        .json(&json!({
            "username": "first@acme.example",
            "password": "first-user-pass",
            "deviceInformation": { "deviceType": "OPEN", "type": "Android" },
        }))
        .send()
        .await
        .unwrap()
}

/// The ADM envelope's error code.
async fn adm_error(r: reqwest::Response, status: u16) -> u64 {
    let body: Value = json_of(r, status).await;
    assert_eq!(body["code"], status, "{body}");
    body["errorCode"]
        .as_u64()
        .unwrap_or_else(|| panic!("{body}"))
}

async fn the_platform_api_is_off_without_a_key(b: Backend) {
    let app = TestApp::start(b).await;
    let r = platform(&app, Method::GET, "/platform/v1/tenants", "anything")
        .send()
        .await
        .unwrap();
    adm_error(r, 404).await;
    app.stop().await;
}

async fn a_tenant_is_provisioned_ready_to_serve(b: Backend) {
    let app = platform_app(b).await;
    let create = |key: &'static str, body: Value| {
        platform(&app, Method::POST, "/platform/v1/tenants", key).json(&body)
    };
    let acme = json!({ "id": "acme", "name": "Acme TV" });

    // Who may call it: the platform key only.
    let r = app
        .http
        .post(app.url("/platform/v1/tenants"))
        .json(&acme)
        .send()
        .await
        .unwrap();
    adm_error(r, 401).await;
    adm_error(
        create("not-the-platform-key-0123456789abc", acme.clone())
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    adm_error(create(DEMO_KEY, acme.clone()).send().await.unwrap(), 401).await;

    let r = create(PLATFORM_KEY, acme.clone()).send().await.unwrap();
    let created = json_of(r, 201).await;
    assert_eq!(created["id"], "acme");
    assert_eq!(created["name"], "Acme TV");
    assert_eq!(created["status"], "ACTIVE");
    let key = created["operatorKey"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 43, "{created}");
    let purposes: Vec<&str> = created["signingKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["purpose"].as_str().unwrap())
        .collect();
    assert_eq!(purposes, ["ACCESS", "CONTENT"], "{created}");
    assert_eq!(created["pinTypes"], json!(["ParentalPin", "PurchasePin"]));

    // The same id again: 409, and the first tenant's key still works.
    adm_error(
        create(PLATFORM_KEY, acme.clone()).send().await.unwrap(),
        409,
    )
    .await;

    // The operator key works for its tenant: the default PIN types are there.
    let pin_types = json_of(
        as_operator(&app, "acme", &key, "/adm/v1/pinTypes").await,
        200,
    )
    .await;
    let ids: Vec<&str> = pin_types["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ParentalPin", "PurchasePin"], "{pin_types}");
    // ... and for no other tenant.
    adm_error(
        as_operator(&app, "demo", &key, "/adm/v1/pinTypes").await,
        401,
    )
    .await;

    // An account on the default profile signs on with the tenant's keys.
    let r = app
        .http
        .post(app.url("/adm/v1/accounts"))
        .header("nv-tenant-id", "acme")
        .bearer_auth(&key)
        .json(&json!({ "username": "first@acme.example", "password": "first-user-pass" }))
        .send()
        .await
        .unwrap();
    let account = json_of(r, 201).await;
    assert_eq!(account["accountProfileId"], "default", "{account}");
    let signed_on = json_of(sign_on(&app, "acme").await, 200).await;
    assert!(
        signed_on["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .count()
            == 3
    );

    // Reads never show a key.
    let list = json_of(
        platform(&app, Method::GET, "/platform/v1/tenants", PLATFORM_KEY)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    let ids: Vec<&str> = list["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["acme", "demo"], "{list}");
    assert_eq!(list["totalRecords"], 2);
    assert!(!list.to_string().contains(&key));
    assert!(!list.to_string().contains("operatorKey"));
    let one = json_of(
        platform(&app, Method::GET, "/platform/v1/tenants/acme", PLATFORM_KEY)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(
        (one["id"].as_str(), one.get("operatorKey")),
        (Some("acme"), None)
    );
    let r = platform(
        &app,
        Method::GET,
        "/platform/v1/tenants/nobody",
        PLATFORM_KEY,
    )
    .send()
    .await
    .unwrap();
    adm_error(r, 404).await;

    // Disabled: every request naming the tenant is refused; enabled: back.
    let action = |path: String| platform(&app, Method::POST, &path, PLATFORM_KEY);
    let r = action("/platform/v1/tenants/acme/actions/disable".into())
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["status"], "SUSPENDED");
    adm_error(
        as_operator(&app, "acme", &key, "/adm/v1/pinTypes").await,
        403,
    )
    .await;
    assert_eq!(sign_on(&app, "acme").await.status(), 403);
    json_of(
        as_operator(&app, "demo", DEMO_KEY, "/adm/v1/pinTypes").await,
        200,
    )
    .await;
    let r = action("/platform/v1/tenants/acme/actions/enable".into())
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["status"], "ACTIVE");
    json_of(sign_on(&app, "acme").await, 200).await;
    let r = action("/platform/v1/tenants/nobody/actions/disable".into())
        .send()
        .await
        .unwrap();
    adm_error(r, 404).await;

    // A new operator key: the old one stops working at once.
    let r = action("/platform/v1/tenants/acme/actions/rotateOperatorKey".into())
        .send()
        .await
        .unwrap();
    let new_key = json_of(r, 200).await["operatorKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new_key, key);
    adm_error(
        as_operator(&app, "acme", &key, "/adm/v1/pinTypes").await,
        401,
    )
    .await;
    json_of(
        as_operator(&app, "acme", &new_key, "/adm/v1/pinTypes").await,
        200,
    )
    .await;
    app.stop().await;
}

async fn bad_provisioning_input_writes_nothing(b: Backend) {
    let app = platform_app(b).await;
    for (body, why) in [
        (json!({ "id": "bad id", "name": "x" }), "a space in the id"),
        (
            json!({ "id": "x".repeat(65), "name": "x" }),
            "an id over 64",
        ),
        (json!({ "id": "", "name": "x" }), "an empty id"),
        (json!({ "id": "ok-id", "name": "" }), "an empty name"),
        (
            json!({ "id": "ok-id", "name": "a\u{7}b" }),
            "a control character",
        ),
        (
            json!({ "id": "ok-id", "name": "n".repeat(201) }),
            "a name over 200",
        ),
        (json!({ "id": "ok-id" }), "no name"),
        (
            json!({ "id": "ok-id", "name": "x", "operatorKey": "mine" }),
            "an unknown field",
        ),
    ] {
        let r = platform(&app, Method::POST, "/platform/v1/tenants", PLATFORM_KEY)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{why}: {body}");
        adm_error(r, 400).await;
    }
    let r = platform(&app, Method::POST, "/platform/v1/tenants", PLATFORM_KEY)
        .header("content-type", "application/json")
        .body(format!(
            r#"{{"id":"big","name":"{}"}}"#,
            // Over server.max_body_bytes (64 KiB), yet small enough to be
            // sent whole before the 413 (a far larger body may be cut by the
            // connection closing after the answer: a reset, not a status).
            "n".repeat(80_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let list = json_of(
        platform(&app, Method::GET, "/platform/v1/tenants", PLATFORM_KEY)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(list["totalRecords"], 1, "only demo: {list}");
    app.stop().await;
}

/// Eight creates of one id at once: exactly one 201, the others 409, and
/// one tenant with one operator key that works.
async fn concurrent_creates_make_one_tenant(b: Backend) {
    let app = platform_app(b).await;
    let gate = Arc::new(tokio::sync::Barrier::new(8));
    let sends: Vec<_> = (0..8)
        .map(|i| {
            let send = platform(&app, Method::POST, "/platform/v1/tenants", PLATFORM_KEY)
                .json(&json!({ "id": "race", "name": format!("Race {i}") }))
                .send();
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.wait().await;
                send.await
            })
        })
        .collect();
    let mut created = Vec::new();
    let mut conflicts = 0;
    for send in sends {
        let r = send.await.unwrap().unwrap();
        match r.status().as_u16() {
            201 => created.push(json_of(r, 201).await),
            409 => conflicts += 1,
            other => panic!("{other}: {}", r.text().await.unwrap()),
        }
    }
    assert_eq!((created.len(), conflicts), (1, 7));
    let key = created[0]["operatorKey"].as_str().unwrap();
    json_of(
        as_operator(&app, "race", key, "/adm/v1/pinTypes").await,
        200,
    )
    .await;
    let one = json_of(
        platform(&app, Method::GET, "/platform/v1/tenants/race", PLATFORM_KEY)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(one["name"], created[0]["name"]);
    app.stop().await;
}

crate::on_both_backends!(
    the_platform_api_is_off_without_a_key,
    concurrent_creates_make_one_tenant,
    a_tenant_is_provisioned_ready_to_serve,
    bad_provisioning_input_writes_nothing
);

/// `playgate tenant` over a SQLite data dir: create prints the key once,
/// list shows no key, disable and enable change the status.
#[test]
fn the_tenant_commands_provision_and_disable() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_playgate"))
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .env("PLAYGATE_DEMO__SEED_ON_EMPTY", "false")
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    let created = run(&["tenant", "create", "--id", "acme", "--name", "Acme TV"]);
    let key_line = created
        .lines()
        .find(|l| l.starts_with("operator key (shown only now): "))
        .unwrap_or_else(|| panic!("{created}"));
    let key = key_line.rsplit(' ').next().unwrap();
    assert_eq!(key.len(), 43, "{created}");
    assert!(
        created.contains("PIN types: ParentalPin, PurchasePin"),
        "{created}"
    );
    let listed = run(&["tenant", "list"]);
    assert_eq!(listed.trim(), "acme\tACTIVE\tAcme TV");
    assert!(!listed.contains(key));
    assert!(run(&["tenant", "disable", "--id", "acme"]).contains("acme SUSPENDED"));
    assert_eq!(run(&["tenant", "list"]).trim(), "acme\tSUSPENDED\tAcme TV");
    assert!(run(&["tenant", "enable", "--id", "acme"]).contains("acme ACTIVE"));
    let again = Command::new(env!("CARGO_BIN_EXE_playgate"))
        .args(["tenant", "create", "--id", "acme", "--name", "Again"])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!again.status.success(), "a taken id is refused");
}
