//! The catalogue's pure parts: record checks, the field views, and the
//! index's narrowing, which must give exactly what a full scan gives.

use std::sync::Arc;

use rand::{Rng, SeedableRng};
use serde_json::json;

use super::index::{Catalogue, Table};
use super::lists::{self, prepare};
use super::records::{Record, Window};
use super::views::{self, Ctx};
use super::*;
use crate::core::query::eval::{compare, matches, Record as _};
use crate::core::query::{Query, QueryText};

fn editorial(i: usize) -> Editorial {
    let rating = ["r0", "r1", "r2"][i % 3];
    let device = ["PC", "iOS", "Android"][i % 3];
    let e = json!({
        "id": format!("ed-{i:03}"), "type": if i % 3 == 0 { "EPISODE" } else { "MOVIE" },
        "seriesRef": if i % 3 == 0 { Some(format!("ser-{}", i % 5)) } else { None },
        "year": 1990 + (i % 30) as i64, "duration": 600 * (i % 7) as i64,
        "nodeRefs": [format!("n-{}", i % 4), format!("n-{}", i % 6)],
        "productRefs": if i % 2 == 0 { vec!["p-a"] } else { vec!["p-b"] },
        "rating": rating,
        "period": { "start": 1000 + (i as i64 % 5) * 100, "end": 5000 },
        "locales": { "en_GB": { "title": format!("T{}", (i * 7919) % 101) },
                     "fr_FR": { "title": format!("F{i}") } },
        "technicals": [{ "id": format!("t-{i}"), "drmId": format!("d-{i}"),
                         "deviceTypes": [device],
                         "drmInstanceName": "DASH", "uri": "https://cdn.example/x" }],
    });
    match Entity::parse(Kind::Editorial, e).unwrap() {
        Entity::Editorial(e) => e,
        _ => unreachable!(),
    }
}

fn programme(service: usize, slot: usize) -> Programme {
    // Programmes of varying length back to back.
    let start = 10_000 + (slot as i64) * 1800;
    let len = if slot % 4 == 0 { 3600 } else { 1800 };
    serde_json::from_value(json!({
        "id": format!("p-{service}-{slot}"), "serviceRef": format!("s-{service}"),
        "period": { "start": start, "end": start + len },
        "locales": { "en_GB": { "title": format!("P{}", (slot * 31) % 17) } },
    }))
    .unwrap()
}

fn catalogue() -> Catalogue {
    let mut ratings = std::collections::HashMap::new();
    for (i, r) in ["r0", "r1", "r2"].iter().enumerate() {
        ratings.insert(Box::from(*r), i as i64);
    }
    Catalogue {
        default_locale: "en_GB".into(),
        ratings: Arc::new(ratings),
        editorials: Arc::new(Table::build(
            (0..120).map(|i| Arc::new(editorial(i))).collect(),
        )),
        programmes: Arc::new(Table::build(
            (0..6)
                .flat_map(|s| (0..40).map(move |p| Arc::new(programme(s, p))))
                .collect(),
        )),
        ..Catalogue::default()
    }
}

fn parse(schema: &crate::core::query::Schema, filter: &str, sort: Option<&str>) -> Query {
    Query::parse(
        schema,
        &QueryText {
            filter: Some(filter),
            sort,
            limit: Some(10_000),
            ..QueryText::default()
        },
    )
    .unwrap_or_else(|e| panic!("{filter}: {e}"))
}

/// The page a full scan gives: every record, filtered, sorted, paged.
fn brute<'a, T, V: crate::core::query::eval::Record>(
    rows: &'a [Arc<T>],
    q: &Query,
    view: impl Fn(&'a T) -> V,
) -> (u64, Vec<&'a Arc<T>>) {
    let mut hits: Vec<&Arc<T>> = rows
        .iter()
        .filter(|r| matches(&q.filter, &view(r)))
        .collect();
    hits.sort_by(|a, b| compare(&q.sort, &view(a), &view(b)));
    let total = hits.len() as u64;
    let page = hits
        .into_iter()
        .skip(q.paging.offset as usize)
        .take(q.paging.limit as usize)
        .collect();
    (total, page)
}

/// Random filters over the indexed and plain fields of editorials give the
/// same page through the index as through a full scan.
#[test]
fn editorial_lists_match_a_full_scan() {
    let c = catalogue();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let terms = [
        r#""nodeRefs":"n-1""#,
        r#""nodeRefs":{"$in":["n-2","n-5"]}"#,
        r#""seriesRef":{"$in":[null,""]}"#,
        r#""seriesRef":"ser-3""#,
        r#""productRefs":"p-a""#,
        r#""technical.deviceType":{"$in":["PC","iOS"]}"#,
        r#""Year":{"$gte":2005}"#,
        r#""Rating.precedence":{"$lt":2}"#,
        r#""$or":[{"type":"EPISODE"},{"duration":{"$gt":3000}}]"#,
        r#""locale":"fr_FR""#,
        r#""isVisible":true"#,
    ];
    let sorts = [
        None,
        Some(r#"[["Title",1]]"#),
        Some(r#"[["Year",-1],["Title",1]]"#),
    ];
    for _ in 0..300 {
        let n = rng.gen_range(0..4);
        let picked: Vec<&str> = (0..n)
            .map(|_| terms[rng.gen_range(0..terms.len())])
            .collect();
        let mut seen = std::collections::HashSet::new();
        let picked: Vec<&str> = picked.into_iter().filter(|t| seen.insert(*t)).collect();
        let filter = format!("{{{}}}", picked.join(","));
        let sort = sorts[rng.gen_range(0..sorts.len())];
        let mut q = prepare(parse(&views::editorial::SCHEMA, &filter, sort), &[]);
        q.paging.offset = rng.gen_range(0..5);
        q.paging.limit = rng.gen_range(1..30);
        let ctx = lists::ctx(&c, &q, views::editorial::LOCALE, 1200);
        let listed = lists::editorials(&c, &q, &ctx);
        fn view<'a>(rec: &'a Editorial, ctx: &'a Ctx<'a>) -> views::editorial::View<'a> {
            views::editorial::View {
                rec,
                ctx,
                loc: ctx.pick(&rec.locales),
            }
        }
        let (total, page) = brute(c.editorials.rows(), &q, |rec| view(rec, &ctx));
        assert_eq!(listed.total, total, "{filter} {sort:?}");
        let got: Vec<&str> = listed.rows.iter().map(|e| e.id.as_str()).collect();
        let want: Vec<&str> = page.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, want, "{filter} {sort:?}");
    }
}

/// Time windows over programmes (with and without channels) narrow by
/// start and the longest programme, and still give a full scan's answer.
#[test]
fn programme_windows_match_a_full_scan() {
    let c = catalogue();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for _ in 0..300 {
        let a = 9_000 + rng.gen_range(0..80_000);
        let b = a + rng.gen_range(0..20_000);
        let lo = ["$gt", "$gte"][rng.gen_range(0..2)];
        let hi = ["$lt", "$lte"][rng.gen_range(0..2)];
        let channels = match rng.gen_range(0..3) {
            0 => String::new(),
            1 => r#","serviceRef":"s-2""#.to_owned(),
            _ => r#","channel":{"$in":["s-1","s-4","s-9"]}"#.to_owned(),
        };
        let filter = if rng.gen_bool(0.5) {
            format!(
                r#"{{"$and":[{{"period.end":{{"{lo}":{a}}}}},{{"period.start":{{"{hi}":{b}}}}}]{channels}}}"#
            )
        } else {
            format!(r#"{{"period.end":{{"{lo}":{a}}},"period.start":{{"{hi}":{b}}}{channels}}}"#)
        };
        let q = parse(
            &views::programme::SCHEMA,
            &filter,
            Some(r#"[["period.start",1]]"#),
        );
        let ctx = lists::ctx(&c, &q, views::programme::LOCALE, 0);
        let listed = lists::programmes(&c, &q, &ctx);
        fn view<'a>(rec: &'a Programme, ctx: &'a Ctx<'a>) -> views::programme::View<'a> {
            views::programme::View {
                rec,
                ctx,
                loc: None,
            }
        }
        let (total, page) = brute(c.programmes.rows(), &q, |rec| view(rec, &ctx));
        assert_eq!(listed.total, total, "{filter}");
        let got: Vec<&str> = listed.rows.iter().map(|e| e.id.as_str()).collect();
        let want: Vec<&str> = page.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, want, "{filter}");
    }
}

#[test]
fn the_technical_model_has_a_row_per_technical_and_product() {
    let mut c = catalogue();
    let products: Vec<Arc<Product>> = ["p-a", "p-b"]
        .iter()
        .map(|id| {
            let p = json!({"id": id, "type": "SUBSCRIPTION", "locales": {"en_GB": {"title": id}},
                           "endValidity": if *id == "p-a" { 2000 } else { 9000 }});
            Arc::new(serde_json::from_value(p).unwrap())
        })
        .collect();
    c.products = Arc::new(Table::build(products));
    let q = prepare(
        parse(
            &views::etpv::SCHEMA,
            r#"{"e":{"$in":["ed-000","ed-001"]}}"#,
            None,
        ),
        &[(views::etpv::IS_VALID, true)],
    );
    let ctx = lists::ctx(&c, &q, views::etpv::LOCALE, 3000);
    let (total, rows) = lists::etpv(&c, &q, &ctx);
    // ed-000 is sold by p-a, whose validity ended at 2000: hidden.
    assert_eq!(total, 1);
    assert_eq!(rows[0].editorial.id, "ed-001");
    let view = rows[0].view(&ctx);
    assert_eq!(view.row_id, "ed-001:t-1:p-b");
    assert!(view.is_valid() && view.is_purchasable());
}

#[test]
fn every_field_name_answers_its_value() {
    use crate::core::query::eval::Value;
    let c = catalogue();
    let e = editorial(3);
    let ctx = Ctx {
        locale: None,
        default_locale: "en_GB",
        now: 1200,
        ratings: &c.ratings,
    };
    let v = views::editorial::View {
        rec: &e,
        ctx: &ctx,
        loc: ctx.pick(&e.locales),
    };
    let f = |name: &str| v.value(views::editorial::SCHEMA.field(name).unwrap());
    assert_eq!(f("id"), Value::Str("ed-003"));
    assert_eq!(f("locale"), Value::Str("en_GB"));
    assert_eq!(f("Title"), f("title"));
    assert_eq!(f("type"), Value::Str("EPISODE"));
    assert_eq!(f("seriesRef"), Value::Str("ser-3"));
    assert_eq!(f("Year"), Value::Int(1993));
    assert_eq!(f("duration"), Value::Int(1800));
    assert_eq!(f("Rating.code"), Value::Str("r0"));
    assert_eq!(f("Rating.precedence"), Value::Int(0));
    assert_eq!(f("nodeRefs"), Value::List(vec!["n-3", "n-3"]));
    assert_eq!(f("productRefs"), Value::List(vec!["p-b"]));
    assert_eq!(f("period.start"), Value::Int(1300));
    assert_eq!(f("period.end"), Value::Int(5000));
    assert_eq!(
        f("isVisible"),
        Value::Bool(false),
        "starts at 1300, now 1200"
    );
    assert_eq!(f("technicals.deviceType"), Value::List(vec!["PC"]));
    assert_eq!(f("technical.deviceType"), f("technicals.deviceType"));
    assert_eq!(f("technicals.drmId"), Value::List(vec!["d-3"]));
    assert_eq!(f("technicals.id"), Value::List(vec!["t-3"]));
    assert_eq!(f("technicals.drmInstanceName"), Value::List(vec!["DASH"]));
    // Every field of every list answers without panicking.
    for i in 0..views::editorial::SCHEMA.fields.len() {
        let _ = v.value(i);
    }
}

#[test]
fn records_are_checked_on_their_own() {
    let ok = json!({"id": "x", "type": "MOVIE", "locales": {"en_GB": {"title": "X"}}});
    assert!(Entity::parse(Kind::Editorial, ok.clone()).is_ok());
    for (change, why) in [
        (json!({"id": "a b"}), "id"),
        (json!({"type": "FILM"}), "type"),
        (json!({"locales": {}}), "locales"),
        (json!({"locales": {"en-GB": {"title": "X"}}}), "locales"),
        (
            json!({"locales": {"en_GB": {"title": "X\u{1}"}}}),
            "control",
        ),
        (json!({"locales": {"en_GB": {"title": "X\nY"}}}), "control"),
        (json!({"period": {"start": 5, "end": 5}}), "period.end"),
        (json!({"year": 12}), "year"),
        (json!({"duration": -1}), "duration"),
        (json!({"location": {"blockingList": ["gb"]}}), "ISO 3166"),
        (json!({"colour": "red"}), "colour"),
        (
            json!({"nodeRefs": (0..300).map(|i| format!("n{i}")).collect::<Vec<_>>()}),
            "nodeRefs",
        ),
    ] {
        let mut bad = ok.clone();
        for (k, v) in change.as_object().unwrap() {
            bad[k] = v.clone();
        }
        let err = Entity::parse(Kind::Editorial, bad).unwrap_err();
        assert!(err.contains(why), "{why}: {err}");
    }
    let p = json!({"id": "s", "serviceRef": "svc", "period": {"start": 1}, "locales": {"en_GB": {"title": "P"}}});
    assert!(Entity::parse(Kind::Programme, p)
        .unwrap_err()
        .contains("period"));
    let season =
        json!({"id": "s", "type": "SEASON", "domain": "vod", "locales": {"en_GB": {"title": "S"}}});
    assert!(Entity::parse(Kind::Series, season)
        .unwrap_err()
        .contains("seriesRef"));
    let product = json!({"id": "p", "type": "RENTAL", "price": {"amount": -1, "currency": "GBP"},
                         "locales": {"en_GB": {"title": "P"}}});
    assert!(Entity::parse(Kind::Product, product)
        .unwrap_err()
        .contains("amount"));
    assert!(Entity::parse(Kind::Node, json!([1])).is_err());
    // What is taken round-trips through the stored JSON.
    let e = Entity::parse(Kind::Editorial, serde_json::to_value(editorial(5)).unwrap()).unwrap();
    assert_eq!(Entity::parse(Kind::Editorial, e.to_json()).unwrap(), e);
    assert!(
        records::is_locale("en_GB") && records::is_locale("fr") && records::is_locale("es_419")
    );
    assert!(!records::is_locale("EN_gb") && !records::is_locale("en_GB_x"));
    let w = Window {
        start: Some(10),
        end: Some(20),
    };
    assert!(w.contains(10) && !w.contains(20) && !w.contains(9));
    assert!(editorial(1).check().is_ok());
}

#[test]
fn tables_take_upserts_and_deletes() {
    let t = Table::build((0..5).map(|i| Arc::new(editorial(i))).collect());
    let mut changed = editorial(2);
    changed.node_refs = vec!["n-new".into()];
    let next = t.with(
        vec![Arc::new(changed), Arc::new(editorial(9))],
        &["ed-000".into()],
    );
    let ids: Vec<&str> = next.rows().iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ed-001", "ed-002", "ed-003", "ed-004", "ed-009"]);
    assert_eq!(next.under(index::Key::Node, "n-new"), &[1]);
    assert!(next.get("ed-000").is_none());
    assert_eq!(t.len(), 5, "the old table is untouched");
}
