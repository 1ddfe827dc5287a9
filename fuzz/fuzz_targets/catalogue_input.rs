//! The catalogue's untrusted input: ingest records and MDS queries. None
//! may panic, and:
//! - a record taken by the parser round-trips through its stored JSON;
//! - a filter the query language takes gives, through the index, exactly
//!   the page a full scan gives (the index only narrows).
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use playgate::core::catalogue::index::{Catalogue, Table};
use playgate::core::catalogue::lists::{self, prepare};
use playgate::core::catalogue::{views, Entity, Kind};
use playgate::core::query::eval::{compare, matches};
use playgate::core::query::{Query, QueryText};

fn catalogue() -> &'static Catalogue {
    static C: OnceLock<Catalogue> = OnceLock::new();
    C.get_or_init(|| {
        let editorials = (0..40)
            .map(|i| {
                let device = ["PC", "iOS"][i % 2];
                let e = serde_json::json!({
                    "id": format!("e{i}"), "type": "MOVIE",
                    "seriesRef": if i % 3 == 0 { Some(format!("s{}", i % 4)) } else { None },
                    "year": 2000 + i, "nodeRefs": [format!("n{}", i % 5)],
                    "productRefs": [format!("p{}", i % 2)],
                    "locales": { "en_GB": { "title": format!("t{}", i * 7 % 11) } },
                    "technicals": [{ "id": format!("t{i}"), "drmId": format!("d{i}"),
                        "deviceTypes": [device], "drmInstanceName": "DASH",
                        "uri": "https://cdn.example/x" }],
                });
                match Entity::parse(Kind::Editorial, e).unwrap() {
                    Entity::Editorial(e) => Arc::new(e),
                    _ => unreachable!(),
                }
            })
            .collect();
        let programmes = (0..60)
            .map(|i| {
                let start = 1000 + (i % 20) * 500;
                let p = serde_json::json!({
                    "id": format!("p{i}"), "serviceRef": format!("c{}", i / 20),
                    "period": { "start": start, "end": start + 500 + (i % 3) * 250 },
                    "locales": { "en_GB": { "title": format!("x{i}") } },
                });
                Arc::new(serde_json::from_value(p).unwrap())
            })
            .collect();
        Catalogue {
            default_locale: "en_GB".into(),
            editorials: Arc::new(Table::build(editorials)),
            programmes: Arc::new(Table::build(programmes)),
            ..Catalogue::default()
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // Records.
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text) {
        let kind = Kind::ALL[selector as usize % Kind::ALL.len()];
        if let Ok(e) = Entity::parse(kind, json) {
            assert_eq!(Entity::parse(kind, e.to_json()).as_ref(), Ok(&e));
        }
    }
    // Filters.
    let c = catalogue();
    let text_query = QueryText {
        filter: Some(text),
        limit: Some(10_000),
        ..QueryText::default()
    };
    if selector % 2 == 0 {
        let Ok(q) = Query::parse(&views::editorial::SCHEMA, &text_query) else {
            return;
        };
        let q = prepare(q, &[]);
        let ctx = lists::ctx(c, &q, views::editorial::LOCALE, 1500);
        let listed = lists::editorials(c, &q, &ctx);
        let view = |rec| views::editorial::View { rec, ctx: &ctx, loc: ctx.pick(&rec_locales(rec)) };
        fn rec_locales(e: &playgate::core::catalogue::Editorial) -> &playgate::core::catalogue::records::Locales {
            &e.locales
        }
        let mut all: Vec<_> = c.editorials.rows().iter().filter(|r| matches(&q.filter, &view(r))).collect();
        all.sort_by(|a, b| compare(&q.sort, &view(a), &view(b)));
        assert_eq!(listed.total as usize, all.len());
        let got: Vec<&str> = listed.rows.iter().map(|r| r.id.as_str()).collect();
        let want: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(got, want);
    } else {
        let Ok(q) = Query::parse(&views::programme::SCHEMA, &text_query) else {
            return;
        };
        let q = prepare(q, &[]);
        let ctx = lists::ctx(c, &q, views::programme::LOCALE, 0);
        let listed = lists::programmes(c, &q, &ctx);
        let view = |rec| views::programme::View { rec, ctx: &ctx, loc: None };
        let mut all: Vec<_> = c.programmes.rows().iter().filter(|r| matches(&q.filter, &view(r))).collect();
        all.sort_by(|a, b| compare(&q.sort, &view(a), &view(b)));
        assert_eq!(listed.total as usize, all.len());
        let got: Vec<&str> = listed.rows.iter().map(|r| r.id.as_str()).collect();
        let want: Vec<&str> = all.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(got, want);
    }
});
