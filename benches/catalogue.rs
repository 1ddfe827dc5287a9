//! The catalogue's read path in process (what an MDS list costs without
//! HTTP): query parse + index narrowing + filter + sort + page + the rows'
//! views, over a tenant of 100,000 VOD titles and 500 channels × 14 days of
//! half-hour programmes; and the index build for that tenant, with the
//! resident memory it adds. Besides criterion's figures it prints p50 / p99
//! of 2,000 timed runs of each list.

use std::sync::Arc;
use std::time::Instant;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::catalogue::index::{Catalogue, Table};
use playgate::core::catalogue::lists::{self, prepare};
use playgate::core::catalogue::views;
use playgate::core::catalogue::{Editorial, Programme};
use playgate::core::query::{Query, QueryText};
use serde_json::json;

const TITLES: usize = 100_000;
const CHANNELS: usize = 500;
const DAYS: i64 = 14;
const SLOT: i64 = 1800;
const T0: i64 = 1_795_305_600;
const DEVICES: [&str; 4] = ["Android", "iOS", "PC", "SmartTV"];

fn editorial(i: usize) -> Editorial {
    serde_json::from_value(json!({
        "id": format!("bulk-ed-{i:06}"), "type": if i % 4 == 0 { "EPISODE" } else { "MOVIE" },
        "seriesRef": if i % 4 == 0 { Some(format!("bulk-ser-{}", i % 2000)) } else { None },
        "year": 1950 + (i % 75) as i64, "duration": 1800 + (i % 9) as i64 * 600,
        "categories": [format!("Genre:{}", i % 12)],
        "nodeRefs": [format!("bulk-n-{}", i % 200), format!("bulk-n-{}", (i / 7) % 200)],
        "productRefs": [format!("bulk-p-{}", i % 10)],
        "period": { "start": T0 - 86_400 * (i % 30) as i64, "end": T0 + 86_400 * 365 },
        "locales": { "en_GB": { "title": format!("Title {:05}", (i * 7919) % 99_991),
                                "description": "A bulk title for load tests." } },
        "technicals": [{ "id": format!("bulk-t-{i:06}"), "drmId": format!("DRM_bulk-{i:06}"),
                         "deviceTypes": [DEVICES[i % 4], DEVICES[(i + 1) % 4]],
                         "drmInstanceName": "DASH_WV",
                         "uri": format!("https://cdn.example/vod/{i}/manifest.mpd") }],
    }))
    .unwrap()
}

fn programme(channel: usize, slot: i64) -> Programme {
    let start = T0 - 86_400 + slot * SLOT;
    serde_json::from_value(json!({
        "id": format!("bulk-ev-{channel:03}-{slot:04}"), "serviceRef": format!("bulk-ch-{channel:03}"),
        "period": { "start": start, "end": start + SLOT },
        "locales": { "en_GB": { "title": format!("Show {}", slot % 97) } },
    }))
    .unwrap()
}

fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn build() -> Catalogue {
    let before = resident_bytes();
    let started = Instant::now();
    let editorials: Vec<Arc<Editorial>> = (0..TITLES).map(|i| Arc::new(editorial(i))).collect();
    let slots = DAYS * 86_400 / SLOT;
    let programmes: Vec<Arc<Programme>> = (0..CHANNELS)
        .flat_map(|c| (0..slots).map(move |s| Arc::new(programme(c, s))))
        .collect();
    let parsed = started.elapsed();
    let started = Instant::now();
    let c = Catalogue {
        default_locale: "en_GB".into(),
        editorials: Arc::new(Table::build(editorials)),
        programmes: Arc::new(Table::build(programmes)),
        ..Catalogue::default()
    };
    eprintln!(
        "catalogue: {} titles, {} programmes; records made in {:?}, index built in {:?}; resident +{} MiB",
        c.editorials.len(),
        c.programmes.len(),
        parsed,
        started.elapsed(),
        (resident_bytes().saturating_sub(before)) >> 20
    );
    c
}

fn query(schema: &playgate::core::query::Schema, filter: &str, sort: &str, limit: i64) -> Query {
    Query::parse(
        schema,
        &QueryText {
            filter: Some(filter),
            sort: Some(sort),
            limit: Some(limit),
            ..QueryText::default()
        },
    )
    .unwrap()
}

/// One v2 editorials list as the handler runs it (parse included).
fn editorials(c: &Catalogue, filter: &str) -> u64 {
    let q = prepare(
        query(&views::editorial::SCHEMA, filter, r#"[["Title",1]]"#, 50),
        &[(views::editorial::IS_VISIBLE, true)],
    );
    let ctx = lists::ctx(c, &q, views::editorial::LOCALE, T0);
    let l = lists::editorials(c, &q, &ctx);
    black_box(l.rows.len());
    l.total
}

fn programmes(c: &Catalogue, filter: &str) -> u64 {
    let q = query(
        &views::programme::SCHEMA,
        filter,
        r#"[["period.start",1]]"#,
        10_000,
    );
    let ctx = lists::ctx(c, &q, views::programme::LOCALE, T0);
    let l = lists::programmes(c, &q, &ctx);
    black_box(l.rows.len());
    l.total
}

fn percentiles(name: &str, mut f: impl FnMut() -> u64) {
    let mut times: Vec<u128> = (0..2000)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_nanos()
        })
        .collect();
    times.sort_unstable();
    eprintln!(
        "{name}: {} rows; p50 {:.3} ms, p99 {:.3} ms",
        f(),
        times[times.len() / 2] as f64 / 1e6,
        times[times.len() * 99 / 100] as f64 / 1e6
    );
}

fn bench(c: &mut Criterion) {
    let cat = build();
    let node = r#"{"isVisible":true,"technical.deviceType":{"$in":["Android"]},"nodeRefs":"bulk-n-17","locale":"en_GB"}"#;
    let scan =
        r#"{"Year":{"$gte":2000},"type":"MOVIE","technicals.deviceType":"PC","locale":"en_GB"}"#;
    let channels: Vec<String> = (0..20)
        .map(|i| format!("\"bulk-ch-{:03}\"", i * 25))
        .collect();
    let window = format!(
        r#"{{"serviceRef":{{"$in":[{}]}},"$and":[{{"period.end":{{"$gt":{}}}}},{{"period.start":{{"$lt":{}}}}}]}}"#,
        channels.join(","),
        T0,
        T0 + 86_400
    );
    percentiles(
        "mds v2 editorials, node browse (4 clauses, sort, limit 50)",
        || editorials(&cat, node),
    );
    percentiles(
        "mds v2 editorials, no indexed clause (4 clauses, sort, limit 50)",
        || editorials(&cat, scan),
    );
    percentiles("mds programmes, 20 channels x 24 h", || {
        programmes(&cat, &window)
    });
    let mut g = c.benchmark_group("catalogue");
    g.sample_size(50);
    g.bench_function("v2_editorials_node_browse", |b| {
        b.iter(|| editorials(&cat, node))
    });
    g.bench_function("v2_editorials_full_scan", |b| {
        b.iter(|| editorials(&cat, scan))
    });
    g.bench_function("programmes_20_channels_24h", |b| {
        b.iter(|| programmes(&cat, &window))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
