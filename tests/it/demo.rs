//! Demo data: the README's demo tenant, and the deterministic bulk generator.

use std::sync::Arc;

use playgate::core::clock::ManualClock;
use playgate::core::ids::SequentialIds;
use playgate::demo::{generate, BulkSpec};
use playgate::plane::Plane;
use playgate::store::Store;
use reqwest::Method;
use sqlx::Row;

use crate::harness::{json_of, scalar_in, Backend, TestApp, TestDb, T0_MS};

async fn the_demo_tenant_has_what_the_readme_promises(b: Backend) {
    let app = TestApp::start(b).await;
    let s = &app.state.store;
    let get = |id: &'static str| {
        app.operator(Method::GET, &format!("/adm/v1/accounts/{id}"))
            .send()
    };
    assert_eq!(
        json_of(get("acc-active").await.unwrap(), 200).await["status"],
        "ACTIVE"
    );
    assert_eq!(
        json_of(get("acc-suspended").await.unwrap(), 200).await["status"],
        "SUSPENDED"
    );
    let full = json_of(get("acc-full").await.unwrap(), 200).await;
    assert_eq!(full["accountProfileId"], "two-devices");
    assert_eq!(
        scalar_in(
            s,
            "SELECT max_devices FROM account_profiles WHERE tenant_id='demo' AND id='two-devices'"
        )
        .await,
        scalar_in(
            s,
            "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND account_id='acc-full'"
        )
        .await,
        "acc-full is at its device limit"
    );
    assert_eq!(
        scalar_in(s, "SELECT COUNT(*) FROM devices WHERE tenant_id='demo' AND id='dev-alice-tv' AND approved = 1 AND device_type='OPEN'").await,
        1
    );
    assert_eq!(
        scalar_in(s, "SELECT COUNT(*) FROM entitlements e JOIN product_grants g ON g.tenant_id=e.tenant_id AND g.product_id=e.product_id \
                   WHERE e.tenant_id='demo' AND e.account_id='acc-active' AND g.target_id='ed-vod-entitled'").await,
        1,
        "vod-entitled is in alice's subscription"
    );
    assert_eq!(
        scalar_in(s, "SELECT COUNT(*) FROM entitlements e JOIN product_grants g ON g.tenant_id=e.tenant_id AND g.product_id=e.product_id \
                   WHERE e.tenant_id='demo' AND e.account_id='acc-active' AND g.target_id='ed-vod-premium'").await,
        0,
        "vod-premium is outside it"
    );
    assert_eq!(
        scalar_in(
            s,
            "SELECT COUNT(*) FROM product_grants WHERE tenant_id='demo' AND target_id='ch-news'"
        )
        .await,
        0,
        "free-to-air"
    );
    assert_eq!(
        scalar_in(
            s,
            "SELECT COUNT(*) FROM product_grants WHERE tenant_id='demo' AND target_id='ch-sports'"
        )
        .await,
        1,
        "pay channel"
    );
    assert_eq!(
        scalar_in(
            s,
            "SELECT COUNT(*) FROM ppv_events WHERE tenant_id='demo' AND id='ppv-final'"
        )
        .await,
        1
    );
    assert_eq!(scalar_in(s, "SELECT COUNT(*) FROM products WHERE tenant_id='demo' AND id='prod-d2go' AND d2go_allowed = 1").await, 1);
    // The catalogue behind them, ingested like an operator's: 50 titles (3
    // series of 2 seasons of 3 episodes), 10 channels with a 7-day EPG of
    // 2-hour programmes plus the final, people, nodes, the 5 products.
    for (kind, n) in [
        // 50 titles and the trailers of the three showcase ones.
        ("editorials", 53),
        ("series", 9),
        ("services", 10),
        ("programmes", 10 * 7 * 12 + 1),
        ("people", 12),
        ("nodes", 5),
        ("products", 5),
    ] {
        let sql = format!(
            "SELECT COUNT(*) FROM catalogue_records WHERE tenant_id='demo' AND kind='{kind}' AND deleted = 0"
        );
        assert_eq!(scalar_in(s, &sql).await, n, "{kind}");
    }
    assert_eq!(
        scalar_in(s, "SELECT COUNT(*) FROM contents WHERE tenant_id='demo'").await,
        53,
        "one playable content per title and trailer"
    );
    assert_eq!(
        scalar_in(
            s,
            "SELECT COUNT(*) FROM signing_keys WHERE tenant_id='demo' AND status='ACTIVE'"
        )
        .await,
        2,
        "keys generated on first start"
    );
    // Each demo login's password verifies against its stored argon2id hash.
    for (id, _, password, ..) in playgate::demo::ACCOUNTS {
        let phc = playgate::store::accounts::account::password_hash(s.pool(), "demo", id)
            .await
            .unwrap()
            .unwrap();
        assert!(
            playgate::plane::credentials::verify_secret(password, &phc),
            "{id}"
        );
    }
    app.stop().await;
}

async fn bulk_data_is_deterministic(b: Backend) {
    let mut fingerprints = Vec::new();
    for _ in 0..2 {
        let db = TestDb::new(b).await;
        let store = Store::connect(&db.url, 4).await.unwrap();
        store.migrate().await.unwrap();
        let plane = Plane::new(
            store.clone(),
            Arc::new(ManualClock::new(T0_MS)),
            Arc::new(SequentialIds::new("id")),
            None,
            playgate::plane::Settings::from_config(&playgate::config::Config::embedded()),
        );
        let mut spec = BulkSpec::new("load", 1_200, 7);
        spec.contents = Some(40);
        let report = generate(&plane, &spec).await.unwrap();
        assert_eq!(report.accounts, 1_200);
        assert_eq!(report.entitlements, 3_600);
        assert_eq!(report.contents, 40);
        assert_eq!(
            scalar_in(
                &store,
                "SELECT COUNT(*) FROM accounts WHERE tenant_id='load'"
            )
            .await,
            1_200
        );
        assert_eq!(
            scalar_in(
                &store,
                "SELECT COUNT(*) FROM entitlements WHERE tenant_id='load'"
            )
            .await,
            3_600
        );
        assert_eq!(
            scalar_in(
                &store,
                "SELECT COUNT(*) FROM devices WHERE tenant_id='load'"
            )
            .await,
            report.devices as i64
        );
        assert_eq!(
            scalar_in(
                &store,
                "SELECT COUNT(*) FROM credentials WHERE tenant_id='load'"
            )
            .await,
            1_200
        );
        let active = scalar_in(
            &store,
            "SELECT COUNT(*) FROM accounts WHERE tenant_id='load' AND status='ACTIVE'",
        )
        .await;
        assert!(
            (1_000..1_150).contains(&active),
            "about 90% active: {active}"
        );
        // Every tenth account is on the two-stream profile.
        assert_eq!(
            scalar_in(
                &store,
                "SELECT COUNT(*) FROM accounts a JOIN account_profiles p \
                 ON p.tenant_id = a.tenant_id AND p.id = a.account_profile_id \
                 WHERE a.tenant_id='load' AND p.enable_session_limit <> 0 \
                 AND p.max_sessions_allowed = 2 AND a.id LIKE '%9'"
            )
            .await,
            120
        );
        // A second run into the same tenant is refused rather than duplicating.
        assert!(generate(&plane, &spec).await.is_err());
        let sample: Vec<String> = sqlx::query(
            "SELECT a.id || ':' || a.status || ':' || e.product_id || ':' || CAST(e.expiry AS TEXT) FROM accounts a \
             JOIN entitlements e ON e.tenant_id = a.tenant_id AND e.account_id = a.id \
             WHERE a.tenant_id = 'load' ORDER BY e.id LIMIT 50",
        )
        .fetch_all(store.pool())
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect();
        fingerprints.push((report.devices, sample));
        store.close().await;
        db.drop_db().await;
    }
    assert_eq!(fingerprints[0], fingerprints[1], "same seed, same data");
}

crate::on_both_backends!(
    the_demo_tenant_has_what_the_readme_promises,
    bulk_data_is_deterministic
);
