//! MDS lists over real HTTP, from memory: each list with the query forms
//! deployed apps send (§2.8: `$and` of ranges, `$or` with `$exists`, `$in`
//! with `null` and `""`, device types as a value or `$in`, `skip`, `fields`,
//! `limit` up to 10,000), the VOD visibility default, locales, the shapes
//! apps read, `ETag` / `304` / `Cache-Control`, every bad-input rule in the
//! OPF envelope, another tenant's catalogue kept apart, and answers with
//! the store closed.

use serde_json::{json, Value};

use super::fixtures::{
    editorial, mds_of, product, programme, second_tenant, service, upsert_as, Tenant, DAY, NOW,
};
use crate::harness::{json_of, Backend, TestApp};

/// The tenant these lists run on: provisioned fresh, so the demo
/// catalogue is not in them.
const ACME: &str = "acme";

async fn mds(app: &TestApp, path: &str, query: &[(&str, &str)]) -> reqwest::Response {
    mds_of(app, ACME, path, query).await
}

/// Tenant `acme` with the demo's rating levels, three services with six
/// hour-long programmes each from NOW; nodes, a series with a season, four
/// editorials (one hidden, one rated fsk16). Returns acme's operator key.
async fn catalogue(app: &TestApp) -> String {
    let key = second_tenant(app, ACME).await;
    copy_classifications(app).await;
    let t = Tenant {
        id: ACME,
        key: &key,
    };
    let upsert = |kind: &'static str, records: Value| upsert_as(app, t, kind, records);
    let mut ppv = product("prod-ppv", "PPV", None);
    ppv["domains"] = json!(["btv"]);
    let mut vod = product("prod-a", "SUBSCRIPTION", None);
    vod["domains"] = json!(["vod"]);
    upsert("products", json!([vod, ppv])).await;
    let node = |id: &str, parent: Option<&str>, order: i64| {
        json!({ "id": id, "parent": parent, "nodeOrder": order,
                "locales": { "en_GB": { "title": id } } })
    };
    upsert(
        "nodes",
        json!([
            node("n-root", None, 0),
            node("n-kids", Some("n-root"), 2),
            node("n-films", Some("n-root"), 1)
        ]),
    )
    .await;
    upsert(
        "series",
        json!([
            { "id": "ser-1", "type": "SERIES", "domain": "vod",
              "locales": { "en_GB": { "title": "Series One" } } },
            { "id": "sea-1", "type": "SEASON", "domain": "vod", "seriesRef": "ser-1",
              "seasonNumber": 1, "locales": { "en_GB": { "title": "Season 1" } } }
        ]),
    )
    .await;
    let mut episode = editorial("ed-2", &["prod-a"], &["n-kids"]);
    episode["type"] = json!("EPISODE");
    episode["seriesRef"] = json!("ser-1");
    episode["seasonRef"] = json!("sea-1");
    episode["episodeNumber"] = json!(1);
    let mut hidden = editorial("ed-3", &[], &["n-films"]);
    hidden["period"] = json!({ "start": NOW - 10 * DAY, "end": NOW - DAY });
    let mut rated = editorial("ed-4", &["prod-a"], &["n-films"]);
    rated["rating"] = json!("fsk16");
    upsert(
        "editorials",
        json!([
            editorial("ed-1", &["prod-a"], &["n-films"]),
            episode,
            hidden,
            rated
        ]),
    )
    .await;
    upsert(
        "services",
        json!([
            service("svc-1", 1, &[]),
            service("svc-2", 2, &["prod-a"]),
            service("svc-3", 3, &[])
        ]),
    )
    .await;
    let mut programmes = Vec::new();
    for s in ["svc-1", "svc-2", "svc-3"] {
        for h in 0..6 {
            programmes.push(programme(&format!("{s}-p{h}"), s, NOW + h * 3600, 60));
        }
    }
    // svc-1-p1 (NOW+1h..NOW+2h) is blacked out on 4G, live and catch-up.
    programmes[1]["blackouts"] =
        json!([{ "connectionTypes": ["4G"], "live": true, "catchUp": true }]);
    upsert("programmes", Value::Array(programmes)).await;
    key
}

/// The demo's FSK levels for acme too (written as the classification API
/// would, with its change entry).
async fn copy_classifications(app: &TestApp) {
    use playgate::store::changes::ChangeKind;
    let mut tx = app.state.store.write().await.unwrap();
    sqlx::query(
        "INSERT INTO classifications (tenant_id, code, system, name, level) \
         SELECT 'acme', code, system, name, level FROM classifications WHERE tenant_id = 'demo'",
    )
    .execute(tx.conn())
    .await
    .unwrap();
    tx.record_change(ACME, ChangeKind::Classification, "*", NOW)
        .await
        .unwrap();
    app.state.plane.commit(tx).await.unwrap();
}

async fn list(app: &TestApp, path: &str, query: &[(&str, &str)]) -> Value {
    json_of(mds(app, path, query).await, 200).await
}

fn ids(body: &Value, entity: &str) -> Vec<String> {
    body[entity]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

const V2: &str = "/v2/GLOBAL/vod/editorials";

async fn lists_answer_what_apps_send(b: Backend) {
    let app = TestApp::start(b).await;
    catalogue(&app).await;

    // Nodes: roots, children in order, the tree around each.
    let roots = list(
        &app,
        "/GLOBAL/vod/nodes",
        &[("filter", r#"{"isRoot":true}"#)],
    )
    .await;
    assert_eq!(ids(&roots, "nodes"), ["n-root"]);
    assert_eq!(roots["nodes"][0]["children"], json!(["n-films", "n-kids"]));
    let children = list(
        &app,
        "/GLOBAL/vod/nodes",
        &[
            ("filter", r#"{"parent":"n-root"}"#),
            ("sort", r#"[["nodeOrder",1]]"#),
        ],
    )
    .await;
    assert_eq!(ids(&children, "nodes"), ["n-films", "n-kids"]);
    assert_eq!(children["nodes"][0]["ancestors"], json!(["n-root"]));

    // Editorials: hidden ones only when asked.
    let visible = list(&app, V2, &[]).await;
    assert_eq!(ids(&visible, "editorials"), ["ed-1", "ed-2", "ed-4"]);
    let hidden = list(&app, V2, &[("filter", r#"{"isVisible":false}"#)]).await;
    assert_eq!(ids(&hidden, "editorials"), ["ed-3"]);
    for (filter, expected) in [
        (r#"{"nodeRefs":"n-films"}"#, vec!["ed-1", "ed-4"]),
        (r#"{"seriesRef":{"$in":[null,""]}}"#, vec!["ed-1", "ed-4"]),
        (
            r#"{"$or":[{"seriesRef":{"$exists":false}},{"seasonRef":"sea-1"}],"nodeRefs":{"$in":["n-kids"]}}"#,
            vec!["ed-2"],
        ),
        (
            r#"{"technical.deviceType":"iOS","productRefs":"prod-a"}"#,
            vec!["ed-1", "ed-2", "ed-4"],
        ),
        (r#"{"technicals.deviceType":{"$in":["SmartTV"]}}"#, vec![]),
        (r#"{"Rating.precedence":{"$gte":3}}"#, vec!["ed-4"]),
        (
            r#"{"$and":[{"Year":{"$gte":2001}},{"Year":{"$lt":2002}}],"type":"EPISODE"}"#,
            vec!["ed-2"],
        ),
        (r#"{"locale":"de_DE"}"#, vec![]),
    ] {
        let got = list(&app, V2, &[("filter", filter)]).await;
        assert_eq!(ids(&got, "editorials"), expected, "{filter}");
        assert_eq!(got["total_records"], expected.len(), "{filter}");
    }
    let sorted = list(
        &app,
        V2,
        &[("sort", r#"[["Title",-1]]"#), ("limit", "2"), ("skip", "1")],
    )
    .await;
    assert_eq!(sorted["total_records"], 3);
    assert_eq!(ids(&sorted, "editorials"), ["ed-2", "ed-1"]);
    let projected = list(
        &app,
        V2,
        &[
            ("filter", r#"{"id":"ed-1"}"#),
            ("fields", r#"["id","technicals.drmId"]"#),
            ("limit", "10000"),
        ],
    )
    .await;
    assert_eq!(
        projected["editorials"][0],
        json!({"id": "ed-1", "technicals": [{"drmId": "DRM_ed-1_DASH"}, {"drmId": "DRM_ed-1_HLS"}]})
    );
    let rated = list(&app, V2, &[("filter", r#"{"id":"ed-4"}"#)]).await;
    assert_eq!(rated["editorials"][0]["Rating"]["precedence"], 3);

    // v1: E-T-P-V rows with the node in the VOD item.
    let rows = list(
        &app,
        "/GLOBAL/vod/editorials",
        &[(
            "filter",
            r#"{"voditem.nodeRefs":"n-kids","technical.deviceType":{"$in":["PC"]}}"#,
        )],
    )
    .await;
    assert_eq!(rows["total_records"], 1);
    let row = &rows["editorials"][0];
    assert_eq!(
        (row["e"].as_str(), row["t"].as_str(), row["p"].as_str()),
        (Some("ed-2"), Some("ed-2-dash"), Some("prod-a"))
    );
    assert_eq!(row["voditem"]["contentRef"], "ed-2-dash");
    assert_eq!(row["isPurchasable"], true);

    // Series and products by domain.
    let seasons = list(
        &app,
        "/GLOBAL/vod/series",
        &[("filter", r#"{"type":"SEASON"}"#)],
    )
    .await;
    assert_eq!(ids(&seasons, "series"), ["sea-1"]);
    assert_eq!(
        list(&app, "/GLOBAL/btv/series", &[]).await["total_records"],
        0
    );
    assert_eq!(
        ids(&list(&app, "/GLOBAL/vod/products", &[]).await, "products"),
        ["prod-a"]
    );
    let ppv = list(
        &app,
        "/GLOBAL/btv/products",
        &[("filter", r#"{"type":"ppv"}"#)],
    )
    .await;
    assert_eq!(ids(&ppv, "products"), ["prod-ppv"]);
    assert_eq!(
        ppv["products"][0]["price"],
        json!({"amount": 4.99, "currency": "GBP"})
    );

    // Services: by number, the technical for the asked device.
    let services = list(
        &app,
        "/GLOBAL/btv/services",
        &[
            ("filter", r#"{"technical.deviceType":{"$in":["iOS"]}}"#),
            ("sort", r#"[["editorial.tvChannel",-1]]"#),
        ],
    )
    .await;
    assert_eq!(ids(&services, "services"), ["svc-3", "svc-2", "svc-1"]);
    let s = &services["services"][1];
    assert_eq!(s["technical"]["drmId"], "DRM_svc-2_HLS");
    assert_eq!(
        s["technical"]["NetworkLocation"],
        "https://cdn.example/live/svc-2.m3u8"
    );
    assert_eq!(s["editorial"]["productRefs"], json!(["prod-a"]));
    assert_eq!(s["editorial"]["tvChannel"], 2);

    // Programmes: a window over two channels, as apps ask it.
    let window = format!(
        r#"{{"$and":[{{"period.end":{{"$gt":{}}}}},{{"period.start":{{"$lt":{}}}}}],"serviceRef":{{"$in":["svc-1","svc-2"]}}}}"#,
        NOW + 3600,
        NOW + 3 * 3600
    );
    let epg = list(
        &app,
        "/GLOBAL/btv/programmes",
        &[("filter", &window), ("sort", r#"[["period.start",1]]"#)],
    )
    .await;
    assert_eq!(
        ids(&epg, "programmes"),
        ["svc-1-p1", "svc-2-p1", "svc-1-p2", "svc-2-p2"]
    );
    let p = &epg["programmes"][0];
    assert_eq!(p["period"], json!({"start": NOW + 3600, "end": NOW + 7200}));
    assert_eq!(
        (p["serviceRef"].as_str(), p["duration"].as_i64()),
        (Some("svc-1"), Some(3600))
    );
    let running = list(
        &app,
        "/GLOBAL/btv/programmes",
        &[(
            "filter",
            &format!(
                r#"{{"period.start":{{"$lte":{0}}},"period.end":{{"$gt":{0}}}}}"#,
                NOW + 90
            ),
        )],
    )
    .await;
    assert_eq!(running["total_records"], 3, "one running on each channel");

    // MDS-7: what a connection type may not watch, over a window.
    let path = "/GLOBAL/btv/blackout_programmes";
    let banned = list(&app, path, &[("connection_type", "4g")]).await;
    assert_eq!(banned["total_records"], 1, "{banned}");
    assert_eq!(
        banned["blackout_programmes"][0],
        json!({"id": "svc-1-p1", "serviceRef": "svc-1", "live": true, "so": false, "cu": true,
               "period": {"start": NOW + 3600, "end": NOW + 7200}})
    );
    assert_eq!(
        list(&app, path, &[("connection_type", "WIFI")]).await["total_records"],
        0
    );
    let later = (NOW + 3 * 3600).to_string();
    assert_eq!(
        list(
            &app,
            path,
            &[("connection_type", "4G"), ("start", later.as_str())]
        )
        .await["total_records"],
        0
    );
    for bad in [
        vec![],
        vec![("connection_type", "4G"), ("start", "100"), ("end", "50")],
        vec![("connection_type", "4G"), ("limit", "0")],
    ] {
        json_of(mds(&app, path, &bad).await, 400).await;
    }
    app.stop().await;
}

async fn bad_input_caching_tenants_and_no_store(b: Backend) {
    let app = TestApp::start(b).await;
    let key = catalogue(&app).await;
    for (query, why) in [
        (vec![("filter", "{not json")], "malformed"),
        (
            vec![("filter", r#"{"id":{"$regex":"x"}}"#)],
            "unknown operator",
        ),
        (vec![("filter", r#"{"colour":"x"}"#)], "unknown field"),
        (
            vec![("filter", r#"{"period.start":{"$lt":"x"}}"#)],
            "wrong type",
        ),
        (vec![("filter", r#"{"Year":"2001"}"#)], "wrong type"),
        (
            vec![(
                "filter",
                &*format!(
                    "{}{{\"id\":\"x\"}}{}",
                    r#"{"$and":["#.repeat(10),
                    "]}".repeat(10)
                ),
            )],
            "too deep",
        ),
        (vec![("limit", "10001")], "limit"),
        (vec![("limit", "-1")], "limit"),
        (vec![("sort", r#"[["Title",2]]"#)], "sort"),
        (vec![("sort", r#"[["technicals.drmId",1]]"#)], "unsortable"),
        (vec![("fields", r#"["nope"]"#)], "fields"),
        (vec![("offset", "1"), ("skip", "1")], "offset and skip"),
        (vec![("colour", "blue")], "unknown parameter"),
        (vec![("filter", "{\"id\":\"a\u{7}\"}")], "control character"),
    ] {
        let body = json_of(mds(&app, V2, &query).await, 400).await;
        assert!(
            body["resultCode"].as_str().unwrap().ends_with(":400"),
            "{why}: {body}"
        );
    }
    let body = json_of(mds(&app, "/NOPE/vod/nodes", &[]).await, 404).await;
    assert!(body["result"].as_str().unwrap().contains("provider"));

    // ETag, 304, Cache-Control; cache=false.
    let first = mds(&app, V2, &[]).await;
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "public, max-age=600");
    let again = app
        .http
        .get(app.url(&format!("/metadata/delivery{V2}")))
        .header("nv-tenant-id", ACME)
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());
    let uncached = mds(&app, V2, &[("cache", "false")]).await;
    assert_eq!(uncached.headers()["cache-control"], "no-store");
    let acme = Tenant {
        id: ACME,
        key: &key,
    };
    upsert_as(
        &app,
        acme,
        "editorials",
        json!([editorial("ed-9", &[], &[])]),
    )
    .await;
    let changed = mds(&app, V2, &[]).await;
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);

    // Another tenant sees none of it, and its operator cannot write here.
    let r = mds_of(
        &app,
        "demo",
        V2,
        &[("filter", r#"{"id":{"$in":["ed-1","ed-9"]}}"#)],
    )
    .await;
    let other = json_of(r, 200).await;
    assert_eq!(other["total_records"], 0, "{other}");
    let r = super::fixtures::ingest_as(
        &app,
        Tenant {
            id: "demo",
            key: &key,
        },
        "editorials",
        json!({ "delete": ["ed-vod-entitled"] }),
    )
    .await;
    assert_eq!(r.status(), 401, "acme's key is not demo's");

    // From memory: the store closed, lists still answer.
    app.state.store.close().await;
    let listed = list(&app, "/GLOBAL/btv/services", &[]).await;
    assert_eq!(listed["total_records"], 3);
    app.stop().await;
}

crate::on_both_backends!(
    lists_answer_what_apps_send,
    bad_input_caching_tenants_and_no_store
);
