//! What both fault tests share: a `playgate serve` process on a data
//! directory (and optionally a PostgreSQL URL), and a [`Ledger`] of the
//! writes it acknowledged, checked while it runs and after a restart.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::cluster::free_port;
use crate::harness::DEMO_KEY;

const BIN: &str = env!("CARGO_BIN_EXE_playgate");

/// The fault a test needs could not be set up: a failure under CI
/// (`CI=true`), where it must be possible, a skip with a note elsewhere.
/// `None`: the caller returns.
pub(super) fn or_skip<T>(setup: Result<T, String>, what: &str) -> Option<T> {
    match setup {
        Ok(t) => Some(t),
        Err(e) if crate::harness::in_ci() => {
            panic!("CI must be able to {what}: {e}")
        }
        Err(e) => {
            eprintln!("skipped: cannot {what} ({e})");
            None
        }
    }
}

/// A node process, killed when dropped.
pub(super) struct Node {
    child: Child,
    data: PathBuf,
    database_url: Option<String>,
    pub(super) base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    /// A node on `data` (SQLite there, or the PostgreSQL at
    /// `database_url`), ready.
    pub(super) async fn start(
        http: &reqwest::Client,
        data: &Path,
        database_url: Option<&str>,
    ) -> Node {
        let port = free_port();
        let mut command = Command::new(BIN);
        command
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(data)
            .env("PLAYGATE_LOG__LEVEL", "warn")
            .env_remove("PLAYGATE_STORAGE__DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(url) = database_url {
            command.env("PLAYGATE_STORAGE__DATABASE_URL", url);
        }
        let node = Node {
            child: command.spawn().unwrap(),
            data: data.to_owned(),
            database_url: database_url.map(str::to_owned),
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(r) = http.get(format!("{}/readyz", node.base)).send().await {
                if r.status() == 200 {
                    return node;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("node not ready");
    }

    /// Stops the node as an operator would (SIGTERM: drain, then exit) and
    /// starts it again on the same store.
    pub(super) async fn restart(mut self, http: &reqwest::Client) -> Node {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !matches!(self.child.try_wait(), Ok(Some(_))) {
            assert!(
                Instant::now() < deadline,
                "the node did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let (data, url) = (self.data.clone(), self.database_url.clone());
        drop(self);
        Node::start(http, &data, url.as_deref()).await
    }
}

/// The writes a test made (entitlements for alice, `<prefix>-<n>`) and
/// which of them the node acknowledged.
pub(super) struct Ledger {
    prefix: &'static str,
    made: usize,
    pub(super) acknowledged: Vec<String>,
}

impl Ledger {
    pub(super) fn new(prefix: &'static str) -> Ledger {
        Ledger {
            prefix,
            made: 0,
            acknowledged: Vec::new(),
        }
    }

    /// One more write; its status (201 is recorded as acknowledged).
    pub(super) async fn write(&mut self, http: &reqwest::Client, node: &Node) -> u16 {
        self.made += 1;
        let id = format!("{}-{:05}", self.prefix, self.made);
        let r = http
            .post(format!("{}/rmg/v1/operator/entitlements", node.base))
            .header("nv-tenant-id", "demo")
            .bearer_auth(DEMO_KEY)
            .json(
                &json!({ "_id": id, "accountId": "acc-active", "productId": "prod-premium",
                           "expiryDate": "2099-01-01T00:00:00Z" }),
            )
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        if status == 201 {
            self.acknowledged.push(id);
        }
        status
    }

    /// `n` writes that must all succeed.
    pub(super) async fn all_succeed(
        &mut self,
        http: &reqwest::Client,
        node: &Node,
        n: usize,
        when: &str,
    ) {
        for _ in 0..n {
            let status = self.write(http, node).await;
            assert_eq!(status, 201, "write {} {when}", self.made);
        }
    }

    /// Writes until one succeeds, each answered 201 or 503 (never anything
    /// else), within `limit`; how long that took.
    pub(super) async fn until_recovered(
        &mut self,
        http: &reqwest::Client,
        node: &Node,
        limit: Duration,
        pause: Duration,
    ) -> Duration {
        let since = Instant::now();
        loop {
            match self.write(http, node).await {
                201 => return since.elapsed(),
                503 => {}
                other => panic!("write {} answered {other} while recovering", self.made),
            }
            assert!(
                since.elapsed() < limit,
                "the node did not recover without a restart"
            );
            tokio::time::sleep(pause).await;
        }
    }

    /// Every acknowledged write is there.
    pub(super) async fn all_present(&self, http: &reqwest::Client, node: &Node, when: &str) {
        for id in &self.acknowledged {
            let r = http
                .get(format!("{}/rmg/v1/operator/entitlements/{id}", node.base))
                .header("nv-tenant-id", "demo")
                .bearer_auth(DEMO_KEY)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{id} was acknowledged but is gone {when}");
        }
    }
}
