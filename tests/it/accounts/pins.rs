//! Account PINs over real HTTP (§2.8): types defined by the operator, create,
//! validate, change, get and status of all, the lockout (shared by every
//! device of the account, timed with the injected clock), operator reset,
//! and bad input. Demo: ParentalPin (mandatory) and PurchasePin (optional),
//! 4 digits, 3 attempts, 900 s lock; alice's ParentalPin is 1234.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{demo_call as call, json_of, scalar, Backend, TestApp};
use crate::playback::content_token::{alice, sign_on};

async fn validate(app: &TestApp, access: &str, pin_type: &str, value: &str) -> reqwest::Response {
    call(
        app,
        access,
        Method::POST,
        "/adm/v1/user/accounts/actions/validatePin",
        Some(json!({ "type": pin_type, "value": value })),
    )
    .await
}

async fn statuses(app: &TestApp, access: &str) -> Value {
    json_of(
        call(
            app,
            access,
            Method::GET,
            "/adm/v1/user/accounts/pins/status",
            None,
        )
        .await,
        200,
    )
    .await
}

/// The ADM error code of a refusal with `status`.
async fn adm_code(r: reqwest::Response, status: u16) -> i64 {
    let body = json_of(r, status).await;
    assert_eq!(body["code"], status, "{body}");
    body["errorCode"].as_i64().unwrap()
}

async fn lifecycle_and_lockout(b: Backend) {
    let app = TestApp::start(b).await;
    let tv = alice(&app).await;
    let stb = sign_on(&app, "alice@demo.playgate", "alice-demo-pass", "stb-alice").await;
    assert_eq!(
        statuses(&app, &tv).await,
        json!({ "totalRecords": 2, "resourceSet": [
            { "pinType": "ParentalPin", "status": "SET", "extendedStatus": "MANDATORY", "lockTimeRemaining": 0 },
            { "pinType": "PurchasePin", "status": "UNSET", "extendedStatus": "OPTIONAL", "lockTimeRemaining": 0 }
        ]})
    );
    assert_eq!(
        json_of(
            call(&app, &tv, Method::GET, "/adm/v1/user/accounts/pins", None).await,
            200
        )
        .await,
        json!({ "totalRecords": 2, "resourceSet": [
            { "pinType": "ParentalPin", "isSet": true }, { "pinType": "PurchasePin", "isSet": false }
        ]})
    );

    // Validate: right 200; wrong 401 (and counted).
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "1234").await.status(),
        200
    );
    assert_eq!(
        adm_code(validate(&app, &tv, "ParentalPin", "0000").await, 401).await,
        40101
    );
    // A success clears the count: two more wrong ones do not lock.
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "1234").await.status(),
        200
    );
    for _ in 0..2 {
        assert_eq!(
            validate(&app, &tv, "ParentalPin", "9999").await.status(),
            401
        );
    }
    // The third wrong one, from another device of the account, locks it for
    // every device: even the right PIN is refused, with the time left.
    assert_eq!(
        validate(&app, &stb, "ParentalPin", "9999").await.status(),
        401
    );
    let r = validate(&app, &tv, "ParentalPin", "1234").await;
    assert_eq!(r.headers()["retry-after"], "900");
    assert_eq!(adm_code(r, 403).await, 40390);
    let s = statuses(&app, &stb).await;
    assert_eq!(s["resourceSet"][0]["status"], "LOCKED");
    assert_eq!(s["resourceSet"][0]["lockTimeRemaining"], 900);
    // Changing is refused while locked too.
    let change = json!({ "type": "ParentalPin", "oldValue": "1234", "newValue": "5678" });
    let r = call(
        &app,
        &tv,
        Method::PUT,
        "/adm/v1/user/accounts/actions/changePin",
        Some(change.clone()),
    )
    .await;
    assert_eq!(adm_code(r, 403).await, 40390);

    // The lock runs out on time.
    app.clock.advance_ms(899_000);
    assert_eq!(
        statuses(&app, &tv).await["resourceSet"][0]["lockTimeRemaining"],
        1
    );
    let tv = alice(&app).await;
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "1234").await.status(),
        403
    );
    app.clock.advance_ms(1_000);
    assert_eq!(statuses(&app, &tv).await["resourceSet"][0]["status"], "SET");
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "1234").await.status(),
        200
    );

    // Change: the old value is required and checked.
    let r = call(
        &app,
        &tv,
        Method::PUT,
        "/adm/v1/user/accounts/actions/changePin",
        Some(json!({ "type": "ParentalPin", "oldValue": "1111", "newValue": "5678" })),
    )
    .await;
    assert_eq!(r.status(), 401);
    let r = call(
        &app,
        &tv,
        Method::PUT,
        "/adm/v1/user/accounts/actions/changePin",
        Some(json!({ "newValue": "5678" })),
    )
    .await;
    assert_eq!(r.status(), 400);
    // `type` defaults to the mandatory (parental) PIN.
    let r = call(
        &app,
        &tv,
        Method::PUT,
        "/adm/v1/user/accounts/actions/changePin",
        Some(json!({ "oldValue": "1234", "newValue": "5678" })),
    )
    .await;
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 1 })
    );
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "1234").await.status(),
        401
    );
    assert_eq!(
        validate(&app, &tv, "ParentalPin", "5678").await.status(),
        200
    );

    // Create the optional PIN; a second create is a conflict.
    let create =
        |value: &str| json!({ "accountId": "acc-active", "type": "PurchasePin", "value": value });
    let r = call(
        &app,
        &tv,
        Method::POST,
        "/adm/v1/user/accounts/actions/pin",
        Some(create("2468")),
    )
    .await;
    assert_eq!(r.status(), 201);
    let r = call(
        &app,
        &tv,
        Method::POST,
        "/adm/v1/user/accounts/actions/pin",
        Some(create("1357")),
    )
    .await;
    assert_eq!(adm_code(r, 409).await, 40900);
    assert_eq!(
        validate(&app, &tv, "PurchasePin", "2468").await.status(),
        200
    );
    // Stored as argon2id, never the value.
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM pins WHERE tenant_id = 'demo' AND account_id = 'acc-active' AND pin_hash LIKE '$argon2id$%' AND pin_hash NOT LIKE '%2468%'").await,
        2
    );

    // Operator: status, reset of a lock (LOCKED -> SET), new value.
    for _ in 0..3 {
        validate(&app, &tv, "PurchasePin", "0000").await;
    }
    let op_status = |app: &TestApp| {
        app.operator(Method::GET, "/adm/v1/accounts/acc-active/pins/status")
            .send()
    };
    let s = json_of(op_status(&app).await.unwrap(), 200).await;
    assert_eq!(s["resourceSet"][1]["status"], "LOCKED");
    let reset = |body: Value| {
        app.operator(Method::PUT, "/adm/v1/accounts/actions/acc-active/pin")
            .json(&body)
            .send()
    };
    let r = reset(json!({ "type": "PurchasePin" })).await.unwrap();
    assert_eq!(
        json_of(r, 200).await,
        json!({ "matchedCount": 1, "modifiedCount": 1 })
    );
    assert_eq!(
        json_of(op_status(&app).await.unwrap(), 200).await["resourceSet"][1]["status"],
        "SET"
    );
    assert_eq!(
        validate(&app, &tv, "PurchasePin", "2468").await.status(),
        200
    );
    let r = reset(json!({ "type": "PurchasePin", "value": "8642" }))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        validate(&app, &tv, "PurchasePin", "8642").await.status(),
        200
    );
    app.stop().await;
}

async fn pin_types_and_bad_input(b: Backend) {
    let app = TestApp::start(b).await;
    let tv = alice(&app).await;
    let types = json_of(
        app.operator(Method::GET, "/adm/v1/pinTypes")
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(types["totalRecords"], 2);
    assert_eq!(
        types["resourceSet"][0],
        json!({ "value": "ParentalPin", "description": "Parental control PIN", "minLength": 4,
                "maxLength": 4, "characters": "DIGITS", "maxAttempts": 3, "lockTimeSeconds": 900,
                "mandatory": true })
    );
    // A new type: 6-8 letters or digits, 5 attempts, 60 s.
    let adult = json!({ "value": "AdultPin", "description": "Adult content", "minLength": 6,
        "maxLength": 8, "characters": "ALPHANUMERIC", "maxAttempts": 5, "lockTimeSeconds": 60 });
    let r = app
        .operator(Method::POST, "/adm/v1/pinTypes")
        .json(&adult)
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r, 201).await["value"], "AdultPin");
    let r = app
        .operator(Method::POST, "/adm/v1/pinTypes")
        .json(&adult)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let s = statuses(&app, &tv).await;
    assert_eq!(s["totalRecords"], 3);
    for bad in [
        json!({ "value": "X", "minLength": 0, "maxLength": 4, "characters": "DIGITS", "maxAttempts": 3, "lockTimeSeconds": 60 }),
        json!({ "value": "X", "minLength": 4, "maxLength": 40, "characters": "DIGITS", "maxAttempts": 3, "lockTimeSeconds": 60 }),
        json!({ "value": "X", "minLength": 4, "maxLength": 4, "characters": "EMOJI", "maxAttempts": 3, "lockTimeSeconds": 60 }),
        json!({ "value": "X", "minLength": 4, "maxLength": 4, "characters": "DIGITS", "maxAttempts": 0, "lockTimeSeconds": 60 }),
        json!({ "value": "bad id", "minLength": 4, "maxLength": 4, "characters": "DIGITS", "maxAttempts": 3, "lockTimeSeconds": 60 }),
        json!({ "value": "X", "minLength": 4 }),
    ] {
        let r = app
            .operator(Method::POST, "/adm/v1/pinTypes")
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
    // Update: the whole definition, under its own name.
    let mut stricter = adult.clone();
    stricter["maxAttempts"] = json!(2);
    let r = app
        .operator(Method::PUT, "/adm/v1/pinTypes/AdultPin")
        .json(&stricter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = app
        .operator(Method::PUT, "/adm/v1/pinTypes/Other")
        .json(&stricter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let mut ghost = stricter.clone();
    ghost["value"] = json!("Ghost");
    let r = app
        .operator(Method::PUT, "/adm/v1/pinTypes/Ghost")
        .json(&ghost)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Formats: the type's, with a clear message.
    let create = |t: &str, v: &str| json!({ "type": t, "value": v });
    for (body, status) in [
        (create("AdultPin", "12345"), 400),
        (create("AdultPin", "abc-123"), 400),
        (create("AdultPin", "123456789"), 400),
        (create("PurchasePin", "12a4"), 400),
        (create("PurchasePin", ""), 400),
        (create("NoSuchType", "1234"), 404),
        (
            json!({ "accountId": "acc-full", "type": "PurchasePin", "value": "1234" }),
            404,
        ),
        (json!({ "type": "PurchasePin" }), 400),
    ] {
        let r = call(
            &app,
            &tv,
            Method::POST,
            "/adm/v1/user/accounts/actions/pin",
            Some(body.clone()),
        )
        .await;
        assert_eq!(r.status(), status, "{body}");
    }
    let r = call(
        &app,
        &tv,
        Method::POST,
        "/adm/v1/user/accounts/actions/pin",
        Some(create("AdultPin", "abc123")),
    )
    .await;
    assert_eq!(r.status(), 201);
    // The stricter type locks after two wrong attempts.
    for _ in 0..2 {
        assert_eq!(
            validate(&app, &tv, "AdultPin", "zzzzzz").await.status(),
            401
        );
    }
    assert_eq!(
        validate(&app, &tv, "AdultPin", "abc123").await.status(),
        403
    );
    // Validating an unset PIN, an unknown type, a malformed body.
    assert_eq!(
        validate(&app, &tv, "PurchasePin", "1234").await.status(),
        404
    );
    assert_eq!(
        validate(&app, &tv, "NoSuchType", "1234").await.status(),
        404
    );
    let r = call(
        &app,
        &tv,
        Method::POST,
        "/adm/v1/user/accounts/actions/validatePin",
        Some(json!({ "type": "ParentalPin", "value": 1234 })),
    )
    .await;
    assert_eq!(r.status(), 400);
    // Nothing was written for another account.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM pins WHERE tenant_id = 'demo' AND account_id = 'acc-full'"
        )
        .await,
        0
    );
    // Operator: unknown account and PIN.
    let r = app
        .operator(Method::GET, "/adm/v1/accounts/no-such/pins/status")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .operator(Method::PUT, "/adm/v1/accounts/actions/acc-full/pin")
        .json(&json!({ "type": "ParentalPin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    app.stop().await;
}

/// Many wrong guesses at once, on one node, never get more checks than the
/// type allows: the attempt is counted before the PIN is.
async fn a_burst_of_guesses_gets_only_the_allowed_attempts(b: Backend) {
    let app = TestApp::start(b).await;
    let tv = alice(&app).await;
    let mut tasks = Vec::new();
    for n in 0..12 {
        let (http, url, tv) = (
            app.http.clone(),
            app.url("/adm/v1/user/accounts/actions/validatePin"),
            tv.clone(),
        );
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .header("nv-tenant-id", "demo")
                .bearer_auth(tv)
                .json(&json!({ "type": "ParentalPin", "value": format!("{:04}", 5000 + n) }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    assert_eq!(checked, 3, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 403)),
        "{statuses:?}"
    );
    app.stop().await;
}

crate::on_both_backends!(
    lifecycle_and_lockout,
    pin_types_and_bad_input,
    a_burst_of_guesses_gets_only_the_allowed_attempts
);
