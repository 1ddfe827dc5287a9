//! Operator ingest over real HTTP: a title ingested is browsable through MDS
//! and Rocket and playable through the content token and Rocket's media
//! route at once, and the end of its product's validity stops them all; a PPV programme sells its event on every
//! technical of its service; a batch with any refused entry names each one
//! and writes nothing; deletes and the changes list.

use serde_json::{json, Value};

use super::fixtures::{
    editorial, entitle_alice, ingest, mds, product, programme, service, upsert, DAY, NOW,
};
use crate::harness::{json_of, scalar, Backend, TestApp};
use crate::playback::content_token::{alice, ask, token};

/// An Account Catalog token of alice on the Rocket face.
async fn rocket_alice(app: &TestApp) -> String {
    let r = app
        .http
        .post(app.url("/api/authorization"))
        .json(&json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await[0]["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Rocket's `GET /api/items/{id}` of the demo tenant, answered 200.
async fn rocket_item(app: &TestApp, id: &str) -> Value {
    let r = app
        .http
        .get(app.url(&format!("/api/items/{id}")))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

async fn v2(app: &TestApp, filter: &str) -> Value {
    json_of(
        mds(app, "/v2/GLOBAL/vod/editorials", &[("filter", filter)]).await,
        200,
    )
    .await
}

async fn v1(app: &TestApp, filter: &str) -> Value {
    json_of(
        mds(app, "/GLOBAL/vod/editorials", &[("filter", filter)]).await,
        200,
    )
    .await
}

async fn browsable_playable_and_ended_together(b: Backend) {
    let app = TestApp::start(b).await;
    upsert(
        &app,
        "products",
        json!([product("prod-films", "SUBSCRIPTION", Some(NOW + DAY))]),
    )
    .await;
    upsert(
        &app,
        "editorials",
        json!([editorial("ed-one", &["prod-films"], &["n-films"])]),
    )
    .await;

    // Browsable at once, in the ingested shape, in either locale.
    let list = v2(&app, r#"{"id":"ed-one"}"#).await;
    assert_eq!(list["total_records"], 1, "{list}");
    let e = &list["editorials"][0];
    assert_eq!(e["Title"], "ed-one in English");
    assert_eq!(e["technicals"][0]["drmId"], "DRM_ed-one_DASH");
    assert_eq!(
        e["technicals"][0]["media"]["AV_PlaylistName"]["uri"],
        "https://cdn.example/vod/ed-one.mpd"
    );
    assert_eq!(e["technicals"][1]["drmInstanceName"], "HLS_FP");
    let fr = v2(&app, r#"{"id":"ed-one","locale":"fr_FR"}"#).await;
    assert_eq!(fr["editorials"][0]["Title"], "ed-one en français");
    let rows = v1(&app, r#"{"e":"ed-one"}"#).await;
    assert_eq!(rows["total_records"], 2, "one row per technical × product");
    assert_eq!(rows["editorials"][0]["p"], "prod-films");
    assert_eq!(rows["editorials"][0]["isValid"], true);

    // Playable at once for whoever holds the product: the drmId MDS shows is
    // the content_id the token takes.
    let access = alice(&app).await;
    let drm = e["technicals"][0]["drmId"].as_str().unwrap().to_owned();
    assert_eq!(token(&app, &access, &drm).await.status(), 403);
    entitle_alice(&app, "ent-films", "prod-films").await;
    let granted = json_of(token(&app, &access, &drm).await, 200).await;
    assert!(granted["content_token"].as_str().unwrap().contains('.'));

    // The same record through Rocket: an item with its offer, playable by
    // its item id for the entitled account.
    let item = rocket_item(&app, "ed-one").await;
    assert_eq!(item["title"], "ed-one in English");
    assert_eq!(item["offers"][0]["id"], "prod-films");
    let rocket = rocket_alice(&app).await;
    let videos = |token: String| {
        app.http
            .get(app.url("/api/account/items/ed-one/videos?delivery=stream&resolution=HD-1080"))
            .bearer_auth(token)
            .send()
    };
    let files = json_of(videos(rocket).await.unwrap(), 200).await;
    assert_eq!(files[0]["url"], "https://cdn.example/vod/ed-one.mpd");

    // The product's validity ends: all stop.
    app.clock.set_ms((NOW + 2 * DAY) * 1000);
    assert_eq!(token(&app, &access, &drm).await.status(), 403);
    // (a new token: the first one has expired by now)
    let rocket = rocket_alice(&app).await;
    let refused = json_of(videos(rocket).await.unwrap(), 403).await;
    assert!(refused["message"].is_string());
    let item = rocket_item(&app, "ed-one").await;
    assert!(item.get("offers").is_none(), "{item}");
    assert_eq!(v1(&app, r#"{"e":"ed-one"}"#).await["total_records"], 0);
    let invalid = v1(&app, r#"{"e":"ed-one","isValid":false}"#).await;
    assert_eq!(invalid["total_records"], 2);
    assert_eq!(invalid["editorials"][0]["isValid"], false);
    app.stop().await;
}

async fn ppv_programme_sells_its_event_on_every_technical(b: Backend) {
    let app = TestApp::start(b).await;
    upsert(
        &app,
        "products",
        json!([product("prod-fight", "PPV", None)]),
    )
    .await;
    upsert(&app, "services", json!([service("svc-a", 7, &[])])).await;
    let mut fight = programme("ev-fight", "svc-a", NOW + DAY, 120);
    fight["productRefs"] = json!(["prod-fight"]);
    upsert(&app, "programmes", json!([fight])).await;
    let access = alice(&app).await;
    let path = "/ias/v2/ppv_content_token";
    let on = |drm: &str| format!("content_id={drm}&type=device&event_id=ev-fight");
    assert_eq!(
        ask(&app, &access, path, &on("DRM_svc-a_HLS"))
            .await
            .status(),
        403,
        "not bought"
    );
    entitle_alice(&app, "ent-fight", "prod-fight").await;
    for drm in ["DRM_svc-a_DASH", "DRM_svc-a_HLS"] {
        json_of(ask(&app, &access, path, &on(drm)).await, 200).await;
    }
    let listed = json_of(
        mds(
            &app,
            "/GLOBAL/btv/programmes",
            &[("filter", r#"{"productRefs":"prod-fight"}"#)],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(listed["total_records"], 1);
    assert_eq!(listed["programmes"][0]["period"]["start"], NOW + DAY);

    // No longer PPV: the event goes with it.
    upsert(
        &app,
        "programmes",
        json!([programme("ev-fight", "svc-a", NOW + DAY, 120)]),
    )
    .await;
    assert_eq!(
        ask(&app, &access, path, &on("DRM_svc-a_DASH"))
            .await
            .status(),
        404
    );
    app.stop().await;
}

async fn refused_entries_are_named_and_nothing_is_written(b: Backend) {
    let app = TestApp::start(b).await;
    upsert(
        &app,
        "products",
        json!([product("prod-films", "SUBSCRIPTION", None)]),
    )
    .await;
    upsert(
        &app,
        "editorials",
        json!([editorial("ed-one", &["prod-films"], &[])]),
    )
    .await;
    let count = "SELECT COUNT(*) FROM catalogue_records";
    let before = scalar(&app, count).await;

    let mut wrong_type = editorial("ed-2", &[], &[]);
    wrong_type["type"] = json!("FILM");
    let unknown_product = editorial("ed-3", &["prod-nope"], &[]);
    let mut taken = editorial("ed-4", &[], &[]);
    taken["technicals"][0]["id"] = json!("ed-one-dash");
    let mut unknown_field = editorial("ed-5", &[], &[]);
    unknown_field["colour"] = json!("blue");
    let mut backwards = editorial("ed-6", &[], &[]);
    backwards["period"] = json!({ "start": NOW, "end": NOW - 1 });
    let mut bad_locale = editorial("ed-7", &[], &[]);
    bad_locale["locales"] = json!({ "english": { "title": "x" } });
    let mut no_title = editorial("ed-8", &[], &[]);
    no_title["locales"] = json!({ "en_GB": { "description": "untitled" } });
    let mut demo_drm = editorial("ed-9", &[], &[]);
    demo_drm["technicals"][1]["drmId"] = json!("DRM_vod-entitled_DASH");
    let mut bad_uri = editorial("ed-10", &[], &[]);
    bad_uri["technicals"][0]["uri"] = json!("ftp://cdn.example/x");
    let mut own_clip = editorial("ed-11", &[], &[]);
    own_clip["clipRefs"] = json!(["ed-11"]);
    let batch = json!({
        "upsert": [
            editorial("ed-new", &["prod-films"], &[]),
            wrong_type, unknown_product, taken,
            editorial("ed-new", &[], &[]),
            unknown_field, backwards, bad_locale, no_title, demo_drm, bad_uri,
            "not an object", own_clip,
        ],
        "delete": ["ed-one", "bad id"],
    });
    let body = json_of(ingest(&app, "editorials", batch).await, 400).await;
    assert_eq!(body["resultCode"], "40000:400", "{body}");
    let refused = body["refused"].as_array().unwrap();
    let named: Vec<(String, u64)> = refused
        .iter()
        .map(|r| {
            (
                r["op"].as_str().unwrap().to_owned(),
                r["index"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut expected: Vec<(String, u64)> = (1..=12).map(|i| ("upsert".to_owned(), i)).collect();
    expected.push(("delete".into(), 1));
    assert_eq!(named, expected, "{body}");
    let reason = |i: usize| refused[i]["reason"].as_str().unwrap().to_owned();
    assert!(reason(0).contains("type"), "{}", reason(0));
    assert!(reason(1).contains("prod-nope"), "{}", reason(1));
    assert!(reason(2).contains("belongs to ed-one"), "{}", reason(2));
    assert!(reason(3).contains("twice"));
    assert!(reason(4).contains("colour"), "{}", reason(4));
    assert!(reason(5).contains("period.end"));
    assert!(reason(6).contains("english"));
    assert!(reason(7).contains("title"));
    assert!(
        reason(8).contains("belongs to ed-vod-entitled"),
        "{}",
        reason(8)
    );
    assert!(reason(9).contains("uri"));
    assert!(reason(11).contains("clipRefs"), "{}", reason(11));
    assert_eq!(scalar(&app, count).await, before, "nothing written");
    assert_eq!(v2(&app, r#"{"id":"ed-new"}"#).await["total_records"], 0);
    assert_eq!(v2(&app, r#"{"id":"ed-one"}"#).await["total_records"], 1);

    // Two records of one batch cannot share a technical's DRM id.
    let mut twin = editorial("ed-twin", &[], &[]);
    twin["technicals"][0]["drmId"] = json!("DRM_ed-first_DASH");
    let body = json_of(
        ingest(
            &app,
            "editorials",
            json!({ "upsert": [editorial("ed-first", &[], &[]), twin] }),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(body["refused"][0]["index"], 1, "{body}");
    assert!(body["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("ed-first"));

    // Programmes need their service; products in use cannot go.
    let body = json_of(
        ingest(
            &app,
            "programmes",
            json!({ "upsert": [programme("ev-1", "svc-none", NOW, 30)] }),
        )
        .await,
        400,
    )
    .await;
    assert!(body["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("svc-none"));
    let named_by_record = json_of(
        ingest(&app, "products", json!({ "delete": ["prod-films"] })).await,
        400,
    )
    .await;
    assert!(named_by_record["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("productRefs"));
    upsert(&app, "editorials", json!([editorial("ed-one", &[], &[])])).await;
    entitle_alice(&app, "ent-films", "prod-films").await;
    let held = json_of(
        ingest(&app, "products", json!({ "delete": ["prod-films"] })).await,
        400,
    )
    .await;
    assert!(held["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("entitled"));

    // The request itself.
    json_of(ingest(&app, "editorials", json!({})).await, 400).await;
    json_of(ingest(&app, "films", json!({ "delete": ["x"] })).await, 404).await;
    let too_many: Vec<String> = (0..5001).map(|i| format!("id-{i}")).collect();
    json_of(
        ingest(&app, "editorials", json!({ "delete": too_many })).await,
        400,
    )
    .await;
    let r = app
        .http
        .post(app.url("/metadata/operator/v1/catalogue/editorials"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "delete": ["ed-one"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "no operator key");
    let r = app
        .operator(
            reqwest::Method::POST,
            "/metadata/operator/v1/catalogue/editorials",
        )
        .header("content-type", "application/json")
        .body("{\"upsert\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "malformed JSON");
    app.stop().await;
}

async fn deletes_reads_and_the_changes_list(b: Backend) {
    let app = TestApp::start(b).await;
    // After the demo catalogue's seeding (at NOW).
    app.clock.set_ms((NOW + 10) * 1000);
    upsert(
        &app,
        "products",
        json!([product("prod-films", "SUBSCRIPTION", None)]),
    )
    .await;
    let films = json!([
        editorial("ed-a", &["prod-films"], &[]),
        editorial("ed-b", &["prod-films"], &[])
    ]);
    upsert(&app, "editorials", films.clone()).await;
    // The same batch again: idempotent.
    upsert(&app, "editorials", films).await;
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM contents WHERE editorial_id IN ('ed-a', 'ed-b')"
        )
        .await,
        4
    );
    let stored = json_of(
        app.operator(
            reqwest::Method::GET,
            "/metadata/operator/v1/catalogue/editorials/ed-a",
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(stored["technicals"][0]["drmId"], "DRM_ed-a_DASH");

    app.clock.set_ms((NOW + 60) * 1000);
    let r = ingest(
        &app,
        "editorials",
        json!({ "delete": ["ed-b", "ed-never"] }),
    )
    .await;
    let done = json_of(r, 200).await;
    assert_eq!(done["deleted"], 1);
    assert_eq!(v2(&app, r#"{"id":"ed-b"}"#).await["total_records"], 0);
    let access = alice(&app).await;
    assert_eq!(
        token(&app, &access, "DRM_ed-b_DASH").await.status(),
        404,
        "its technicals are gone from playback too"
    );
    json_of(
        app.operator(
            reqwest::Method::GET,
            "/metadata/operator/v1/catalogue/editorials/ed-b",
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;

    let since = (NOW + 30).to_string();
    let from = (NOW + 10).to_string();
    let later = json_of(
        mds(
            &app,
            "/changes",
            &[("since", since.as_str()), ("type", "vod")],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(later["total_records"], 1, "{later}");
    assert_eq!(later["changes"][0]["id"], "ed-b");
    assert_eq!(later["changes"][0]["action"], "delete");
    let all = json_of(
        mds(
            &app,
            "/changes",
            &[("since", from.as_str()), ("limit", "2"), ("page", "2")],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(all["total_records"], 3, "{all}");
    assert_eq!(all["changes"].as_array().unwrap().len(), 1);
    let none = json_of(
        mds(
            &app,
            "/changes",
            &[("since", from.as_str()), ("type", "channel")],
        )
        .await,
        200,
    )
    .await;
    assert_eq!(none["total_records"], 0);
    json_of(mds(&app, "/changes", &[("type", "films")]).await, 400).await;
    json_of(mds(&app, "/changes", &[("limit", "0")]).await, 400).await;
    json_of(mds(&app, "/changes", &[("limit", "1001")]).await, 400).await;
    app.stop().await;
}

crate::on_both_backends!(
    browsable_playable_and_ended_together,
    ppv_programme_sells_its_event_on_every_technical,
    refused_entries_are_named_and_nothing_is_written,
    deletes_reads_and_the_changes_list,
);
