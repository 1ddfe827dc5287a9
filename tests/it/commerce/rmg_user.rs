//! RMG user reads over real HTTP (lists with filter / sort / paging, one
//! entitlement, capabilities, device-playable entitlements, per-content
//! rights), the operator's status change reaching them on the next request,
//! and answers from memory with the store closed.

use playgate::core::status::ProductType;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{
    add_content, add_product, alice, content, grant, iso, product, refused, DAY, NOW,
};

async fn get(app: &TestApp, access: &str, path_and_query: &str) -> reqwest::Response {
    app.http
        .get(app.url(path_and_query))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

fn ids(page: &Value) -> Vec<&str> {
    page["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["_id"].as_str().unwrap())
        .collect()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn change_status(app: &TestApp, id: &str, status: &str) -> Value {
    let r = app
        .operator(Method::PUT, &format!("/rmg/v1/operator/entitlements/{id}"))
        .json(&json!({ "status": status }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await
}

/// The account's list: fields, default order, sort, paging, filters, count.
async fn lists_entitlements(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let all = json_of(get(&app, &access, "/rmg/v1/user/entitlements").await, 200).await;
    assert_eq!(all["totalRecords"], 3);
    assert_eq!(
        ids(&all),
        vec!["ent-alice-basic", "ent-alice-d2go", "ent-alice-sports"]
    );
    assert_eq!(
        all["resourceSet"][0],
        json!({
            "_id": "ent-alice-basic", "productId": "prod-basic", "accountId": "acc-active",
            "status": "SUBSCRIBED", "validityType": "ABSOLUTE", "productType": "SUBSCRIPTION",
            "validFrom": iso(NOW - DAY), "expiryDate": iso(NOW + 365 * DAY),
            "created": iso(NOW), "modified": iso(NOW),
            "isArchivable": false, "isFreemium": false
        })
    );
    let sorted = json_of(
        get(
            &app,
            &access,
            &format!(
                "/rmg/v1/user/entitlements?sort={}",
                enc(r#"[["productId",-1]]"#)
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        ids(&sorted),
        vec!["ent-alice-sports", "ent-alice-d2go", "ent-alice-basic"]
    );
    let page = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements?limit=2&page=2").await,
        200,
    )
    .await;
    assert_eq!(page["totalRecords"], 3);
    assert_eq!(ids(&page), vec!["ent-alice-sports"]);
    let by_offset = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements?limit=1&offset=1").await,
        200,
    )
    .await;
    assert_eq!(ids(&by_offset), vec!["ent-alice-d2go"]);
    let count = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements?limit=0").await,
        200,
    )
    .await;
    assert_eq!(
        (count["totalRecords"].as_i64(), ids(&count).len()),
        (Some(3), 0)
    );
    let filtered = json_of(
        get(
            &app,
            &access,
            &format!(
                "/rmg/v1/user/entitlements?filter={}",
                enc(r#"{"productId":{"$in":["prod-sports","prod-d2go","prod-none"]}}"#)
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&filtered), vec!["ent-alice-d2go", "ent-alice-sports"]);
    let none = get(
        &app,
        &access,
        &format!(
            "/rmg/v1/user/entitlements?filter={}",
            enc(r#"{"productId":"prod-premium"}"#)
        ),
    )
    .await;
    refused(none, 404, 40402).await;

    // One entitlement: the caller's own only.
    let one = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-alice-d2go").await,
        200,
    )
    .await;
    assert_eq!(one["productId"], "prod-d2go");
    refused(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-sam-basic").await,
        404,
        40402,
    )
    .await;
    refused(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-nothing").await,
        404,
        40402,
    )
    .await;
    app.stop().await;
}

/// An operator's UNSUBSCRIBED is visible to the next user read on this node;
/// the ended entitlement shows under a status filter only; a repeated change
/// modifies nothing; content tokens follow.
async fn operator_status_change_reaches_user_reads(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let w = change_status(&app, "ent-alice-sports", "UNSUBSCRIBED").await;
    assert_eq!(w, json!({ "matchedCount": 1, "modifiedCount": 1 }));
    let all = json_of(get(&app, &access, "/rmg/v1/user/entitlements").await, 200).await;
    assert_eq!(ids(&all), vec!["ent-alice-basic", "ent-alice-d2go"]);
    let ended = json_of(
        get(
            &app,
            &access,
            &format!(
                "/rmg/v1/user/entitlements?filter={}",
                enc(r#"{"status":"UNSUBSCRIBED"}"#)
            ),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&ended), vec!["ent-alice-sports"]);
    assert_eq!(ended["resourceSet"][0]["status"], "UNSUBSCRIBED");
    let one = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-alice-sports").await,
        200,
    )
    .await;
    assert_eq!(one["status"], "UNSUBSCRIBED");
    let again = change_status(&app, "ent-alice-sports", "UNSUBSCRIBED").await;
    assert_eq!(again, json!({ "matchedCount": 1, "modifiedCount": 0 }));
    // Unsubscribing the basic product stops its content playing.
    change_status(&app, "ent-alice-basic", "UNSUBSCRIBED").await;
    let r = app
        .http
        .post(app.url("/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    refused(r, 403, 40341).await;
    change_status(&app, "ent-alice-basic", "SUBSCRIBED").await;
    let listed = json_of(get(&app, &access, "/rmg/v1/user/entitlements").await, 200).await;
    assert_eq!(listed["totalRecords"], 2);
    // The operator's own reads and list see the change too.
    let op = json_of(
        app.operator(
            Method::GET,
            "/rmg/v1/operator/entitlements?accountId=acc-active&limit=10",
        )
        .send()
        .await
        .unwrap(),
        200,
    )
    .await;
    assert_eq!(op["totalRecords"], 3);
    let statuses: Vec<_> = op["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["_id"].as_str().unwrap(), e["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.contains(&("ent-alice-sports", "UNSUBSCRIBED")));
    assert!(statuses.contains(&("ent-alice-basic", "SUBSCRIBED")));
    let count = json_of(
        app.operator(Method::GET, "/rmg/v1/operator/entitlements?limit=0")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert!(count["totalRecords"].as_i64().unwrap() >= 3);
    assert!(count["resourceSet"].as_array().unwrap().is_empty());
    // Bad operator changes.
    for (path, body, status, code) in [
        (
            "/rmg/v1/operator/entitlements/ent-nothing",
            json!({ "status": "UNSUBSCRIBED" }),
            404,
            "40402:404",
        ),
        (
            "/rmg/v1/operator/entitlements/ent-alice-basic",
            json!({ "status": "PAUSED" }),
            400,
            "40000:400",
        ),
        (
            "/rmg/v1/operator/entitlements/ent-alice-basic",
            json!({ "expiryDate": iso(NOW - 30 * DAY) }),
            400,
            "40000:400",
        ),
        (
            "/rmg/v1/operator/entitlements/ent-alice-basic",
            json!({ "owner": "x" }),
            400,
            "40002:400",
        ),
    ] {
        let r = app
            .operator(Method::PUT, path)
            .json(&body)
            .send()
            .await
            .unwrap();
        let got = json_of(r, status).await;
        assert_eq!(got["resultCode"], code, "{body}");
    }
    let unchanged = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-alice-basic").await,
        200,
    )
    .await;
    assert_eq!(unchanged["expiryDate"], iso(NOW + 365 * DAY));
    app.stop().await;
}

/// Capabilities list only CAPABILITY products (404 when there are none);
/// the device list holds only what plays on the calling device now.
async fn capabilities_and_device_entitlements(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    refused(
        get(&app, &access, "/rmg/v1/user/capabilities").await,
        404,
        40402,
    )
    .await;
    add_product(&app, product("cap-hd", ProductType::Capability)).await;
    grant(&app, "ent-cap", "acc-active", "cap-hd", NOW - DAY, None).await;
    let caps = json_of(get(&app, &access, "/rmg/v1/user/capabilities").await, 200).await;
    assert_eq!(ids(&caps), vec!["ent-cap"]);
    assert_eq!(caps["resourceSet"][0]["productType"], "CAPABILITY");
    assert_eq!(caps["resourceSet"][0]["capabilityType"], "cap-hd");
    assert!(caps["resourceSet"][0].get("expiryDate").unwrap().is_null());

    // Not playable on this device: a class it does not have, an expired
    // entitlement, one that starts tomorrow.
    let mut stb_only = product("prod-stb-only", ProductType::Subscription);
    stb_only.device_classes = vec!["NoSuchClass".into()];
    add_product(&app, stb_only).await;
    add_content(&app, content("vod-stb"), Some("prod-stb-only")).await;
    grant(
        &app,
        "ent-stb",
        "acc-active",
        "prod-stb-only",
        NOW - DAY,
        None,
    )
    .await;
    grant(
        &app,
        "ent-old",
        "acc-active",
        "prod-premium",
        NOW - 30 * DAY,
        Some(NOW - DAY),
    )
    .await;
    grant(
        &app,
        "ent-later",
        "acc-active",
        "prod-premium",
        NOW + DAY,
        None,
    )
    .await;
    let all = json_of(
        get(&app, &access, "/rmg/v1/user/entitlements?limit=100").await,
        200,
    )
    .await;
    for id in ["ent-stb", "ent-old", "ent-later", "ent-cap"] {
        assert!(ids(&all).contains(&id), "{id} in the account's list");
    }
    let device = json_of(
        get(&app, &access, "/rmg/v1/user/device/entitlements").await,
        200,
    )
    .await;
    assert_eq!(
        ids(&device),
        vec![
            "ent-alice-basic",
            "ent-alice-d2go",
            "ent-alice-sports",
            "ent-cap"
        ]
    );
    app.stop().await;
}

/// Per-content rights through `decide`: usage rules of a grant, storage
/// allowed by a D2Go product, refusal codes, unknown content.
async fn content_authorisation(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let path = "/rmg/v1/user/action/authorisation/content";
    let r = json_of(
        get(&app, &access, &format!("{path}/DRM_vod-entitled_DASH")).await,
        200,
    )
    .await;
    assert_eq!(r["account"], "acc-active");
    let rights = &r["contentRights"];
    assert_eq!(rights["contentId"], "DRM_vod-entitled_DASH");
    assert_eq!(rights["filteringList"], json!([]));
    assert_eq!(rights["blockingList"], json!([]));
    assert_eq!(rights["blockIfOffNet"], false);
    assert_eq!(rights["usageRules"]["startDate"], iso(NOW - DAY));
    assert_eq!(rights["usageRules"]["expiryDate"], iso(NOW + 365 * DAY));
    assert_eq!(rights["usageRules"]["isStorageAllowed"], false);
    assert!(r["firstView"].is_null());
    let d2go = json_of(
        get(&app, &access, &format!("{path}/DRM_vod-d2go_DASH")).await,
        200,
    )
    .await;
    assert_eq!(
        d2go["contentRights"]["usageRules"]["isStorageAllowed"],
        true
    );
    refused(
        get(&app, &access, &format!("{path}/DRM_vod-premium_DASH")).await,
        403,
        40341,
    )
    .await;
    refused(
        get(&app, &access, &format!("{path}/DRM_nothing")).await,
        404,
        40402,
    )
    .await;
    app.stop().await;
}

/// Bad query options are 400 in the OPF envelope; no token is refused.
async fn bad_requests(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    for q in [
        format!("filter={}", enc("{not json")),
        format!("filter={}", enc(r#"{"owner":"x"}"#)),
        format!("filter={}", enc(r#"{"productId":{"$regex":"x"}}"#)),
        format!("sort={}", enc(r#"[["validFrom",0]]"#)),
        format!("sort={}", enc(r#"[["secret",1]]"#)),
        "limit=5000".to_owned(),
        "limit=x".to_owned(),
        "page=0".to_owned(),
        "page=1&offset=0".to_owned(),
        "colour=red".to_owned(),
    ] {
        let r = get(&app, &access, &format!("/rmg/v1/user/entitlements?{q}")).await;
        refused(r, 400, 40003).await;
    }
    let r = app
        .http
        .get(app.url("/rmg/v1/user/entitlements"))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert!(matches!(r.status().as_u16(), 401 | 403), "{}", r.status());
    let r = app
        .http
        .get(app.url("/rmg/v1/user/entitlements"))
        .header("nv-tenant-id", "other")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    app.stop().await;
}

/// With the store closed, every user read still answers from memory.
async fn answers_with_the_store_closed(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    app.state.store.close().await;
    let all = json_of(get(&app, &access, "/rmg/v1/user/entitlements").await, 200).await;
    assert_eq!(all["totalRecords"], 3);
    json_of(
        get(&app, &access, "/rmg/v1/user/entitlements/ent-alice-basic").await,
        200,
    )
    .await;
    json_of(
        get(&app, &access, "/rmg/v1/user/device/entitlements").await,
        200,
    )
    .await;
    json_of(
        get(
            &app,
            &access,
            "/rmg/v1/user/action/authorisation/content/DRM_vod-entitled_DASH",
        )
        .await,
        200,
    )
    .await;
    // The store-backed operator read says so instead.
    let r = app
        .operator(Method::GET, "/rmg/v1/operator/entitlements/ent-alice-basic")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    app.stop().await;
}

/// The MDS query language on the list: operators, `$or`, `fields`,
/// `skip`; an unknown operator is a 400 naming it.
async fn lists_with_the_query_language(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let list = |q: String| {
        let app = &app;
        let access = &access;
        async move { get(app, access, &format!("/rmg/v1/user/entitlements?{q}")).await }
    };
    let body = json_of(
        list(format!(
            "filter={}",
            enc(r#"{"$or":[{"productId":"prod-basic"},{"productType":{"$ne":"SUBSCRIPTION"}}]}"#)
        ))
        .await,
        200,
    )
    .await;
    // The same selection, made here from the whole list.
    let all = json_of(list(String::new()).await, 200).await;
    let expected: Vec<&str> = all["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["productId"] == "prod-basic" || e["productType"] != "SUBSCRIPTION")
        .map(|e| e["_id"].as_str().unwrap())
        .collect();
    assert!(
        expected.contains(&"ent-alice-basic") && expected.len() < 3,
        "{all}"
    );
    assert_eq!(ids(&body), expected);
    let body = json_of(
        list(format!(
            "filter={}&fields={}&limit=1&skip=1",
            enc(r#"{"validFrom":{"$lte":1900000000},"isArchivable":{"$in":[false,null]}}"#),
            enc(r#"["_id","productId"]"#)
        ))
        .await,
        200,
    )
    .await;
    assert_eq!(body["totalRecords"], 3);
    assert_eq!(
        body["resourceSet"],
        json!([{"_id": "ent-alice-d2go", "productId": "prod-d2go"}])
    );
    let r = list(format!("filter={}", enc(r#"{"productId":{"$regex":"x"}}"#))).await;
    let body = json_of(r, 400).await;
    assert!(
        body["result"].as_str().unwrap().contains("$regex"),
        "{body}"
    );
    let r = list(format!("filter={}", enc(r#"{"owner":"x"}"#))).await;
    let body = json_of(r, 400).await;
    assert!(body["result"].as_str().unwrap().contains("owner"), "{body}");
    app.stop().await;
}

crate::on_both_backends!(
    lists_with_the_query_language,
    lists_entitlements,
    operator_status_change_reaches_user_reads,
    capabilities_and_device_entitlements,
    content_authorisation,
    bad_requests,
    answers_with_the_store_closed
);
