//! Images over real HTTP: an operator uploads bytes and links them from
//! records; IM-1, IM-2 and the image host answer real resized JPEG and
//! WebP (decoded here to check their size and padding), with ETag, 304 and
//! `aspectMatch`; a variant is served from the disk cache once rendered;
//! IMD-1 lists profile icons; every bad upload and bad size is a 4xx in the
//! envelope and writes nothing; another tenant sees none of it.

use image::{DynamicImage, GenericImageView, RgbImage};
use serde_json::{json, Value};

use super::fixtures::{get_as, ingest, second_tenant, upsert};
use crate::harness::{json_of, scalar, Backend, TestApp};
use crate::playback::content_token::alice;

fn jpeg(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, image::Rgb([0, 200, 0])))
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn upload(app: &TestApp, id: &str, query: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.operator(
        reqwest::Method::PUT,
        &format!("/metadata/operator/v1/images/{id}?{query}"),
    )
    .body(bytes)
    .send()
    .await
    .unwrap()
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http
        .get(app.url(path))
        .header("nv-tenant-id", "demo")
        .send()
        .await
        .unwrap()
}

/// The image at `path` (answered 200 as `content_type`), decoded, and its
/// `aspectMatch` header.
async fn fetched(app: &TestApp, path: &str, content_type: &str) -> (DynamicImage, String) {
    picture(get(app, path).await, content_type).await
}

/// The answer's image, decoded, and its `aspectMatch` header.
async fn picture(r: reqwest::Response, content_type: &str) -> (DynamicImage, String) {
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], content_type);
    let aspect = r.headers()["aspectmatch"].to_str().unwrap().to_owned();
    let bytes = r.bytes().await.unwrap();
    (image::load_from_memory(&bytes).unwrap(), aspect)
}

async fn uploads_resizes_and_caches(b: Backend) {
    let app = TestApp::start(b).await;
    // An upload: what its bytes hold comes back.
    let r = upload(
        &app,
        "img-hero",
        "type=Backdrop",
        jpeg(1920, 1080, [200, 30, 30]),
    )
    .await;
    let rec = json_of(r, 200).await;
    assert_eq!(rec["width"], 1920);
    assert_eq!(rec["height"], 1080);
    assert_eq!(rec["format"], "jpeg");
    assert_eq!(rec["type"], "Backdrop");

    // IM-1: the box asked for, in JPEG by default, filled (no padding).
    let (img, aspect) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?width=450&height=253",
        "image/jpeg",
    )
    .await;
    assert_eq!(img.dimensions(), (450, 253));
    assert_eq!(aspect, "true");
    let centre = img.get_pixel(225, 126);
    assert!(
        centre[0] > 150 && centre[1] < 80,
        "the picture's colour: {centre:?}"
    );
    // width+aspect, height+aspect; WebP on request.
    let (img, _) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?width=300&aspect=16x9",
        "image/jpeg",
    )
    .await;
    assert_eq!(img.dimensions(), (300, 169));
    let (img, _) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?height=90&aspect=16x9&imageFormat=webp",
        "image/webp",
    )
    .await;
    assert_eq!(img.dimensions(), (160, 90));
    // A square box: letterboxed, black in JPEG, transparent in WebP.
    let (img, aspect) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?width=200&aspect=1x1",
        "image/jpeg",
    )
    .await;
    assert_eq!((img.dimensions(), aspect.as_str()), ((200, 200), "false"));
    let corner = img.get_pixel(100, 2);
    assert!(
        corner[0] < 30 && corner[1] < 30 && corner[2] < 30,
        "black bars: {corner:?}"
    );
    let (img, _) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?width=200&aspect=1x1&imageFormat=webp",
        "image/webp",
    )
    .await;
    assert_eq!(img.get_pixel(100, 2)[3], 0, "transparent bars");
    assert_eq!(img.get_pixel(100, 100)[3], 255);

    // ETag and 304; a new upload under the same id is a new tag.
    let r = get(
        &app,
        "/images/v1/image/imageid/img-hero?width=450&height=253",
    )
    .await;
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(r.headers()["cache-control"], "public, max-age=86400");
    let again = app
        .http
        .get(app.url("/images/v1/image/imageid/img-hero?width=450&height=253"))
        .header("nv-tenant-id", "demo")
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Rendered once, the variant is served from disk: with the stored
    // bytes gone, it still answers, while a size never asked cannot.
    let cached_files = walk(&app.state.config.data_dir().join("images"));
    assert!(cached_files >= 5, "{cached_files} variants on disk");
    sqlx::query("DELETE FROM catalogue_image_blobs WHERE tenant_id = 'demo'")
        .execute(app.state.store.pool())
        .await
        .unwrap();
    let (img, _) = fetched(
        &app,
        "/images/v1/image/imageid/img-hero?width=450&height=253",
        "image/jpeg",
    )
    .await;
    assert_eq!(img.dimensions(), (450, 253));
    assert_eq!(
        get(
            &app,
            "/images/v1/image/imageid/img-hero?width=451&aspect=16x9"
        )
        .await
        .status(),
        404
    );

    let r = upload(
        &app,
        "img-hero",
        "type=Backdrop",
        jpeg(1280, 720, [30, 30, 200]),
    )
    .await;
    assert_eq!(r.status(), 200);
    let r = get(
        &app,
        "/images/v1/image/imageid/img-hero?width=450&height=253",
    )
    .await;
    assert_ne!(
        r.headers()["etag"].to_str().unwrap(),
        tag,
        "new bytes, new tag"
    );
    let (img, _) = picture(r, "image/jpeg").await;
    assert!(img.get_pixel(225, 126)[2] > 150, "the new picture");

    // Another tenant sees none of it.
    second_tenant(&app, "acme").await;
    let r = get_as(
        &app,
        "acme",
        "/images/v1/image/imageid/img-hero?width=10&height=10",
    )
    .await;
    assert_eq!(json_of(r, 404).await["result"], "no such image");
    app.stop().await;
}

/// PNG's CRC-32 (of a chunk's type and data).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

async fn content_images_and_profile_icons(b: Backend) {
    let app = TestApp::start(b).await;
    // The demo's pictures: a title's poster, letterboxed into a wide box.
    let (img, aspect) = fetched(
        &app,
        "/images/v1/image/Movie/ed-vod-entitled/Poster?width=300&aspect=16x9",
        "image/jpeg",
    )
    .await;
    assert_eq!((img.dimensions(), aspect.as_str()), ((300, 169), "false"));
    let (img, aspect) = fetched(
        &app,
        "/images/v1/image/series/ser-harbour/backdrop?width=480&height=270",
        "image/jpeg",
    )
    .await;
    assert_eq!((img.dimensions(), aspect.as_str()), ((480, 270), "true"));
    let (img, _) = fetched(
        &app,
        "/ihs/v1/contents/ed-ch-news?width=64&height=64",
        "image/jpeg",
    )
    .await;
    assert_eq!(img.dimensions(), (64, 64));

    // A title with posters per locale and one per aspect: the best of them.
    for (id, w, h, query) in [
        ("img-de", 600, 900, "type=Poster&locale=de_DE"),
        ("img-en", 600, 900, "type=Poster&locale=en_GB"),
        ("img-wide", 1600, 900, "type=Poster"),
    ] {
        assert_eq!(upload(&app, id, query, png(w, h)).await.status(), 200);
    }
    upsert(
        &app,
        "editorials",
        json!([{ "id": "ed-pics", "type": "MOVIE", "period": {},
                 "locales": { "en_GB": { "title": "Pics" } },
                 "imageRefs": ["img-de", "img-en", "img-wide"] }]),
    )
    .await;
    let pick = |query: &str| format!("/images/v1/image/Movie/ed-pics/Poster?{query}");
    let (_, aspect) = fetched(
        &app,
        &pick("width=200&aspect=2x3&locale=de_DE"),
        "image/jpeg",
    )
    .await;
    assert_eq!(aspect, "true", "the German portrait poster");
    let (_, aspect) = fetched(
        &app,
        &pick("width=320&aspect=16x9&locale=fr_FR"),
        "image/jpeg",
    )
    .await;
    assert_eq!(aspect, "true", "no French one: the locale-free wide poster");
    assert_eq!(
        get(
            &app,
            "/images/v1/image/Movie/ed-pics/Logo?width=10&height=10"
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        get(
            &app,
            "/images/v1/image/Movie/ed-nothing/Poster?width=10&height=10"
        )
        .await
        .status(),
        404
    );

    // IMD-1: the profile icons, for a signed-on user only.
    assert_eq!(get(&app, "/imagemetadata/v1/profile").await.status(), 401);
    let access = alice(&app).await;
    let icons: Value = json_of(
        app.http
            .get(app.url("/imagemetadata/v1/profile"))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap(),
        200,
    )
    .await;
    assert_eq!(icons["count"], 2);
    assert_eq!(icons["results"][0]["aspect"], "1x1");
    let uri = icons["results"][0]["uri"].as_str().unwrap().to_owned();
    let (img, _) = fetched(&app, &format!("{uri}?width=96&height=96"), "image/jpeg").await;
    assert_eq!(img.dimensions(), (96, 96));
    app.stop().await;
}

async fn bad_uploads_and_sizes(b: Backend) {
    let app = TestApp::start(b).await;
    let images_before = scalar(
        &app,
        "SELECT COUNT(*) FROM catalogue_records WHERE kind = 'images'",
    )
    .await;
    let blobs_before = scalar(&app, "SELECT COUNT(*) FROM catalogue_image_blobs").await;
    let mut truncated = jpeg(300, 200, [1, 2, 3]);
    truncated.truncate(truncated.len() / 2);
    for (query, bytes, why) in [
        (
            "type=Poster",
            b"plain text, not a picture".to_vec(),
            "not an image",
        ),
        (
            "type=Poster",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            "a GIF",
        ),
        ("type=Poster", truncated, "a truncated JPEG"),
        ("type=Poster", Vec::new(), "no bytes"),
        ("", jpeg(10, 10, [0, 0, 0]), "no type"),
        (
            "type=Po%20ster",
            jpeg(10, 10, [0, 0, 0]),
            "a type with a space",
        ),
        (
            "type=Poster&locale=English",
            jpeg(10, 10, [0, 0, 0]),
            "a bad locale",
        ),
    ] {
        let r = upload(&app, "img-bad", query, bytes).await;
        let body = json_of(r, 400).await;
        let code = body["resultCode"].as_str().unwrap_or_default();
        assert!(["40000:400", "40003:400"].contains(&code), "{why}: {body}");
        assert!(body["result"].is_string(), "{why}: {body}");
    }
    let r = upload(&app, "bad id!", "type=Poster", jpeg(10, 10, [0, 0, 0])).await;
    assert_eq!(r.status(), 400);
    // Over the size limit: 413 in the envelope.
    let huge = vec![0u8; app.state.config.catalogue.max_image_bytes + 1];
    let r = upload(&app, "img-huge", "type=Poster", huge).await;
    assert_eq!(json_of(r, 413).await["resultCode"], "41300:413");
    // An image larger than decoding allows (a PNG header claiming 20000²).
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(
        upload(&app, "img-bomb", "type=Poster", bomb).await.status(),
        400
    );
    // Without the operator's key.
    let r = app
        .http
        .put(app.url("/metadata/operator/v1/images/img-x?type=Poster"))
        .header("nv-tenant-id", "demo")
        .body(jpeg(10, 10, [0, 0, 0]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // A record naming bytes never uploaded is refused at ingest.
    let r = ingest(
        &app,
        "images",
        json!({ "upsert": [{ "id": "img-ghost", "type": "Poster", "width": 10, "height": 10,
                              "format": "jpeg", "digest": "ab".repeat(32), "size": 10 }] }),
    )
    .await;
    let body = json_of(r, 400).await;
    assert!(
        body["refused"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no bytes"),
        "{body}"
    );
    // Nothing of any of it was written.
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM catalogue_records WHERE kind = 'images'"
        )
        .await,
        images_before
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM catalogue_image_blobs").await,
        blobs_before
    );

    // Bad sizes and formats.
    for q in [
        "width=450",
        "aspect=16x9",
        "",
        "width=0&height=10",
        "width=4097&aspect=1x1",
        "width=-3&height=10",
        "width=ten&height=10",
        "width=100&aspect=wide",
        "width=100&aspect=0x9",
        "width=100&height=100&imageFormat=gif",
        "width=100&height=100&dominantDimension=depth",
    ] {
        let r = get(
            &app,
            &format!("/images/v1/image/imageid/img-movies-poster?{q}"),
        )
        .await;
        assert_eq!(json_of(r, 400).await["resultCode"], "40003:400", "{q}");
    }
    assert_eq!(
        get(&app, "/images/v1/image/imageid/img-none?width=10&height=10")
            .await
            .status(),
        404
    );
    let r = get(
        &app,
        "/images/v1/image/Spaceship/ed-vod-entitled/Poster?width=10&height=10",
    )
    .await;
    assert_eq!(r.status(), 400);

    // A delete: gone from IM-1, and a second delete finds nothing.
    let del = |id: &'static str| {
        app.operator(
            reqwest::Method::DELETE,
            &format!("/metadata/operator/v1/images/{id}"),
        )
        .send()
    };
    assert_eq!(del("img-movies-poster").await.unwrap().status(), 204);
    for _ in 0..200 {
        if get(
            &app,
            "/images/v1/image/imageid/img-movies-poster?width=10&height=10",
        )
        .await
        .status()
            == 404
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        get(
            &app,
            "/images/v1/image/imageid/img-movies-poster?width=10&height=10"
        )
        .await
        .status(),
        404
    );
    assert_eq!(del("img-movies-poster").await.unwrap().status(), 404);
    app.stop().await;
}

crate::on_both_backends!(
    uploads_resizes_and_caches,
    content_images_and_profile_icons,
    bad_uploads_and_sizes
);
