//! The demo tenant's catalogue, ingested through the plane like an
//! operator's: products (today's ids keep their meaning), catalogue nodes,
//! people, three series with seasons and episodes, movies (today's
//! `vod-entitled`, `vod-premium` and `vod-d2go` among them), ten channels
//! (`ch-news` free to air, `ch-sports` in `prod-sports`) with a 7-day EPG
//! from the seed time (catch-up and start-over on some), and the
//! `ppv-final` PPV event; text in English and German.

use serde_json::{json, Value};

use crate::core::catalogue::Kind;
use crate::plane::catalogue::images::Upload;
use crate::plane::catalogue::ingest::Batch;
use crate::plane::{Plane, PlaneError};

const DAY: i64 = 86_400;
const DEVICES: [&str; 5] = ["Android", "iOS", "PC", "SmartTV", "STB"];

fn text(en: &str, de: &str) -> Value {
    json!({ "en_GB": { "title": en }, "de_DE": { "title": de } })
}

fn product(id: &str, kind: &str, en: &str, de: &str, extra: Value) -> Value {
    let mut p = json!({ "id": id, "type": kind, "locales": text(en, de) });
    for (k, v) in extra.as_object().expect("an object") {
        p[k] = v.clone();
    }
    p
}

fn products() -> Vec<Value> {
    vec![
        product(
            "prod-basic",
            "SUBSCRIPTION",
            "Basic VOD",
            "Basis-VOD",
            json!({ "domains": ["vod"], "price": { "amount": 7.99, "currency": "EUR" } }),
        ),
        product(
            "prod-premium",
            "SUBSCRIPTION",
            "Premium VOD",
            "Premium-VOD",
            json!({ "domains": ["vod"], "price": { "amount": 12.99, "currency": "EUR" } }),
        ),
        product(
            "prod-sports",
            "SUBSCRIPTION",
            "Sports channels",
            "Sportkanäle",
            json!({ "domains": ["btv"], "isSOCU": true, "price": { "amount": 19.99, "currency": "EUR" } }),
        ),
        product(
            "prod-ppv-final",
            "PPV",
            "Cup final (PPV)",
            "Pokalfinale (PPV)",
            json!({ "domains": ["btv"], "impulsive": true, "price": { "amount": 14.99, "currency": "EUR" } }),
        ),
        product(
            "prod-d2go",
            "SUBSCRIPTION",
            "Download to Go",
            "Download to Go",
            json!({ "domains": ["vod"], "download": { "storageDuration": 30 * DAY, "storageStartPeriod": 7 * DAY } }),
        ),
    ]
}

fn node(id: &str, parent: Option<&str>, order: i64, en: &str, de: &str) -> Value {
    json!({ "id": id, "parent": parent, "nodeOrder": order, "locales": text(en, de) })
}

fn nodes() -> Vec<Value> {
    vec![
        node("n-root", None, 0, "Home", "Startseite"),
        node("n-movies", Some("n-root"), 1, "Movies", "Filme"),
        node("n-series", Some("n-root"), 2, "Series", "Serien"),
        node("n-kids", Some("n-root"), 3, "Kids", "Kinder"),
        node("n-sports", Some("n-root"), 4, "Sports", "Sport"),
    ]
}

const PEOPLE: [&str; 12] = [
    "Ada Archer",
    "Ben Brook",
    "Cleo Crane",
    "Dev Dale",
    "Eli Eaves",
    "Fia Frost",
    "Gus Grant",
    "Hana Hale",
    "Ivo Irons",
    "Jun Jade",
    "Kai Knox",
    "Lea Lark",
];

fn people() -> Vec<Value> {
    PEOPLE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({ "id": format!("person-{i:02}"), "type": "cast",
                    "roles": if i % 4 == 0 { vec!["Director"] } else { vec!["Actor"] },
                    "locales": { "en_GB": { "title": name, "description": format!("{name}, a demo performer.") } } })
        })
        .collect()
}

fn credits(i: usize) -> Value {
    json!([
        { "personRef": format!("person-{:02}", (i * 4) % 12), "role": "Director" },
        { "personRef": format!("person-{:02}", (i + 1) % 12), "role": "Actor", "character": "Lead" },
        { "personRef": format!("person-{:02}", (i + 5) % 12), "role": "Actor" },
    ])
}

fn technical(id: &str, uri: String) -> Value {
    json!({ "id": id, "drmId": format!("DRM_{id}_DASH"), "deviceTypes": DEVICES,
            "drmInstanceName": "DASH_WV", "definition": "HD", "uri": uri })
}

/// A VOD title whose one technical is `tech` (its DRM id `DRM_<tech>_DASH`).
fn title(id: &str, tech: &str, en: &str, de: &str, i: usize) -> Value {
    let genre = [
        "Genre:Drama",
        "Genre:Comedy",
        "Genre:Thriller",
        "Genre:Documentary",
    ][i % 4];
    let rating = ["fsk0", "fsk6", "fsk12", "fsk16"][i % 4];
    json!({
        "id": id, "type": "MOVIE", "year": 1990 + (i % 35) as i64, "duration": 5400 + (i as i64 % 5) * 600,
        "categories": [genre],
        "rating": rating,
        "nodeRefs": ["n-movies"], "productRefs": ["prod-basic"],
        "locales": {
            "en_GB": { "title": en, "description": format!("{en}: a playgate demo title.") },
            "de_DE": { "title": de, "description": format!("{de}: ein playgate-Demotitel.") }
        },
        "credits": credits(i),
        "technicals": [technical(tech, format!("https://cdn.demo.playgate/vod/{tech}/manifest.mpd"))],
    })
}

fn series_and_episodes() -> (Vec<Value>, Vec<Value>) {
    let shows = [
        (
            "ser-harbour",
            "Harbour Lights",
            "Hafenlichter",
            "n-series",
            "prod-basic",
        ),
        ("ser-orbit", "Orbit", "Orbit", "n-series", "prod-premium"),
        (
            "ser-pip",
            "Pip and Pals",
            "Pip und Freunde",
            "n-kids",
            "prod-basic",
        ),
    ];
    let mut series = Vec::new();
    let mut episodes = Vec::new();
    for (s, (id, en, de, node, product)) in shows.iter().enumerate() {
        series.push(
            json!({ "id": id, "type": "SERIES", "domain": "vod", "nodeRefs": [node],
                            "categories": ["Genre:Drama"], "locales": text(en, de) }),
        );
        for season in 1..=2 {
            let season_id = format!("{id}-s{season}");
            series.push(json!({ "id": season_id, "type": "SEASON", "domain": "vod", "seriesRef": id,
                                "seasonNumber": season, "nodeRefs": [node],
                                "locales": text(&format!("{en}, season {season}"), &format!("{de}, Staffel {season}")) }));
            for e in 1..=3 {
                let eid = format!("{id}-s{season}e{e}");
                let tech = format!("vod-{}-s{season}e{e}", &id[4..]);
                let mut ep = title(
                    &eid,
                    &tech,
                    &format!("{en} S{season}E{e}"),
                    &format!("{de} S{season}F{e}"),
                    s * 10 + e,
                );
                ep["type"] = json!("EPISODE");
                ep["seriesRef"] = json!(id);
                ep["seasonRef"] = json!(season_id);
                ep["seasonNumber"] = json!(season);
                ep["episodeNumber"] = json!(e);
                ep["duration"] = json!(2700);
                ep["nodeRefs"] = json!([node]);
                ep["productRefs"] = json!([product]);
                episodes.push(ep);
            }
        }
    }
    (series, episodes)
}

fn editorials() -> Vec<Value> {
    let mut out = Vec::new();
    // Today's three titles, with their ids, DRM ids and products.
    let mut entitled = title(
        "ed-vod-entitled",
        "vod-entitled",
        "The Entitled Film",
        "Der berechtigte Film",
        2,
    );
    entitled["rating"] = json!("fsk12");
    let mut premium = title(
        "ed-vod-premium",
        "vod-premium",
        "The Premium Film",
        "Der Premium-Film",
        3,
    );
    premium["rating"] = json!("fsk16");
    premium["productRefs"] = json!(["prod-premium"]);
    let mut d2go = title(
        "ed-vod-d2go",
        "vod-d2go",
        "The Offline Film",
        "Der Offline-Film",
        1,
    );
    d2go["rating"] = json!("fsk6");
    d2go["productRefs"] = json!(["prod-d2go"]);
    // Each showcase title has a free trailer (Rocket `/itv/items/clips`).
    let mut trailers = Vec::new();
    for t in [&mut entitled, &mut premium, &mut d2go] {
        let id = t["id"].as_str().unwrap_or_default().to_owned();
        let tech = format!("{}-trailer", id.trim_start_matches("ed-"));
        let (en, de) = (
            &t["locales"]["en_GB"]["title"],
            &t["locales"]["de_DE"]["title"],
        );
        trailers.push(json!({
            "id": format!("{id}-trailer"), "type": "TRAILER", "duration": 120,
            "locales": {
                "en_GB": { "title": format!("{} (trailer)", en.as_str().unwrap_or_default()) },
                "de_DE": { "title": format!("{} (Trailer)", de.as_str().unwrap_or_default()) }
            },
            "technicals": [technical(&tech, format!("https://cdn.demo.playgate/clips/{tech}.mp4"))],
        }));
        t["clipRefs"] = json!([format!("{id}-trailer")]);
    }
    out.extend([entitled, premium, d2go]);
    out.extend(trailers);
    let words = [
        "Silent", "Golden", "Last", "Hidden", "Northern", "Broken", "Paper", "Iron",
    ];
    let things = ["River", "Summer", "Signal", "Garden", "Engine", "Letter"];
    for i in 0..29 {
        let en = format!(
            "The {} {}",
            words[i % words.len()],
            things[i % things.len()]
        );
        let de = format!("{} (DE)", en);
        let mut m = title(
            &format!("ed-movie-{i:02}"),
            &format!("vod-movie-{i:02}"),
            &en,
            &de,
            i,
        );
        if i % 3 == 0 {
            m["productRefs"] = json!(["prod-premium"]);
        }
        out.push(m);
    }
    out
}

pub(super) const CHANNELS: [(&str, &str, &str, &[&str], bool); 10] = [
    (
        "ch-news",
        "Demo News (free-to-air)",
        "Demo Nachrichten",
        &[],
        true,
    ),
    (
        "ch-sports",
        "Demo Sports",
        "Demo Sport",
        &["prod-sports"],
        true,
    ),
    (
        "ch-movies",
        "Demo Movies",
        "Demo Filme",
        &["prod-premium"],
        true,
    ),
    ("ch-kids", "Demo Kids", "Demo Kinder", &[], false),
    ("ch-docs", "Demo Docs", "Demo Dokus", &["prod-basic"], true),
    ("ch-music", "Demo Music", "Demo Musik", &[], false),
    (
        "ch-comedy",
        "Demo Comedy",
        "Demo Comedy",
        &["prod-basic"],
        false,
    ),
    (
        "ch-nature",
        "Demo Nature",
        "Demo Natur",
        &["prod-basic"],
        true,
    ),
    (
        "ch-history",
        "Demo History",
        "Demo Geschichte",
        &["prod-premium"],
        false,
    ),
    ("ch-local", "Demo Local", "Demo Lokal", &[], false),
];

fn services() -> Vec<Value> {
    CHANNELS
        .iter()
        .enumerate()
        .map(|(i, (id, en, de, products, replay))| {
            json!({
                "id": format!("ed-{id}"), "tvChannel": i + 1, "productRefs": products,
                "catchUpSupport": replay, "startOverSupport": replay,
                "catchUpWindow": if *replay { Some(7 * DAY) } else { None },
                "locales": text(en, de),
                "technicals": [{
                    "id": id, "drmId": format!("DRM_{id}_DASH"), "deviceTypes": DEVICES,
                    "drmInstanceName": "HLS_FP",
                    "networkLocation": format!("https://cdn.demo.playgate/live/{id}/index.m3u8"),
                    "startOverLocation": if *replay { Some(format!("https://cdn.demo.playgate/startover/{id}/index.m3u8")) } else { None },
                }],
            })
        })
        .collect()
}

/// Two-hour programmes on every channel for 7 days from the start of the
/// seed day (live on `ch-sports` blacked out on 4G and 5G), and the cup
/// final on `ch-sports` 7 days after seeding.
fn programmes(now: i64) -> Vec<Value> {
    let day0 = now - now.rem_euclid(DAY);
    let shows = ["Morning", "Matinee", "Noon", "Afternoon", "Evening", "Late"];
    let mut out = Vec::new();
    for (c, (id, ..)) in CHANNELS.iter().enumerate() {
        let replay = CHANNELS[c].4;
        for slot in 0..7 * 12 {
            let start = day0 + slot as i64 * 7200;
            let show = shows[(slot / 2) % shows.len()];
            out.push(json!({
                "id": format!("ev-{id}-{slot:03}"), "serviceRef": format!("ed-{id}"),
                "period": { "start": start, "end": start + 7200 },
                "isCatchUp": replay, "isStartOver": replay,
                "categories": [format!("Genre:{show}")],
                // Sports rights exclude mobile networks for live viewing.
                "blackouts": if *id == "ch-sports" {
                    json!([{ "connectionTypes": ["4G", "5G"], "live": true }])
                } else {
                    json!([])
                },
                "locales": text(&format!("{show} on {id}"), &format!("{show} auf {id}")),
            }));
        }
    }
    let start = now + 7 * DAY;
    out.push(json!({
        "id": "ppv-final", "serviceRef": "ed-ch-sports",
        "period": { "start": start, "end": start + 3 * 3600 },
        "productRefs": ["prod-ppv-final"], "categories": ["Genre:Sport"],
        "locales": text("Cup final", "Pokalfinale"),
    }));
    out
}

/// A demo picture: a diagonal gradient between two colours with a band
/// across it, as JPEG.
fn picture(w: u32, h: u32, from: [u8; 3], to: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let t = (x + y) as f32 / (w + h) as f32;
        let band = (y * 5 / h) == 2;
        let mix = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t) as u8;
        let px = [
            mix(from[0], to[0]),
            mix(from[1], to[1]),
            mix(from[2], to[2]),
        ];
        image::Rgb(if band { px.map(|c| c / 2) } else { px })
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&img)
        .expect("a demo picture encodes");
    out
}

/// A demo picture: id, type, width, height, and its gradient's colours.
type Picture = (&'static str, &'static str, u32, u32, [u8; 3], [u8; 3]);

/// The demo's images: a poster and a backdrop per browsable node, a
/// channel logo and two profile icons (id, type, width, height, colours).
#[rustfmt::skip]
const PICTURES: &[Picture] = &[
    ("img-movies-poster", "Poster", 400, 600, [200, 40, 40], [40, 20, 90]),
    ("img-movies-backdrop", "Backdrop", 960, 540, [200, 40, 40], [250, 190, 60]),
    ("img-series-poster", "Poster", 400, 600, [30, 90, 200], [10, 30, 60]),
    ("img-series-backdrop", "Backdrop", 960, 540, [30, 90, 200], [120, 220, 230]),
    ("img-kids-poster", "Poster", 400, 600, [60, 190, 80], [250, 220, 60]),
    ("img-kids-backdrop", "Backdrop", 960, 540, [60, 190, 80], [170, 240, 250]),
    ("img-channel-logo", "Logo", 256, 256, [20, 20, 20], [230, 230, 230]),
    ("img-profile-red", "ProfileIcon", 128, 128, [220, 40, 40], [120, 10, 10]),
    ("img-profile-blue", "ProfileIcon", 128, 128, [40, 90, 220], [10, 30, 120]),
];

/// Links each record to its first node's poster and backdrop.
fn link_pictures(records: &mut [Value]) {
    for r in records {
        let node = r["nodeRefs"][0].as_str().unwrap_or("n-movies");
        let key = node.trim_start_matches("n-").to_owned();
        r["imageRefs"] = json!([format!("img-{key}-poster"), format!("img-{key}-backdrop")]);
    }
}

/// Ingests the demo catalogue into the `demo` tenant, kind by kind, after
/// its pictures (made here, uploaded like an operator's).
pub async fn ingest(plane: &Plane, tenant: &str, now: i64) -> Result<(), PlaneError> {
    // The same pictures every time: made once per process.
    static BYTES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    let bytes = BYTES.get_or_init(|| {
        PICTURES
            .iter()
            .map(|(_, _, w, h, from, to)| picture(*w, *h, *from, *to))
            .collect()
    });
    let uploads = PICTURES
        .iter()
        .zip(bytes)
        .map(|((id, kind, ..), bytes)| Upload {
            id: (*id).to_owned(),
            kind: (*kind).to_owned(),
            locale: None,
            bytes: bytes.clone(),
        })
        .collect();
    plane.catalogue.upload_images(tenant, uploads).await?;
    let (mut series, episodes) = series_and_episodes();
    let mut editorial_records = editorials();
    editorial_records.extend(episodes);
    link_pictures(&mut series);
    link_pictures(&mut editorial_records);
    let mut service_records = services();
    for s in &mut service_records {
        s["imageRefs"] = json!(["img-channel-logo"]);
    }
    for (kind, records) in [
        (Kind::Product, products()),
        (Kind::Node, nodes()),
        (Kind::Person, people()),
        (Kind::Series, series),
        (Kind::Service, service_records),
        (Kind::Editorial, editorial_records),
        (Kind::Programme, programmes(now)),
    ] {
        let batch = Batch {
            upsert: records,
            delete: Vec::new(),
        };
        if let Err(refused) = plane.catalogue.ingest(tenant, kind, batch).await? {
            return Err(PlaneError::Internal(format!(
                "demo {} refused: {refused:?}",
                kind.as_str()
            )));
        }
    }
    Ok(())
}
