//! The `playgate` binary itself: config printing, validation errors, and `serve`
//! stopping cleanly on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_playgate");

#[test]
fn config_prints_the_effective_config_with_secrets_redacted() {
    let out = Command::new(BIN)
        .arg("config")
        .env(
            "PLAYGATE_STORAGE__DATABASE_URL",
            "postgres://app:hunter22@db.internal/pg",
        )
        .env("PLAYGATE_SERVER__MAX_BODY_BYTES", "4096")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("max_body_bytes = 4096"), "{text}");
    assert!(text.contains("postgres://app:***@db.internal/pg"), "{text}");
    assert!(!text.contains("hunter22"));
}

#[test]
fn a_bad_setting_stops_start_up_with_its_key_named() {
    let out = Command::new(BIN)
        .arg("config")
        .env("PLAYGATE_SYNC__POLL_INTERVAL_MS", "0")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("sync.poll_interval_ms"), "{err}");
}

#[test]
fn too_few_store_connections_stop_start_up() {
    // A whole-tenant load needs three connections at once.
    let out = Command::new(BIN)
        .arg("config")
        .env("PLAYGATE_STORAGE__MAX_CONNECTIONS", "2")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("storage.max_connections"), "{err}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn serve_runs_on_embedded_defaults_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let ready = loop {
        if let Some(answer) = http_get(port, "/readyz") {
            if answer.starts_with("HTTP/1.1 200") {
                break answer;
            }
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("serve did not become ready");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(ready.contains("\"ready\""), "{ready}");
    assert!(
        dir.path().join("playgate.db").exists(),
        "SQLite store under --data-dir"
    );
    let demo = http_get(port, "/api/config").unwrap();
    assert!(demo.contains("fsk12"), "demo data served: {demo}");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let stopped = Instant::now();
    loop {
        if let Some(code) = child.try_wait().unwrap() {
            assert!(code.success(), "clean exit on SIGTERM: {code}");
            break;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(15),
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn cdn(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("PLAYGATE_CDN_KEY", "0123456789abcdef0123456789abcdef")
        .output()
        .unwrap()
}

/// `sign-url` and `verify-url` round-trip for support engineers with every
/// scheme built as a tenant's CDN is, and refuse what they must: another
/// directory, another client, a bad path, junk.
#[test]
fn sign_url_and_verify_url() {
    let ok = |out: &std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout.clone()).unwrap()
    };
    // Akamai: the manifest's directory, bound to an address.
    let manifest = "https://cdn.example.com/vod/movie/master.m3u8";
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "akamai",
        "--url",
        manifest,
        "--ttl",
        "300",
        "--ip",
        "203.0.113.7",
    ]);
    let signed = ok(&out).trim().to_owned();
    let token = signed
        .strip_prefix(&format!("{manifest}?__token__="))
        .unwrap()
        .to_owned();
    assert!(token.starts_with("ip=203.0.113.7~exp="), "{token}");
    assert!(token.contains("~acl=/vod/movie/*~"), "{token}");
    assert!(
        !signed.contains("0123456789abcdef"),
        "the key is never printed"
    );
    let verify =
        |url: &str, ip: &str| cdn(&["verify-url", "--scheme", "akamai", "--url", url, "--ip", ip]);
    let segment = format!("https://cdn.example.com/vod/movie/seg_1.ts?__token__={token}");
    assert_eq!(ok(&verify(&segment, "203.0.113.7")).trim(), "valid");
    let other = format!("https://cdn.example.com/vod/other/seg_1.ts?__token__={token}");
    assert!(String::from_utf8_lossy(&verify(&other, "203.0.113.7").stderr).contains("OutOfScope"));
    assert!(
        String::from_utf8_lossy(&verify(&segment, "203.0.113.8").stderr).contains("WrongClient")
    );
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "akamai",
        "--url",
        "https://c.example/vod/../x.m3u8",
        "--ttl",
        "300",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("BadPath"));
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "akamai",
        "--url",
        "https://c.example/x?__token__=junk",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Malformed"));

    // nginx: secure_link_md5 over the one file (no token location).
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "nginx",
        "--key",
        "secret",
        "--url",
        "http://e.example/s/link",
        "--ttl",
        "60",
        "--ip",
        "127.0.0.1",
    ]);
    let signed = ok(&out).trim().to_owned();
    assert!(
        signed.starts_with("http://e.example/s/link?md5="),
        "{signed}"
    );
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "nginx",
        "--key",
        "secret",
        "--url",
        &signed,
        "--ip",
        "127.0.0.1",
    ]);
    assert_eq!(ok(&out).trim(), "valid");

    // CloudFront with a PEM from a file, and CAT in a header.
    let pem = crate::harness::repo_path("tests/data/cloudfront_rsa2048_test_key.pem");
    let pem = pem.to_str().unwrap();
    let cf = "https://d1.cloudfront.net/vod/movie/master.m3u8";
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "cloudfront",
        "--key-file",
        pem,
        "--key-id",
        "K2JCJMDEHXQW5F",
        "--url",
        cf,
        "--ttl",
        "60",
    ]);
    let signed = ok(&out).trim().to_owned();
    assert!(
        signed.contains("Policy=") && signed.contains("&Key-Pair-Id=K2JCJMDEHXQW5F"),
        "{signed}"
    );
    assert!(!signed.contains("PRIVATE"));
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "cloudfront",
        "--key-file",
        pem,
        "--key-id",
        "K2JCJMDEHXQW5F",
        "--url",
        &signed.replace("master.m3u8", "video/seg_1.ts"),
    ]);
    assert_eq!(ok(&out).trim(), "valid");
    let cat_key = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk";
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "cat",
        "--key",
        cat_key,
        "--settings",
        r#"{"placement":"header"}"#,
        "--url",
        manifest,
        "--ttl",
        "60",
    ]);
    let printed = ok(&out);
    let mut lines = printed.lines();
    assert_eq!(lines.next(), Some(manifest));
    let token = lines
        .next()
        .unwrap()
        .strip_prefix("CTA-Common-Access-Token: ")
        .unwrap()
        .to_owned();
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "cat",
        "--key",
        cat_key,
        "--url",
        "https://cdn.example.com/vod/movie/a.ts",
        "--token",
        &token,
    ]);
    assert_eq!(ok(&out).trim(), "valid");
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "cat",
        "--key",
        cat_key,
        "--settings",
        r#"{"nonsense":1}"#,
        "--url",
        manifest,
        "--ttl",
        "60",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonsense"));
}

/// `playgate catalogue export` writes every live record as import lines in
/// import order; `import` takes them back (idempotently), applies new
/// lines, and on a refused line names it, exits non-zero and writes
/// nothing of that batch.
#[test]
fn catalogue_export_and_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .args(["--data-dir", data])
            .output()
            .unwrap()
    };
    assert!(run(&["demo-data"]).status.success());
    let out = run(&["catalogue", "export", "--tenant", "demo"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        9 + 5 + 5 + 12 + 9 + 10 + 53 + 841,
        "every record"
    );
    assert_eq!(lines[0]["kind"], "images", "images first");
    assert_eq!(lines[9]["kind"], "products", "then products");
    assert_eq!(lines.last().unwrap()["kind"], "programmes");

    // The export imports as it is (nothing changes), plus a new title and a delete.
    let file = dir.path().join("catalogue.jsonl");
    let import = [
        "catalogue",
        "import",
        "--tenant",
        "demo",
        file.to_str().unwrap(),
    ];
    let new_title = serde_json::json!({"kind": "editorials", "record": {
        "id": "ed-imported", "type": "MOVIE", "productRefs": ["prod-basic"],
        "locales": {"en_GB": {"title": "Imported"}},
        "technicals": [{"id": "vod-imported", "drmId": "DRM_vod-imported_DASH",
            "deviceTypes": ["PC"], "drmInstanceName": "DASH_WV",
            "uri": "https://cdn.demo.playgate/vod/vod-imported/manifest.mpd"}]}});
    let delete = serde_json::json!({"kind": "editorials", "delete": "ed-movie-00"});
    std::fs::write(&file, format!("{text}{new_title}\n{delete}\n")).unwrap();
    let out = run(&import);
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("1 deleted"), "{said}");
    let again = run(&["catalogue", "export", "--tenant", "demo"]);
    let text = String::from_utf8(again.stdout).unwrap();
    assert!(text.contains("\"ed-imported\""));
    assert!(!text.contains("\"ed-movie-00\""));

    // A refused line is named; its batch is not written.
    let bad = "{\"kind\":\"editorials\",\"record\":{\"id\":\"ed-x\",\"type\":\"FILM\",\"locales\":{\"en_GB\":{\"title\":\"X\"}}}}";
    std::fs::write(&file, format!("{new_title}\n{bad}\n")).unwrap();
    let out = run(&import);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("line 2") && err.contains("type"), "{err}");
    std::fs::write(&file, "not json\n").unwrap();
    let out = run(&import);
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr).unwrap().contains("line 1"));
}
