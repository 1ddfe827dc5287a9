//! Look-alike user names: a name that differs from another only in case,
//! width or compatibility form is the same name (it signs on, and cannot be
//! created twice); one that mixes scripts in a part (`al\u{456}ce`) or holds
//! an invisible character is refused at creation, on every path that
//! creates a name: ADM accounts, Rocket registration, AGS identities.

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{json_of, scalar, Backend, TestApp};

async fn sign_on(app: &TestApp, username: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.url("/ias/v3/token/actions/selfServiceToken"))
        .header("nv-tenant-id", "demo")
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn create(app: &TestApp, id: &str, username: &str) -> reqwest::Response {
    app.operator(Method::POST, "/adm/v1/accounts")
        .json(&json!({ "_id": id, "username": username, "password": "look-alike-pass" }))
        .send()
        .await
        .unwrap()
}

async fn look_alike_names_are_one_name_or_refused(b: Backend) {
    let app = TestApp::start(b).await;
    // The probe's name beside alice's: refused, and nothing written.
    let r = create(&app, "crm-evil", "al\u{456}ce@demo.playgate").await;
    let body = json_of(r, 400).await;
    assert!(
        body["message"].as_str().unwrap().contains("mixes scripts"),
        "{body}"
    );
    for evil in [
        "alice@dem\u{43e}.playgate",
        "ali\u{200b}ce@demo.playgate",
        "\u{202e}alice@demo.playgate",
    ] {
        assert_eq!(
            create(&app, "crm-evil", evil).await.status(),
            400,
            "{evil:?}"
        );
    }
    // Case, width and compatibility forms of alice are alice: taken.
    for same in [
        "Alice@Demo.Playgate",
        "ＡＬＩＣＥ@demo.playgate",
        " alice@demo.playgate ",
    ] {
        assert_eq!(
            create(&app, "crm-dup", same).await.status(),
            409,
            "{same:?}"
        );
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM accounts WHERE tenant_id = 'demo' AND id IN ('crm-evil', 'crm-dup')").await,
        0
    );
    // A new name is stored in its normalised form, and signs on in any form.
    let created = json_of(
        create(&app, "crm-bob", "Bob.Builder@Demo.Playgate").await,
        201,
    )
    .await;
    assert_eq!(
        created["username"], "bob.builder@demo.playgate",
        "{created}"
    );
    for form in [
        "bob.builder@demo.playgate",
        "BOB.BUILDER@DEMO.PLAYGATE",
        "ｂｏｂ.builder@demo.playgate",
    ] {
        assert_eq!(
            sign_on(&app, form, "look-alike-pass").await.status(),
            200,
            "{form}"
        );
    }
    // The look-alike of alice does not sign on as alice.
    let r = sign_on(&app, "al\u{456}ce@demo.playgate", "alice-demo-pass").await;
    assert_eq!(r.status(), 401);
    // International names in one script per part are fine.
    assert_eq!(create(&app, "crm-ivan", "иван@mail.ru").await.status(), 201);

    // Rocket registration creates names through the same rule.
    let register = |email: &'static str| {
        app.http
            .post(app.url("/api/register"))
            .json(&json!({ "email": email, "password": "new-viewer-pass" }))
            .send()
    };
    let r = register("n\u{456}a@viewer.example").await.unwrap();
    assert_eq!(json_of(r, 400).await["code"], 40000);
    let r = register("Nia@Viewer.Example").await.unwrap();
    assert_eq!(r.status(), 200);
    let r = register("nia@viewer.example").await.unwrap();
    assert_eq!(r.status(), 409, "the same name");

    // AGS identities too, and their sign-on normalises the login.
    let r = app
        .operator(
            Method::PUT,
            "/ags/operator/authServices/demo-sso/identities/b%D0%BEb@sso.demo",
        )
        .json(&json!({ "password": "bob-sso-pass", "accountIds": ["acc-active"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "Cyrillic o");
    let r = app
        .operator(
            Method::PUT,
            "/ags/operator/authServices/demo-sso/identities/Bob@SSO.demo",
        )
        .json(&json!({ "password": "bob-sso-pass", "accountIds": ["acc-active"] }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let r = app
        .http
        .post(app.url("/ags/signOn"))
        .header("nv-tenant-id", "demo")
        .header("x-auth-service-id", "demo-sso")
        .json(&json!({ "parameters": [{"name": "username", "value": "BOB@sso.demo"}, {"name": "password", "value": "bob-sso-pass"}],
                        "deviceInformation": {"deviceType": "OPEN"} }))
        .send()
        .await
        .unwrap();
    let body: Value = json_of(r, 201).await;
    assert_eq!(body["accountId"], "acc-active");
    app.stop().await;
}

crate::on_both_backends!(look_alike_names_are_one_name_or_refused);
