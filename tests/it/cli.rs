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

/// `sign-url` and `verify-url` round-trip for support engineers, and refuse
/// what they must: a tampered path, another client, a bad path.
#[test]
fn sign_url_and_verify_url() {
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "akamai",
        "--path",
        "/vod/movie/",
        "--prefix",
        "--ttl",
        "300",
        "--ip",
        "203.0.113.7",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).unwrap();
    let token = line.trim().strip_prefix("__token__=").unwrap().to_owned();
    assert!(token.starts_with("ip=203.0.113.7~exp="), "{token}");
    assert!(
        !line.contains("0123456789abcdef"),
        "the key is never printed"
    );
    let verify = |path: &str, ip: &str| {
        cdn(&[
            "verify-url",
            "--scheme",
            "akamai",
            "--path",
            path,
            "--token",
            &token,
            "--ip",
            ip,
        ])
    };
    let ok = verify("/vod/movie/seg_1.ts", "203.0.113.7");
    assert!(ok.status.success());
    assert_eq!(String::from_utf8(ok.stdout).unwrap().trim(), "valid");
    let out = verify("/vod/other/seg_1.ts", "203.0.113.7");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("OutOfScope"));
    let out = verify("/vod/movie/seg_1.ts", "203.0.113.8");
    assert!(String::from_utf8_lossy(&out.stderr).contains("WrongClient"));
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "akamai",
        "--path",
        "/vod/../secret/",
        "--prefix",
        "--ttl",
        "300",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("BadPath"));

    // nginx: the docs' expression, a query to append.
    let out = cdn(&[
        "sign-url",
        "--scheme",
        "nginx",
        "--key",
        "secret",
        "--path",
        "/s/link",
        "--ttl",
        "60",
        "--ip",
        "127.0.0.1",
    ]);
    let signed = String::from_utf8(out.stdout).unwrap();
    let query = signed.trim().strip_prefix("/s/link?").unwrap().to_owned();
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "nginx",
        "--key",
        "secret",
        "--path",
        "/s/link",
        "--token",
        &query,
        "--ip",
        "127.0.0.1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cdn(&[
        "verify-url",
        "--scheme",
        "akamai",
        "--path",
        "/x",
        "--token",
        "junk",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Malformed"));
}
