//! Every single-use token, used many times at once: exactly one use
//! succeeds, on one node and (refresh) across two nodes on one PostgreSQL.
//! The store decides, never a snapshot read before it: a refresh token
//! spent twice is reuse, so the chain ends for everyone holding it.

use std::future::Future;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::Barrier;

use crate::harness::{json_of, Backend, TestApp};
use crate::identity::gateway::{
    self as ags, device_info, operator_claims, operator_token, params, SECRET,
};
use playgate::store::changes::ChangeKind;

/// How many uses are released together, and how many times.
const AT_ONCE: usize = 8;
const TRIALS: usize = 4;

/// Sends `n` requests released together (each on its own task, so its own
/// connection), and returns their statuses and bodies.
pub(crate) async fn race<F, Fut>(n: usize, make: F) -> Vec<(u16, Value)>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static,
{
    let gate = Arc::new(Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let request = make(i);
            let gate = gate.clone();
            tokio::spawn(async move {
                gate.wait().await;
                let r = request.await.expect("the request is answered");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Room for the devices the trials create (each one a new device of alice).
async fn many_devices(app: &TestApp) {
    crate::playback::content_token::write(
        app,
        &["UPDATE account_profiles SET max_devices = 1000 WHERE tenant_id = 'demo' AND id = 'default'"],
        &[(ChangeKind::AccountProfile, "default")],
    )
    .await;
}

/// Exactly one `winner` status; every other answer is one of `losers`.
fn one_winner(answers: &[(u16, Value)], winner: u16, losers: &[u16], what: &str) -> Value {
    let wins: Vec<_> = answers.iter().filter(|(s, _)| *s == winner).collect();
    assert_eq!(wins.len(), 1, "{what}: {answers:?}");
    for (s, body) in answers.iter().filter(|(s, _)| *s != winner) {
        assert!(losers.contains(s), "{what}: {s} {body}");
    }
    wins[0].1.clone()
}

fn post(http: &reqwest::Client, url: String, tenant: &str) -> reqwest::RequestBuilder {
    http.post(url).header("nv-tenant-id", tenant)
}

async fn sign_on(http: &reqwest::Client, base: &str) -> Value {
    let r = post(
        http,
        format!("{base}/ias/v3/token/actions/signOnByUserNamePassword"),
        "demo",
    )
    .json(&json!({ "username": "alice@demo.playgate", "password": "alice-demo-pass", "clientId": "dev-alice-tv" }))
    .send()
    .await
    .unwrap();
    json_of(r, 200).await
}

/// One refresh race over `bases` (round robin): one 200, the rest 401, and
/// then the winner's chain is over too.
async fn refresh_race(http: &reqwest::Client, bases: &[String]) {
    let first = sign_on(http, &bases[0]).await;
    let refresh = first["refresh_token"].as_str().unwrap().to_owned();
    let answers = race(AT_ONCE, |i| {
        post(
            http,
            format!("{}/ias/v3/token/actions/refresh", bases[i % bases.len()]),
            "demo",
        )
        .bearer_auth(&refresh)
        .send()
    })
    .await;
    let won = one_winner(&answers, 200, &[401], "refresh");
    // The losers were reuse: the winner's new tokens are revoked too, on
    // every node once the change lands.
    for base in bases {
        let mut refused = false;
        for _ in 0..100 {
            let r = post(
                http,
                format!("{base}/tvs/v1/token/actions/validate"),
                "demo",
            )
            .bearer_auth(won["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
            if r.status() == 403 {
                refused = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(refused, "the forked chain lives on at {base}");
        let r = post(http, format!("{base}/ias/v3/token/actions/refresh"), "demo")
            .bearer_auth(won["refresh_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
}

async fn refresh_tokens_are_spent_once(b: Backend) {
    let app = TestApp::start(b).await;
    for _ in 0..TRIALS {
        refresh_race(&app.http, std::slice::from_ref(&app.base)).await;
    }
    app.stop().await;
}

async fn dsra_activation_tokens_are_spent_once(b: Backend) {
    use crate::identity::dsra::{activate, approve, companion_token, new_code, poll};
    let app = TestApp::start(b).await;
    many_devices(&app).await;
    let access = companion_token(&app).await;
    for _ in 0..TRIALS {
        let (code, dsra) = new_code(&app).await;
        assert_eq!(approve(&app, &access, &code).await.status(), 202);
        let device = json!({ "deviceInformation": { "deviceType": "OPEN" } });
        let activation = json_of(poll(&app, &dsra, Some(device)).await, 202).await;
        let token = activation["signOnActivationToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let app = &app;
        let answers = race(AT_ONCE, |_| {
            let app_url = app.url("/ias/v3/token/actions/signOnBySignOnActivationToken");
            post(&app.http, app_url, "demo").bearer_auth(&token).send()
        })
        .await;
        one_winner(&answers, 201, &[403], "activation token");
        assert_eq!(activate(app, &token).await.status(), 403);
    }
    app.stop().await;
}

async fn ags_user_account_and_session_tokens_are_spent_once(b: Backend) {
    let app = TestApp::start(b).await;
    many_devices(&app).await;
    for _ in 0..TRIALS {
        // The 300 answer's userAccountToken.
        let r = ags::sign_on(
            &app,
            "family@sso.demo",
            "family-sso-pass",
            json!({ "deviceInformation": device_info("P") }),
        )
        .await;
        let user_token = json_of(r, 300).await["userAccountToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let body = json!({ "parameters": params(&[("accountId", "acc-active")]),
                           "deviceInformation": device_info("P") });
        let answers = race(AT_ONCE, |_| {
            ags::ags(&app, "/ags/subsequentSignOn")
                .header("User-Token", &user_token)
                .json(&body)
                .send()
        })
        .await;
        one_winner(&answers, 201, &[401], "userAccountToken");

        // The QR flow's session token.
        let operator = operator_token(operator_claims("acc-active"), SECRET);
        let r = ags::get_session_token(&app, &operator).await;
        let session = json_of(r, 200).await["sessionToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let body = json!({ "parameters": params(&[("sessionToken", &session)]),
                           "deviceInformation": device_info("Phone") });
        let answers = race(AT_ONCE, |_| {
            ags::ags(&app, "/ags/signOnWithSessionToken")
                .json(&body)
                .send()
        })
        .await;
        one_winner(&answers, 201, &[401], "sessionToken");
    }
    app.stop().await;
}

async fn rocket_pairing_codes_are_spent_once(b: Backend) {
    use crate::identity::rocket_pairing::{alice_catalog, post as rocket_post};
    let app = TestApp::start(b).await;
    many_devices(&app).await;
    let catalog = alice_catalog(&app).await;
    for trial in 0..TRIALS {
        let id = format!("SN-RACE-{trial}");
        let device = json!({ "id": id, "name": "TV", "type": "smart_tv" });
        let r = rocket_post(&app, "/api/authorization/device/code", None, device).await;
        let code = json_of(r, 200).await["code"].as_str().unwrap().to_owned();
        let r = rocket_post(
            &app,
            "/api/account/devices/authorization",
            Some(&catalog),
            json!({ "code": code }),
        )
        .await;
        assert_eq!(r.status(), 204);
        let body = json!({ "id": id, "code": code, "scopes": ["Catalog"] });
        let answers = race(AT_ONCE, |_| {
            app.http
                .post(app.url("/api/authorization/device"))
                .json(&body)
                .send()
        })
        .await;
        one_winner(&answers, 200, &[404], "pairing code");
    }
    app.stop().await;
}

crate::on_both_backends!(
    refresh_tokens_are_spent_once,
    dsra_activation_tokens_are_spent_once,
    ags_user_account_and_session_tokens_are_spent_once,
    rocket_pairing_codes_are_spent_once
);

/// Two `playgate serve` processes on one PostgreSQL: refreshes of one token
/// split between them still spend it once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_races_across_two_nodes() {
    let http = reqwest::Client::new();
    let Some((db, a, b)) = crate::cluster::two_nodes(&http, &[]).await else {
        return;
    };
    let bases = [a.base.clone(), b.base.clone()];
    for _ in 0..TRIALS {
        refresh_race(&http, &bases).await;
    }
    drop((a, b));
    db.drop_db().await;
}
