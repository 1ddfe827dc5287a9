//! User profiles over real HTTP, on UPS and Rocket: one model; names unique
//! in an account; the default profile and the profile in use cannot be
//! deleted; a child profile manages nothing; deleting a profile deletes
//! its activity.

use reqwest::Method;
use serde_json::{json, Value};

use crate::activity::rocket::profile_token;
use crate::harness::{demo_call, json_of, scalar, Backend, TestApp, DEMO_KEY};
use crate::identity::rocket_pairing::alice_catalog;
use crate::playback::content_token::alice;

const UPS: &str = "/userprofiles/v1/user/userprofiles";

async fn call(
    app: &TestApp,
    bearer: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    demo_call(app, bearer, method, path, body).await
}

/// An access token of alice's account for `profile`.
async fn as_profile(app: &TestApp, token: &str, profile: &str) -> String {
    let r = call(
        app,
        token,
        Method::POST,
        "/ias/v3/token/actions/changeUserProfile",
        Some(json!({"newUserProfileId": profile})),
    )
    .await;
    json_of(r, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ups_profiles(b: Backend) {
    let app = TestApp::start(b).await;
    crate::activity::fixtures::without_demo_activity(&app).await;
    let main = alice(&app).await;
    let listed = json_of(call(&app, &main, Method::GET, UPS, None).await, 200).await;
    assert_eq!(listed["totalRecords"], 2);
    assert_eq!(listed["resourceSet"][0]["_id"], "acc-active-main");
    assert_eq!(listed["resourceSet"][0]["default"], true);
    assert_eq!(listed["resourceSet"][1]["childProfile"], true);

    app.clock.advance_ms(1000);
    let created = json_of(
        call(
            &app,
            &main,
            Method::POST,
            UPS,
            Some(json!({"name": "Guest", "preferredAudioLanguage": "fr",
        "ratingsThresholds": [{"ratingsBody": "FSK", "ratingsThreshold": "fsk16"}]})),
        )
        .await,
        201,
    )
    .await;
    let id = created["_id"].as_str().unwrap().to_owned();
    assert_eq!(created["accountId"], "acc-active");
    assert_eq!(created["default"], false);
    assert_eq!(created["preferredAudioLanguage"], "fr");
    let dup = call(
        &app,
        &main,
        Method::POST,
        UPS,
        Some(json!({"name": "guest"})),
    )
    .await;
    assert_eq!(json_of(dup, 409).await["resultCode"], "40900:409");
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": "x", "colour": 1}),
        json!({"name": "x", "preferredAudioLanguage": "f r"}),
    ] {
        let r = call(&app, &main, Method::POST, UPS, Some(bad.clone())).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    let page2 = json_of(
        call(
            &app,
            &main,
            Method::GET,
            &format!("{UPS}?limit=1&page=2"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(page2["totalRecords"], 3);
    assert_eq!(page2["resourceSet"][0]["_id"], "acc-active-kids");
    assert_eq!(
        call(&app, &main, Method::GET, &format!("{UPS}?page=2"), None)
            .await
            .status(),
        400
    );

    // A partial update; null clears.
    let updated = json_of(
        call(
            &app,
            &main,
            Method::PUT,
            &format!("{UPS}/{id}"),
            Some(json!({"iconName": "fox", "preferredAudioLanguage": null})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(updated["iconName"], "fox");
    assert_eq!(updated["preferredAudioLanguage"], Value::Null);
    assert_eq!(updated["ratingsThresholds"][0]["ratingsThreshold"], "fsk16");
    let read = json_of(
        call(&app, &main, Method::GET, &format!("{UPS}/{id}"), None).await,
        200,
    )
    .await;
    assert_eq!(read, updated);
    assert_eq!(
        call(
            &app,
            &main,
            Method::GET,
            &format!("{UPS}/acc-full-main"),
            None
        )
        .await
        .status(),
        404
    );

    // The profile's activity: a bookmark, a rating, an event.
    let uav =
        format!("/useractivityvault/v1/clientdata/account/acc-active/user/{id}/bookmarks/vod-1");
    json_of(
        call(
            &app,
            &main,
            Method::PUT,
            &uav,
            Some(json!({"position": 5, "metadata": {"contentDuration": 60}})),
        )
        .await,
        200,
    )
    .await;
    let r = call(
        &app,
        DEMO_KEY,
        Method::POST,
        "/useractivityvault/v1/useractivity/rating",
        Some(json!({"accountId": "acc-active", "userId": id, "contentId": "vod-1", "rating": 6})),
    )
    .await;
    assert_eq!(r.status(), 202);
    let r = call(
        &app,
        &main,
        Method::POST,
        "/useractivityvault/v1/useractivity/watch",
        Some(json!({"userId": id, "key": "vod-1"})),
    )
    .await;
    assert_eq!(r.status(), 202);
    let activity = &app.state.plane.activity;
    activity.write_behind().flush(activity.base()).await;
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM activity_records WHERE profile_id = '{id}'")
        )
        .await,
        2
    );

    // Who may delete what.
    let in_use = as_profile(&app, &main, &id).await;
    let r = call(&app, &in_use, Method::DELETE, &format!("{UPS}/{id}"), None).await;
    assert_eq!(json_of(r, 403).await["resultCode"], "40322:403");
    let r = call(
        &app,
        &main,
        Method::DELETE,
        &format!("{UPS}/acc-active-main"),
        None,
    )
    .await;
    assert_eq!(json_of(r, 403).await["resultCode"], "40321:403");
    let kid = as_profile(&app, &main, "acc-active-kids").await;
    for (m, path, body) in [
        (
            Method::POST,
            UPS.to_owned(),
            Some(json!({"name": "Sneaky"})),
        ),
        (
            Method::PUT,
            format!("{UPS}/{id}"),
            Some(json!({"name": "Mine"})),
        ),
        (Method::DELETE, format!("{UPS}/{id}"), None),
    ] {
        let r = call(&app, &kid, m, &path, body).await;
        assert_eq!(json_of(r, 403).await["resultCode"], "40320:403", "{path}");
    }
    let deleted = json_of(
        call(&app, &main, Method::DELETE, &format!("{UPS}/{id}"), None).await,
        201,
    )
    .await;
    assert_eq!(deleted, json!({"matchedCount": 1, "deletedCount": 1}));
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM activity_records WHERE profile_id = '{id}'")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM activity_events WHERE profile_id = '{id}'")
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count FROM activity_averages WHERE content_id = 'vod-1'"
        )
        .await,
        0,
        "its rating left the average"
    );
    assert_eq!(
        call(&app, &main, Method::GET, &format!("{UPS}/{id}"), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&app, &main, Method::DELETE, &format!("{UPS}/{id}"), None)
            .await
            .status(),
        404
    );

    // At most ten profiles.
    for i in 0..8 {
        json_of(
            call(
                &app,
                &main,
                Method::POST,
                UPS,
                Some(json!({"name": format!("P{i}")})),
            )
            .await,
            201,
        )
        .await;
    }
    let r = call(
        &app,
        &main,
        Method::POST,
        UPS,
        Some(json!({"name": "Eleventh"})),
    )
    .await;
    assert_eq!(r.status(), 409);
    // The operator key is no user token here: OPF's token refusal.
    let r = call(&app, DEMO_KEY, Method::GET, UPS, None).await;
    assert_eq!(json_of(r, 403).await["resultCode"], "99999:403");
    app.stop().await;
}

async fn rocket(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app
        .http
        .request(method, app.url(&format!("/api{path}")))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

async fn rocket_profiles(b: Backend) {
    let app = TestApp::start(b).await;
    crate::activity::fixtures::without_demo_activity(&app).await;
    let account = alice_catalog(&app).await;
    let created = json_of(rocket(&app, &account, Method::POST, "/account/profiles", Some(json!({"name": "Den", "pinEnabled": true, "segments": ["kids"], "languageCode": "de"}))).await, 201).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["pinEnabled"], true);
    assert_eq!(created["isActive"], true);
    assert_eq!(created["segments"], json!(["kids"]));
    assert_eq!(created["watched"], json!({}));
    let r = rocket(
        &app,
        &account,
        Method::PATCH,
        &format!("/account/profiles/{id}"),
        Some(json!({"heroAutoplay": true, "name": "The Den"})),
    )
    .await;
    assert_eq!(r.status(), 204);
    let one = json_of(
        rocket(
            &app,
            &account,
            Method::GET,
            &format!("/account/profiles/{id}"),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (
            one["name"].as_str(),
            one["heroAutoplay"].as_bool(),
            one["languageCode"].as_str()
        ),
        (Some("The Den"), Some(true), Some("de"))
    );
    // The same profile on UPS.
    let opf = alice(&app).await;
    let ups = json_of(
        call(&app, &opf, Method::GET, &format!("{UPS}/{id}"), None).await,
        200,
    )
    .await;
    assert_eq!(
        (ups["name"].as_str(), ups["pinPromptRequired"].as_bool()),
        (Some("The Den"), Some(true))
    );
    let r = rocket(
        &app,
        &account,
        Method::PATCH,
        &format!("/account/profiles/{id}"),
        Some(json!({"name": "Kids"})),
    )
    .await;
    assert_eq!(r.status(), 409, "names are unique in an account");
    let r = rocket(
        &app,
        &account,
        Method::PATCH,
        &format!("/account/profiles/{id}"),
        Some(json!({"nickname": "x"})),
    )
    .await;
    assert_eq!(json_of(r, 400).await["code"], 40002);
    assert_eq!(
        rocket(
            &app,
            &account,
            Method::GET,
            "/account/profiles/acc-full-main",
            None
        )
        .await
        .status(),
        404
    );
    let r = rocket(
        &app,
        &account,
        Method::DELETE,
        "/account/profiles/acc-active-main",
        None,
    )
    .await;
    assert_eq!(json_of(r, 403).await["code"], 40321);
    assert_eq!(
        rocket(
            &app,
            &account,
            Method::DELETE,
            &format!("/account/profiles/{id}"),
            None
        )
        .await
        .status(),
        204
    );
    assert_eq!(
        rocket(
            &app,
            &account,
            Method::GET,
            &format!("/account/profiles/{id}"),
            None
        )
        .await
        .status(),
        404
    );

    // The active profile, with what it watched, rated and saved.
    let main = profile_token(&app, "acc-active-main", None).await;
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/watched/ed-vod-entitled?position=30",
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/ratings/ed-vod-entitled?rating=9",
            None
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        rocket(
            &app,
            &main,
            Method::PUT,
            "/account/profile/bookmarks/ser-harbour",
            None
        )
        .await
        .status(),
        200
    );
    let me = json_of(
        rocket(&app, &main, Method::GET, "/account/profile", None).await,
        200,
    )
    .await;
    assert_eq!(me["id"], "acc-active-main");
    assert_eq!(me["watched"]["ed-vod-entitled"]["position"], 30);
    assert_eq!(me["rated"], json!({"ed-vod-entitled": 9}));
    assert!(me["bookmarked"]["ser-harbour"].is_string());
    assert_eq!(
        rocket(&app, &account, Method::GET, "/account/profile", None)
            .await
            .status(),
        403
    );
    app.stop().await;
}

crate::on_both_backends!(ups_profiles, rocket_profiles);
