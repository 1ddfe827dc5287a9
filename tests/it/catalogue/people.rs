//! CCP-1 over real HTTP: cast, crew and personas from memory, by ids in
//! the order asked or all of them paged, with their images, in the best
//! locale when `Accept-Language` asks; bad paging answered 400.

use serde_json::{json, Value};

use super::fixtures::upsert;
use crate::harness::{json_of, Backend, TestApp};

async fn ccp(app: &TestApp, query: &str, lang: Option<&str>) -> reqwest::Response {
    let mut r = app
        .http
        .get(app.url(&format!("/ccp/v1/castcrewpersonas?{query}")))
        .header("nv-tenant-id", "demo");
    if let Some(l) = lang {
        r = r.header("accept-language", l);
    }
    r.send().await.unwrap()
}

fn ids(v: &Value) -> Vec<&str> {
    v["castCrewPersonas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

async fn cast_crew_and_personas(b: Backend) {
    let app = TestApp::start(b).await;
    let all = json_of(ccp(&app, "", None).await, 200).await;
    assert_eq!(all["totalRecords"], 12);
    assert_eq!(ids(&all)[0], "person-00");
    let p = &all["castCrewPersonas"][0];
    assert_eq!(p["type"], "cast");
    assert_eq!(p["roles"], json!(["Director"]));
    assert_eq!(p["names"][0]["locale"], "en_GB");
    assert!(p["details"][0]["bio"]
        .as_str()
        .unwrap()
        .contains("demo performer"));

    // By ids, in the order asked, once each, unknown ones left out.
    let some = json_of(
        ccp(
            &app,
            "id=person-05&ids=person-01,person-00,nobody&id=person-05",
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(ids(&some), ["person-05", "person-01", "person-00"]);
    assert_eq!(some["totalRecords"], 3);
    // Paged.
    let page = json_of(ccp(&app, "limit=2&page=1", None).await, 200).await;
    assert_eq!(ids(&page), ["person-02", "person-03"]);
    assert_eq!(page["totalRecords"], 12);
    for q in ["limit=0", "limit=1001", "page=-1", "limit=ten", "id=a%01b"] {
        assert_eq!(ccp(&app, q, None).await.status(), 400, "{q}");
    }

    // A persona in two locales with a portrait: Accept-Language picks one.
    let mut img = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image::RgbImage::new(300, 450))
        .write_to(&mut img, image::ImageFormat::Png)
        .unwrap();
    let r = app
        .operator(
            reqwest::Method::PUT,
            "/metadata/operator/v1/images/img-pip?type=Portrait",
        )
        .body(img.into_inner())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    upsert(
        &app,
        "people",
        json!([{ "id": "persona-pip", "type": "persona", "imageRefs": ["img-pip"],
                 "locales": { "en_GB": { "title": "Pip", "description": "A puppet." },
                              "de_DE": { "title": "Pipp", "description": "Eine Puppe." } } }]),
    )
    .await;
    let both = json_of(ccp(&app, "id=persona-pip", None).await, 200).await;
    let pip = &both["castCrewPersonas"][0];
    assert_eq!(pip["names"].as_array().unwrap().len(), 2);
    assert_eq!(pip["images"][0]["uri"], "/images/v1/image/imageid/img-pip");
    assert_eq!(pip["images"][0]["orientation"], "portrait");
    assert_eq!(pip["images"][0]["aspect"], "2x3");
    assert_eq!(pip["images"][0]["category"], "Portrait");
    let de = json_of(
        ccp(&app, "id=persona-pip", Some("de-DE,en;q=0.5")).await,
        200,
    )
    .await;
    assert_eq!(
        de["castCrewPersonas"][0]["names"],
        json!([{ "locale": "de_DE", "name": "Pipp" }])
    );
    assert_eq!(
        de["castCrewPersonas"][0]["details"][0]["bio"],
        "Eine Puppe."
    );
    app.stop().await;
}

crate::on_both_backends!(cast_crew_and_personas);
