//! Rental plays over real HTTP: a content token for a rental records the play
//! behind the request (plays_used, first_play_at), repeated tokens of one
//! viewing on one device count once, and `decide` then enforces `maxPlays`
//! and the play period from what was recorded. A play queued just before a
//! graceful shutdown is written before the store closes.

use std::time::Duration;

use playgate::core::status::ProductType;
use playgate::store::Store;

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{
    add_content, add_product, alice, content, grant, product, refused, token, DAY, NOW,
};

/// `(plays_used, first_play_at, last_play_at)` of an entitlement, read at once.
pub(crate) async fn plays(store: &Store, id: &str) -> (i64, i64, i64) {
    use sqlx::Row as _;
    let row = sqlx::query(
        "SELECT plays_used, COALESCE(first_play_at, -1) AS f, COALESCE(last_play_at, -1) AS l \
         FROM entitlements WHERE tenant_id = 'demo' AND id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    (
        row.try_get(0).unwrap(),
        row.try_get(1).unwrap(),
        row.try_get(2).unwrap(),
    )
}

/// Waits (bounded) until the entitlement's last play is `at` in the store and
/// in the node's snapshot; returns its plays.
pub(crate) async fn recorded(app: &TestApp, id: &str, at: i64) -> (i64, i64, i64) {
    for _ in 0..200 {
        let p = plays(&app.state.store, id).await;
        if p.2 == at {
            // ...and until this node's snapshot has folded the play in.
            let head = crate::harness::scalar(app, "SELECT MAX(id) FROM changes").await;
            for _ in 0..200 {
                if app.state.snapshot.load().version >= head {
                    return p;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            panic!("the snapshot did not reach change {head}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no play of {id} recorded at {at}");
}

async fn rental(app: &TestApp, id: &str, max_plays: Option<u32>, play_period: Option<i64>) {
    let mut p = product(id, ProductType::Rental);
    p.rental_period_s = Some(2 * DAY);
    p.max_plays = max_plays.map(i64::from);
    p.play_period_s = play_period;
    add_product(app, p).await;
    add_content(app, content(&format!("vod-{id}")), Some(id)).await;
    grant(app, &format!("ent-{id}"), "acc-active", id, NOW, None).await;
}

async fn plays_count_and_run_out(b: Backend) {
    let app = TestApp::start(b).await;
    rental(&app, "rent-2", Some(2), None).await;
    let access = alice(&app).await;
    let vod = "DRM_vod-rent-2";

    json_of(token(&app, &access, vod).await, 200).await;
    assert_eq!(recorded(&app, "ent-rent-2", NOW).await, (1, NOW, NOW));
    // A retry a minute later is the same play.
    app.clock.advance_ms(60_000);
    json_of(token(&app, &access, vod).await, 200).await;
    assert_eq!(
        recorded(&app, "ent-rent-2", NOW + 60).await,
        (1, NOW, NOW + 60)
    );
    // Later, a second play: the last one allowed.
    app.clock.advance_ms(700_000);
    json_of(token(&app, &access, vod).await, 200).await;
    assert_eq!(
        recorded(&app, "ent-rent-2", NOW + 760).await,
        (2, NOW, NOW + 760)
    );
    // The recorded plays reach the snapshot: the third is refused.
    app.clock.advance_ms(700_000);
    refused(token(&app, &access, vod).await, 403, 40349).await;
    app.stop().await;
}

async fn the_play_period_runs_from_the_recorded_first_play(b: Backend) {
    let app = TestApp::start(b).await;
    rental(&app, "rent-p", None, Some(DAY / 2)).await;
    let access = alice(&app).await;
    let vod = "DRM_vod-rent-p";
    app.clock.advance_ms(3_600_000);
    json_of(token(&app, &access, vod).await, 200).await;
    let first = NOW + 3600;
    assert_eq!(recorded(&app, "ent-rent-p", first).await, (1, first, first));
    app.clock.advance_ms((DAY / 2 - 1) as u64 as i64 * 1000);
    let access = alice(&app).await;
    json_of(token(&app, &access, vod).await, 200).await;
    recorded(&app, "ent-rent-p", first + DAY / 2 - 1).await;
    app.clock.advance_ms(1000);
    refused(token(&app, &access, vod).await, 403, 40348).await;
    app.stop().await;
}

/// Products that neither count nor time plays record nothing; a play queued
/// just before a graceful stop is written before the store closes.
async fn plays_are_recorded_only_for_rentals_and_survive_a_stop(b: Backend) {
    let mut app = TestApp::start(b).await;
    rental(&app, "rent-s", Some(5), None).await;
    let access = alice(&app).await;
    json_of(token(&app, &access, "DRM_vod-entitled_DASH").await, 200).await;
    json_of(token(&app, &access, "DRM_vod-rent-s").await, 200).await;
    app.stop_serving().await;
    let store = Store::connect(&app.db.url, 1).await.unwrap();
    assert_eq!(plays(&store, "ent-rent-s").await, (1, NOW, NOW));
    assert_eq!(plays(&store, "ent-alice-basic").await, (0, -1, -1));
    store.close().await;
    app.stop().await;
}

crate::on_both_backends!(
    plays_count_and_run_out,
    the_play_period_runs_from_the_recorded_first_play,
    plays_are_recorded_only_for_rentals_and_survive_a_stop
);
