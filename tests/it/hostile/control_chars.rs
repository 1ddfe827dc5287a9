//! Control characters in every text field of JSON bodies across the faces
//! and contexts: each string of each body, in turn, gets a control
//! character (NUL, newline, ESC, DEL, a C1 code) and the request is refused
//! 400 in the face's envelope naming that field, with nothing written (the
//! change feed does not move). Query and path values too. That every body
//! reaches a handler through the one checking extractor is held by
//! `every_body_is_read_through_the_checking_extractors`.

use std::path::Path;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{repo_path, scalar, Backend, TestApp, DEMO_KEY};
use crate::playback::content_token::alice;

/// A JSON request that is valid as it is.
struct Body {
    face: &'static str,
    method: Method,
    path: &'static str,
    auth: Auth,
    body: Value,
}

#[derive(Clone, Copy)]
enum Auth {
    None,
    User,
    Operator,
}

const CONTROLS: [char; 5] = ['\u{0}', '\n', '\u{1b}', '\u{7f}', '\u{85}'];

/// Every string leaf of `v`, as (path, pointer).
fn string_leaves(v: &Value, path: String, pointer: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(_) => out.push((path, pointer)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, format!("{path}[{i}]"), format!("{pointer}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                string_leaves(item, p, format!("{pointer}/{k}"), out);
            }
        }
        _ => {}
    }
}

fn bodies() -> Vec<Body> {
    let device = json!({"deviceType": "OPEN", "playoutDeviceClass": "Mobile",
        "device": {"hardware": {"manufacturer": "Acme", "model": "Phone", "type": "phone"}}});
    vec![
        Body {
            face: "opf",
            method: Method::POST,
            path: "/ias/v3/token/actions/signOnByUserNamePassword",
            auth: Auth::None,
            body: json!({"username": "alice@demo.playgate", "password": "alice-demo-pass", "deviceInformation": device}),
        },
        Body {
            face: "opf",
            method: Method::POST,
            path: "/ias/v3/token/actions/selfServiceToken",
            auth: Auth::None,
            body: json!({"username": "alice@demo.playgate", "password": "alice-demo-pass"}),
        },
        Body {
            face: "adm",
            method: Method::POST,
            path: "/adm/v1/accounts",
            auth: Auth::Operator,
            body: json!({"_id": "crm-1", "username": "bob@demo.playgate", "password": "bob-demo-pass", "firstName": "Bob", "lastName": "Builder"}),
        },
        Body {
            face: "adm",
            method: Method::PUT,
            path: "/adm/v1/accounts/acc-active",
            auth: Auth::Operator,
            body: json!({"firstName": "Alice", "lastName": "Liddell"}),
        },
        Body {
            face: "opf",
            method: Method::POST,
            path: "/rmg/v1/operator/entitlements",
            auth: Auth::Operator,
            body: json!({"accountId": "acc-active", "productId": "prod-premium", "expiryDate": "2027-01-01T00:00:00Z"}),
        },
        Body {
            face: "adm",
            method: Method::POST,
            path: "/adm/v1/user/accounts/actions/validatePin",
            auth: Auth::User,
            body: json!({"type": "ParentalPin", "value": "1234"}),
        },
        Body {
            face: "adm",
            method: Method::PUT,
            path: "/adm/v1/user/accounts/parentalControl/actions/updateRatingsThresholds",
            auth: Auth::User,
            body: json!({"FSK": "fsk16"}),
        },
        Body {
            face: "adm",
            method: Method::PUT,
            path: "/adm/v1/cdns/probe-cdn",
            auth: Auth::Operator,
            body: json!({"name": "probe", "scheme": "akamai", "settings": {"baseUrl": "https://probe.example"}, "default": false}),
        },
        Body {
            face: "adm",
            method: Method::POST,
            path: "/adm/v1/devices/amendapprovals/acc-active",
            auth: Auth::Operator,
            body: json!({"deviceToApprove": "dev-alice-tv"}),
        },
        Body {
            face: "opf",
            method: Method::PUT,
            path: "/ags/operator/authServices/probe-sso",
            auth: Auth::Operator,
            body: json!({"displayName": "Probe login", "registrationTypes": ["tvkey"]}),
        },
        Body {
            face: "rocket",
            method: Method::POST,
            path: "/api/authorization",
            auth: Auth::None,
            body: json!({"email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"]}),
        },
        Body {
            face: "rocket",
            method: Method::POST,
            path: "/api/authorization/device/code",
            auth: Auth::None,
            body: json!({"id": "SN-PROBE", "name": "Probe TV", "type": "smart_tv"}),
        },
        Body {
            face: "rocket",
            method: Method::POST,
            path: "/api/itv/items/downloadable",
            auth: Auth::None,
            body: json!({"ids": "vod-d2go,vod-entitled"}),
        },
    ]
}

fn send(app: &TestApp, b: &Body, body: &Value, access: &str) -> reqwest::RequestBuilder {
    let mut r = app
        .http
        .request(b.method.clone(), app.url(b.path))
        .header("nv-tenant-id", "demo")
        .header("content-type", "application/json")
        .body(body.to_string());
    if b.path.starts_with("/ags/") {
        r = r.header("x-auth-service-id", "demo-sso");
    }
    match b.auth {
        Auth::None => r,
        Auth::User => r.bearer_auth(access),
        Auth::Operator => r.bearer_auth(DEMO_KEY),
    }
}

fn envelope(face: &str, body: &Value) -> (String, String) {
    match face {
        "opf" => (
            body["resultCode"].as_str().unwrap_or_default().into(),
            body["result"].as_str().unwrap_or_default().into(),
        ),
        "adm" => (
            body["errorCode"].to_string(),
            body["message"].as_str().unwrap_or_default().into(),
        ),
        _ => (
            body["code"].to_string(),
            body["message"].as_str().unwrap_or_default().into(),
        ),
    }
}

async fn control_characters_are_refused_in_every_field(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    let head = "SELECT COALESCE(MAX(id), 0) FROM changes";
    let before = scalar(&app, head).await;
    let mut checked = 0;
    for body in bodies() {
        let mut leaves = Vec::new();
        string_leaves(&body.body, String::new(), String::new(), &mut leaves);
        assert!(!leaves.is_empty(), "{}", body.path);
        for (field, pointer) in &leaves {
            for c in CONTROLS {
                let mut bad = body.body.clone();
                let s = bad.pointer_mut(pointer).unwrap();
                *s = Value::String(format!("{}{c}x", s.as_str().unwrap()));
                let r = send(&app, &body, &bad, &access).send().await.unwrap();
                let status = r.status().as_u16();
                let answer: Value = r.json().await.unwrap_or(Value::Null);
                let (code, message) = envelope(body.face, &answer);
                assert_eq!(
                    status, 400,
                    "{} {field} U+{:04X}: {answer}",
                    body.path, c as u32
                );
                let want = if body.face == "opf" {
                    "40000:400"
                } else {
                    "40000"
                };
                assert_eq!(code, want, "{} {field}: {answer}", body.path);
                assert!(
                    message.contains(field.as_str()),
                    "{} names {field}: {answer}",
                    body.path
                );
                assert!(!message.contains(c), "the value is not echoed");
                checked += 1;
            }
        }
        // A key holding one.
        let mut bad = body.body.clone();
        if let Value::Object(map) = &mut bad {
            map.insert("x\u{0}y".into(), json!(1));
        }
        let r = send(&app, &body, &bad, &access).send().await.unwrap();
        assert_eq!(r.status(), 400, "{} with a bad key", body.path);
    }
    assert!(checked > 100, "{checked}");
    assert_eq!(scalar(&app, head).await, before, "nothing was written");

    // Query and path values: hot and admin routes alike.
    let query_cases = [
        (Method::POST, "/ias/v2/content_token?content_id=DRM_vod-entitled_DASH%00&type=device"),
        (Method::GET, "/urlbuilder/v1/playout/content/token?content_id=DRM_vod-entitled_DASH&content_URL=https://cdn.demo.playgate/vod/vod-entitled/m%0A.mpd"),
        (Method::GET, "/adm/v1/accounts?limit=10%00"),
        (Method::POST, "/ias/v2/token?grant_type=password&username=alice%40demo.playgate%00&password=alice-demo-pass"),
    ];
    for (method, path) in query_cases {
        let bearer = if path.starts_with("/adm") {
            DEMO_KEY
        } else {
            access.as_str()
        };
        let r = app
            .http
            .request(method, app.url(path))
            .header("nv-tenant-id", "demo")
            .bearer_auth(bearer)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body.to_string().contains("control characters"),
            "{path}: {body}"
        );
    }
    let r = app
        .operator(Method::GET, "/adm/v1/accounts/acc-active%00")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    app.stop().await;
}

crate::on_both_backends!(control_characters_are_refused_in_every_field);

/// Every handler reads its body through `JsonBody` / `OptionalJsonBody` /
/// `CsvBody` (which check control characters and size), never through
/// axum's own `Json`, `Form`, `Bytes` or `String` extractors.
#[test]
fn every_body_is_read_through_the_checking_extractors() {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&repo_path("src/api"), &mut files);
    let mut bodies = 0;
    for file in files {
        if file.ends_with("extract/body.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            bodies += code.matches("JsonBody(").count();
            for bad in [
                "): Json<",
                "): Form<",
                ": Bytes,",
                ": Bytes)",
                "body: String",
            ] {
                assert!(
                    !code.contains(bad),
                    "{}:{}: read bodies through the checking extractors: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
    assert!(bodies > 30, "{bodies}");
}
