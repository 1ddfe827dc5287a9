//! Security-relevant headers sent twice: every such header, on a request of
//! every face and route group that would otherwise succeed, is refused 400
//! in that face's envelope, naming the header; a repeated header that is
//! not security-relevant changes nothing.

use playgate::api::middleware::single_headers::SINGLE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::alice;

/// A request that succeeds as it is.
struct Case {
    face: &'static str,
    method: Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
    ok: u16,
}

fn request(app: &TestApp, case: &Case, extra: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let mut r = app.http.request(case.method.clone(), app.url(&case.path));
    for (n, v) in &case.headers {
        r = r.header(*n, v);
    }
    if let Some(b) = &case.body {
        r = r
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    for (n, v) in extra {
        r = r.header(*n, *v);
    }
    r
}

/// The face's code field, read from its envelope.
fn code(face: &str, body: &Value) -> String {
    match face {
        "opf" => body["resultCode"].as_str().unwrap_or_default().to_owned(),
        "adm" => body["errorCode"].to_string(),
        _ => body["code"].to_string(),
    }
}

fn message(face: &str, body: &Value) -> String {
    let m = if face == "opf" {
        &body["result"]
    } else {
        &body["message"]
    };
    m.as_str().unwrap_or_default().to_owned()
}

async fn a_security_header_sent_twice_is_refused(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let bearer = format!("Bearer {access}");
    let operator = format!("Bearer {DEMO_KEY}");
    let tenant = || ("nv-tenant-id", "demo".to_owned());
    let cases = [
        Case {
            face: "opf",
            method: Method::POST,
            path: "/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device".into(),
            headers: vec![tenant(), ("authorization", bearer.clone())],
            body: None,
            ok: 200,
        },
        Case {
            face: "opf",
            method: Method::POST,
            path: "/ias/v3/token/actions/signOnByUserNamePassword".into(),
            headers: vec![tenant()],
            body: Some(
                json!({"username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv"}),
            ),
            ok: 200,
        },
        Case {
            face: "opf",
            method: Method::POST,
            path: "/tvs/v1/token/actions/validate".into(),
            headers: vec![tenant(), ("authorization", bearer.clone())],
            body: None,
            ok: 200,
        },
        Case {
            face: "adm",
            method: Method::GET,
            path: "/adm/v1/accounts/acc-active".into(),
            headers: vec![tenant(), ("authorization", operator.clone())],
            body: None,
            ok: 200,
        },
        Case {
            face: "adm",
            method: Method::GET,
            path: "/adm/v1/user/devices/canIApproveADevice".into(),
            headers: vec![tenant(), ("authorization", bearer.clone())],
            body: None,
            ok: 200,
        },
        Case {
            face: "rocket",
            method: Method::GET,
            path: "/api/config?include=classification".into(),
            headers: vec![],
            body: None,
            ok: 200,
        },
        Case {
            face: "rocket",
            method: Method::POST,
            path: "/api/authorization".into(),
            headers: vec![],
            body: Some(
                json!({"email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"]}),
            ),
            ok: 200,
        },
    ];
    for case in &cases {
        let r = request(&app, case, &[]).send().await.unwrap();
        assert_eq!(r.status(), case.ok, "{} {}", case.method, case.path);
        // Repeated headers nothing reads as a credential: still fine.
        let r = request(
            &app,
            case,
            &[
                ("accept", "*/*"),
                ("accept", "application/json"),
                ("x-forwarded-for", "192.0.2.1"),
                ("x-forwarded-for", "192.0.2.2"),
            ],
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), case.ok, "{} {}", case.method, case.path);
        for name in SINGLE {
            // The case's own value again (or a harmless one), then another.
            let own = case
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .or_else(|| {
                    (*name == "content-type" && case.body.is_some())
                        .then(|| "application/json".to_owned())
                });
            let mut extra: Vec<(&str, &str)> = Vec::new();
            if own.is_none() {
                extra.push((name, "first"));
            }
            extra.push((name, "second"));
            let r = request(&app, case, &extra).send().await.unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().await.unwrap_or(Value::Null);
            assert_eq!(
                status, 400,
                "{name} twice on {} {}: {body}",
                case.method, case.path
            );
            let want = if case.face == "opf" {
                "40000:400".to_owned()
            } else {
                "40000".to_owned()
            };
            assert_eq!(
                code(case.face, &body),
                want,
                "{name} on {}: {body}",
                case.path
            );
            assert!(message(case.face, &body).contains(name), "{name}: {body}");
        }
    }
    // The edge authorizer (ADM envelope) and an unknown route.
    let r = app
        .http
        .get(app.url("/edge/v1/authorize?cdn=demo-akamai"))
        .header("nv-tenant-id", "demo")
        .header("X-Original-URI", "/vod/vod-entitled/seg.m4s?__token__=x")
        .header("X-Original-URI", "/vod/vod-premium/seg.m4s?__token__=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = app
        .http
        .get(app.url("/no/such/route"))
        .header("nv-tenant-id", "demo")
        .header("nv-tenant-id", "other")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    app.stop().await;
}

crate::on_both_backends!(a_security_header_sent_twice_is_refused);
