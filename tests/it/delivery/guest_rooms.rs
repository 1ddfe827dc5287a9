//! GES guest rooms over real HTTP: a host entitled to a channel opens a room,
//! guests join by its id and get content tokens for that channel through
//! `decide` while the room lives (and only then, and only that channel); the
//! room counts devices or accounts up to its limit; status is for members
//! only; passes answer from memory with the store closed; bad input.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, Backend, TestApp};
use crate::playback::content_token::{alice, fay, refused, token, write, NOW};
use playgate::store::changes::ChangeKind;

const ROOMS: &str = "/ges/v1/user/room";
const SPORTS: &str = "DRM_ch-sports_DASH";

async fn open(app: &TestApp, access: &str, channel: &str) -> reqwest::Response {
    app.http
        .post(app.url(ROOMS))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .json(&json!({ "createRoom": { "editorialChannelId": channel } }))
        .send()
        .await
        .unwrap()
}

async fn room_call(app: &TestApp, method: Method, access: &str, room: &str) -> reqwest::Response {
    app.http
        .request(method, app.url(&format!("{ROOMS}/{room}")))
        .header("nv-tenant-id", "demo")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

async fn join(app: &TestApp, access: &str, room: &str) -> reqwest::Response {
    room_call(app, Method::PUT, access, room).await
}

async fn status(app: &TestApp, access: &str, room: &str) -> reqwest::Response {
    room_call(app, Method::GET, access, room).await
}

/// The `end` of a granted content token's rights.
async fn rights_end(r: reqwest::Response) -> i64 {
    let body = json_of(r, 200).await;
    let token = body["content_token"].as_str().unwrap();
    let payload = token.split('.').nth(1).unwrap();
    use base64::Engine as _;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    claims["contentRights"][0]["end"].as_i64().unwrap()
}

async fn settings(app: &TestApp, rooms: Value) {
    let sql = format!(
        "UPDATE tenants SET settings = '{}' WHERE id = 'demo'",
        json!({ "guestRooms": rooms })
    );
    write(app, &[sql.as_str()], &[(ChangeKind::Tenant, "demo")]).await;
}

/// Another account of the demo tenant (made through the ADM API) with one device.
async fn outsider(app: &TestApp) -> String {
    let r = app
        .operator(Method::POST, "/adm/v1/accounts")
        .json(&json!({ "_id": "acc-nia", "username": "nia@demo.playgate", "password": "nia-password-1" }))
        .send()
        .await
        .unwrap();
    json_of(r, 201).await;
    // A first sign-on without a clientId registers a new device.
    let r = app
        .http
        .post(app.url("/ias/v3/token/actions/signOnByUserNamePassword"))
        .header("nv-tenant-id", "demo")
        .json(&json!({
            "username": "nia@demo.playgate", "password": "nia-password-1",
            "deviceInformation": { "device": { "hardware": { "type": "Mobile" } } }
        }))
        .send()
        .await
        .unwrap();
    json_of(r, 200).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_guest_watches_the_shared_channel_while_the_room_lives(b: Backend) {
    let app = TestApp::start(b).await;
    let host = alice(&app).await;
    let guest = fay(&app, "dev-fay-1").await;
    refused(token(&app, &guest, SPORTS).await, 403, 40341).await;

    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let room_id = room["roomId"].as_str().unwrap().to_owned();
    assert_eq!(room_id.len(), 10, "{room}");
    // Opening again for the same channel is the same room.
    let again = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    assert_eq!(again["roomId"], room_id.as_str());
    // Not a member yet: no status, and still no playback.
    json_of(status(&app, &guest, &room_id).await, 404).await;

    let joined = json_of(join(&app, &guest, &room_id).await, 200).await;
    assert_eq!(
        joined,
        json!({ "roomId": room_id, "sharedContentId": "ed-ch-sports" })
    );
    let end = NOW + 4 * 3600;
    assert_eq!(rights_end(token(&app, &guest, SPORTS).await).await, end);
    // The pass is for that channel only, and for the joined device only.
    refused(
        token(&app, &guest, "DRM_vod-premium_DASH").await,
        403,
        40341,
    )
    .await;
    let guest_tablet = fay(&app, "dev-fay-2").await;
    refused(token(&app, &guest_tablet, SPORTS).await, 403, 40341).await;

    let st = json_of(status(&app, &host, &room_id).await, 200).await;
    assert_eq!(
        st,
        json!({
            "startTime": NOW, "endTime": end, "roomId": room_id,
            "guestList": [{ "deviceName": "dev-fay-1" }], "countBase": "DEVICE"
        })
    );
    json_of(status(&app, &guest, &room_id).await, 200).await;
    // Joining twice changes nothing; the host joining takes no place.
    json_of(join(&app, &guest, &room_id).await, 200).await;
    json_of(join(&app, &host, &room_id).await, 200).await;
    let st = json_of(status(&app, &host, &room_id).await, 200).await;
    assert_eq!(st["guestList"].as_array().unwrap().len(), 1);

    // The support trace names the room that granted it.
    let r = app
        .operator(Method::POST, "/rmg/v1/operator/decisions/actions/trace")
        .json(&json!({ "accountId": "acc-full", "deviceId": "dev-fay-1", "contentId": SPORTS }))
        .send()
        .await
        .unwrap();
    let trace = json_of(r, 200).await;
    assert_eq!(trace["decision"], "GRANT");
    assert_eq!(trace["rights"]["roomId"], room_id.as_str());
    assert!(trace["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["rule"] == "guestRoom" && s["outcome"] == "pass"));

    // When the room ends the pass ends; nobody joins a closed room.
    app.clock.advance_ms(4 * 3600 * 1000);
    let guest = fay(&app, "dev-fay-1").await;
    refused(token(&app, &guest, SPORTS).await, 403, 40341).await;
    let guest_tablet = fay(&app, "dev-fay-2").await;
    refused(join(&app, &guest_tablet, &room_id).await, 403, 40370).await;
    // The host may open a new one (for another channel too, now).
    let host = alice(&app).await;
    json_of(open(&app, &host, "ed-ch-news").await, 200).await;
    app.stop().await;
}

async fn rooms_count_devices_or_accounts(b: Backend) {
    let app = TestApp::start(b).await;
    settings(&app, json!({ "maxGuests": 1 })).await;
    let host = alice(&app).await;
    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let room_id = room["roomId"].as_str().unwrap().to_owned();
    let fay_1 = fay(&app, "dev-fay-1").await;
    let fay_2 = fay(&app, "dev-fay-2").await;
    json_of(join(&app, &fay_1, &room_id).await, 200).await;
    refused(join(&app, &fay_2, &room_id).await, 403, 40371).await;
    refused(token(&app, &fay_2, SPORTS).await, 403, 40341).await;
    // One live room per host: another channel is a conflict meanwhile.
    json_of(open(&app, &host, "ed-ch-news").await, 409).await;

    // A room counting accounts: both of Fay's devices take one place, a
    // second account finds it full.
    app.clock.advance_ms(5 * 3600 * 1000);
    settings(
        &app,
        json!({ "maxGuests": 1, "countBase": "ACCOUNT", "durationS": 3600 }),
    )
    .await;
    let host = alice(&app).await;
    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let room_id = room["roomId"].as_str().unwrap().to_owned();
    let fay_1 = fay(&app, "dev-fay-1").await;
    let fay_2 = fay(&app, "dev-fay-2").await;
    json_of(join(&app, &fay_1, &room_id).await, 200).await;
    // An ACCOUNT room's pass holds for every device of the account.
    let end = NOW + 5 * 3600 + 3600;
    assert_eq!(rights_end(token(&app, &fay_2, SPORTS).await).await, end);
    json_of(join(&app, &fay_2, &room_id).await, 200).await;
    let nia = outsider(&app).await;
    json_of(status(&app, &nia, &room_id).await, 404).await;
    refused(join(&app, &nia, &room_id).await, 403, 40371).await;
    let st = json_of(status(&app, &host, &room_id).await, 200).await;
    assert_eq!(st["countBase"], "ACCOUNT");
    assert_eq!(st["guestList"].as_array().unwrap().len(), 2);
    app.stop().await;
}

/// Only a host who may watch the channel opens a room; a guest cannot pass
/// its pass on; the room ends with the host's rights.
async fn only_entitled_hosts_open_rooms(b: Backend) {
    let app = TestApp::start(b).await;
    let guest = fay(&app, "dev-fay-1").await;
    refused(open(&app, &guest, "ed-ch-sports").await, 403, 40341).await;

    // Alice's sports entitlement ends in an hour: so does her room.
    write(
        &app,
        &[&format!(
            "UPDATE entitlements SET expiry = {} WHERE tenant_id = 'demo' AND id = 'ent-alice-sports'",
            NOW + 3600
        )],
        &[(ChangeKind::Entitlement, "acc-active")],
    )
    .await;
    let host = alice(&app).await;
    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let room_id = room["roomId"].as_str().unwrap().to_owned();
    json_of(join(&app, &guest, &room_id).await, 200).await;
    assert_eq!(
        rights_end(token(&app, &guest, SPORTS).await).await,
        NOW + 3600
    );
    // Fay, now a guest, may not open a room for the channel herself.
    refused(open(&app, &guest, "ed-ch-sports").await, 403, 40341).await;

    // Rooms turned off for the tenant: 404.
    settings(&app, json!({ "enabled": false })).await;
    json_of(open(&app, &host, "ed-ch-sports").await, 404).await;
    app.stop().await;
}

/// Guests racing for the last place: exactly one gets it.
async fn racing_guests_take_one_place(b: Backend) {
    let app = TestApp::start(b).await;
    settings(&app, json!({ "maxGuests": 1 })).await;
    let host = alice(&app).await;
    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let room_id = room["roomId"].as_str().unwrap().to_owned();
    let guests = [
        fay(&app, "dev-fay-1").await,
        fay(&app, "dev-fay-2").await,
        outsider(&app).await,
    ];
    let answers =
        futures_util::future::join_all(guests.iter().map(|g| join(&app, g, &room_id))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 403, 403]);
    let st = json_of(status(&app, &host, &room_id).await, 200).await;
    assert_eq!(st["guestList"].as_array().unwrap().len(), 1);
    app.stop().await;
}

/// A guest's pass is in memory: with the store closed the content token still
/// answers.
async fn passes_answer_with_the_store_closed(b: Backend) {
    let app = TestApp::start(b).await;
    let host = alice(&app).await;
    let room = json_of(open(&app, &host, "ed-ch-sports").await, 200).await;
    let guest = fay(&app, "dev-fay-1").await;
    json_of(
        join(&app, &guest, room["roomId"].as_str().unwrap()).await,
        200,
    )
    .await;
    app.state.store.close().await;
    json_of(token(&app, &guest, SPORTS).await, 200).await;
    app.stop().await;
}

async fn bad_room_requests(b: Backend) {
    let app = TestApp::start(b).await;
    let host = alice(&app).await;
    let raw = |body: &'static str| {
        app.http
            .post(app.url(ROOMS))
            .header("nv-tenant-id", "demo")
            .header("content-type", "application/json")
            .bearer_auth(&host)
            .body(body)
            .send()
    };
    for body in [
        "{",
        "{}",
        r#"{"createRoom": {}}"#,
        r#"{"createRoom": {"editorialChannelId": 7}}"#,
        r#"{"createRoom": {"editorialChannelId": "ed-ch-sports", "x": 1}}"#,
    ] {
        refused(raw(body).await.unwrap(), 400, 40002).await;
    }
    refused(
        raw(r#"{"createRoom": {"editorialChannelId": ""}}"#)
            .await
            .unwrap(),
        400,
        40000,
    )
    .await;
    refused(open(&app, &host, "ed-no-such-channel").await, 404, 40402).await;
    refused(join(&app, &host, "NOSUCHROOM").await, 404, 40402).await;
    refused(join(&app, &host, "bad.room").await, 400, 40000).await;
    refused(status(&app, &host, "NOSUCHROOM").await, 404, 40402).await;
    let r = app
        .http
        .put(app.url(&format!("{ROOMS}/ABCDEFGHJK")))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap();
    refused(r, 401, 40100).await;
    app.stop().await;
}

crate::on_both_backends!(
    a_guest_watches_the_shared_channel_while_the_room_lives,
    rooms_count_devices_or_accounts,
    only_entitled_hosts_open_rooms,
    racing_guests_take_one_place,
    passes_answer_with_the_store_closed,
    bad_room_requests
);
