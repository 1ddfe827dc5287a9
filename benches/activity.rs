//! The activity context's in-process building blocks on the write path of
//! a bookmark: the body check (`core::activity::body::parse`), the
//! write-behind take (`WriteBehind::put`, coalescing into 100,000 pending
//! scopes) and the read-your-writes lookup (`WriteBehind::get`).

use std::sync::Arc;
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::activity::body::{self, PathIds};
use playgate::core::activity::{KindId, Record, Scope};
use playgate::plane::activity::write_behind::{ScopeKey, WriteBehind};
use serde_json::json;

const SCOPES: usize = 100_000;

fn record(i: usize) -> Record {
    let fields = json!({"position": 600, "deviceId": "dev-1", "tags": ["In Progress"],
                        "metadata": {"contentDuration": 3600}});
    Record {
        kind: KindId::Bookmark,
        scope: Scope::profile(&format!("acc-{i}"), &format!("acc-{i}-main")),
        parent: String::new(),
        item: format!("vod-{}", i % 977),
        body: fields.as_object().unwrap().clone(),
        created: 1_795_305_600,
        modified: 1_795_305_600,
        expires: 1_826_841_600,
    }
}

fn benches(c: &mut Criterion) {
    let bookmark: serde_json::Value = serde_json::from_str(
        r#"{"position":600,"deviceId":"dev-alice-tv","tags":["In Progress"],"contentType":"vod-ed",
            "metadata":{"contentDuration":3600,"seriesId":"ser-harbour","seasonId":"ser-harbour-s1"}}"#,
    )
    .unwrap();
    let path = PathIds {
        account: "acc-active",
        profile: "acc-active-main",
        item: Some("ser-harbour-s1e1"),
        list: None,
    };
    c.bench_function("activity_bookmark_body_parse", |b| {
        b.iter(|| body::parse(KindId::Bookmark, black_box(&bookmark), path).unwrap())
    });
    let raw = serde_json::to_vec(&bookmark).unwrap();
    c.bench_function("activity_bookmark_body_from_bytes", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_slice(black_box(&raw)).unwrap();
            body::parse(KindId::Bookmark, &v, path).unwrap()
        })
    });

    let wb = Arc::new(WriteBehind::new(Duration::from_secs(3600)));
    for i in 0..SCOPES {
        wb.put("load", record(i), 500);
    }
    let records: Vec<Record> = (0..SCOPES).map(record).collect();
    let mut n = 0usize;
    c.bench_function("activity_write_behind_put_100k_scopes", |b| {
        b.iter(|| {
            n = (n + 7919) % SCOPES;
            wb.put("load", records[n].clone(), 500);
        })
    });
    let keys: Vec<ScopeKey> = records
        .iter()
        .map(|r| ScopeKey {
            tenant: Arc::from("load"),
            scope: r.scope.clone(),
            kind: KindId::Bookmark,
        })
        .collect();
    c.bench_function("activity_write_behind_get_100k_scopes", |b| {
        b.iter(|| {
            n = (n + 7919) % SCOPES;
            black_box(wb.get(&keys[n], &records[n].item))
        })
    });
}

criterion_group!(activity, benches);
criterion_main!(activity);
