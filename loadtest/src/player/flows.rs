//! The player's steps. Each request names the statuses a correct node may
//! answer it with; anything else is marked failed (and fails the run).
//!
//! Players are the bulk tenant's accounts `user{i}@load.playgate` (password
//! `load-test-password`) on their first device `dev-{i:08}-0`. A player
//! picks its contents from its entitlements' products, the way the bulk
//! catalogue is laid out (product `prod-NNN` grants `vod-…` whose number is
//! NNN modulo 50), and one play in ten from anywhere in the catalogue, which
//! the node may refuse.

use std::sync::OnceLock;

use goose::prelude::*;
use rand::Rng;
use serde_json::Value;

const PRODUCTS: u64 = 50;

pub struct Settings {
    pub tenant: String,
    pub accounts: u64,
    pub contents: u64,
    pub p99_ms: usize,
}

pub fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let var = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        let accounts = var("PLAYGATE_ACCOUNTS").unwrap_or(1000);
        Settings {
            tenant: std::env::var("PLAYGATE_TENANT").unwrap_or_else(|_| "load".into()),
            accounts,
            contents: var("PLAYGATE_CONTENTS").unwrap_or((accounts / 10).clamp(10, 100_000)),
            p99_ms: var("PLAYGATE_P99_MS").unwrap_or(500) as usize,
        }
    })
}

/// One player's state.
struct Player {
    access: String,
    refresh: String,
    /// Product numbers of its entitlements.
    products: Vec<u64>,
    /// The lease of its stream, when its account's streams are limited.
    session: Option<String>,
}

fn player(user: &GooseUser) -> &Player {
    user.get_session_data_unchecked::<Player>()
}

/// Sends `rb` as the step `name`; the answer's status must be one of `ok`.
async fn send(
    user: &mut GooseUser,
    name: &str,
    rb: reqwest::RequestBuilder,
    ok: &[u16],
) -> Result<(u16, Value), Box<TransactionError>> {
    let request = GooseRequest::builder()
        .set_request_builder(rb.header("nv-tenant-id", &settings().tenant))
        .name(name)
        .build();
    let mut goose = user.request(request).await?;
    let Ok(response) = goose.response else {
        return Err(Box::new(TransactionError::RequestFailed {
            raw_request: goose.request,
        }));
    };
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if ok.contains(&status) {
        user.set_success(&mut goose.request)?;
        Ok((status, body))
    } else {
        let text = body.to_string();
        user.set_failure(
            &format!("{name}: unexpected status {status}"),
            &mut goose.request,
            None,
            Some(&text),
        )?;
        unreachable!("set_failure returns an error");
    }
}

fn tokens_of(body: &Value) -> Option<(String, String)> {
    Some((
        body["access_token"].as_str()?.to_owned(),
        body["refresh_token"].as_str()?.to_owned(),
    ))
}

/// On start: sign on as a random account (one not ACTIVE is refused with
/// 403: pick another), then read the entitlements.
pub async fn sign_on(user: &mut GooseUser) -> TransactionResult {
    let s = settings();
    for _ in 0..20 {
        let i = rand::thread_rng().gen_range(0..s.accounts);
        let body = serde_json::json!({
            "username": format!("user{i}@load.playgate"),
            "password": "load-test-password",
            "clientId": format!("dev-{i:08}-0"),
        });
        let rb = user
            .get_request_builder(
                &GooseMethod::Post,
                "/ias/v3/token/actions/signOnByUserNamePassword",
            )?
            .json(&body);
        let (status, answer) = send(user, "sign on", rb, &[200, 403]).await?;
        if status != 200 {
            continue;
        }
        let (access, refresh) = tokens_of(&answer).expect("a sign-on answer has tokens");
        let rb = user
            .get_request_builder(&GooseMethod::Get, "/rmg/v1/user/entitlements")?
            .bearer_auth(&access);
        let (_, page) = send(user, "RMG entitlements", rb, &[200]).await?;
        let products = page["resourceSet"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["productId"].as_str()?.strip_prefix("prod-")?.parse().ok())
            .collect();
        user.set_session_data(Player {
            access,
            refresh,
            products,
            session: None,
        });
        return Ok(());
    }
    panic!("no ACTIVE account among 20 tries: is PLAYGATE_ACCOUNTS right?");
}

/// A content of one of the player's products, or (one in ten, or with
/// none) any content.
fn pick_content(p: &Player) -> String {
    let s = settings();
    let mut rng = rand::thread_rng();
    let per_product = (s.contents / PRODUCTS).max(1);
    let n = if p.products.is_empty() || rng.gen_ratio(1, 10) {
        rng.gen_range(0..s.contents)
    } else {
        let product = p.products[rng.gen_range(0..p.products.len())];
        (product + PRODUCTS * rng.gen_range(0..per_product)).min(s.contents - 1)
    };
    format!("DRM_vod-{n:06}_DASH")
}

/// A content token: granted (200, perhaps with a lease), refused by the
/// data (403), or its account's streams are all in use (403 too).
pub async fn content_token(user: &mut GooseUser) -> TransactionResult {
    let p = player(user);
    let path = format!("/ias/v2/content_token?content_id={}", pick_content(p));
    let rb = user
        .get_request_builder(&GooseMethod::Post, &path)?
        .bearer_auth(&p.access)
        .header("content-length", "0");
    let (status, body) = send(user, "content token", rb, &[200, 403]).await?;
    if status == 200 {
        if let Some(id) = body["session"]["sessionId"].as_str() {
            user.get_session_data_unchecked_mut::<Player>().session = Some(id.to_owned());
        }
    }
    Ok(())
}

/// A URL Builder answer for the item's own URL (the tenant's default CDN).
pub async fn url_builder(user: &mut GooseUser) -> TransactionResult {
    let p = player(user);
    let path = format!(
        "/urlbuilder/v1/playout/content/token?content_id={}",
        pick_content(p)
    );
    let rb = user
        .get_request_builder(&GooseMethod::Get, &path)?
        .bearer_auth(&p.access);
    let (status, body) = send(user, "URL Builder", rb, &[200, 403]).await?;
    if status == 200 && body["playbackUrl"].as_str().is_none() {
        panic!("a URL Builder answer without playbackUrl: {body}");
    }
    Ok(())
}

/// The stream's heartbeat, when it has a lease (404 once the lease is gone:
/// the next content token takes a new one).
pub async fn heartbeat(user: &mut GooseUser) -> TransactionResult {
    let p = player(user);
    let Some(session) = p.session.clone() else {
        return Ok(());
    };
    let rb = user
        .get_request_builder(
            &GooseMethod::Post,
            &format!("/sessions/v1/sessions/{session}/heartbeat"),
        )?
        .bearer_auth(&p.access)
        .header("content-length", "0");
    let (status, _) = send(user, "session heartbeat", rb, &[200, 404]).await?;
    if status == 404 {
        user.get_session_data_unchecked_mut::<Player>().session = None;
    }
    Ok(())
}

/// A refresh: new access and refresh tokens of the same chain.
pub async fn refresh(user: &mut GooseUser) -> TransactionResult {
    let p = player(user);
    let rb = user
        .get_request_builder(&GooseMethod::Post, "/ias/v3/token/actions/refresh")?
        .bearer_auth(&p.refresh)
        .header("content-length", "0");
    let (_, body) = send(user, "refresh", rb, &[200]).await?;
    let (access, refresh) = tokens_of(&body).expect("a refresh answer has tokens");
    let p = user.get_session_data_unchecked_mut::<Player>();
    p.access = access;
    p.refresh = refresh;
    Ok(())
}

async fn read(
    user: &mut GooseUser,
    name: &str,
    method: GooseMethod,
    path: &str,
) -> TransactionResult {
    let p = player(user);
    let mut rb = user
        .get_request_builder(&method, path)?
        .bearer_auth(&p.access);
    if method == GooseMethod::Post {
        rb = rb.header("content-length", "0");
    }
    send(user, name, rb, &[200]).await?;
    Ok(())
}

pub async fn in_house(user: &mut GooseUser) -> TransactionResult {
    read(
        user,
        "in-house test",
        GooseMethod::Get,
        "/lds/v1/user/inhouse",
    )
    .await
}

pub async fn validate(user: &mut GooseUser) -> TransactionResult {
    read(
        user,
        "token validation",
        GooseMethod::Post,
        "/tvs/v1/token/actions/validate",
    )
    .await
}

/// Admin plane: the account's devices (a store read).
pub async fn my_devices(user: &mut GooseUser) -> TransactionResult {
    read(user, "my devices", GooseMethod::Get, "/adm/v1/user/devices").await
}

/// Admin plane: the account's parental thresholds (a store read).
pub async fn my_thresholds(user: &mut GooseUser) -> TransactionResult {
    read(
        user,
        "my parental thresholds",
        GooseMethod::Get,
        "/adm/v1/user/accounts/parentalControl/ratingsThresholds",
    )
    .await
}
