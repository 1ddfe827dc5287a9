//! The query language's two implementations agree: for random records and
//! random filters, sorts and pages, the SQL the store compiles (SQLite and
//! PostgreSQL) selects exactly the records, in exactly the order, that the
//! evaluator in memory does.

use playgate::core::query::eval::{apply, Record, Value};
use playgate::core::query::{FieldDef, FieldType, Query, QueryText, Schema};
use playgate::store::sql::{list, Table};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row as _;

use crate::harness::{Backend, TestApp};

const FIELDS: &[FieldDef] = &[
    FieldDef::new("id", FieldType::Str),
    FieldDef::new("s", FieldType::Str),
    FieldDef::new("n", FieldType::Int),
    FieldDef::new("b", FieldType::Bool),
];

const SCHEMA: Schema = Schema {
    fields: FIELDS,
    id: 0,
    default_limit: 100,
    max_limit: 1000,
};

const TABLE: Table = Table {
    name: "query_probe",
    select: "id, s, n, b",
    columns: &[Some("id"), Some("s"), Some("n"), Some("b")],
};

/// Small domains, so random filters hit; bytes that sort differently in
/// a language collation than by bytes ("B" < "a", "é").
const STRS: &[Option<&str>] = &[
    None,
    Some(""),
    Some("a"),
    Some("B"),
    Some("ab"),
    Some("é"),
    Some("b"),
];
const INTS: &[Option<i64>] = &[None, Some(-1), Some(0), Some(1), Some(2)];
const BOOLS: &[Option<bool>] = &[None, Some(false), Some(true)];

#[derive(Debug, Clone)]
struct Probe {
    id: String,
    s: Option<&'static str>,
    n: Option<i64>,
    b: Option<bool>,
}

impl Record for Probe {
    fn value(&self, field: usize) -> Value<'_> {
        match field {
            0 => Value::Str(&self.id),
            1 => self.s.map_or(Value::Null, Value::Str),
            2 => self.n.map_or(Value::Null, Value::Int),
            _ => self.b.map_or(Value::Null, Value::Bool),
        }
    }
}

fn json_of<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

/// A random value of field `f` (`null` sometimes).
fn value(rng: &mut StdRng, f: usize) -> String {
    match f {
        0 => json_of(&format!("r{:02}", rng.gen_range(0..45))),
        1 => json_of(&STRS[rng.gen_range(0..STRS.len())]),
        2 => json_of(&INTS[rng.gen_range(0..INTS.len())]),
        _ => json_of(&BOOLS[rng.gen_range(0..BOOLS.len())]),
    }
}

/// A random filter object, `depth` levels of `$and` / `$or` at most.
fn filter(rng: &mut StdRng, depth: usize) -> String {
    let terms = rng.gen_range(1..=3);
    let mut parts = Vec::new();
    for _ in 0..terms {
        let f = rng.gen_range(0..4);
        let name = FIELDS[f].name;
        let nonnull = |rng: &mut StdRng| loop {
            let v = value(rng, f);
            if v != "null" {
                return v;
            }
        };
        let term = match rng.gen_range(0..11) {
            0 if depth > 0 => {
                let op = if rng.gen() { "$and" } else { "$or" };
                let n = rng.gen_range(1..=3);
                let subs: Vec<String> = (0..n).map(|_| filter(rng, depth - 1)).collect();
                format!(r#""{op}":[{}]"#, subs.join(","))
            }
            1 => format!(r#""{name}":{}"#, value(rng, f)),
            2 => format!(r#""{name}":{{"$ne":{}}}"#, value(rng, f)),
            3 | 4 if f != 3 => {
                let op = ["$lt", "$lte", "$gt", "$gte"][rng.gen_range(0..4)];
                format!(r#""{name}":{{"{op}":{}}}"#, nonnull(rng))
            }
            5 | 6 => {
                let op = if rng.gen() { "$in" } else { "$nin" };
                let n = rng.gen_range(0..4);
                let vs: Vec<String> = (0..n).map(|_| value(rng, f)).collect();
                format!(r#""{name}":{{"{op}":[{}]}}"#, vs.join(","))
            }
            7 => format!(r#""{name}":{{"$exists":{}}}"#, rng.gen::<bool>()),
            8 if f == 2 => format!(r#""n":{{"$gte":{},"$lt":{}}}"#, nonnull(rng), nonnull(rng)),
            _ => format!(r#""{name}":{{"$eq":{}}}"#, value(rng, f)),
        };
        parts.push(term);
    }
    // One key per object: a repeated key would be dropped by the JSON parser.
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    for p in parts {
        let key = p.split(':').next().unwrap().to_owned();
        if seen.insert(key) {
            kept.push(p);
        }
    }
    format!("{{{}}}", kept.join(","))
}

fn sort(rng: &mut StdRng) -> String {
    let n = rng.gen_range(0..3);
    let keys: Vec<String> = (0..n)
        .map(|_| {
            let f = FIELDS[rng.gen_range(0..4)].name;
            let dir = if rng.gen() { 1 } else { -1 };
            format!(r#"["{f}",{dir}]"#)
        })
        .collect();
    format!("[{}]", keys.join(","))
}

async fn sql_and_memory_agree(b: Backend) {
    let app = TestApp::start(b).await;
    let store = &app.state.store;
    let mut conn = store.acquire().await.unwrap();
    sqlx::query(
        "CREATE TABLE query_probe (tenant_id TEXT NOT NULL, id TEXT NOT NULL, \
         s TEXT, n BIGINT, b BIGINT, PRIMARY KEY (tenant_id, id))",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    let mut rng = StdRng::seed_from_u64(20261204);
    let mut records = Vec::new();
    for i in 0..40 {
        let p = Probe {
            id: format!("r{i:02}"),
            s: STRS[rng.gen_range(0..STRS.len())],
            n: INTS[rng.gen_range(0..INTS.len())],
            b: BOOLS[rng.gen_range(0..BOOLS.len())],
        };
        sqlx::query(
            "INSERT INTO query_probe (tenant_id, id, s, n, b) VALUES ('t', $1, $2, $3, $4)",
        )
        .bind(&p.id)
        .bind(p.s)
        .bind(p.n)
        .bind(p.b.map(i64::from))
        .execute(&mut *conn)
        .await
        .unwrap();
        records.push(p);
    }
    // Another tenant's rows are never listed.
    sqlx::query("INSERT INTO query_probe (tenant_id, id, s, n, b) VALUES ('u', 'r00', 'a', 1, 1)")
        .execute(&mut *conn)
        .await
        .unwrap();
    let mut hits = 0;
    for round in 0..400 {
        let f = filter(&mut rng, 2);
        let s = sort(&mut rng);
        let limit = rng.gen_range(0..45);
        let offset = rng.gen_range(0..10);
        let text = QueryText {
            filter: Some(&f),
            sort: Some(&s),
            limit: Some(limit),
            offset: Some(offset),
            ..Default::default()
        };
        let query = Query::parse(&SCHEMA, &text).unwrap_or_else(|e| panic!("{f}: {e}"));
        let memory = apply(&query, records.clone());
        let sql = list(
            &mut conn,
            store.dialect(),
            &TABLE,
            &SCHEMA,
            "t",
            &query,
            |row| Ok(row.try_get::<String, _>("id")?),
        )
        .await
        .unwrap_or_else(|e| panic!("round {round}: {f} {s}: {e}"));
        let memory_ids: Vec<String> = memory.items.iter().map(|p| p.id.clone()).collect();
        assert_eq!(
            (sql.total, &sql.items),
            (memory.total, &memory_ids),
            "round {round}: filter {f} sort {s} limit {limit} offset {offset}"
        );
        hits += usize::from(memory.total > 0 && memory.total < 40);
    }
    assert!(
        hits > 100,
        "only {hits} of the filters selected some but not all"
    );
    app.stop().await;
}

crate::on_both_backends!(sql_and_memory_agree);
