//! The store on both backends: migrations, the change feed and its ordering.

use std::sync::Arc;
use std::time::Duration;

use playgate::store::changes::{self, ChangeKind};
use playgate::store::{Dialect, Store};
use sqlx::Row;

use crate::harness::{Backend, TestDb};

async fn open(b: Backend) -> (TestDb, Store) {
    let db = TestDb::new(b).await;
    let store = Store::connect(&db.url, 8).await.unwrap();
    store.migrate().await.unwrap();
    (db, store)
}

async fn migrations_are_idempotent_and_complete(b: Backend) {
    let (db, store) = open(b).await;
    store.migrate().await.unwrap();
    assert_eq!(
        store.dialect(),
        if b == Backend::Sqlite {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        }
    );
    for table in [
        "tenants",
        "account_profiles",
        "accounts",
        "credentials",
        "user_profiles",
        "devices",
        "device_approvals",
        "pin_types",
        "pins",
        "classifications",
        "products",
        "channels",
        "contents",
        "product_grants",
        "ppv_events",
        "entitlements",
        "purchases",
        "signing_keys",
        "revocations",
        "auth_services",
        "sso_identities",
        "sso_identity_accounts",
        "device_codes",
        "secret_failures",
        "catalogue_records",
        "catalogue_image_blobs",
        "ccp_users",
        "changes",
    ] {
        let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap_or_else(|e| panic!("table {table}: {e}"))
            .try_get(0)
            .unwrap();
        assert_eq!(n, 0, "{table} starts empty");
    }
    // The schema enforces the domain vocabularies.
    sqlx::query("INSERT INTO tenants (id, name, created, modified) VALUES ('t', 'T', 0, 0)")
        .execute(store.pool())
        .await
        .unwrap();
    let bad = sqlx::query(
        "INSERT INTO account_profiles (tenant_id, id, name, status, created, modified) VALUES ('t', 'p', 'P', 'MAYBE', 0, 0)",
    )
    .execute(store.pool())
    .await;
    assert!(bad.is_err(), "CHECK constraint on status");
    let orphan = sqlx::query(
        "INSERT INTO accounts (tenant_id, id, account_profile_id, status, username, created, modified) \
         VALUES ('t', 'a', 'no-profile', 'ACTIVE', 'u', 0, 0)",
    )
    .execute(store.pool())
    .await;
    assert!(orphan.is_err(), "foreign keys are enforced on {b:?}");
    store.close().await;
    db.drop_db().await;
}

async fn change_feed_is_transactional(b: Backend) {
    let (db, store) = open(b).await;
    let mut tx = store.write().await.unwrap();
    tx.record_change("t", ChangeKind::Account, "a1", 10)
        .await
        .unwrap();
    drop(tx); // rolled back
    assert_eq!(changes::head(store.pool()).await.unwrap(), 0);
    assert!(changes::after(store.pool(), 0, 10)
        .await
        .unwrap()
        .is_empty());

    let mut tx = store.write().await.unwrap();
    let first = tx
        .record_change("t", ChangeKind::Account, "a1", 11)
        .await
        .unwrap();
    let second = tx
        .record_change("t", ChangeKind::Device, "d1", 11)
        .await
        .unwrap();
    assert!(second > first);
    assert_eq!(tx.commit().await.unwrap(), Some(second));
    let feed = changes::after(store.pool(), 0, 10).await.unwrap();
    assert_eq!(feed.len(), 2);
    assert_eq!(feed[0].kind, Some(ChangeKind::Account));
    assert_eq!(feed[1].entity_key, "d1");
    assert_eq!(
        changes::after(store.pool(), first, 10).await.unwrap().len(),
        1
    );
    // Unknown kinds (written by a newer build) are kept, not fatal.
    sqlx::query(
        "INSERT INTO changes (tenant_id, kind, entity_key, at) VALUES ('t', 'hologram', 'k', 12)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    let feed = changes::after(store.pool(), second, 10).await.unwrap();
    assert_eq!(feed[0].kind, None);
    store.close().await;
    db.drop_db().await;
}

/// A reader that catches up by "id > last seen" must never miss an id: concurrent
/// writers commit their change ids in increasing order.
async fn concurrent_writers_commit_change_ids_in_order(b: Backend) {
    let (db, store) = open(b).await;
    let writers = 24;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.write().await.unwrap();
            tx.record_change("t", ChangeKind::Entitlement, &format!("w{w}"), 1)
                .await
                .unwrap();
            // Hold the transaction open a little so commits interleave.
            tokio::time::sleep(Duration::from_millis((w % 5) * 7)).await;
            tx.commit().await.unwrap();
        }));
    }
    let reader = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut last = 0;
            let mut seen = Vec::new();
            let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
            while seen.len() < writers as usize && tokio::time::Instant::now() < deadline {
                for c in changes::after(store.pool(), last, 100).await.unwrap() {
                    last = c.id;
                    seen.push(c.id);
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            seen
        })
    };
    for t in tasks {
        t.await.unwrap();
    }
    let seen = reader.await.unwrap();
    let all: Vec<i64> = changes::after(store.pool(), 0, 1000)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(all.len(), writers as usize);
    assert_eq!(seen, all, "the catch-up reader saw every id, in order");
    store.close().await;
    db.drop_db().await;
}

/// Migration 13 merges the registration and pairing code tables: every row
/// written under the schema before it is a code of its flow afterwards,
/// with its status (pairing's AUTHORIZED as APPROVED), account, device,
/// deadlines and token digests; the same code in both flows stays two codes.
async fn device_code_migration_keeps_every_row(b: Backend) {
    use playgate::core::device_codes::{Flow, Status};
    use playgate::store::identity::device_codes::{self, Key};
    let db = TestDb::new(b).await;
    let store = Store::connect(&db.url, 4).await.unwrap();
    store.migrate_to(12).await.unwrap();
    let exec = |sql: &'static str| {
        let pool = store.pool().clone();
        async move { sqlx::query(sql).execute(&pool).await.unwrap() }
    };
    exec(
        "INSERT INTO tenants (id, name, status, operator_key_sha256, settings, created, modified) \
          VALUES ('t', 't', 'ACTIVE', 'x', '{}', 1, 1)",
    )
    .await;
    // Registrations in every status; "SAMECODE" is a pairing code too.
    exec("INSERT INTO device_registrations (tenant_id, code, dsra_token_sha256, status, account_id, \
          approved_by, expires_at, device_id, activation_token_sha256, activation_expires_at, created, modified) VALUES \
          ('t', 'SAMECODE', 'poll-p', 'PENDING', NULL, NULL, 100, NULL, NULL, NULL, 1, 2), \
          ('t', 'REGAPPR', 'poll-a', 'APPROVED', 'acc-1', 'OPERATOR', 101, NULL, NULL, NULL, 3, 4), \
          ('t', 'REGACTV', 'poll-c', 'ACTIVATED', 'acc-2', 'USER', 102, 'dev-2', 'act-c', 500, 5, 6), \
          ('t', 'REGUSED', 'poll-u', 'USED', 'acc-3', 'USER', 103, 'dev-3', 'act-u', 501, 7, 8)")
    .await;
    exec(
        "INSERT INTO device_codes (tenant_id, code, device_id, device_name, device_type, status, \
          account_id, expires_at, created, modified) VALUES \
          ('t', 'SAMECODE', 'serial-1', 'Lounge TV', 'tv', 'PENDING', NULL, 200, 9, 10), \
          ('t', 'PAIRAUTH', 'serial-2', 'Kitchen', 'stb', 'AUTHORIZED', 'acc-4', 201, 11, 12), \
          ('t', 'PAIRUSED', 'serial-3', 'Den', 'tv', 'USED', 'acc-5', 202, 13, 14)",
    )
    .await;
    store.migrate().await.unwrap();

    let get = |flow: Flow, key: Key, value: &'static str| {
        let pool = store.pool().clone();
        async move {
            device_codes::find(&pool, "t", flow, key, value)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("{flow:?} {value} was lost"))
        }
    };
    let reg = Flow::Registration;
    let same = get(reg, Key::Code, "SAMECODE").await;
    assert_eq!((same.status, same.expires_at), (Status::Pending, 100));
    assert_eq!(get(reg, Key::PollToken, "poll-p").await.code, "SAMECODE");
    let approved = get(reg, Key::Code, "REGAPPR").await;
    assert_eq!(approved.status, Status::Approved);
    assert_eq!(approved.account_id.as_deref(), Some("acc-1"));
    assert_eq!(approved.approved_by.as_deref(), Some("OPERATOR"));
    let active = get(reg, Key::ActivationToken, "act-c").await;
    assert_eq!(
        (
            active.code.as_str(),
            active.status,
            active.device_id.as_deref()
        ),
        ("REGACTV", Status::Activated, Some("dev-2"))
    );
    assert_eq!(active.activation_expires_at, Some(500));
    assert_eq!(get(reg, Key::Code, "REGUSED").await.status, Status::Used);

    let pair = Flow::Pairing;
    let same = get(pair, Key::Code, "SAMECODE").await;
    assert_eq!(same.status, Status::Pending);
    assert_eq!(same.device_id.as_deref(), Some("serial-1"));
    assert_eq!(same.device_name.as_deref(), Some("Lounge TV"));
    assert_eq!(same.device_type.as_deref(), Some("tv"));
    assert_eq!(same.expires_at, 200);
    let authorized = get(pair, Key::Code, "PAIRAUTH").await;
    assert_eq!(authorized.status, Status::Approved);
    assert_eq!(authorized.account_id.as_deref(), Some("acc-4"));
    assert_eq!(get(pair, Key::Code, "PAIRUSED").await.status, Status::Used);

    let n: i64 = sqlx::query("SELECT COUNT(*) FROM device_codes")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 7, "every row of both tables, and no other");
    store.close().await;
    db.drop_db().await;
}

/// Migration 14 moves every secret's failure count and lock (account
/// passwords, gateway identities, profile PINs, account PINs) into the one
/// counter table, where the plane's check reads them, and drops the old
/// columns; a slot with nothing counted has no row.
async fn secret_failure_migration_keeps_every_counter(b: Backend) {
    use playgate::store::secret_failures::{self, FailureState, Slot, SlotKind};
    let db = TestDb::new(b).await;
    let store = Store::connect(&db.url, 4).await.unwrap();
    store.migrate_to(13).await.unwrap();
    for sql in [
        "INSERT INTO tenants (id, name, status, operator_key_sha256, settings, created, modified) \
         VALUES ('t', 't', 'ACTIVE', 'x', '{}', 1, 1)",
        "INSERT INTO account_profiles (tenant_id, id, name, created, modified) VALUES ('t', 'ap', 'ap', 1, 1)",
        "INSERT INTO accounts (tenant_id, id, username, status, account_profile_id, created, modified) \
         VALUES ('t', 'a1', 'a1', 'ACTIVE', 'ap', 1, 1), ('t', 'a2', 'a2', 'ACTIVE', 'ap', 1, 1)",
        "INSERT INTO credentials (tenant_id, account_id, kind, secret_hash, failed_attempts, locked_until, modified) \
         VALUES ('t', 'a1', 'password', 'h', 3, NULL, 1), ('t', 'a2', 'password', 'h', 0, NULL, 1)",
        "INSERT INTO auth_services (tenant_id, name, display_name, created, modified) VALUES ('t', 'svc', 'svc', 1, 1)",
        "INSERT INTO sso_identities (tenant_id, auth_service, login, secret_hash, failed_attempts, locked_until, created, modified) \
         VALUES ('t', 'svc', 'bob@x', 'h', 0, 900, 1, 1)",
        "INSERT INTO user_profiles (tenant_id, id, account_id, name, created, modified) VALUES ('t', 'p1', 'a1', 'p', 1, 1)",
        "UPDATE user_profiles SET pin_hash = 'h', pin_failed_attempts = 2, pin_locked_until = 700 WHERE id = 'p1'",
        "INSERT INTO pin_types (tenant_id, id, description, min_length, max_length, charset, max_attempts, lock_seconds, mandatory) \
         VALUES ('t', 'parental', '', 4, 4, 'DIGITS', 3, 60, 0)",
        "INSERT INTO pins (tenant_id, account_id, pin_type, pin_hash, failed_attempts, locked_until, created, modified) \
         VALUES ('t', 'a2', 'parental', 'h', 1, NULL, 1, 1)",
    ] {
        sqlx::query(sql)
            .execute(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    store.migrate().await.unwrap();
    let mut conn = store.acquire().await.unwrap();
    let slot = |kind, owner, name| Slot {
        tenant: "t",
        kind,
        owner,
        name,
    };
    let state = |failed_attempts, locked_until| FailureState {
        failed_attempts,
        locked_until,
    };
    for (s, want) in [
        (slot(SlotKind::Password, "a1", ""), state(3, None)),
        (slot(SlotKind::Password, "a2", ""), state(0, None)),
        (
            slot(SlotKind::Identity, "svc", "bob@x"),
            state(0, Some(900)),
        ),
        (slot(SlotKind::ProfilePin, "p1", ""), state(2, Some(700))),
        (slot(SlotKind::AccountPin, "a2", "parental"), state(1, None)),
    ] {
        assert_eq!(
            secret_failures::get(&mut conn, s).await.unwrap(),
            want,
            "{s:?}"
        );
    }
    let rows: i64 = sqlx::query("SELECT COUNT(*) FROM secret_failures")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 4, "one row per slot with something counted");
    for gone in [
        "SELECT failed_attempts FROM credentials",
        "SELECT locked_until FROM sso_identities",
        "SELECT pin_failed_attempts FROM user_profiles",
        "SELECT failed_attempts FROM pins",
    ] {
        assert!(
            sqlx::query(gone).fetch_all(&mut *conn).await.is_err(),
            "{gone}: the old counter column is still there"
        );
    }
    drop(conn);
    store.close().await;
    db.drop_db().await;
}

crate::on_both_backends!(
    device_code_migration_keeps_every_row,
    secret_failure_migration_keeps_every_counter,
    migrations_are_idempotent_and_complete,
    change_feed_is_transactional,
    concurrent_writers_commit_change_ids_in_order
);

#[allow(dead_code)]
fn _assert_store_is_shareable(s: Store) -> Arc<Store> {
    Arc::new(s)
}
