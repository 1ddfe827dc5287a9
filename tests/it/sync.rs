//! Snapshot sync: read-your-writes on one node, catch-up across nodes, and the
//! fast path surviving a store outage.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;

use crate::harness::{json_of, test_config, Backend, TestApp, TestDb};

async fn a_new_tenant_is_served_by_the_next_request(b: Backend) {
    let app = TestApp::start(b).await;
    let url = app.url("/adm/v1/accounts?limit=0");
    let r = app
        .http
        .get(&url)
        .header("nv-tenant-id", "fresh")
        .bearer_auth("fresh-operator-key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["errorCode"], 40401);
    app.state
        .plane
        .tenancy
        .create_tenant("fresh", "Fresh", Some("fresh-operator-key-1"))
        .await
        .unwrap();
    let r = app
        .http
        .get(&url)
        .header("nv-tenant-id", "fresh")
        .bearer_auth("fresh-operator-key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["totalRecords"], 0);
    app.stop().await;
}

/// Two nodes on one PostgreSQL: a change committed through node A reaches node
/// B's snapshot through the change feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_node_reaches_another() {
    if !crate::harness::postgres_or_skip() {
        return;
    }
    let db = Arc::new(TestDb::new(Backend::Postgres).await);
    let a = TestApp::start_with(db.clone(), test_config(&db)).await;
    let mut config_b = test_config(&db);
    config_b.demo.seed_on_empty = true; // store is not empty: nothing is seeded twice
    let b = TestApp::start_with(db.clone(), config_b).await;
    drop(db); // the last node to stop drops the database
    a.state
        .plane
        .tenancy
        .create_tenant("second", "Second", Some("second-operator-key"))
        .await
        .unwrap();
    let started = Instant::now();
    loop {
        let r = b
            .http
            .get(b.url("/adm/v1/accounts?limit=0"))
            .header("nv-tenant-id", "second")
            .bearer_auth("second-operator-key")
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "node B never saw the tenant"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    eprintln!("cross-node visibility: {:?}", started.elapsed());
    a.stop().await;
    b.stop().await;
}

/// A tenant larger than one batch of the bulk read (512 accounts) comes
/// through whole: every account with exactly its own devices and
/// entitlements, in id order, across the batch boundaries.
async fn a_full_load_across_batches_matches_the_store(b: Backend) {
    use std::collections::BTreeMap;

    use playgate::demo::{generate, BulkSpec};
    use sqlx::Row as _;

    let db = Arc::new(TestDb::new(b).await);
    let a = TestApp::start_with(db.clone(), test_config(&db)).await;
    let mut spec = BulkSpec::new("load", 1_300, 11);
    spec.contents = Some(20);
    let report = generate(&a.state.plane, &spec).await.unwrap();
    let mut config_b = test_config(&db);
    config_b.demo.seed_on_empty = true; // the store is not empty: nothing is seeded
    let b = TestApp::start_with(db.clone(), config_b).await;
    drop(db);

    let mut expected: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for r in sqlx::query("SELECT id FROM accounts WHERE tenant_id = 'load'")
        .fetch_all(a.state.store.pool())
        .await
        .unwrap()
    {
        expected.insert(r.try_get(0).unwrap(), Default::default());
    }
    let children = "SELECT 'd', account_id, id FROM devices WHERE tenant_id = 'load' \
                    UNION ALL SELECT 'e', account_id, id FROM entitlements WHERE tenant_id = 'load'";
    for r in sqlx::query(children)
        .fetch_all(a.state.store.pool())
        .await
        .unwrap()
    {
        let (kind, account, id): (String, String, String) = (
            r.try_get(0).unwrap(),
            r.try_get(1).unwrap(),
            r.try_get(2).unwrap(),
        );
        let own = expected
            .get_mut(&account)
            .expect("a row of a listed account");
        match kind.as_str() {
            "d" => own.0.push(id),
            _ => own.1.push(id),
        }
    }
    assert_eq!(expected.len(), 1_300);

    let snapshot = b.state.snapshot.load();
    let playback = &snapshot.playback["load"];
    assert_eq!(playback.accounts.len(), 1_300);
    assert_eq!(
        playback.accounts.record_counts(),
        (report.devices as usize, report.entitlements as usize)
    );
    for (id, (mut devices, mut entitlements)) in expected {
        // Within an account rows come in id order (the generated ids sort
        // alike in byte and locale order).
        devices.sort();
        entitlements.sort();
        let account = playback.accounts.get(&id).expect(&id);
        let got_devices: Vec<_> = account.devices().map(|d| d.id.to_owned()).collect();
        let got_entitlements: Vec<_> = account
            .entitlement_views()
            .map(|e| e.id.to_owned())
            .collect();
        assert_eq!(got_devices, devices, "{id}");
        assert_eq!(got_entitlements, entitlements, "{id}");
    }
    a.stop().await;
    b.stop().await;
}

/// SQLite keeps a value of the wrong type where the schema names another; the
/// bulk read refuses the whole tenant for it rather than handing on part of
/// it (the snapshot builder then keeps retrying, and nothing half-read is
/// published).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_read_that_meets_an_unreadable_row_fails_whole() {
    use playgate::store::playback::for_each_account;
    use playgate::store::StoreError;

    let app = TestApp::start(Backend::Sqlite).await;
    let store = &app.state.store;
    let mut seen = 0;
    for_each_account(store, "demo", |_, _, _| seen += 1)
        .await
        .unwrap();
    assert!(seen > 0);
    sqlx::query(
        "UPDATE entitlements SET valid_from = 'soon' WHERE tenant_id = 'demo' \
         AND id = (SELECT MAX(id) FROM entitlements WHERE tenant_id = 'demo')",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let read = for_each_account(store, "demo", |_, _, _| {}).await;
    assert!(matches!(read, Err(StoreError::Corrupt(_))), "{read:?}");
    app.stop().await;
}

async fn memory_answers_while_the_store_is_down(b: Backend) {
    let app = TestApp::start(b).await;
    app.state.store.close().await;
    // Readiness and tenant resolution come from the snapshot...
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // ...store-backed admin reads fail cleanly with 503 in the envelope, not 500.
    let r = app
        .operator(Method::GET, "/adm/v1/accounts/acc-active")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 503).await["errorCode"], 50300);
    let r = app.http.get(app.url("/api/config")).send().await.unwrap();
    assert_eq!(json_of(r, 503).await["code"], 50300);
    // Unknown tenants are still told apart from known ones, from memory.
    let r = app
        .http
        .get(app.url("/api/config"))
        .header("nv-tenant-id", "ghost")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 404).await["code"], 40401);
    app.stop().await;
}

/// A whole-tenant load joins every device and entitlement to its own
/// account, for ids whose byte order and locale order differ (the rows are
/// merged as ordered streams).
async fn a_full_load_joins_rows_to_their_accounts(b: Backend) {
    let db = Arc::new(TestDb::new(b).await);
    let a = TestApp::start_with(db.clone(), test_config(&db)).await;
    let ids = [
        "acc-b", "acc_a", "ACC-c", "acc.10", "acc1", "Acc-2", "acc-b0",
    ];
    let mut devices_of = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let r = a
            .operator(Method::POST, "/adm/v1/accounts")
            .json(&serde_json::json!({
                "_id": id, "username": format!("u{n}@sync.test"), "password": "sync-pass-1234"
            }))
            .send()
            .await
            .unwrap();
        json_of(r, 201).await;
        let r = a
            .http
            .post(a.url("/ias/v3/token/actions/signOnByUserNamePassword"))
            .header("nv-tenant-id", "demo")
            .json(&serde_json::json!({
                "username": format!("u{n}@sync.test"), "password": "sync-pass-1234",
                "deviceInformation": { "deviceType": "OPEN", "playoutDeviceClass": "Mobile" }
            }))
            .send()
            .await
            .unwrap();
        let signed_on = json_of(r, 200).await;
        devices_of.push(signed_on["client_id"].as_str().unwrap().to_owned());
        let r = a
            .operator(Method::POST, "/rmg/v1/operator/entitlements")
            .json(&serde_json::json!({
                "_id": format!("ent-of-{id}"), "accountId": id, "productId": "prod-basic"
            }))
            .send()
            .await
            .unwrap();
        json_of(r, 201).await;
    }
    let mut config_b = test_config(&db);
    config_b.demo.seed_on_empty = true; // the store is not empty: nothing is seeded
    let b = TestApp::start_with(db.clone(), config_b).await;
    drop(db);
    let snapshot = b.state.snapshot.load();
    let playback = &snapshot.playback["demo"];
    for (id, own_device) in ids.iter().zip(&devices_of) {
        let account = playback.accounts.get(id).expect(id);
        let devices: Vec<_> = account.devices().map(|d| d.id).collect();
        assert_eq!(devices, vec![own_device.as_str()], "{id}");
        let ents: Vec<_> = account.entitlement_views().map(|e| e.id).collect();
        let own_ent = format!("ent-of-{id}");
        assert_eq!(ents, vec![own_ent.as_str()], "{id}");
    }
    // The demo accounts came through whole too.
    let alice = playback.accounts.get("acc-active").unwrap();
    assert_eq!(alice.entitlement_views().count(), 3);
    a.stop().await;
    b.stop().await;
}

crate::on_both_backends!(
    a_new_tenant_is_served_by_the_next_request,
    memory_answers_while_the_store_is_down,
    a_full_load_joins_rows_to_their_accounts,
    a_full_load_across_batches_matches_the_store
);
