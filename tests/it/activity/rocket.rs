//! Rocket's profile collections over real HTTP, and the same records
//! through OPF: an OPF bookmark is Rocket's watched status and feeds
//! continue-watching; Rocket's writes are OPF's reads; bookmarks
//! (watch-list) and ratings; one profile never sees another's; a write on
//! one node is read on another within the write-behind delay.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use super::fixtures::{bookmark, call, ALICE_MAIN, UAV};
use crate::harness::{json_of, postgres_or_skip, test_config, Backend, TestApp, TestDb};
use crate::identity::rocket_pairing::{alice_catalog, post};
use crate::playback::content_token::alice;

/// A Profile token of scope Catalog for one of alice's profiles.
pub(crate) async fn profile_token(app: &TestApp, profile: &str, pin: Option<&str>) -> String {
    let catalog = alice_catalog(app).await;
    let mut body = json!({ "profileId": profile, "scopes": ["Catalog"] });
    if let Some(pin) = pin {
        body["pin"] = json!(pin);
    }
    let tokens = json_of(
        post(app, "/api/authorization/profile", Some(&catalog), body).await,
        200,
    )
    .await;
    tokens[0]["value"].as_str().unwrap().to_owned()
}

async fn rocket(app: &TestApp, token: &str, method: Method, path: &str) -> reqwest::Response {
    app.http
        .request(method, app.url(&format!("/api{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn ids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

async fn one_record_for_both_faces(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let opf = alice(&app).await;
    let main = profile_token(&app, "acc-active-main", None).await;
    let uav = format!("{UAV}{ALICE_MAIN}/bookmarks");

    // OPF writes: one episode in progress (by editorial id), one finished
    // (by technical id, the id playback takes).
    let mut in_progress = bookmark(600);
    in_progress["metadata"]["contentDuration"] = json!(2700);
    json_of(
        call(
            &app,
            &opf,
            Method::PUT,
            &format!("{uav}/ser-harbour-s1e2"),
            Some(in_progress),
        )
        .await,
        200,
    )
    .await;
    app.clock.advance_ms(1000);
    let mut done = bookmark(2700);
    done["metadata"]["contentDuration"] = json!(2700);
    json_of(
        call(
            &app,
            &opf,
            Method::PUT,
            &format!("{uav}/vod-orbit-s1e1"),
            Some(done),
        )
        .await,
        200,
    )
    .await;
    app.clock.advance_ms(1000);
    // Rocket writes a movie's playhead; its duration comes from the catalogue.
    let w = json_of(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/watched/ed-vod-entitled?position=100",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(w["itemId"], "ed-vod-entitled");
    assert_eq!(w["position"], 100);
    assert_eq!(w["isFullyWatched"], false);

    // Rocket reads OPF's writes, OPF reads Rocket's.
    let map = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/watched").await,
        200,
    )
    .await;
    assert_eq!(map.as_object().unwrap().len(), 3, "{map}");
    assert_eq!(map["ser-harbour-s1e2"]["position"], 600);
    assert_eq!(map["vod-orbit-s1e1"]["isFullyWatched"], true);
    let r = rocket(
        &app,
        &main,
        Method::GET,
        "/account/profile/watched/ser-harbour-s1e2",
    )
    .await;
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(json_of(r, 200).await["position"], 600);
    let from_opf = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{uav}/ed-vod-entitled"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(from_opf["position"], 100);
    assert!(from_opf["metadata"]["contentDuration"].as_i64().unwrap() >= 5400);

    // Continue watching: newest first; a finished episode stands for the next.
    let cw = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/continue-watching/list",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        ids(&cw),
        ["ed-vod-entitled", "ser-orbit-s1e2", "ser-harbour-s1e2"]
    );
    let shows = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/continue-watching/list?show_item_type=show",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&shows), ["ed-vod-entitled", "ser-orbit", "ser-harbour"]);
    let seasons = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/continue-watching/list?show_item_type=season&page_size=1",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&seasons), ["ed-vod-entitled"]);
    assert_eq!(seasons["paging"]["total"], 3);
    // The watched list, with `completed`.
    let finished = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/watched/list?completed=true",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&finished), ["ser-orbit-s1e1"]);
    let all = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/watched/list?order=asc",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        ids(&all),
        ["ser-harbour-s1e2", "ser-orbit-s1e1", "ed-vod-entitled"]
    );

    // Deleting watched status: the named items, then all.
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::DELETE,
            "/account/profile/watched?item_ids=ed-vod-entitled"
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/watched/ed-vod-entitled"
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{uav}/ed-vod-entitled"),
            None
        )
        .await
        .status(),
        404
    );

    // Another profile of the account sees none of it.
    let kids = profile_token(&app, "acc-active-kids", Some("4321")).await;
    let theirs = json_of(
        rocket(&app, &kids, Method::GET, "/account/profile/watched").await,
        200,
    )
    .await;
    assert_eq!(theirs, json!({}));
    assert_eq!(
        rocket(&app, &main, Method::DELETE, "/account/profile/watched")
            .await
            .status(),
        204
    );
    let empty = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/watched").await,
        200,
    )
    .await;
    assert_eq!(empty, json!({}));
    app.stop().await;
}

async fn bookmarks_and_ratings(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let main = profile_token(&app, "acc-active-main", None).await;
    let saved = json_of(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/bookmarks/ed-vod-entitled",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(saved["itemId"], "ed-vod-entitled");
    let created = saved["creationDate"].as_str().unwrap().to_owned();
    app.clock.advance_ms(1000);
    json_of(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/bookmarks/ser-harbour",
        )
        .await,
        200,
    )
    .await;
    let map = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/bookmarks").await,
        200,
    )
    .await;
    assert_eq!(map["ed-vod-entitled"], created.as_str());
    let list = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/bookmarks/list").await,
        200,
    )
    .await;
    assert_eq!(
        ids(&list),
        ["ser-harbour", "ed-vod-entitled"],
        "newest first"
    );
    let movies = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/bookmarks/list?item_type=movie",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&movies), ["ed-vod-entitled"]);
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::DELETE,
            "/account/profile/bookmarks/ser-harbour"
        )
        .await
        .status(),
        204
    );
    let gone = rocket(
        &app,
        &main,
        Method::GET,
        "/account/profile/bookmarks/ser-harbour",
    )
    .await;
    assert_eq!(json_of(gone, 404).await["code"], 40402);
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::DELETE,
            "/account/profile/bookmarks/ser-harbour"
        )
        .await
        .status(),
        404
    );

    for bad in ["0", "11", "x", ""] {
        let r = rocket(
            &app,
            &main,
            Method::PUT,
            &format!("/account/profile/ratings/ed-vod-entitled?rating={bad}"),
        )
        .await;
        assert_eq!(r.status(), 400, "rating={bad}");
    }
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/watched/x?position=-1"
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        rocket(&app, &main, Method::PUT, "/account/profile/watched/x")
            .await
            .status(),
        400
    );
    let rated = json_of(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/ratings/ed-vod-entitled?rating=8",
        )
        .await,
        200,
    )
    .await;
    assert_eq!(rated, json!({"itemId": "ed-vod-entitled", "rating": 8}));
    let ratings = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/ratings").await,
        200,
    )
    .await;
    assert_eq!(ratings, json!({"ed-vod-entitled": 8}));
    let list = json_of(
        rocket(&app, &main, Method::GET, "/account/profile/ratings/list").await,
        200,
    )
    .await;
    assert_eq!(ids(&list), ["ed-vod-entitled"]);
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/bookmarks/list?page_size=51"
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/bookmarks/list?order_by=title"
        )
        .await
        .status(),
        400
    );

    // An account token is not a profile token; no token is 401.
    let account = alice_catalog(&app).await;
    let r = rocket(&app, &account, Method::GET, "/account/profile/ratings").await;
    assert_eq!(json_of(r, 403).await["code"], 40303);
    let r = app
        .http
        .get(app.url("/api/account/profile/ratings"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    app.stop().await;
}

/// Two nodes over one PostgreSQL: a watched PUT on one is read on the other
/// within the write-behind delay (1 s) and the time its batch takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_node_reads_a_write_within_the_delay() {
    if !postgres_or_skip() {
        return;
    }
    let db = Arc::new(TestDb::new(Backend::Postgres).await);
    let a = TestApp::start_with(db.clone(), test_config(&db)).await;
    super::fixtures::without_demo_activity(&a).await;
    let mut config = test_config(&db);
    config.demo.seed_on_empty = false;
    let b = TestApp::start_with(db.clone(), config).await;
    let on_a = profile_token(&a, "acc-active-main", None).await;
    let on_b = profile_token(&b, "acc-active-main", None).await;
    let put = Instant::now();
    json_of(
        rocket(
            &a,
            &on_a,
            Method::PUT,
            "/account/profile/watched/ed-vod-entitled?position=42",
        )
        .await,
        200,
    )
    .await;
    loop {
        let r = rocket(
            &b,
            &on_b,
            Method::GET,
            "/account/profile/watched/ed-vod-entitled",
        )
        .await;
        if r.status() == 200 {
            assert_eq!(json_of(r, 200).await["position"], 42);
            break;
        }
        assert!(
            put.elapsed() < Duration::from_secs(3),
            "not on the other node after {:?}",
            put.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.stop().await;
    a.stop().await;
}

crate::on_both_backends!(one_record_for_both_faces, bookmarks_and_ratings);

/// The demo tenant's alice has activity the README's curls show.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_has_alices_activity() {
    let app = TestApp::start(Backend::Sqlite).await;
    let opf = alice(&app).await;
    let main = profile_token(&app, "acc-active-main", None).await;
    let bookmarks = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{UAV}{ALICE_MAIN}/bookmarks"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(bookmarks["totalRecords"], 2);
    let cw = json_of(
        rocket(
            &app,
            &main,
            Method::GET,
            "/account/profile/continue-watching/list",
        )
        .await,
        200,
    )
    .await;
    let mut got = ids(&cw);
    got.sort_unstable();
    assert_eq!(
        got,
        ["ed-vod-entitled", "ser-harbour-s1e2"],
        "in progress, and the episode after the finished one"
    );
    let reminders = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{UAV}{ALICE_MAIN}/reminders"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reminders["reminders"][0]["contentId"], "ev-ch-news-010");
    let lists = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{UAV}{ALICE_MAIN}/favouriteslists"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(lists["favouritesLists"][0]["name"], "Weekend films");
    let id = lists["favouritesLists"][0]["id"].as_str().unwrap();
    let entries = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{UAV}{ALICE_MAIN}/favouriteslists/{id}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(entries["totalRecords"], 2);
    let history = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            &format!("{UAV}{ALICE_MAIN}/history"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(history["totalRecords"], 1);
    let avg = json_of(
        call(
            &app,
            &opf,
            Method::GET,
            "/useractivityvault/v1/ratings/content/ed-vod-entitled/average",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(avg["average"], 8.0);
    let me = json_of(
        rocket(&app, &main, Method::GET, "/account/profile").await,
        200,
    )
    .await;
    assert_eq!(me["rated"]["ser-harbour"], 9);
    app.stop().await;
}
