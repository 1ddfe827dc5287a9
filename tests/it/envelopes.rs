//! Every face answers bad input with a 4xx in its documented envelope:
//! OPF `{resultCode, localeMessage, requestId, result}`, ADM `{message, code,
//! errorCode}`, Rocket `{message, code}`.

use reqwest::Method;
use serde_json::Value;

use crate::harness::{json_of, Backend, TestApp, DEMO_KEY};

fn assert_opf(body: &Value, code: u32, status: u16, request_id: &str) {
    assert_eq!(body["resultCode"], format!("{code}:{status}"), "{body}");
    assert_eq!(body["localeMessage"], "none");
    assert_eq!(
        body["requestId"], request_id,
        "requestId is the correlation id"
    );
    assert!(
        body["result"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        4,
        "exactly the OPF fields: {body}"
    );
}

fn assert_adm(body: &Value, code: u32, status: u16) {
    assert_eq!(body["code"], status, "{body}");
    assert_eq!(body["errorCode"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        3,
        "exactly the ADM fields: {body}"
    );
}

fn assert_rocket(body: &Value, code: u32) {
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "exactly ServiceError's fields: {body}"
    );
}

async fn opf_face(b: Backend) {
    let app = TestApp::start(b).await;
    let path = "/rmg/v1/operator/entitlements";
    let xcid = "req-opf-1";
    let send = |body: &'static str, ct: &'static str| {
        app.operator(Method::POST, path)
            .header("x-correlation-id", xcid)
            .header("content-type", ct)
            .body(body)
    };
    // malformed JSON
    let r = send("{\"accountId\":", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-correlation-id"], xcid);
    assert_opf(&json_of(r, 400).await, 40002, 400, xcid);
    // valid JSON of the wrong shape (missing productId, unknown field)
    let r = send("{\"accountId\":\"acc-active\"}", "application/json")
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 400).await, 40002, 400, xcid);
    let r = send(
        "{\"accountId\":\"a\",\"productId\":\"p\",\"colour\":1}",
        "application/json",
    )
    .send()
    .await
    .unwrap();
    assert_opf(&json_of(r, 400).await, 40002, 400, xcid);
    // wrong content type
    let r = send("accountId=a", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 415).await, 41500, 415, xcid);
    // oversized body
    let big = format!(
        "{{\"accountId\":\"{}\",\"productId\":\"p\"}}",
        "a".repeat(70_000)
    );
    let r = app
        .operator(Method::POST, path)
        .header("x-correlation-id", xcid)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 413).await, 41300, 413, xcid);
    // unknown route
    let r = app
        .http
        .get(app.url("/ias/v3/nothing/here"))
        .header("x-correlation-id", xcid)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 404).await, 40400, 404, xcid);
    // wrong method on a known route
    let r = app
        .operator(Method::DELETE, path)
        .header("x-correlation-id", xcid)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 405).await, 40500, 405, xcid);
    // unknown tenant, missing tenant, malformed tenant
    let r = app
        .http
        .get(app.url("/rmg/v1/operator/entitlements/x"))
        .header("nv-tenant-id", "no-such-operator")
        .header("x-correlation-id", xcid)
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 404).await, 40401, 404, xcid);
    let r = app
        .http
        .get(app.url("/rmg/v1/operator/entitlements/x"))
        .header("x-correlation-id", xcid)
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 400).await, 40001, 400, xcid);
    let r = app
        .http
        .get(app.url("/rmg/v1/operator/entitlements/x"))
        .header("nv-tenant-id", "de mo/../x")
        .header("x-correlation-id", xcid)
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_opf(&json_of(r, 400).await, 40001, 400, xcid);
    // the v2 `tenantId` header is accepted too
    let r = app
        .http
        .get(app.url("/rmg/v1/operator/entitlements/ent-alice-basic"))
        .header("tenantId", "demo")
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["_id"], "ent-alice-basic");
    app.stop().await;
}

async fn adm_face(b: Backend) {
    let app = TestApp::start(b).await;
    let path = "/adm/v1/accounts";
    let post = |body: String, ct: &'static str| {
        app.operator(Method::POST, path)
            .header("content-type", ct)
            .body(body)
    };
    let r = post("{".into(), "application/json").send().await.unwrap();
    assert_adm(&json_of(r, 400).await, 40002, 400);
    let r = post("{\"username\":\"u@x\"}".into(), "text/plain")
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 415).await, 41500, 415);
    let r = app
        .operator(Method::POST, path)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 415).await, 41500, 415);
    let r = post(
        format!("{{\"username\":\"{}\"}}", "u".repeat(80_000)),
        "application/json",
    )
    .send()
    .await
    .unwrap();
    assert_adm(&json_of(r, 413).await, 41300, 413);
    let r = app
        .http
        .get(app.url("/adm/v1/no/such/route"))
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 404).await, 40400, 404);
    let r = app.operator(Method::PATCH, path).send().await.unwrap();
    assert_adm(&json_of(r, 405).await, 40500, 405);
    let r = app
        .http
        .get(app.url(path))
        .header("nv-tenant-id", "ghost")
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 404).await, 40401, 404);
    let r = app
        .http
        .get(app.url(path))
        .bearer_auth(DEMO_KEY)
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 400).await, 40001, 400);
    let r = app
        .operator(Method::GET, "/adm/v1/accounts?limit=ten")
        .send()
        .await
        .unwrap();
    assert_adm(&json_of(r, 400).await, 40003, 400);
    app.stop().await;
}

async fn rocket_face(b: Backend) {
    let app = TestApp::start(b).await;
    let path = "/api/itv/items/downloadable";
    let post = |body: String, ct: &'static str| {
        app.http
            .post(app.url(path))
            .header("content-type", ct)
            .body(body)
    };
    let r = post("{\"ids\":".into(), "application/json")
        .send()
        .await
        .unwrap();
    assert_rocket(&json_of(r, 400).await, 40002);
    let r = post("{\"ids\":7}".into(), "application/json")
        .send()
        .await
        .unwrap();
    assert_rocket(&json_of(r, 400).await, 40002);
    let r = post("ids=1".into(), "text/plain").send().await.unwrap();
    assert_rocket(&json_of(r, 415).await, 41500);
    let r = post(
        format!("{{\"ids\":\"{}\"}}", "1,".repeat(40_000)),
        "application/json",
    )
    .send()
    .await
    .unwrap();
    assert_rocket(&json_of(r, 413).await, 41300);
    let r = app
        .http
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_rocket(&json_of(r, 404).await, 40400);
    let r = app
        .http
        .delete(app.url("/api/config"))
        .send()
        .await
        .unwrap();
    assert_rocket(&json_of(r, 405).await, 40500);
    let r = app
        .http
        .get(app.url("/api/config"))
        .header("nv-tenant-id", "ghost")
        .send()
        .await
        .unwrap();
    assert_rocket(&json_of(r, 404).await, 40401);
    let r = app
        .http
        .get(app.url("/api/config?include=classification&device="))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "an empty optional query value is fine");
    app.stop().await;
}

crate::on_both_backends!(opf_face, adm_face, rocket_face);
