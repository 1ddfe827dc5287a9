//! Write-behind over real HTTP: a bookmark is answered from memory on the
//! node that took it before its batch lands, a delete is never undone by
//! an older pending write, and a graceful shutdown writes what is pending.

use std::sync::Arc;

use reqwest::Method;
use serde_json::json;

use super::fixtures::{bookmark, call, ALICE, ALICE_MAIN, UAV};
use crate::harness::{json_of, scalar, scalar_in, test_config, Backend, TestApp, TestDb};
use crate::playback::content_token::alice;

/// A node whose write-behind waits a minute: nothing lands unless asked.
async fn slow_node(db: Arc<TestDb>) -> TestApp {
    let mut config = test_config(&db);
    config.activity.write_behind_ms = 60_000;
    config.demo.seed_on_empty = true;
    TestApp::start_with(db, config).await
}

async fn read_your_writes_and_shutdown_flush(b: Backend) {
    let db = Arc::new(TestDb::new(b).await);
    let mut app = slow_node(db.clone()).await;
    super::fixtures::without_demo_activity(&app).await;
    let token = alice(&app).await;
    let p = format!("{UAV}{ALICE_MAIN}/bookmarks");
    for (c, pos) in [("vod-1", 10), ("vod-1", 20), ("vod-2", 30)] {
        json_of(
            call(
                &app,
                &token,
                Method::PUT,
                &format!("{p}/{c}"),
                Some(bookmark(pos)),
            )
            .await,
            200,
        )
        .await;
    }
    // Nothing in the store yet; the node answers its own writes.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM activity_records").await,
        0
    );
    let one = json_of(
        call(&app, &token, Method::GET, &format!("{p}/vod-1"), None).await,
        200,
    )
    .await;
    assert_eq!(one["position"], 20, "coalesced: the last write wins");
    let list = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{p}?sort=modifiedDateDesc"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(list["totalRecords"], 2);

    // A delete writes the scope's pending records first, then deletes.
    assert_eq!(
        call(&app, &token, Method::DELETE, &format!("{p}/vod-2"), None)
            .await
            .status(),
        200
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM activity_records").await,
        1
    );
    assert_eq!(
        call(&app, &token, Method::GET, &format!("{p}/vod-2"), None)
            .await
            .status(),
        404
    );

    // A newer write held in memory keeps the stored creation date, on a
    // read of the record and of the list.
    let stored = json_of(
        call(&app, &token, Method::GET, &format!("{p}/vod-1"), None).await,
        200,
    )
    .await;
    app.clock.advance_ms(60_000);
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{p}/vod-1"),
            Some(bookmark(25)),
        )
        .await,
        200,
    )
    .await;
    let newer = json_of(
        call(&app, &token, Method::GET, &format!("{p}/vod-1"), None).await,
        200,
    )
    .await;
    assert_eq!(newer["position"], 25);
    assert_eq!(newer["creationDate"], stored["creationDate"]);
    assert_ne!(newer["modifiedDate"], stored["modifiedDate"]);
    let listed = json_of(call(&app, &token, Method::GET, &p, None).await, 200).await;
    assert_eq!(
        listed["bookmarks"][0]["creationDate"],
        stored["creationDate"]
    );
    assert_eq!(listed["bookmarks"][0]["position"], 25);

    // A graceful stop writes what is pending.
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{p}/vod-3"),
            Some(bookmark(40)),
        )
        .await,
        200,
    )
    .await;
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{UAV}{ALICE}/bookmarks/vod-4"),
            Some(json!({"position": 50})),
        )
        .await,
        200,
    )
    .await;
    app.stop_serving().await;
    let reopened = playgate::store::Store::connect(&db.url, 2).await.unwrap();
    assert_eq!(
        scalar_in(&reopened, "SELECT COUNT(*) FROM activity_records").await,
        3
    );
    reopened.close().await;
    // A node started on the same store reads them.
    let app = slow_node(db.clone()).await;
    let token = alice(&app).await;
    let back = json_of(
        call(&app, &token, Method::GET, &format!("{p}/vod-3"), None).await,
        200,
    )
    .await;
    assert_eq!(back["position"], 40);
    app.stop().await;
}

crate::on_both_backends!(read_your_writes_and_shutdown_flush);
