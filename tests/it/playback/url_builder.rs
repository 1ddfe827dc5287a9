//! URL Builder over real HTTP: CDNs configured through the operator API,
//! each of the six schemes signing the manifest's directory, key rotation
//! seen through the edge authorizer, the CDN the content names, bad input,
//! and answers from memory with the store closed.

use base64::Engine as _;
use playgate::core::cdn::akamai::{Alg, EdgeAuth};
use playgate::core::cdn::cat::{Cat, CatRequest, MacAlg};
use playgate::core::cdn::{CdnError, CdnScheme, EdgeRequest};
use playgate::store::changes::ChangeKind;
use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{alice, refused, write, NOW};

pub(crate) const ENTITLED: &str = "DRM_vod-entitled_DASH";
/// The demo content's manifest (its `playback_url`).
pub(crate) const MANIFEST: &str = "https://cdn.demo.playgate/vod/vod-entitled/manifest.mpd";
pub(crate) const AKAMAI_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) async fn put_cdn(
    app: &TestApp,
    id: &str,
    scheme: &str,
    settings: Value,
    default: bool,
) -> reqwest::Response {
    app.operator(Method::PUT, &format!("/adm/v1/cdns/{id}"))
        .json(&json!({ "name": id, "scheme": scheme, "settings": settings, "default": default }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn add_key(
    app: &TestApp,
    cdn: &str,
    key: &str,
    secret: &str,
    active: bool,
) -> reqwest::Response {
    app.operator(Method::POST, &format!("/adm/v1/cdns/{cdn}/keys"))
        .json(&json!({ "keyId": key, "secret": secret, "active": active }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn url_builder(
    app: &TestApp,
    access: &str,
    query: &[(&str, &str)],
) -> reqwest::Response {
    app.http
        .get(app.url("/urlbuilder/v1/playout/content/token"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .query(query)
        .send()
        .await
        .unwrap()
}

/// The URL Builder's answer (200) for the entitled demo content at `url`.
pub(crate) async fn signed_for(app: &TestApp, access: &str, url: &str) -> Value {
    let r = url_builder(
        app,
        access,
        &[("content_id", ENTITLED), ("content_URL", url)],
    )
    .await;
    json_of(r, 200).await
}

pub(crate) async fn authorize(
    app: &TestApp,
    cdn: &str,
    uri: &str,
    headers: &[(&str, &str)],
) -> u16 {
    let mut r = app
        .http
        .get(app.url(&format!("/edge/v1/authorize?cdn={cdn}")))
        .header("nv-tenant-id", "demo")
        .header("X-Original-URI", uri);
    for (n, v) in headers {
        r = r.header(*n, *v);
    }
    r.send().await.unwrap().status().as_u16()
}

/// The demo's Akamai CDN (on the demo contents' host, the default),
/// signing with a key the test knows.
pub(crate) async fn akamai_cdn(app: &TestApp) {
    let r = add_key(app, "demo-akamai", "k1", AKAMAI_KEY, true).await;
    assert_eq!(r.status(), 201);
}

/// Removes the demo CDN, for a test that puts its own on the demo host.
pub(crate) async fn without_demo_cdn(app: &TestApp) {
    let r = app
        .operator(Method::DELETE, "/adm/v1/cdns/demo-akamai")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
}

/// Moves a demo content's playback location to `url`.
pub(crate) async fn move_content(app: &TestApp, id: &str, url: &str) {
    let sql = format!("UPDATE contents SET playback_url = '{url}' WHERE id = '{id}'");
    write(app, &[&sql], &[(ChangeKind::Content, id)]).await;
}

/// The content token in a URL Builder answer verifies (the content-token
/// tests check its claims; here, that it is the same path).
fn check_content_token(body: &Value) {
    let auth = &body["contentAuthToken"];
    assert_eq!(auth["token_type"], "Bearer");
    assert_eq!(
        auth["content_token"].as_str().unwrap().split('.').count(),
        3
    );
}

async fn signs_with_each_scheme(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;

    // Akamai: an ACL token over the manifest's directory, in the query.
    let body = json_of(
        url_builder(
            &app,
            &access,
            &[("content_id", ENTITLED), ("type", "device")],
        )
        .await,
        200,
    )
    .await;
    check_content_token(&body);
    assert_eq!(body["cdnType"], "akamai");
    assert_eq!(body["cdnId"], "demo-akamai");
    assert_eq!(body["cdnTokenPlacement"], "query");
    assert_eq!(body["cdnTokenName"], "__token__");
    let token = body["cdnAccessToken"].as_str().unwrap();
    assert_eq!(body["playbackUrl"], format!("{MANIFEST}?__token__={token}"));
    assert!(token.contains("acl=/vod/vod-entitled/*"), "{token}");
    let expires = body["cdnTokenExpires"].as_i64().unwrap();
    assert_eq!(expires, NOW + 3600, "the CDN's default lifetime");
    let edge = EdgeAuth::new(AKAMAI_KEY, Alg::Sha256, None, "__token__").unwrap();
    let at = |path| EdgeRequest {
        path,
        client_ip: None,
        now: NOW + 60,
    };
    assert_eq!(
        edge.verify(token, &at("/vod/vod-entitled/video/seg_1.m4s")),
        Ok(())
    );
    assert_eq!(
        edge.verify(token, &at("/vod/other/manifest.mpd")),
        Err(CdnError::OutOfScope)
    );

    // The other five, each on its own host.
    let pem = std::fs::read_to_string(crate::harness::repo_path(
        "tests/data/cloudfront_rsa2048_test_key.pem",
    ))
    .unwrap();
    let cat_secret = b64(&[9; 32]);
    let cases = [
        (
            "cf",
            "cloudfront",
            json!({"baseUrl": "https://d1.cloudfront.net"}),
            "K2JCJMDEHXQW5F",
            pem.clone(),
        ),
        (
            "gcdn",
            "google-cloud-cdn",
            json!({"baseUrl": "https://g.cdn.example"}),
            "gkey",
            b64(&[3; 16]),
        ),
        (
            "media",
            "media-cdn",
            json!({"baseUrl": "https://m.cdn.example"}),
            "mkey",
            b64(&[5; 32]),
        ),
        (
            "edge",
            "nginx",
            json!({"baseUrl": "http://n.cdn.example", "expression": "{expires}{uri} {secret}", "tokenLocation": "/s"}),
            "nkey",
            "nginx-secret".to_owned(),
        ),
        (
            "cat",
            "cat",
            json!({"baseUrl": "https://c.cdn.example", "issuer": "playgate"}),
            "ckey",
            cat_secret.clone(),
        ),
    ];
    for (id, scheme, settings, key, secret) in &cases {
        assert_eq!(
            put_cdn(&app, id, scheme, settings.clone(), false)
                .await
                .status(),
            201,
            "{id}"
        );
        assert_eq!(
            add_key(&app, id, key, secret, true).await.status(),
            201,
            "{id}"
        );
        let base = settings["baseUrl"].as_str().unwrap();
        let manifest = format!("{base}/vod/vod-entitled/manifest.mpd");
        // The content is delivered from this CDN now: its location moves.
        move_content(&app, "vod-entitled", &manifest).await;
        let body = signed_for(&app, &access, &manifest).await;
        check_content_token(&body);
        assert_eq!(body["cdnType"], *scheme, "{id}");
        assert_eq!(body["cdnId"], *id);
        let url = body["playbackUrl"].as_str().unwrap();
        let token = body["cdnAccessToken"].as_str().unwrap();
        match *scheme {
            "nginx" => {
                assert_eq!(body["cdnTokenPlacement"], "path");
                assert_eq!(url, format!("{base}{token}manifest.mpd"));
            }
            "cat" => assert_eq!(url, format!("{manifest}?cat={token}")),
            _ => assert_eq!(url, format!("{manifest}?{token}")),
        }
        // The edge authorizer holds the same keys: a segment of the
        // manifest's directory is admitted, another directory is not.
        let (segment, other) = if *scheme == "nginx" {
            let moved = token.replace("/vod/vod-entitled/", "/vod/other/");
            (
                format!("{token}video/seg_1.m4s"),
                format!("{moved}video/seg_1.m4s"),
            )
        } else {
            let q = url.split_once('?').unwrap().1;
            (
                format!("/vod/vod-entitled/video/seg_1.m4s?{q}"),
                format!("/vod/other/seg_1.m4s?{q}"),
            )
        };
        let host = [("X-Original-Host", base.split_once("://").unwrap().1)];
        assert_eq!(
            authorize(&app, id, &segment, &host).await,
            200,
            "{id} {segment}"
        );
        assert_eq!(
            authorize(&app, id, &other, &host).await,
            403,
            "{id} {other}"
        );
    }
    // A CAT from the builder verifies with the key alone.
    let body = json_of(
        url_builder(
            &app,
            &access,
            &[
                ("content_id", ENTITLED),
                (
                    "content_URL",
                    "https://c.cdn.example/vod/vod-entitled/manifest.mpd",
                ),
            ],
        )
        .await,
        200,
    )
    .await;
    let key = Cat::new(&[9; 32], b"ckey", MacAlg::Hmac256)
        .unwrap()
        .with_issuer("playgate");
    let request = CatRequest {
        scheme: "https",
        host: "c.cdn.example",
        port: "",
        path: "/vod/vod-entitled/a.m4s",
        query: "",
        client_ip: None,
        now: NOW,
    };
    assert!(key
        .check(body["cdnAccessToken"].as_str().unwrap(), &request)
        .is_ok());

    // The operator's view: every CDN, key ids, no secrets.
    let list = json_of(
        app.operator(Method::GET, "/adm/v1/cdns")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(list["totalRecords"], 6);
    let text = list.to_string();
    assert!(
        !text.contains(AKAMAI_KEY) && !text.contains(&cat_secret) && !text.contains("PRIVATE KEY")
    );
    let akamai = list["resourceSet"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cdnId"] == "demo-akamai")
        .unwrap();
    assert_eq!(akamai["default"], true);
    assert_eq!(
        akamai["keys"][0]["keyId"], "demo-1",
        "made with the demo data"
    );
    assert_eq!(akamai["keys"][0]["active"], false);
    assert_eq!(akamai["keys"][1]["keyId"], "k1");
    assert_eq!(akamai["keys"][1]["active"], true);
    // One CDN per host.
    let settings = json!({"baseUrl": "https://cdn.demo.playgate"});
    let r = put_cdn(&app, "again", "akamai", settings, false).await;
    let body = json_of(r, 409).await;
    assert!(
        body["message"].as_str().unwrap().contains("demo-akamai"),
        "{body}"
    );
    app.stop().await;
}

/// Rotation: a new key verifies at once, signs once activated; the old
/// one's tokens keep passing the edge until the old key is removed.
async fn keys_rotate_without_refusing_a_player(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    without_demo_cdn(&app).await;
    let old = b64(&[1; 32]);
    let new = b64(&[2; 32]);
    assert_eq!(
        put_cdn(
            &app,
            "cat",
            "cat",
            json!({"baseUrl": "https://cdn.demo.playgate"}),
            true
        )
        .await
        .status(),
        201
    );
    assert_eq!(add_key(&app, "cat", "old", &old, true).await.status(), 201);
    let token_of = |body: Value| body["cdnAccessToken"].as_str().unwrap().to_owned();
    let first = token_of(
        json_of(
            url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
            200,
        )
        .await,
    );
    // Added, not active: still the old key signs (same claims, same bytes).
    assert_eq!(add_key(&app, "cat", "new", &new, false).await.status(), 201);
    let second = token_of(
        json_of(
            url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
            200,
        )
        .await,
    );
    assert_eq!(first, second);
    let r = app
        .operator(Method::POST, "/adm/v1/cdns/cat/keys/new/actions/activate")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let third = token_of(
        json_of(
            url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
            200,
        )
        .await,
    );
    assert_ne!(first, third);
    let seg = |t: &str| format!("/vod/vod-entitled/seg.m4s?cat={t}");
    assert_eq!(
        authorize(&app, "cat", &seg(&first), &[]).await,
        200,
        "the old key still verifies"
    );
    assert_eq!(authorize(&app, "cat", &seg(&third), &[]).await, 200);
    // The signing key cannot go; the old one can, and its tokens with it.
    let r = app
        .operator(Method::DELETE, "/adm/v1/cdns/cat/keys/new")
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 409).await["code"], 409);
    let r = app
        .operator(Method::DELETE, "/adm/v1/cdns/cat/keys/old")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(authorize(&app, "cat", &seg(&first), &[]).await, 403);
    assert_eq!(authorize(&app, "cat", &seg(&third), &[]).await, 200);
    // The same id twice: refused.
    assert_eq!(add_key(&app, "cat", "new", &new, false).await.status(), 409);
    app.stop().await;
}

/// The content's own CDN choice, rights capping the token, binding, and
/// decide's refusals (no CDN token for what may not play).
#[tokio::test]
async fn the_contents_cdn_binding_and_refusals() {
    let app = TestApp::start(Backend::Sqlite).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;
    let settings = json!({"baseUrl": "https://other.cdn.example", "bindClientIp": true, "bindSession": true, "ttlSeconds": 600});
    assert_eq!(
        put_cdn(&app, "bound", "akamai", settings, false)
            .await
            .status(),
        201
    );
    assert_eq!(
        add_key(&app, "bound", "k", AKAMAI_KEY, true).await.status(),
        201
    );
    // The content names its CDN: the URL must be on it.
    write(
        &app,
        &["UPDATE contents SET cdn_token_required = 1, cdn_id = 'bound' WHERE id = 'vod-entitled'"],
        &[(ChangeKind::Content, "vod-entitled")],
    )
    .await;
    let r = url_builder(&app, &access, &[("content_id", ENTITLED)]).await;
    let body = json_of(r, 400).await;
    assert!(
        body["result"]
            .as_str()
            .unwrap()
            .contains("not on CDN bound"),
        "{body}"
    );
    let on_bound = "https://other.cdn.example/vod/vod-entitled/manifest.mpd";
    move_content(&app, "vod-entitled", on_bound).await;
    let body = signed_for(&app, &access, on_bound).await;
    assert_eq!(body["cdnId"], "bound");
    assert_eq!(body["cdnTokenExpires"], NOW + 600);
    let token = body["cdnAccessToken"].as_str().unwrap();
    assert!(
        token.starts_with("ip=127.0.0.1~"),
        "bound to the client address: {token}"
    );
    assert!(token.contains("~id="), "bound to a session: {token}");
    // A CDN the tenant lacks: refused.
    write(
        &app,
        &["UPDATE contents SET cdn_id = 'gone' WHERE id = 'vod-entitled'"],
        &[(ChangeKind::Content, "vod-entitled")],
    )
    .await;
    let body = json_of(
        url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
        400,
    )
    .await;
    assert!(
        body["result"]
            .as_str()
            .unwrap()
            .contains("CDN gone is not configured"),
        "{body}"
    );
    // Required, no CDN named, and a host no CDN serves: refused; not
    // required: passed through unsigned.
    write(
        &app,
        &["UPDATE contents SET cdn_id = NULL WHERE id = 'vod-entitled'"],
        &[(ChangeKind::Content, "vod-entitled")],
    )
    .await;
    let elsewhere = "https://files.example/vod/vod-entitled/manifest.mpd";
    move_content(&app, "vod-entitled", elsewhere).await;
    let r = url_builder(
        &app,
        &access,
        &[("content_id", ENTITLED), ("content_URL", elsewhere)],
    )
    .await;
    assert!(json_of(r, 400).await["result"]
        .as_str()
        .unwrap()
        .contains("no CDN of this tenant"));
    write(
        &app,
        &["UPDATE contents SET cdn_token_required = 0 WHERE id = 'vod-entitled'"],
        &[(ChangeKind::Content, "vod-entitled")],
    )
    .await;
    let body = signed_for(&app, &access, elsewhere).await;
    assert_eq!(body["cdnType"], "none");
    assert_eq!(body["playbackUrl"], elsewhere);
    assert_eq!(body["cdnAccessToken"], Value::Null);
    // What decide refuses gets no CDN token.
    let r = url_builder(&app, &access, &[("content_id", "DRM_vod-unentitled_DASH")]).await;
    let body: Value = r.json().await.unwrap();
    assert!(body.get("cdnAccessToken").is_none(), "{body}");
    assert!(body["resultCode"].as_str().is_some(), "{body}");
    app.stop().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_400() {
    let app = TestApp::start(Backend::Sqlite).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;
    let long = format!("https://cdn.demo.playgate/vod/{}.mpd", "a".repeat(5000));
    for bad in [
        "/vod/vod-entitled/manifest.mpd",
        "not a url",
        "ftp://cdn.demo.playgate/vod/a.mpd",
        "https://cdn.demo.playgate/vod/../secret/manifest.mpd",
        "https://cdn.demo.playgate/vod/%2e%2e/manifest.mpd",
        "https://cdn.demo.playgate/vod%2Fvod-entitled/manifest.mpd",
        "https://cdn.demo.playgate/vod/*/manifest.mpd",
        "https://cdn.demo.playgate/vod/a/manifest.mpd?__token__=exp=9999999999~acl=/*~hmac=00",
        "https://cdn.demo.playgate/vod/a/manifest.mpd?x=1&acl=/*",
        "https://user:pw@cdn.demo.playgate/vod/a/manifest.mpd",
        "https://cdn.demo.playgate/vod/a/manifest.mpd#frag",
        &long,
    ] {
        let r = url_builder(
            &app,
            &access,
            &[("content_id", ENTITLED), ("content_URL", bad)],
        )
        .await;
        refused(r, 400, 40003).await;
    }
    for query in [
        vec![("content_URL", MANIFEST)],
        vec![("content_id", ENTITLED), ("type", "nobody")],
    ] {
        refused(url_builder(&app, &access, &query).await, 400, 40003).await;
    }
    // The operator API refuses settings a scheme cannot use, with the reason.
    for (scheme, settings, want) in [
        (
            "akamai",
            json!({"baseUrl": "https://x.example/path"}),
            "baseUrl",
        ),
        (
            "akamai",
            json!({"baseUrl": "https://x.example", "issuer": "x"}),
            "does not apply",
        ),
        (
            "limelight",
            json!({"baseUrl": "https://x.example"}),
            "scheme must be one of",
        ),
        (
            "cat",
            json!({"baseUrl": "https://x.example", "renewal": {"type": "never", "expadd": 1}}),
            "renewal.type",
        ),
    ] {
        let r = put_cdn(&app, "x", scheme, settings.clone(), false).await;
        assert_eq!(r.status(), 400, "{scheme} {settings}");
        let body = json_of(r, 400).await;
        assert!(body["message"].as_str().unwrap().contains(want), "{body}");
    }
    let body = json_of(
        add_key(&app, "demo-akamai", "k2", "not-hex", false).await,
        400,
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains("hex"), "{body}");
    assert_eq!(add_key(&app, "nope", "k", "aa", false).await.status(), 404);
    // The edge authorizer fails closed.
    let seg = "/vod/vod-entitled/seg.m4s";
    assert_eq!(
        authorize(&app, "demo-akamai", seg, &[]).await,
        401,
        "no token"
    );
    assert_eq!(authorize(&app, "unknown", seg, &[]).await, 403);
    let r = app
        .http
        .get(app.url("/edge/v1/authorize?cdn=demo-akamai"))
        .header("nv-tenant-id", "demo")
        .header(
            "X-Original-URI",
            format!("{seg}?__token__=exp=1~acl=/*~hmac=00"),
        )
        .send()
        .await
        .unwrap();
    let body = json_of(r, 403).await;
    assert_eq!(body["errorCode"], 40304, "{body}");
    assert_eq!(body["message"], "the token's signature does not verify");
    assert_eq!(
        authorize(&app, "demo-akamai", "/vod/%2e%2e/seg.m4s?__token__=x", &[]).await,
        403
    );
    app.stop().await;
}

/// The URL Builder and the edge authorizer answer from memory.
#[tokio::test]
async fn answers_with_the_store_closed() {
    let app = TestApp::start(Backend::Sqlite).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;
    app.state.store.close().await;
    let body = json_of(
        url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
        200,
    )
    .await;
    let token = body["cdnAccessToken"].as_str().unwrap();
    let uri = format!("/vod/vod-entitled/seg.m4s?__token__={token}");
    assert_eq!(authorize(&app, "demo-akamai", &uri, &[]).await, 200);
    app.stop().await;
}

/// OPF row 26, `POST /ias/v2/cdn_content_token`: the content token and the
/// URL Builder's CDN token in one flat answer, with the URL Builder's rules
/// and refusals.
async fn cdn_content_token_in_one_answer(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;
    let ask = |content: &'static str, url: &'static str| {
        app.http
            .post(app.url("/ias/v2/cdn_content_token"))
            .header("nv-tenant-id", "demo")
            .bearer_auth(&access)
            .query(&[
                ("content_id", content),
                ("type", "device"),
                ("content_URL", url),
            ])
            .send()
    };
    let body = json_of(ask(ENTITLED, MANIFEST).await.unwrap(), 200).await;
    // Row 27's members...
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["access_token"], access.as_str());
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    let claims = crate::playback::content_token::verified_claims(
        &app,
        body["content_token"].as_str().unwrap(),
    )
    .await;
    assert_eq!(claims["contentRights"][0]["contentId"], ENTITLED);
    assert_eq!(claims["device"]["deviceUniqueId"], "dev-alice-tv");
    // ...beside the URL Builder's, at the top level.
    assert_eq!(body["cdnType"], "akamai");
    assert_eq!(body["cdnId"], "demo-akamai");
    assert!(body.get("contentAuthToken").is_none(), "{body}");
    let token = body["cdnAccessToken"].as_str().unwrap();
    assert!(token.contains("~acl=/vod/vod-entitled/*~"), "{token}");
    let url = body["playbackUrl"].as_str().unwrap();
    assert!(
        url.starts_with(MANIFEST) && url.contains("__token__="),
        "{url}"
    );
    let seg = format!("/vod/vod-entitled/seg_1.m4s?__token__={token}");
    assert_eq!(authorize(&app, "demo-akamai", &seg, &[]).await, 200);
    assert!(body["cdnTokenExpires"].as_i64().unwrap() > NOW);
    // The same refusals as the URL Builder's.
    let r = ask(
        "DRM_vod-premium_DASH",
        "https://cdn.demo.playgate/vod/vod-premium/manifest.mpd",
    );
    refused(r.await.unwrap(), 403, 40341).await;
    let r = ask(
        ENTITLED,
        "https://cdn.demo.playgate/vod/vod-premium/manifest.mpd",
    );
    refused(r.await.unwrap(), 403, 40305).await;
    let r = ask(ENTITLED, "https://cdn.demo.playgate/vod/../x/manifest.mpd");
    refused(r.await.unwrap(), 400, 40003).await;
    app.stop().await;
}

crate::on_both_backends!(
    signs_with_each_scheme,
    keys_rotate_without_refusing_a_player,
    cdn_content_token_in_one_answer
);

/// A CAT whose `catr` asks for renewal comes back renewed from the edge
/// authorizer, in the header `catr` names.
#[tokio::test]
async fn the_edge_authorizer_renews_a_cat() {
    let app = TestApp::start(Backend::Sqlite).await;
    let access = alice(&app).await;
    let settings = json!({
        "baseUrl": "https://cdn.demo.playgate",
        "ttlSeconds": 600,
        "renewal": {"type": "header", "expadd": 120, "deadline": 3600, "name": "x-renewed-cat"},
    });
    without_demo_cdn(&app).await;
    assert_eq!(
        put_cdn(&app, "cat", "cat", settings, true).await.status(),
        201
    );
    assert_eq!(
        add_key(&app, "cat", "k", &b64(&[4; 32]), true)
            .await
            .status(),
        201
    );
    let body = json_of(
        url_builder(&app, &access, &[("content_id", ENTITLED)]).await,
        200,
    )
    .await;
    let token = body["cdnAccessToken"].as_str().unwrap();
    app.clock.advance_ms(60_000);
    let r = app
        .http
        .get(app.url("/edge/v1/authorize?cdn=cat"))
        .header("nv-tenant-id", "demo")
        .header("X-Original-URI", "/vod/vod-entitled/seg.m4s")
        .header("CTA-Common-Access-Token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let renewed = r.headers()["x-renewed-cat"].to_str().unwrap().to_owned();
    assert_ne!(renewed, token);
    let key = Cat::new(&[4; 32], b"k", MacAlg::Hmac256).unwrap();
    let request = CatRequest {
        scheme: "https",
        host: "cdn.demo.playgate",
        port: "",
        path: "/vod/vod-entitled/seg.m4s",
        query: "",
        client_ip: None,
        now: NOW + 60,
    };
    assert_eq!(key.check(&renewed, &request).unwrap().exp, NOW + 60 + 120);
    assert_eq!(key.check(token, &request).unwrap().exp, NOW + 600);
    app.stop().await;
}

/// PPV: rights bounded by the event cap the CDN token; channels: the
/// ruleset parameters from the client address are appended.
#[tokio::test]
async fn ppv_and_channel_variants() {
    use crate::playback::content_token::{grant, DAY};
    let app = TestApp::start(Backend::Sqlite).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;
    let ppv = |extra: &'static [(&'static str, &'static str)]| {
        let app = &app;
        let access = access.clone();
        async move {
            let mut q = vec![
                ("content_id", "DRM_ch-sports_DASH"),
                ("event_id", "ppv-final"),
            ];
            q.extend_from_slice(extra);
            app.http
                .get(app.url("/urlbuilder/v1/playout/ppvContent/token"))
                .header("nv-tenant-id", "demo")
                .bearer_auth(&access)
                .query(&q)
                .send()
                .await
                .unwrap()
        }
    };
    refused(ppv(&[]).await, 403, 40341).await;
    let start = NOW + 7 * DAY;
    let end = start + 3 * 3600;
    grant(
        &app,
        "ent-final",
        "acc-active",
        "prod-ppv-final",
        NOW,
        Some(end),
    )
    .await;
    let body = json_of(ppv(&[]).await, 200).await;
    assert_eq!(body["cdnTokenExpires"], NOW + 3600);
    assert!(body["playbackUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://cdn.demo.playgate/live/ch-sports/index.m3u8?__token__="));
    // Ten minutes before the final whistle: the CDN token ends with the rights.
    app.clock.advance_ms((end - 600 - NOW) * 1000);
    let access = alice(&app).await;
    let r = app
        .http
        .get(app.url("/urlbuilder/v1/playout/ppvContent/token"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .query(&[
            ("content_id", "DRM_ch-sports_DASH"),
            ("event_id", "ppv-final"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 200).await["cdnTokenExpires"], end);

    // The channel variant, with the geo list placing the client.
    let r = app
        .operator(Method::PUT, "/adm/v1/network/lists/geo")
        .header("content-type", "text/csv")
        .body("127.0.0.0/8,GB,ENG,London\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .http
        .get(app.url("/urlbuilder/v1/playout/channel/DRM_ch-news_DASH"))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    let body = json_of(r, 200).await;
    let url = body["playbackUrl"].as_str().unwrap();
    let token = body["cdnAccessToken"].as_str().unwrap();
    assert_eq!(
        url,
        format!("https://cdn.demo.playgate/live/ch-news/index.m3u8?__token__={token}&country=GB&region=ENG")
    );
    app.stop().await;
}
