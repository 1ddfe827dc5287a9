//! The URL Builder and IAS `cdn_content_token` against every other location
//! on the CDN: for each item alice may play (content, channel and PPV
//! routes, and the IAS route of the content token with its CDN token), the
//! URL of every other
//! item, every parent directory of her own and `..;` climbs are refused, and
//! the token she does get is admitted by the edge authorizer inside her
//! item's directory only.

use reqwest::Method;
use serde_json::Value;
use sqlx::Row as _;

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{alice, grant, refused, write, DAY, NOW};
use crate::playback::url_builder::{akamai_cdn, authorize};
use playgate::store::changes::ChangeKind;

const OUTSIDE: u32 = 40305;

/// Every item of the demo catalogue with a playback location:
/// (`channel`?, DRM id, playback URL).
async fn items(app: &TestApp) -> Vec<(bool, String, String)> {
    let rows = sqlx::query(
        "SELECT 0 AS channel, drm_id, playback_url FROM contents \
         WHERE tenant_id = 'demo' AND playback_url IS NOT NULL \
         UNION ALL SELECT 1 AS channel, drm_id, playback_url FROM channels \
         WHERE tenant_id = 'demo' AND playback_url IS NOT NULL AND drm_id IS NOT NULL",
    )
    .fetch_all(app.state.store.pool())
    .await
    .unwrap();
    rows.iter()
        .map(|r| {
            (
                r.try_get::<i64, _>("channel").unwrap() == 1,
                r.try_get("drm_id").unwrap(),
                r.try_get("playback_url").unwrap(),
            )
        })
        .collect()
}

/// The directory of a URL's path: `/vod/x/`.
fn dir_of(url: &str) -> &str {
    let (_, path) = split(url);
    &path[..=path.rfind('/').unwrap()]
}

/// `scheme://authority` and the path (with any query) of a URL.
fn split(url: &str) -> (&str, &str) {
    let authority = url.find("://").unwrap() + 3;
    url.split_at(authority + url[authority..].find('/').unwrap())
}

/// Which route asks for the CDN token.
#[derive(Debug, Clone, Copy)]
enum Route<'a> {
    /// URL Builder, content.
    Content,
    /// URL Builder, channel.
    Channel,
    /// URL Builder, PPV event on a channel.
    Ppv(&'a str),
    /// IAS `cdn_content_token` (OPF row 26): the same answer, flat.
    Ias,
}

impl Route<'_> {
    fn of(channel: bool) -> Self {
        if channel {
            Route::Channel
        } else {
            Route::Content
        }
    }
}

/// A CDN token for an item by `route`, with an optional `content_URL`.
async fn build(
    app: &TestApp,
    access: &str,
    route: Route<'_>,
    drm_id: &str,
    url: Option<&str>,
) -> reqwest::Response {
    let mut q: Vec<(&str, &str)> = Vec::new();
    let (method, path) = match route {
        Route::Ppv(event) => {
            q.extend([("content_id", drm_id), ("event_id", event)]);
            (
                Method::GET,
                "/urlbuilder/v1/playout/ppvContent/token".to_owned(),
            )
        }
        Route::Channel => (
            Method::GET,
            format!("/urlbuilder/v1/playout/channel/{drm_id}"),
        ),
        Route::Content => {
            q.push(("content_id", drm_id));
            (
                Method::GET,
                "/urlbuilder/v1/playout/content/token".to_owned(),
            )
        }
        Route::Ias => {
            q.extend([("content_id", drm_id), ("type", "device")]);
            (Method::POST, "/ias/v2/cdn_content_token".to_owned())
        }
    };
    if let Some(url) = url {
        q.push(("content_URL", url));
    }
    app.http
        .request(method, app.url(&path))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .query(&q)
        .send()
        .await
        .unwrap()
}

/// Everything a client could ask to have signed for an item whose own URL
/// is `own`: the other items' URLs, files in directories above its own,
/// `..;` climbs and another scheme or host for the same path.
fn hostile_urls(own: &str, others: &[&str]) -> Vec<(String, u16)> {
    let (base, path) = split(own);
    let dir = dir_of(own);
    let mut urls: Vec<(String, u16)> = others
        .iter()
        .filter(|o| dir_of(o) != dir)
        .map(|o| (o.to_string(), 403))
        .collect();
    let mut up = dir.trim_end_matches('/');
    while let Some(i) = up.rfind('/') {
        up = &up[..i];
        urls.push((format!("{base}{up}/manifest.mpd"), 403));
        urls.push((format!("{base}{up}/index.m3u8"), 403));
    }
    for other in others.iter().filter(|o| dir_of(o) != dir) {
        let tail = other.trim_start_matches(base);
        urls.push((format!("{base}{dir}..;{tail}"), 400));
        urls.push((format!("{base}{dir}..{tail}"), 400));
    }
    let swapped = if base.starts_with("https://") {
        base.replacen("https://", "http://", 1)
    } else {
        base.replacen("http://", "https://", 1)
    };
    urls.push((format!("{swapped}{path}"), 403));
    urls.push((format!("{base}.evil.example{path}"), 403));
    urls.push((format!("{}:444{path}", base), 403));
    urls
}

async fn check_scope(
    app: &TestApp,
    access: &str,
    route: Route<'_>,
    drm_id: &str,
    own: &str,
    others: &[&str],
) {
    // Its own location: signed for its directory, which the edge admits,
    // and nothing else, which it refuses.
    let body = json_of(build(app, access, route, drm_id, None).await, 200).await;
    let token = body["cdnAccessToken"].as_str().unwrap().to_owned();
    let dir = dir_of(own);
    assert!(
        token.contains(&format!("~acl={dir}*~")),
        "{drm_id}: {token}"
    );
    let seg = |d: &str| format!("{d}seg_1.m4s?__token__={token}");
    assert_eq!(authorize(app, "demo-akamai", &seg(dir), &[]).await, 200);
    for other in others.iter().map(|o| dir_of(o)).filter(|d| *d != dir) {
        assert_eq!(
            authorize(app, "demo-akamai", &seg(other), &[]).await,
            403,
            "{drm_id}'s token opens {other}"
        );
    }
    assert_eq!(authorize(app, "demo-akamai", &seg("/"), &[]).await, 403);
    // A deeper file of its own directory: still its directory.
    let deeper = format!("{}video/1/init.mp4", &own[..own.rfind('/').unwrap() + 1]);
    let body = json_of(build(app, access, route, drm_id, Some(&deeper)).await, 200).await;
    assert!(body["cdnAccessToken"]
        .as_str()
        .unwrap()
        .contains(&format!("~acl={dir}*~")));
    for (url, status) in hostile_urls(own, others) {
        let r = build(app, access, route, drm_id, Some(&url)).await;
        let body = json_of(r, status).await;
        assert!(
            body.get("cdnAccessToken").is_none(),
            "{drm_id} {url}: {body}"
        );
        if status == 403 {
            assert_eq!(
                body["resultCode"],
                format!("{OUTSIDE}:403"),
                "{drm_id} {url}: {body}"
            );
        }
    }
}

async fn a_cdn_token_covers_only_the_granted_contents_location(b: Backend) {
    let app = TestApp::start(b).await;
    let access = alice(&app).await;
    akamai_cdn(&app).await;

    // The probe's two requests.
    let r = build(
        &app,
        &access,
        Route::Content,
        "DRM_vod-entitled_DASH",
        Some("https://cdn.demo.playgate/vod/vod-premium/manifest.mpd"),
    )
    .await;
    refused(r, 403, OUTSIDE).await;
    let r = build(
        &app,
        &access,
        Route::Channel,
        "DRM_ch-news_DASH",
        Some("https://cdn.demo.playgate/manifest.mpd"),
    )
    .await;
    refused(r, 403, OUTSIDE).await;

    // Every item alice may play, against every other item's location.
    let all = items(&app).await;
    assert!(all.len() >= 5, "{all:?}");
    let urls: Vec<&str> = all.iter().map(|(_, _, u)| u.as_str()).collect();
    let mut granted = 0;
    for (channel, drm_id, own) in &all {
        let probe = build(&app, &access, Route::of(*channel), drm_id, None).await;
        if probe.status() != 200 {
            continue;
        }
        granted += 1;
        check_scope(&app, &access, Route::of(*channel), drm_id, own, &urls).await;
        // The IAS route of the content token with its CDN token: the same
        // location rule, through the same use case.
        check_scope(&app, &access, Route::Ias, drm_id, own, &urls).await;
    }
    assert!(granted >= 3, "alice plays at least a VOD and two channels");

    // PPV: the event's channel location only.
    grant(
        &app,
        "ent-final",
        "acc-active",
        "prod-ppv-final",
        NOW,
        Some(NOW + 8 * DAY),
    )
    .await;
    let sports = all
        .iter()
        .find(|(_, d, _)| d == "DRM_ch-sports_DASH")
        .unwrap();
    check_scope(
        &app,
        &access,
        Route::Ppv("ppv-final"),
        "DRM_ch-sports_DASH",
        &sports.2,
        &urls,
    )
    .await;

    // No location, no CDN token: neither by default nor for a URL on the CDN.
    write(
        &app,
        &["UPDATE contents SET playback_url = NULL WHERE id = 'vod-entitled'"],
        &[(ChangeKind::Content, "vod-entitled")],
    )
    .await;
    for url in [
        None,
        Some("https://cdn.demo.playgate/vod/vod-entitled/manifest.mpd"),
    ] {
        for route in [Route::Content, Route::Ias] {
            let r = build(&app, &access, route, "DRM_vod-entitled_DASH", url).await;
            let body: Value = json_of(r, 403).await;
            assert!(body.get("cdnAccessToken").is_none(), "{body}");
            assert_eq!(body["resultCode"], format!("{OUTSIDE}:403"), "{body}");
        }
    }
    app.stop().await;
}

crate::on_both_backends!(a_cdn_token_covers_only_the_granted_contents_location);
