//! The Rocket face against its OpenAPI document, with schemathesis (a real,
//! independent verifier): every served Rocket operation must accept what the
//! document calls valid, answer in the documented shapes and status codes, and
//! never fail with a 5xx.
//!
//! `negative_data_rejection` is left out on purpose: in OpenAPI's form style an
//! empty array parameter (`ff=`) is serialised exactly like the invalid `[""]`,
//! and the service reads it as the empty array, as the serialisation rules say.
//!
//! `positive_data_acceptance` is left out too: the document gives several fields
//! no format in their schema but rules in their prose ("Pin must be a 4-digit
//! string", an email, a device id), and the service enforces those rules with the
//! operation's documented 400. Every such rule has its own test.

use std::process::Command;

use crate::harness::{repo_path, Backend, TestApp};

/// Rocket operations playgate serves, as schemathesis names them (`GET
/// /items/{id}`): every Rocket row of the route table, so a new Rocket
/// route is checked without a list. (Some documented operations have no
/// `operationId`, and a path parameter's name may differ from the
/// document's where two routes share a prefix, hence names by pattern.)
fn served() -> Vec<String> {
    playgate::api::routes::table()
        .iter()
        .filter(|r| r.face == playgate::api::routes::Face::Rocket)
        .map(|r| {
            let path = r.path.strip_prefix("/api").unwrap_or(r.path);
            let pattern: String = path
                .split('/')
                .map(|seg| {
                    if seg.starts_with('{') {
                        r"\{[^}]+\}".to_owned()
                    } else {
                        seg.replace('.', r"\.").replace('-', r"\-")
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            format!("{} {pattern}", r.method)
        })
        .collect()
}

fn schemathesis_available() -> bool {
    Command::new("st")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One schemathesis run over `ops` with `bearer`; its report, and whether
/// it passed and tested every operation.
fn run(
    spec: &std::path::Path,
    url: &str,
    bearer: &str,
    ops: &[String],
    max_time: &str,
) -> (String, bool) {
    // schemathesis keeps a cache in its working directory: keep it out of the tree.
    let workdir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new("st");
    cmd.current_dir(workdir.path())
        .arg("run")
        .arg(spec)
        .args(["--url", url])
        .args(["--header", bearer])
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "negative_data_rejection,positive_data_acceptance",
        ])
        .args([
            "--max-time",
            max_time,
            "--workers",
            "1",
            "--seed",
            "20261122",
            "--no-color",
        ]);
    // One pattern: schemathesis keeps only the last of several.
    cmd.args(["--include-name-regex", &format!("^({})$", ops.join("|"))]);
    let output = cmd.output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    let ok = output.status.success() && report.contains(&format!("Tested: {}", ops.len()));
    (report, ok)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rocket_face_conforms_to_its_openapi_document() {
    let spec = repo_path("../shared/specs/rocket-openapi.yaml");
    let in_ci = crate::harness::in_ci();
    if !schemathesis_available() || !spec.exists() {
        assert!(
            !in_ci,
            "CI must install schemathesis and provide {}",
            spec.display()
        );
        eprintln!("skipped: schemathesis (`st`) or the Rocket OpenAPI document is not available");
        return;
    }
    let app = TestApp::start(Backend::Sqlite).await;
    // Token-protected operations get a real Account Catalog token (schemathesis
    // also checks that they refuse requests without one).
    let signed_in: serde_json::Value = app
        .http
        .post(app.url("/api/authorization"))
        .json(&serde_json::json!({ "email": "alice@demo.playgate", "password": "alice-demo-pass", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!(
        "Authorization: Bearer {}",
        signed_in[0]["value"].as_str().unwrap()
    );
    // Profile-scoped operations get a Profile Catalog token of alice's main
    // profile (with an Account token they could only answer 403).
    let profile_token: serde_json::Value = app
        .http
        .post(app.url("/api/authorization/profile"))
        .bearer_auth(signed_in[0]["value"].as_str().unwrap())
        .json(&serde_json::json!({ "profileId": "acc-active-main", "scopes": ["Catalog"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let profile_bearer = format!(
        "Authorization: Bearer {}",
        profile_token[0]["value"].as_str().unwrap()
    );
    let (profile_ops, account_ops): (Vec<String>, Vec<String>) = served()
        .into_iter()
        .partition(|op| op.contains(r" /account/profile/") || op.ends_with(r" /account/profile"));
    assert!(account_ops.len() >= 14, "{account_ops:?}");
    assert!(profile_ops.len() >= 10, "{profile_ops:?}");
    let url = app.url("/api");
    for (ops, bearer, max_time) in [
        (account_ops, bearer, "90"),
        (profile_ops, profile_bearer, "45"),
    ] {
        let (spec, url) = (spec.clone(), url.clone());
        let (report, ok) =
            tokio::task::spawn_blocking(move || run(&spec, &url, &bearer, &ops, max_time))
                .await
                .unwrap();
        assert!(ok, "schemathesis found problems:\n{report}");
    }
    app.stop().await;
}
