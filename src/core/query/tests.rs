use super::eval::{apply, Record, Value};
use super::*;

const FIELDS: &[FieldDef] = &[
    FieldDef::new("_id", FieldType::Str),
    FieldDef::new("productId", FieldType::Str),
    FieldDef::new("validFrom", FieldType::Int).sort_only(),
    FieldDef::new("isArchivable", FieldType::Bool),
    FieldDef::new("n", FieldType::Int),
    FieldDef::new("tags", FieldType::StrList),
];

const SCHEMA: Schema = Schema {
    fields: FIELDS,
    id: 0,
    default_limit: 100,
    max_limit: 1000,
};

struct R(
    &'static str,
    Option<&'static str>,
    i64,
    bool,
    Option<i64>,
    &'static [&'static str],
);

impl Record for R {
    fn value(&self, f: usize) -> Value<'_> {
        match f {
            0 => Value::Str(self.0),
            1 => self.1.map_or(Value::Null, Value::Str),
            2 => Value::Int(self.2),
            3 => Value::Bool(self.3),
            4 => self.4.map_or(Value::Null, Value::Int),
            _ => Value::List(self.5.to_vec()),
        }
    }
}

fn rows() -> Vec<R> {
    vec![
        R("c", Some("p1"), 30, true, Some(5), &["kids", "new"]),
        R("a", Some("p2"), 10, false, None, &[]),
        R("b", Some("p1"), 20, false, Some(-1), &["new"]),
        R("d", None, 40, true, Some(7), &["sport"]),
    ]
}

fn ids(filter: &str) -> Vec<&'static str> {
    let q = Query::parse(
        &SCHEMA,
        &QueryText {
            filter: Some(filter),
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{filter}: {e}"));
    apply(&q, rows()).items.iter().map(|r| r.0).collect()
}

#[test]
fn filters_as_the_mds_language_says() {
    assert_eq!(ids(r#"{"productId":"p1"}"#), ["b", "c"]);
    assert_eq!(ids(r#"{"productId":null}"#), ["d"]);
    assert_eq!(ids(r#"{"productId":{"$ne":"p1"}}"#), ["a", "d"]);
    assert_eq!(ids(r#"{"productId":{"$in":["p2",null]}}"#), ["a", "d"]);
    assert_eq!(ids(r#"{"productId":{"$nin":["p2"]}}"#), ["b", "c", "d"]);
    assert_eq!(ids(r#"{"productId":{"$nin":["p2",null]}}"#), ["b", "c"]);
    assert_eq!(ids(r#"{"n":{"$gte":5}}"#), ["c", "d"]);
    assert_eq!(ids(r#"{"n":{"$lt":5}}"#), ["b"]);
    assert_eq!(ids(r#"{"n":{"$gt":-2,"$lte":5}}"#), ["b", "c"]);
    assert_eq!(ids(r#"{"n":{"$exists":false}}"#), ["a"]);
    assert_eq!(ids(r#"{"isArchivable":true}"#), ["c", "d"]);
    assert_eq!(ids(r#"{"tags":"new"}"#), ["b", "c"]);
    assert_eq!(ids(r#"{"tags":null}"#), ["a"]);
    assert_eq!(ids(r#"{"tags":{"$in":["sport","kids"]}}"#), ["c", "d"]);
    assert_eq!(
        ids(r#"{"$or":[{"n":{"$exists":false}},{"productId":"p1","n":{"$lt":0}}]}"#),
        ["a", "b"]
    );
    assert_eq!(ids(r#"{"$and":[{"n":{"$gte":0}},{"n":{"$lt":6}}]}"#), ["c"]);
    assert_eq!(ids(r#"{"productId":{"$in":[]}}"#), Vec::<&str>::new());
    assert_eq!(ids("{}"), ["a", "b", "c", "d"]);
}

#[test]
fn sorts_with_the_id_last_and_nulls_first() {
    let page = |sort: &str, limit: Option<i64>, page: Option<i64>| {
        let q = Query::parse(
            &SCHEMA,
            &QueryText {
                sort: Some(sort),
                limit,
                page,
                ..Default::default()
            },
        )
        .unwrap();
        let p = apply(&q, rows());
        (p.total, p.items.iter().map(|r| r.0).collect::<Vec<_>>())
    };
    assert_eq!(
        page(r#"[["validFrom",-1]]"#, Some(2), Some(2)),
        (4, vec!["b", "a"])
    );
    assert_eq!(
        page(r#"[["n",1]]"#, None, None),
        (4, vec!["a", "b", "c", "d"])
    );
    assert_eq!(
        page(r#"[["n",-1]]"#, None, None),
        (4, vec!["d", "c", "b", "a"])
    );
    assert_eq!(
        page(r#"[["productId",1]]"#, None, None),
        (4, vec!["d", "b", "c", "a"])
    );
    assert_eq!(page("[]", Some(0), None), (4, vec![]));
}

#[test]
fn refuses_what_it_does_not_understand_naming_it() {
    for (filter, names) in [
        ("[1]", "JSON object"),
        (r#"{"nope":"x"}"#, "nope"),
        (r#"{"validFrom":5}"#, "validFrom"),
        (r#"{"productId":{"$regex":"x"}}"#, "$regex"),
        (r#"{"productId":1}"#, "productId"),
        (r#"{"isArchivable":"yes"}"#, "isArchivable"),
        (r#"{"isArchivable":{"$gt":true}}"#, "isArchivable"),
        (r#"{"tags":{"$lt":"a"}}"#, "tags"),
        (r#"{"n":1.5}"#, "n"),
        (r#"{"n":{"$gt":null}}"#, "n"),
        (r#"{"n":{}}"#, "n"),
        (r#"{"n":{"a":1}}"#, "n"),
        (r#"{"$or":[]}"#, "$or"),
        (r#"{"$or":[1]}"#, "$or"),
        (r#"{"$not":{}}"#, "$not"),
        (r#"{"productId":{"$in":"p1"}}"#, "$in"),
        (r#"{"n":{"$exists":1}}"#, "$exists"),
    ] {
        let e = Query::parse(
            &SCHEMA,
            &QueryText {
                filter: Some(filter),
                ..Default::default()
            },
        )
        .expect_err(filter);
        assert!(e.0.contains(names), "{filter}: {e}");
    }
    for (sort, fields, limit, page, offset, skip) in [
        (Some(r#"{"a":1}"#), None, None, None, None, None),
        (Some(r#"[["validFrom",2]]"#), None, None, None, None, None),
        (Some(r#"[["tags",1]]"#), None, None, None, None, None),
        (None, Some(r#"["nope"]"#), None, None, None, None),
        (None, None, Some(1001), None, None, None),
        (None, None, Some(-1), None, None, None),
        (None, None, None, Some(0), None, None),
        (None, None, None, Some(1), Some(0), None),
        (None, None, None, None, Some(0), Some(0)),
        (None, None, None, None, Some(-1), None),
    ] {
        let text = QueryText {
            sort,
            fields,
            limit,
            page,
            offset,
            skip,
            ..Default::default()
        };
        assert!(Query::parse(&SCHEMA, &text).is_err(), "{text:?}");
    }
}

#[test]
fn nesting_and_sizes_are_bounded() {
    let mut deep = String::from(r#"{"n":1}"#);
    for _ in 0..=MAX_DEPTH {
        deep = format!(r#"{{"$or":[{deep}]}}"#);
    }
    let text = QueryText {
        filter: Some(&deep),
        ..Default::default()
    };
    assert!(Query::parse(&SCHEMA, &text)
        .unwrap_err()
        .0
        .contains("deeper"));
    let long = format!(
        r#"{{"productId":{{"$in":[{}]}}}}"#,
        vec![r#""p""#; MAX_LIST + 1].join(",")
    );
    let text = QueryText {
        filter: Some(&long),
        ..Default::default()
    };
    assert!(Query::parse(&SCHEMA, &text).is_err());
    let many = format!(
        r#"{{"$and":[{}]}}"#,
        vec![r#"{"n":1}"#; MAX_TERMS + 1].join(",")
    );
    let text = QueryText {
        filter: Some(&many),
        ..Default::default()
    };
    assert!(Query::parse(&SCHEMA, &text)
        .unwrap_err()
        .0
        .contains("terms"));
}

#[test]
fn paging_by_page_offset_or_skip() {
    let paging = |limit, page, offset, skip| {
        Query::parse(
            &SCHEMA,
            &QueryText {
                limit,
                page,
                offset,
                skip,
                ..Default::default()
            },
        )
        .unwrap()
        .paging
    };
    assert_eq!(
        paging(None, None, None, None),
        Paging {
            limit: 100,
            offset: 0
        }
    );
    assert_eq!(
        paging(Some(10), Some(3), None, None),
        Paging {
            limit: 10,
            offset: 20
        }
    );
    assert_eq!(
        paging(Some(10), None, Some(7), None),
        Paging {
            limit: 10,
            offset: 7
        }
    );
    assert_eq!(
        paging(Some(10), None, None, Some(7)),
        Paging {
            limit: 10,
            offset: 7
        }
    );
}
