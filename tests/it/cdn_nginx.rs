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
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("www/vod/movie")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::write(root.join("www/vod/movie/master.m3u8"), "#EXTM3U\n").unwrap();
    std::fs::write(root.join("www/vod/movie/other.m3u8"), "#EXTM3U other\n").unwrap();
    let port = crate::cluster::free_port();
    let r = root.display();
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
    server {{
        listen 127.0.0.1:{port};
        root {r}/www;
        location /vod/ {{
            secure_link $arg_md5,$arg_expires;
            secure_link_md5 "$secure_link_expires$uri$remote_addr {SECRET}";
            if ($secure_link = "") {{ return 403; }}
            if ($secure_link = "0") {{ return 410; }}
        }}
    }}
}}
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
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(root.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Nginx {
        child,
        base: format!("http://127.0.0.1:{port}"),
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
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
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
