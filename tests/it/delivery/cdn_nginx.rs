//! URLs signed by `core::cdn::nginx` against a real nginx `secure_link`
//! (Debian's nginx; `.ci/run` installs it): a signed URL gets the file
//! (200), a tampered path or another client address 403, an expired link
//! 410, as the edge config below answers.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use playgate::core::cdn::nginx::SecureLink;
use playgate::core::cdn::{CdnScheme, Placement, Scope};

const SECRET: &str = "edge-secret-42";

struct Nginx {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_available() -> bool {
    Command::new("nginx")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn start_nginx() -> Nginx {
    let port = crate::cluster::free_port();
    start_nginx_with(&[(
        port,
        format!(
            r#"location /vod/ {{
            secure_link $arg_md5,$arg_expires;
            secure_link_md5 "$secure_link_expires$uri$remote_addr {SECRET}";
            if ($secure_link = "") {{ return 403; }}
            if ($secure_link = "0") {{ return 410; }}
        }}"#
        ),
    )])
}

/// nginx with one server per `(port, locations)`, all over one document
/// root holding `vod/movie/` and `cat/vod/movie/` (a manifest, an other
/// manifest and a segment in a subdirectory).
fn start_nginx_with(servers: &[(u16, String)]) -> Nginx {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for d in ["www/vod/movie/video", "www/cat/vod/movie/video"] {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    for base in ["www/vod/movie", "www/cat/vod/movie"] {
        std::fs::write(root.join(base).join("master.m3u8"), "#EXTM3U\n").unwrap();
        std::fs::write(root.join(base).join("other.m3u8"), "#EXTM3U other\n").unwrap();
        std::fs::write(root.join(base).join("video/seg_1.ts"), "segment-1").unwrap();
    }
    let r = root.display();
    let blocks: String = servers
        .iter()
        .map(|(port, locations)| {
            format!(
                "    server {{\n        listen 127.0.0.1:{port};\n        root {r}/www;\n        {locations}\n    }}\n"
            )
        })
        .collect();
    let conf = format!(
        r#"daemon off;
master_process off;
pid {r}/nginx.pid;
error_log {r}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {r}/tmp/body;
    proxy_temp_path {r}/tmp/proxy;
    fastcgi_temp_path {r}/tmp/fastcgi;
    uwsgi_temp_path {r}/tmp/uwsgi;
    scgi_temp_path {r}/tmp/scgi;
{blocks}}}
"#
    );
    std::fs::write(root.join("nginx.conf"), conf).unwrap();
    let child = Command::new("nginx")
        .arg("-p")
        .arg(root)
        .arg("-c")
        .arg(root.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    for (port, _) in servers {
        while std::net::TcpStream::connect(("127.0.0.1", *port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nginx did not start: {}",
                std::fs::read_to_string(root.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    Nginx {
        child,
        base: format!("http://127.0.0.1:{}", servers[0].0),
        _dir: dir,
    }
}

fn query(link: &SecureLink, path: &str, expires: i64, ip: &str) -> String {
    let scope = Scope {
        path,
        prefix: false,
        start: None,
        expires,
        ip: Some(ip.parse().unwrap()),
        session_id: None,
    };
    let Placement::Query(params) = link.sign(&scope).unwrap().placement else {
        panic!("secure_link signs query parameters");
    };
    params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn signed_urls_pass_a_real_nginx_secure_link() {
    let in_ci = crate::harness::in_ci();
    if !nginx_available() {
        assert!(!in_ci, "CI must install nginx");
        eprintln!("skipped: nginx is not installed");
        return;
    }
    let nginx = start_nginx();
    let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", SECRET).unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let http = reqwest::Client::new();
    let get = |path: &str, q: &str| {
        let url = format!("{}{path}?{q}", nginx.base);
        let http = http.clone();
        async move { http.get(url).send().await.unwrap() }
    };
    let good = query(&link, "/vod/movie/master.m3u8", now + 3600, "127.0.0.1");
    let r = get("/vod/movie/master.m3u8", &good).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "#EXTM3U\n");
    // The same signature on another file of the directory: refused.
    assert_eq!(get("/vod/movie/other.m3u8", &good).await.status(), 403);
    // Signed for another client address: refused.
    let elsewhere = query(&link, "/vod/movie/master.m3u8", now + 3600, "192.0.2.1");
    assert_eq!(
        get("/vod/movie/master.m3u8", &elsewhere).await.status(),
        403
    );
    // Another expiry than the one signed: refused; a signed past expiry: gone.
    let stretched = good.replace(
        &format!("expires={}", now + 3600),
        &format!("expires={}", now + 7200),
    );
    assert_eq!(
        get("/vod/movie/master.m3u8", &stretched).await.status(),
        403
    );
    let expired = query(&link, "/vod/movie/master.m3u8", now - 10, "127.0.0.1");
    assert_eq!(get("/vod/movie/master.m3u8", &expired).await.status(), 410);
    // Another secret's signature: refused.
    let other = SecureLink::new("{expires}{uri}{remote_addr} {secret}", "not-the-secret").unwrap();
    let forged = query(&other, "/vod/movie/master.m3u8", now + 3600, "127.0.0.1");
    assert_eq!(get("/vod/movie/master.m3u8", &forged).await.status(), 403);
}

/// The same nginx as a CDN of the demo tenant, signed through the URL
/// Builder: `secure_link_md5` in the path-token form admits the manifest and
/// its segments (200), not another directory (403) or a stale link (410);
/// and `auth_request` to `/edge/v1/authorize` admits a CAT from the URL
/// Builder in the query or the header, and refuses a forged or misplaced one.
#[tokio::test]
async fn url_builder_urls_pass_nginx_secure_link_and_auth_request() {
    use crate::harness::{Backend, TestApp};
    use crate::playback::content_token::alice;
    use crate::playback::url_builder::{add_key, b64, move_content, put_cdn, signed_for};
    use serde_json::json;

    let in_ci = crate::harness::in_ci();
    if !nginx_available() {
        assert!(!in_ci, "CI must install nginx");
        eprintln!("skipped: nginx is not installed");
        return;
    }
    let app = TestApp::start(Backend::Sqlite).await;
    // The tokens must be valid on the wall clock nginx reads.
    let wall_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    app.clock.set_ms(wall_ms);
    let access = alice(&app).await;
    let (link_port, cat_port) = (crate::cluster::free_port(), crate::cluster::free_port());
    let app_port = app.addr.port();
    let secure_link = format!(
        r#"location ~ ^/s/(?<st_md5>[\w-]+)/(?<st_exp>\d+)(?<st_dir>/.*?/)-/(?<st_rest>.*)$ {{
            secure_link $st_md5,$st_exp;
            secure_link_md5 "$secure_link_expires$st_dir$remote_addr {SECRET}";
            if ($secure_link = "") {{ return 403; }}
            if ($secure_link = "0") {{ return 410; }}
            set $st_target $st_dir$st_rest;
            rewrite ^ $st_target break;
        }}"#
    );
    let auth_request = format!(
        r#"location /cat/ {{
            auth_request /_playgate_auth;
        }}
        location = /_playgate_auth {{
            internal;
            proxy_pass http://127.0.0.1:{app_port}/edge/v1/authorize?cdn=cat-edge;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header nv-tenant-id demo;
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-Original-Host $http_host;
            proxy_set_header X-Original-Scheme $scheme;
        }}"#
    );
    let nginx = start_nginx_with(&[(link_port, secure_link), (cat_port, auth_request)]);
    let link_base = format!("http://127.0.0.1:{link_port}");
    let cat_base = format!("http://127.0.0.1:{cat_port}");
    let settings = json!({"baseUrl": link_base, "tokenLocation": "/s", "bindClientIp": true});
    assert_eq!(
        put_cdn(&app, "nginx-edge", "nginx", settings, false)
            .await
            .status(),
        201
    );
    assert_eq!(
        add_key(&app, "nginx-edge", "k1", SECRET, true)
            .await
            .status(),
        201
    );
    let settings = json!({"baseUrl": cat_base, "issuer": "playgate"});
    assert_eq!(
        put_cdn(&app, "cat-edge", "cat", settings, false)
            .await
            .status(),
        201
    );
    assert_eq!(
        add_key(&app, "cat-edge", "k1", &b64(&[7; 32]), true)
            .await
            .status(),
        201
    );
    let http = reqwest::Client::new();
    let status = |url: String, header: Option<(&'static str, String)>| {
        let http = http.clone();
        async move {
            let mut r = http.get(url);
            if let Some((n, v)) = header {
                r = r.header(n, v);
            }
            r.send().await.unwrap().status().as_u16()
        }
    };

    // secure_link, path-token form.
    let manifest = format!("{link_base}/vod/movie/master.m3u8");
    // The content is delivered from this edge: its location is there.
    move_content(&app, "vod-entitled", &manifest).await;
    let body = signed_for(&app, &access, &manifest).await;
    let url = body["playbackUrl"].as_str().unwrap().to_owned();
    let r = http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200, "{url}");
    assert_eq!(r.text().await.unwrap(), "#EXTM3U\n");
    let segment = url.replace("master.m3u8", "video/seg_1.ts");
    assert_eq!(
        status(segment.clone(), None).await,
        200,
        "a segment below the manifest"
    );
    assert_eq!(
        status(url.replace("/vod/movie/-/", "/vod/other/-/"), None).await,
        403
    );
    let token = body["cdnAccessToken"].as_str().unwrap();
    let expires = body["cdnTokenExpires"].as_i64().unwrap();
    assert_eq!(
        status(
            url.replace(&format!("/{expires}/"), &format!("/{}/", expires + 60)),
            None
        )
        .await,
        403,
        "a stretched expiry: {token}"
    );
    let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", SECRET)
        .unwrap()
        .with_token_location("/s")
        .unwrap();
    let stale = Scope {
        path: "/vod/movie/",
        prefix: true,
        start: None,
        expires: 1_000,
        ip: Some("127.0.0.1".parse().unwrap()),
        session_id: None,
    };
    let Placement::Path(prefix) = link.sign(&stale).unwrap().placement else {
        panic!("a path");
    };
    assert_eq!(
        status(format!("{link_base}{prefix}master.m3u8"), None).await,
        410
    );

    // auth_request with a CAT.
    let manifest = format!("{cat_base}/cat/vod/movie/master.m3u8");
    move_content(&app, "vod-entitled", &manifest).await;
    let body = signed_for(&app, &access, &manifest).await;
    let url = body["playbackUrl"].as_str().unwrap().to_owned();
    let cat = body["cdnAccessToken"].as_str().unwrap().to_owned();
    assert_eq!(status(url.clone(), None).await, 200, "{url}");
    let segment = format!("{cat_base}/cat/vod/movie/video/seg_1.ts");
    assert_eq!(status(format!("{segment}?cat={cat}"), None).await, 200);
    assert_eq!(
        status(
            segment.clone(),
            Some(("CTA-Common-Access-Token", cat.clone()))
        )
        .await,
        200,
        "in the header"
    );
    assert_eq!(status(segment.clone(), None).await, 401, "no token");
    let mut forged = cat.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(status(format!("{segment}?cat={forged}"), None).await, 403);
    assert_eq!(
        status(format!("{cat_base}/cat/vod/other/x.ts?cat={cat}"), None).await,
        403,
        "outside the signed directory"
    );
    drop(nginx);
    app.stop().await;
}
