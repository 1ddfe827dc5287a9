//! A `playgate serve` process on a PostgreSQL server of the test's own
//! (initdb'd in a temporary directory, on a free port): the server is
//! stopped under the running node and started again. While it is down,
//! writes answer 503 quickly and never 500, and the fast path answers from
//! memory; once it is back the node takes writes again without a restart;
//! every write it acknowledged is there, also after the node restarts.
//!
//! Needs PostgreSQL's server binaries and root (to run them as `postgres`):
//! skipped with a note elsewhere, a failure under CI (`CI=true`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::node::{or_skip, Ledger, Node};
use crate::cluster::free_port;

/// A private PostgreSQL server, stopped when dropped.
struct Server {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

/// Runs a PostgreSQL tool as `postgres`. Its output goes to `log` (never
/// to a pipe: a server `pg_ctl` starts would inherit the pipe and keep it
/// open).
fn as_postgres(bin: &Path, log: &Path, tool: &str, args: &[&str]) -> Result<(), String> {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let status = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin.join(tool))
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        Err(format!("{tool} failed: {text}"))
    }
}

impl Server {
    fn init() -> Result<Server, String> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .map_err(|e| format!("no PostgreSQL server binaries: {e}"))?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|p| p.join("pg_ctl").exists())
            .ok_or("no pg_ctl under /usr/lib/postgresql")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let owned = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .map_err(|e| e.to_string())?;
        if !owned.success() {
            return Err("cannot hand the data directory to postgres".into());
        }
        let data = dir.path().join("pg");
        let log = dir.path().join("tools.log");
        as_postgres(
            &bin,
            &log,
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        )?;
        let server = Server {
            bin,
            dir,
            port: free_port(),
        };
        server.start()?;
        Ok(server)
    }

    fn data(&self) -> String {
        self.dir.path().join("pg").to_string_lossy().into_owned()
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("tools.log")
    }

    fn start(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let server_log = self.dir.path().join("server.log");
        as_postgres(
            &self.bin,
            &self.log(),
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                server_log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    }

    fn stop(&self) -> Result<(), String> {
        as_postgres(
            &self.bin,
            &self.log(),
            "pg_ctl",
            &["-D", &self.data(), "-m", "fast", "-w", "stop"],
        )
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = as_postgres(
            &self.bin,
            &self.log(),
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "stop"],
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_a_database_restart() {
    let Some(pg) = or_skip(Server::init(), "run a private PostgreSQL server") else {
        return;
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let data = tempfile::tempdir().unwrap();
    let node = Node::start(&http, data.path(), Some(&pg.url())).await;
    let sign_on = http
        .post(format!("{}/ias/v3/token/actions/signOnByUserNamePassword", node.base))
        .header("nv-tenant-id", "demo")
        .json(&json!({"username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv"}))
        .send()
        .await
        .unwrap();
    let access = sign_on.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut writes = Ledger::new("ent-pg");
    writes.all_succeed(&http, &node, 10, "before").await;

    // The database goes away: writes are refused quickly, never 500; the
    // fast path answers from memory.
    // The first write learns the database is down within the probe (1 s,
    // or sooner from the change feed's lost connection); the next ones are
    // refused within the short acquire bound (250 ms), not the pool's 5 s.
    pg.stop().unwrap();
    for i in 0..4 {
        let asked = Instant::now();
        match writes.write(&http, &node).await {
            201 => {}
            503 => {
                let bound = if i == 0 { 2_500 } else { 1_000 };
                assert!(
                    asked.elapsed() < Duration::from_millis(bound),
                    "write {i}: 503 only after {:?}",
                    asked.elapsed()
                );
            }
            other => panic!("a write answered {other} with the database down"),
        }
    }
    let r = http
        .post(format!(
            "{}/ias/v2/content_token?content_id=DRM_vod-entitled_DASH&type=device",
            node.base
        ))
        .header("nv-tenant-id", "demo")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "content tokens from memory");

    // Back: the node takes writes again by itself.
    pg.start().unwrap();
    let took = writes
        .until_recovered(
            &http,
            &node,
            Duration::from_secs(30),
            Duration::from_millis(200),
        )
        .await;
    eprintln!("database restart: writes again {took:?} after it was back");
    writes.all_succeed(&http, &node, 10, "after recovery").await;
    writes.all_present(&http, &node, "").await;
    let node = node.restart(&http).await;
    writes.all_present(&http, &node, "after a restart").await;
}
