//! The query evaluator over records in memory: the same answers the SQL
//! compiler's queries give (the property test in `tests/it/query.rs`).

use std::cmp::Ordering;

use super::{Dir, Expr, Op, Page, Query, Scalar};

/// A record's value for a field. `Null` is a missing value too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'a str),
    /// A list field's values (empty: as `Null`).
    List(Vec<&'a str>),
}

impl Value<'_> {
    fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::List(l) => l.is_empty(),
            _ => false,
        }
    }

    /// Ordering against a query value of the same type.
    fn cmp_scalar(&self, s: &Scalar) -> Option<Ordering> {
        match (self, s) {
            (Value::Bool(a), Scalar::Bool(b)) => Some(a.cmp(b)),
            (Value::Int(a), Scalar::Int(b)) => Some(a.cmp(b)),
            (Value::Str(a), Scalar::Str(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            _ => None,
        }
    }

    fn equals(&self, s: &Scalar) -> bool {
        match self {
            Value::List(items) => items.iter().any(|i| Value::Str(i).equals(s)),
            v => v.cmp_scalar(s) == Some(Ordering::Equal),
        }
    }

    /// Sort order within one field: nulls first.
    fn sort_cmp(&self, other: &Value<'_>) -> Ordering {
        fn rank(v: &Value<'_>) -> u8 {
            match v {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Int(_) => 2,
                Value::Str(_) => 3,
                Value::List(_) => 4,
            }
        }
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Str(a), Value::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (a, b) => rank(a).cmp(&rank(b)),
        }
    }
}

/// What a listed record answers.
pub trait Record {
    /// The value of the schema's field `field` (an index into its table).
    fn value(&self, field: usize) -> Value<'_>;
}

/// Whether `record` satisfies `expr`.
pub fn matches<R: Record + ?Sized>(expr: &Expr, record: &R) -> bool {
    match expr {
        Expr::And(all) => all.iter().all(|e| matches(e, record)),
        Expr::Or(any) => any.iter().any(|e| matches(e, record)),
        Expr::Cmp { field, op, value } => {
            let v = record.value(*field);
            match (op, value) {
                (Op::Eq, None) => v.is_null(),
                (Op::Ne, None) => !v.is_null(),
                (Op::Eq, Some(s)) => v.equals(s),
                (Op::Ne, Some(s)) => !v.equals(s),
                (op, Some(s)) => v.cmp_scalar(s).is_some_and(|o| match op {
                    Op::Lt => o == Ordering::Less,
                    Op::Lte => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    Op::Gte => o != Ordering::Less,
                    Op::Eq | Op::Ne => unreachable!("handled above"),
                }),
                (_, None) => false,
            }
        }
        Expr::In {
            field,
            values,
            with_null,
            negate,
        } => {
            let v = record.value(*field);
            let found = if v.is_null() {
                *with_null
            } else {
                values.iter().any(|s| v.equals(s))
            };
            found != *negate
        }
        Expr::Exists { field, exists } => record.value(*field).is_null() != *exists,
    }
}

/// Orders two records by the query's sort keys.
pub fn compare<R: Record + ?Sized>(sort: &[(usize, Dir)], a: &R, b: &R) -> Ordering {
    for &(field, dir) in sort {
        let o = a.value(field).sort_cmp(&b.value(field));
        let o = if dir == Dir::Asc { o } else { o.reverse() };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Filters, sorts and pages `records`.
pub fn apply<R: Record>(query: &Query, mut records: Vec<R>) -> Page<R> {
    records.retain(|r| matches(&query.filter, r));
    records.sort_by(|a, b| compare(&query.sort, a, b));
    let total = records.len() as u64;
    let items = records
        .into_iter()
        .skip(usize::try_from(query.paging.offset).unwrap_or(usize::MAX))
        .take(query.paging.limit as usize)
        .collect();
    Page { total, items }
}
