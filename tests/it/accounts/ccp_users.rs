//! CCP-2…5 over real HTTP: the people a profile follows, written whole by
//! the operator or the account's own user; ids checked against the
//! catalogue; a user token naming another account answers
//! 403 40307; another tenant's operator finds nothing (404); bad input
//! answered 400 with nothing written.

use reqwest::Method;
use serde_json::{json, Value};

use crate::catalogue::fixtures::second_tenant;
use crate::harness::{demo_call, json_of, scalar, Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::{alice, fay};

const ALICE_MAIN: &str = "/ccp/v1/users/account/acc-active/user/acc-active-main";

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    bearer: &str,
    body: Option<Value>,
) -> reqwest::Response {
    demo_call(app, bearer, method, path, body).await
}

async fn put(app: &TestApp, path: &str, bearer: &str, followed: Value) -> reqwest::Response {
    call(
        app,
        Method::PUT,
        path,
        bearer,
        Some(json!({ "followedPersonas": followed })),
    )
    .await
}

async fn rows(app: &TestApp) -> i64 {
    scalar(app, "SELECT COUNT(*) FROM ccp_users").await
}

async fn the_operator_writes_reads_lists_and_deletes(b: Backend) {
    let app = TestApp::start(b).await;
    let r = put(
        &app,
        ALICE_MAIN,
        DEMO_KEY,
        json!(["person-03", "person-01", "person-03"]),
    )
    .await;
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "private, no-store"
    );
    let written = json_of(r, 200).await;
    assert_eq!(
        written["followedPersonas"],
        json!(["person-03", "person-01"])
    );
    assert_eq!(written["accountId"], "acc-active");
    assert_eq!(written["userId"], "acc-active-main");
    let read = json_of(
        call(&app, Method::GET, ALICE_MAIN, DEMO_KEY, None).await,
        200,
    )
    .await;
    assert_eq!(read, written);

    // A record read back is a valid body; the list is replaced, `created` kept.
    let mut back = read.clone();
    back["followedPersonas"] = json!(["person-07"]);
    let again = json_of(
        call(&app, Method::PUT, ALICE_MAIN, DEMO_KEY, Some(back)).await,
        200,
    )
    .await;
    assert_eq!(again["followedPersonas"], json!(["person-07"]));
    assert_eq!(again["created"], written["created"]);

    put(
        &app,
        "/ccp/v1/users/account/acc-full/user/acc-full-main",
        DEMO_KEY,
        json!(["person-00"]),
    )
    .await;
    let all = json_of(
        call(&app, Method::GET, "/ccp/v1/users", DEMO_KEY, None).await,
        200,
    )
    .await;
    assert_eq!(all["totalRecords"], 2);
    let one = json_of(
        call(
            &app,
            Method::GET,
            "/ccp/v1/users?accountId=acc-full&limit=1&page=0",
            DEMO_KEY,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(one["totalRecords"], 1);
    assert_eq!(one["users"][0]["userId"], "acc-full-main");
    let second_page = json_of(
        call(
            &app,
            Method::GET,
            "/ccp/v1/users?limit=1&page=1",
            DEMO_KEY,
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(second_page["users"][0]["userId"], "acc-full-main");
    assert_eq!(second_page["totalRecords"], 2);

    let gone = call(&app, Method::DELETE, ALICE_MAIN, DEMO_KEY, None).await;
    assert_eq!(gone.status(), 204);
    assert_eq!(
        call(&app, Method::GET, ALICE_MAIN, DEMO_KEY, None)
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&app, Method::DELETE, ALICE_MAIN, DEMO_KEY, None)
            .await
            .status(),
        404
    );
    assert_eq!(rows(&app).await, 1);
    app.stop().await;
}

async fn unknown_people_and_bad_input_write_nothing(b: Backend) {
    let app = TestApp::start(b).await;
    json_of(
        put(&app, ALICE_MAIN, DEMO_KEY, json!(["person-01"])).await,
        200,
    )
    .await;
    let unknown = json_of(
        put(
            &app,
            ALICE_MAIN,
            DEMO_KEY,
            json!(["person-02", "nobody", "ghost"]),
        )
        .await,
        400,
    )
    .await;
    let said = unknown["result"].as_str().unwrap_or_default().to_owned()
        + unknown["message"].as_str().unwrap_or_default();
    assert!(said.contains("nobody, ghost"), "{unknown}");
    assert!(
        unknown["resultCode"].as_str().unwrap().ends_with(":400"),
        "{unknown}"
    );
    // A profile of another account, or none at all.
    for path in [
        "/ccp/v1/users/account/acc-active/user/acc-full-main",
        "/ccp/v1/users/account/acc-active/user/no-such-profile",
    ] {
        assert_eq!(
            put(&app, path, DEMO_KEY, json!([])).await.status(),
            404,
            "{path}"
        );
    }
    let too_many: Vec<String> = (0..501).map(|i| format!("p{i}")).collect();
    let bad_bodies = [
        json!({ "followedPersonas": too_many }),
        json!({ "followedPersonas": ["bad id"] }),
        json!({ "followedPersonas": ["bell\u{7}"] }),
        json!({ "followedPersonas": "person-01" }),
        json!({ "followedPersonas": [], "colour": "red" }),
        json!({ "followedPersonas": [], "accountId": "acc-full" }),
        json!({ "followedPersonas": [], "userId": "acc-active-kids" }),
        json!({}),
    ];
    for body in bad_bodies {
        let r = call(&app, Method::PUT, ALICE_MAIN, DEMO_KEY, Some(body.clone())).await;
        assert_eq!(r.status(), 400, "{body}");
    }
    for path in [
        "/ccp/v1/users/account/acc-active/user/a%07b",
        "/ccp/v1/users?limit=1001",
        "/ccp/v1/users?page=-1",
        "/ccp/v1/users?limit=ten",
        "/ccp/v1/users?accountId=a%0Ab",
        "/ccp/v1/users?colour=red",
    ] {
        let r = call(&app, Method::GET, path, DEMO_KEY, None).await;
        assert_eq!(r.status(), 400, "{path}");
    }
    // Nothing of the refused writes landed.
    let read = json_of(
        call(&app, Method::GET, ALICE_MAIN, DEMO_KEY, None).await,
        200,
    )
    .await;
    assert_eq!(read["followedPersonas"], json!(["person-01"]));
    assert_eq!(rows(&app).await, 1);
    app.stop().await;
}

async fn a_user_reaches_only_their_own_account(b: Backend) {
    let app = TestApp::start(b).await;
    let fay_path = "/ccp/v1/users/account/acc-full/user/acc-full-main";
    json_of(
        put(&app, fay_path, DEMO_KEY, json!(["person-05"])).await,
        200,
    )
    .await;

    let alice = alice(&app).await;
    let kids = "/ccp/v1/users/account/acc-active/user/acc-active-kids";
    let mine = json_of(put(&app, kids, &alice, json!(["person-09"])).await, 200).await;
    assert_eq!(mine["followedPersonas"], json!(["person-09"]));
    assert_eq!(
        call(&app, Method::GET, kids, &alice, None).await.status(),
        200
    );

    // Fay's account and a made-up one answer alike: 403 40307, no data.
    let made_up = "/ccp/v1/users/account/acc-nobody/user/acc-nobody-main";
    for path in [fay_path, made_up] {
        for method in [Method::GET, Method::DELETE] {
            let r = call(&app, method.clone(), path, &alice, None).await;
            let body = json_of(r, 403).await;
            assert_eq!(body["resultCode"], "40307:403", "{method} {path}");
            assert!(!body.to_string().contains("person-05"));
        }
        assert_eq!(put(&app, path, &alice, json!([])).await.status(), 403);
    }
    let listed = call(
        &app,
        Method::GET,
        "/ccp/v1/users?accountId=acc-full",
        &alice,
        None,
    )
    .await;
    assert_eq!(json_of(listed, 403).await["resultCode"], "40307:403");
    let own = json_of(
        call(&app, Method::GET, "/ccp/v1/users", &alice, None).await,
        200,
    )
    .await;
    assert_eq!(own["totalRecords"], 1);
    assert_eq!(own["users"][0]["userId"], "acc-active-kids");
    // Fay's list is as it was.
    let fay_token = fay(&app, "dev-fay-1").await;
    let hers = json_of(
        call(&app, Method::GET, fay_path, &fay_token, None).await,
        200,
    )
    .await;
    assert_eq!(hers["followedPersonas"], json!(["person-05"]));

    // No credential, a wrong one, another tenant's operator.
    let none = app
        .http
        .get(app.url(ALICE_MAIN))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(
        call(&app, Method::GET, ALICE_MAIN, "not-a-key", None)
            .await
            .status(),
        401
    );
    let other_key = second_tenant(&app, "other").await;
    let other = app
        .http
        .get(app.url(kids))
        .header("nv-tenant-id", "other")
        .bearer_auth(&other_key)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    // Alice's token is no key to the other tenant.
    let crossed = app
        .http
        .get(app.url(kids))
        .header("nv-tenant-id", "other")
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert!(
        matches!(crossed.status().as_u16(), 401 | 403),
        "{}",
        crossed.status()
    );
    app.stop().await;
}

crate::on_both_backends!(
    the_operator_writes_reads_lists_and_deletes,
    unknown_people_and_bad_input_write_nothing,
    a_user_reaches_only_their_own_account,
);
