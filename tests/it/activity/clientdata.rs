//! UAV clientdata and the Activity Gateway over real HTTP: bookmarks
//! (upsert, tags, bulk deletes by series, season, date and tag), lists and
//! their entries, history and reminders; who may touch what; every bad
//! input answered in the OPF envelope with nothing written.

use reqwest::Method;
use serde_json::{json, Value};

use super::fixtures::{bookmark, call, set_activity_settings, AG, ALICE, ALICE_MAIN, UAV};
use crate::catalogue::fixtures::second_tenant;
use crate::harness::{json_of, scalar, Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::{alice, fay};

async fn flush(app: &TestApp) {
    let activity = &app.state.plane.activity;
    activity.write_behind().flush(activity.base()).await;
}

async fn rows(app: &TestApp) -> i64 {
    flush(app).await;
    scalar(app, "SELECT COUNT(*) FROM activity_records").await
}

fn opf_error(v: &Value, code: &str) {
    assert_eq!(v["resultCode"], code, "{v}");
    assert!(v["requestId"].is_string() && v["result"].is_string(), "{v}");
}

async fn bookmarks_upsert_list_and_bulk_delete(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let token = alice(&app).await;
    let p = format!("{UAV}{ALICE_MAIN}/bookmarks");
    let mut body = bookmark(120);
    body["tags"] = json!(["In Progress"]);
    body["metadata"]["seriesId"] = json!("series-1");
    body["metadata"]["seasonId"] = json!("season-1");
    body["deviceId"] = json!("dev-alice-tv");
    let r = call(
        &app,
        &token,
        Method::PUT,
        &format!("{p}/vod-1"),
        Some(body.clone()),
    )
    .await;
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let first = json_of(r, 200).await;
    assert_eq!(first["contentId"], "vod-1");
    assert_eq!(first["account"], "acc-active");
    assert_eq!(first["userId"], "acc-active-main");
    assert_eq!(first["position"], 120);
    assert_eq!(first["tags"], json!(["In Progress"]));

    // One bookmark per content per profile: a PUT replaces it, keeping its
    // creation date.
    app.clock.advance_ms(10_000);
    body["position"] = json!(300);
    let second = json_of(
        call(&app, &token, Method::PUT, &format!("{p}/vod-1"), Some(body)).await,
        200,
    )
    .await;
    assert_eq!(second["creationDate"], first["creationDate"]);
    assert_ne!(second["modifiedDate"], first["modifiedDate"]);
    let read = json_of(
        call(&app, &token, Method::GET, &format!("{p}/vod-1"), None).await,
        200,
    )
    .await;
    assert_eq!(read["position"], 300);

    app.clock.advance_ms(10_000);
    let mut other = bookmark(5);
    other["metadata"]["seriesId"] = json!("series-2");
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{p}/vod-0"),
            Some(other),
        )
        .await,
        200,
    )
    .await;

    // Default order: by contentId; by modified date when asked.
    let all = json_of(call(&app, &token, Method::GET, &p, None).await, 200).await;
    assert_eq!(all["totalRecords"], 2);
    assert_eq!(all["bookmarks"][0]["contentId"], "vod-0");
    let recent = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{p}?sort=modifiedDateDesc&limit=1"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(recent["totalRecords"], 2);
    assert_eq!(recent["bookmarks"].as_array().unwrap().len(), 1);
    assert_eq!(recent["bookmarks"][0]["contentId"], "vod-0");
    let second_page = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{p}?sort=modifiedDateDesc&limit=1&offset=1"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second_page["bookmarks"][0]["contentId"], "vod-1");
    let tagged = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{p}?filter=In%20Progress&fields=contentId,position"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        tagged,
        json!({"bookmarks": [{"contentId": "vod-1", "position": 300}], "totalRecords": 1})
    );

    // Bulk deletes: each filter removes only what it matches.
    let by_season = json_of(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{p}?metadata.seasonId=season-9"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_season, json!({"bookmarks": [], "totalRecords": 0}));
    let two = call(
        &app,
        &token,
        Method::DELETE,
        &format!("{p}?metadata.seasonId=s&metadata.seriesId=s"),
        None,
    )
    .await;
    opf_error(&json_of(two, 400).await, "40003:400");
    let by_series = json_of(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{p}?metadata.seriesId=series-2"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_series["totalRecords"], 1);
    assert_eq!(rows(&app).await, 1);
    // By tag, through the Activity Gateway.
    let by_tag = json_of(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{AG}{ALICE_MAIN}/bookmarks/tag/In%20Progress"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(by_tag["totalRecords"], 1);
    assert_eq!(rows(&app).await, 0);
    let gone = call(&app, &token, Method::GET, &format!("{p}/vod-1"), None).await;
    opf_error(&json_of(gone, 404).await, "40402:404");

    // By modified date; an account-level delete removes every profile's.
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{p}/vod-a"),
            Some(bookmark(1)),
        )
        .await,
        200,
    )
    .await;
    let kids = format!("{UAV}/account/acc-active/user/acc-active-kids/bookmarks/vod-b");
    json_of(
        call(&app, DEMO_KEY, Method::PUT, &kids, Some(bookmark(2))).await,
        200,
    )
    .await;
    json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{UAV}{ALICE}/bookmarks/vod-c"),
            Some(json!({"position": 3})),
        )
        .await,
        200,
    )
    .await;
    let account_list = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{UAV}{ALICE}/bookmarks"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        account_list["totalRecords"], 1,
        "account scope reads the account's own"
    );
    let future = json_of(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{UAV}{ALICE}/bookmarks?modifiedDate.gte=2099-01-01T00:00:00Z"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(future["totalRecords"], 0);
    let everything = json_of(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{AG}{ALICE}/bookmarks?modifiedDate.lte=2099-01-01T00:00:00Z"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(everything["totalRecords"], 3);
    assert_eq!(rows(&app).await, 0);
    app.stop().await;
}

async fn lists_entries_history_and_reminders(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let token = alice(&app).await;
    let base = format!("{UAV}{ALICE_MAIN}");
    let list = json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/favouriteslists"),
            Some(json!({"name": "Sci-fi", "tags": ["mine"]})),
        )
        .await,
        201,
    )
    .await;
    let id = list["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(list["name"], "Sci-fi");
    let entry = json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{AG}{ALICE_MAIN}/favouriteslists/{id}/content/vod-2"),
            Some(json!({"favouriteListId": id, "contentType": "asset", "categories": ["Drama"]})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(entry["favouriteListId"], id.as_str());
    let group = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/favouriteslists/{id}/content/vod-2"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(group["totalRecords"], 1);
    assert_eq!(group["favourites"][0]["categories"], json!(["Drama"]));
    let entries = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/favouriteslists/{id}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(entries["favourites"][0]["contentId"], "vod-2");
    // PUT replaces the list's fields: what is left out is gone.
    let updated = json_of(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{base}/favouriteslists/{id}"),
            Some(json!({"id": id, "name": "Films"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(updated["name"], "Films");
    assert!(updated.get("tags").is_none());
    assert_eq!(updated["creationDate"], list["creationDate"]);
    let lists = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/favouriteslists"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(lists["favouritesLists"][0]["id"], id.as_str());
    assert_eq!(lists["totalRecords"], 1);

    // An entry of a list that does not exist, or of another profile's list.
    let nowhere = call(
        &app,
        &token,
        Method::PUT,
        &format!("{base}/favouriteslists/nope/content/vod-2"),
        Some(json!({})),
    )
    .await;
    assert_eq!(nowhere.status(), 404);
    let kids = format!("{UAV}/account/acc-active/user/acc-active-kids/favouriteslists/{id}");
    assert_eq!(
        call(&app, &token, Method::GET, &kids, None).await.status(),
        404
    );
    assert_eq!(
        call(
            &app,
            &token,
            Method::PUT,
            &format!("{kids}/content/vod-3"),
            Some(json!({}))
        )
        .await
        .status(),
        404
    );

    // Playlists keep their entries in the order they were added.
    let pl = json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/playlists"),
            Some(json!({"name": "Tonight"})),
        )
        .await,
        201,
    )
    .await;
    let pl = pl["id"].as_str().unwrap().to_owned();
    for (i, c) in ["vod-9", "vod-1", "vod-5"].iter().enumerate() {
        app.clock.advance_ms(1000);
        let e = json_of(
            call(
                &app,
                &token,
                Method::PUT,
                &format!("{base}/playlists/{pl}/content/{c}"),
                Some(json!({"position": i})),
            )
            .await,
            200,
        )
        .await;
        assert_eq!(e["playlistId"], pl.as_str());
    }
    let order = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/playlists/{pl}"),
            None,
        )
        .await,
        200,
    )
    .await;
    let ids: Vec<&str> = order["playlistEntries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["contentId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["vod-9", "vod-1", "vod-5"]);
    assert_eq!(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{base}/playlists/{pl}/content/vod-1"),
            None
        )
        .await
        .status(),
        200
    );
    let two_left = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/playlists/{pl}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(two_left["totalRecords"], 2);
    // Deleting a list deletes its entries.
    assert_eq!(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{base}/playlists/{pl}"),
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM activity_records WHERE kind IN ('playlist', 'playlistentry')"
        )
        .await,
        0
    );
    assert_eq!(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{base}/playlists/{pl}"),
            None
        )
        .await
        .status(),
        404
    );

    // History by the body's contentId; reminders get server ids.
    let h = json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/history"),
            Some(json!({"contentId": "vod-7", "name": "Seven"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(h["contentId"], "vod-7");
    let no_content = call(
        &app,
        &token,
        Method::POST,
        &format!("{base}/history"),
        Some(json!({"name": "x"})),
    )
    .await;
    opf_error(&json_of(no_content, 400).await, "40000:400");
    let histories = json_of(
        call(&app, &token, Method::GET, &format!("{base}/history"), None).await,
        200,
    )
    .await;
    assert_eq!(histories["histories"][0]["contentId"], "vod-7");
    let rem = json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{UAV}{ALICE}/reminders"),
            Some(json!({"contentId": "prog-1"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(rem["contentId"], "prog-1");
    let rid = rem["id"].as_str().unwrap();
    let reminders = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{UAV}{ALICE}/reminders"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(reminders["reminders"][0]["id"], rid);
    assert_eq!(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{AG}{ALICE}/reminders/{rid}"),
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        call(
            &app,
            &token,
            Method::DELETE,
            &format!("{AG}{ALICE}/reminders/{rid}"),
            None
        )
        .await
        .status(),
        404
    );

    // Gateway routes are writes only.
    assert_eq!(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{AG}{ALICE}/reminders"),
            None
        )
        .await
        .status(),
        405
    );
    app.stop().await;
}

async fn limits_and_expiry(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let token = alice(&app).await;
    set_activity_settings(
        &app,
        json!({"limits": {"bookmarks": 2, "favouritesLists": 1}}),
    )
    .await;
    let base = format!("{UAV}{ALICE_MAIN}");
    // Bookmarks evict the least recently modified past the limit.
    for c in ["vod-1", "vod-2", "vod-3"] {
        app.clock.advance_ms(1000);
        json_of(
            call(
                &app,
                &token,
                Method::PUT,
                &format!("{base}/bookmarks/{c}"),
                Some(bookmark(1)),
            )
            .await,
            200,
        )
        .await;
        flush(&app).await;
    }
    let left = json_of(
        call(
            &app,
            &token,
            Method::GET,
            &format!("{base}/bookmarks"),
            None,
        )
        .await,
        200,
    )
    .await;
    let ids: Vec<&str> = left["bookmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["contentId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["vod-2", "vod-3"]);
    // Lists past their limit answer 409, writing nothing.
    json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/favouriteslists"),
            Some(json!({"name": "a"})),
        )
        .await,
        201,
    )
    .await;
    let full = call(
        &app,
        &token,
        Method::POST,
        &format!("{base}/favouriteslists"),
        Some(json!({"name": "b"})),
    )
    .await;
    opf_error(&json_of(full, 409).await, "40900:409");
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM activity_records WHERE kind = 'favouriteslist'"
        )
        .await,
        1
    );

    // `expires` is honoured on read, and the sweep removes the record.
    json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/history?expires=60"),
            Some(json!({"contentId": "vod-8"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(
        call(&app, &token, Method::GET, &format!("{base}/history"), None)
            .await
            .status(),
        200
    );
    app.clock.advance_ms(61_000);
    let after = json_of(
        call(&app, &token, Method::GET, &format!("{base}/history"), None).await,
        200,
    )
    .await;
    assert_eq!(after["totalRecords"], 0);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM activity_records WHERE kind = 'history'"
        )
        .await,
        1
    );
    let swept = app.state.plane.activity.sweep(true).await.unwrap();
    assert!(swept >= 1);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM activity_records WHERE kind = 'history'"
        )
        .await,
        0
    );
    // The default lifetime is a year.
    let kept = json_of(
        call(
            &app,
            &token,
            Method::POST,
            &format!("{base}/history"),
            Some(json!({"contentId": "vod-8"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(kept["contentId"], "vod-8");
    let expires = scalar(
        &app,
        "SELECT expires - modified FROM activity_records WHERE kind = 'history'",
    )
    .await;
    assert_eq!(expires, 365 * 86_400);
    // A tenant's settings are checked.
    let tenancy = &app.state.plane.tenancy;
    let mut s = tenancy.tenant_settings("demo").await.unwrap();
    s["activity"] = json!({"limits": {"bookmark": 3}});
    assert!(tenancy.replace_tenant_settings("demo", s).await.is_err());
    app.stop().await;
}

async fn who_may_touch_what(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let alice = alice(&app).await;
    let fay = fay(&app, "dev-fay-1").await;
    let path = format!("{UAV}{ALICE_MAIN}/bookmarks/vod-1");
    json_of(
        call(&app, &alice, Method::PUT, &path, Some(bookmark(10))).await,
        200,
    )
    .await;
    // Another account's user: 403 in the OPF envelope, whatever the verb.
    for m in [Method::GET, Method::PUT, Method::DELETE] {
        let r = call(&app, &fay, m.clone(), &path, Some(bookmark(1))).await;
        opf_error(&json_of(r, 403).await, "40307:403");
    }
    let r = call(
        &app,
        &alice,
        Method::GET,
        &format!("{UAV}/account/acc-full/bookmarks"),
        None,
    )
    .await;
    opf_error(&json_of(r, 403).await, "40307:403");
    // A profile of another account, under alice's own account: 404.
    let r = call(
        &app,
        &alice,
        Method::GET,
        &format!("{UAV}/account/acc-active/user/acc-full-main/bookmarks"),
        None,
    )
    .await;
    opf_error(&json_of(r, 404).await, "40402:404");
    let r = call(
        &app,
        DEMO_KEY,
        Method::PUT,
        &format!("{UAV}/account/acc-active/user/acc-full-main/bookmarks/x"),
        Some(bookmark(1)),
    )
    .await;
    assert_eq!(r.status(), 404);
    // alice's other profile is hers.
    json_of(
        call(
            &app,
            &alice,
            Method::PUT,
            &format!("{UAV}/account/acc-active/user/acc-active-kids/bookmarks/vod-1"),
            Some(bookmark(2)),
        )
        .await,
        200,
    )
    .await;
    // The operator reads and deletes any account's (customer care).
    let seen = json_of(call(&app, DEMO_KEY, Method::GET, &path, None).await, 200).await;
    assert_eq!(seen["position"], 10);
    assert_eq!(
        call(
            &app,
            DEMO_KEY,
            Method::GET,
            &format!("{UAV}/account/nobody/bookmarks"),
            None
        )
        .await
        .status(),
        404
    );
    // Another tenant's operator finds nothing of this tenant.
    let other_key = second_tenant(&app, "other").await;
    let r = app
        .http
        .get(app.url(&path))
        .header("nv-tenant-id", "other")
        .bearer_auth(&other_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .http
        .get(app.url(&path))
        .header("nv-tenant-id", "other")
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 401 | 403), "{}", r.status());
    // No credential at all.
    let r = app
        .http
        .get(app.url(&path))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        call(&app, DEMO_KEY, Method::DELETE, &path, None)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, &alice, Method::GET, &path, None).await.status(),
        404
    );
    app.stop().await;
}

async fn bad_input_is_refused_and_writes_nothing(b: Backend) {
    let app = TestApp::start(b).await;
    super::fixtures::without_demo_activity(&app).await;
    let token = alice(&app).await;
    let base = format!("{UAV}{ALICE_MAIN}");
    let put = |path: String, body: Value| {
        let (app, token) = (&app, &token);
        async move { call(app, token, Method::PUT, &path, Some(body)).await }
    };
    let cases: Vec<(reqwest::Response, u16)> = vec![
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": -5, "metadata": {"contentDuration": 1}})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": "x"})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": 5})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!([1, 2])).await, 400),
        (put(format!("{base}/bookmarks/vod-1?expires=soon"), bookmark(1)).await, 400),
        (put(format!("{base}/bookmarks/vod-1?expires=-1"), bookmark(1)).await, 400),
        (put(format!("{base}/bookmarks/vod-1?colour=red"), bookmark(1)).await, 400),
        (put(format!("{base}/bookmarks/{}", "x".repeat(257)), bookmark(1)).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": 1, "metadata": {"contentDuration": 1}, "contentId": "vod-2"})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": 1, "metadata": {"contentDuration": 1}, "userId": "acc-active-kids"})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": 1, "metadata": {"contentDuration": 1}, "tags": (0..40).collect::<Vec<_>>()})).await, 400),
        (put(format!("{base}/bookmarks/vod-1"), json!({"position": 1, "metadata": {"contentDuration": 1}, "name": "a\u{7}b"})).await, 400),
        (put(format!("{base}/favouriteslists/x/content/vod-1"), json!({"favouriteListId": "y"})).await, 400),
        (put(format!("{base}/bookmarks/vod%01"), bookmark(1)).await, 400),
    ];
    for (i, (r, status)) in cases.into_iter().enumerate() {
        let got = r.status().as_u16();
        let text = r.text().await.unwrap();
        assert_eq!(got, status, "case {i}: {text}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(
            v["resultCode"].as_str().unwrap().ends_with(":400"),
            "case {i}: {v}"
        );
    }
    // Malformed JSON, and a body past the limit.
    let raw = app
        .http
        .put(app.url(&format!("{base}/bookmarks/vod-1")))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"position\": 1,")
        .send()
        .await
        .unwrap();
    opf_error(&json_of(raw, 400).await, "40002:400");
    let huge =
        json!({"position": 1, "metadata": {"contentDuration": 1}, "name": "x".repeat(70_000)});
    let r = put(format!("{base}/bookmarks/vod-1"), huge).await;
    assert_eq!(r.status(), 413);
    // An unknown kind is no route.
    assert_eq!(
        call(&app, &token, Method::GET, &format!("{base}/wishes"), None)
            .await
            .status(),
        404
    );
    assert_eq!(rows(&app).await, 0);
    app.stop().await;
}

crate::on_both_backends!(
    bookmarks_upsert_list_and_bulk_delete,
    lists_entries_history_and_reminders,
    limits_and_expiry,
    who_may_touch_what,
    bad_input_is_refused_and_writes_nothing,
);
