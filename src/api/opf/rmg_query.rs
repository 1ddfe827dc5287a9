//! The RMG list query options: `filter`, `sort`, `limit`, `page` / `offset`,
//! in the MDS query language's JSON forms (reference §2.2):
//!
//! - `filter={"status":"UNSUBSCRIBED","productId":{"$in":["p1","p2"]}}`:
//!   equality or `$in` on the string and boolean fields; every term must hold.
//! - `sort=[["validFrom",-1],["_id",1]]`: any listed field, 1 ascending, -1
//!   descending; ties keep the next key, then `_id`.
//! - `limit` 0–1000 (default 100; 0 counts only), `page` 1-based, or
//!   `offset` (not both).
//!
//! Anything else (an unknown field or operator, a wrong value type, bad
//! JSON) is a 400 naming what is wrong. Must never: read the store.

use std::cmp::Ordering;

use serde::Deserialize;
use serde_json::Value;

use crate::api::error::{codes, ApiError};

/// Most records one page holds.
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    filter: Option<String>,
    sort: Option<String>,
    limit: Option<i64>,
    page: Option<i64>,
    offset: Option<i64>,
}

/// A field a list can be filtered or sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    ProductId,
    Status,
    ProductType,
    PurchasedByDeviceId,
    IsArchivable,
    ValidFrom,
    ExpiryDate,
    Created,
    Modified,
}

impl Field {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "_id" => Self::Id,
            "productId" => Self::ProductId,
            "status" => Self::Status,
            "productType" => Self::ProductType,
            "purchasedByDeviceId" => Self::PurchasedByDeviceId,
            "isArchivable" => Self::IsArchivable,
            "validFrom" => Self::ValidFrom,
            "expiryDate" => Self::ExpiryDate,
            "created" => Self::Created,
            "modified" => Self::Modified,
            _ => return None,
        })
    }

    fn filterable(self) -> bool {
        !matches!(
            self,
            Self::ValidFrom | Self::ExpiryDate | Self::Created | Self::Modified
        )
    }
}

/// A record's value for a [`Field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldValue<'a> {
    /// Absent sorts first.
    Absent,
    Bool(bool),
    Time(i64),
    Str(&'a str),
}

/// What a listed record answers.
pub trait Record {
    fn value(&self, field: Field) -> FieldValue<'_>;
}

#[derive(Debug)]
struct Term {
    field: Field,
    /// Any of these matches.
    any_of: Vec<Value>,
}

/// A parsed list query.
#[derive(Debug)]
pub struct ListSpec {
    terms: Vec<Term>,
    sort: Vec<(Field, bool)>,
    pub limit: usize,
    pub offset: usize,
}

fn bad(msg: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, msg)
}

impl ListQuery {
    pub fn parse(self) -> Result<ListSpec, ApiError> {
        let limit = self.limit.unwrap_or(100);
        if !(0..=MAX_LIMIT).contains(&limit) {
            return Err(bad(format!("limit must be 0-{MAX_LIMIT}")));
        }
        let offset = match (self.page, self.offset) {
            (Some(_), Some(_)) => return Err(bad("page and offset cannot both be given")),
            (Some(p), None) if p < 1 => return Err(bad("page must be 1 or more")),
            (Some(p), None) => (p - 1).saturating_mul(limit),
            (None, Some(o)) if o < 0 => return Err(bad("offset must be 0 or more")),
            (None, Some(o)) => o,
            (None, None) => 0,
        };
        Ok(ListSpec {
            terms: self
                .filter
                .as_deref()
                .map(parse_filter)
                .transpose()?
                .unwrap_or_default(),
            sort: self
                .sort
                .as_deref()
                .map(parse_sort)
                .transpose()?
                .unwrap_or_default(),
            limit: limit as usize,
            offset: usize::try_from(offset).unwrap_or(usize::MAX),
        })
    }
}

fn parse_filter(text: &str) -> Result<Vec<Term>, ApiError> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return Err(bad("filter must be a JSON object"));
    };
    let mut terms = Vec::with_capacity(map.len());
    for (name, v) in map {
        let field = Field::parse(&name)
            .filter(|f| f.filterable())
            .ok_or_else(|| bad(format!("filter: {name} is not a filterable field")))?;
        let any_of = match v {
            Value::Object(op) => match op.into_iter().next() {
                Some((k, Value::Array(list))) if k == "$in" => list,
                _ => {
                    return Err(bad(format!(
                        "filter: {name} takes a value or {{\"$in\": [...]}}"
                    )))
                }
            },
            v => vec![v],
        };
        let boolean = field == Field::IsArchivable;
        if !any_of.iter().all(|v| {
            if boolean {
                v.is_boolean()
            } else {
                v.is_string()
            }
        }) {
            let kind = if boolean { "booleans" } else { "strings" };
            return Err(bad(format!("filter: {name} compares with {kind}")));
        }
        terms.push(Term { field, any_of });
    }
    Ok(terms)
}

fn parse_sort(text: &str) -> Result<Vec<(Field, bool)>, ApiError> {
    let shape = || bad("sort must be a JSON array of [field, 1 | -1] pairs");
    let Ok(Value::Array(pairs)) = serde_json::from_str::<Value>(text) else {
        return Err(shape());
    };
    pairs
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(name), dir]) => {
                let field = Field::parse(name)
                    .ok_or_else(|| bad(format!("sort: {name} is not a sortable field")))?;
                match dir.as_i64() {
                    Some(1) => Ok((field, true)),
                    Some(-1) => Ok((field, false)),
                    _ => Err(shape()),
                }
            }
            _ => Err(shape()),
        })
        .collect()
}

fn holds(term: &Term, v: FieldValue<'_>) -> bool {
    term.any_of.iter().any(|want| match (want, v) {
        (Value::String(w), FieldValue::Str(s)) => w == s,
        (Value::Bool(w), FieldValue::Bool(b)) => *w == b,
        _ => false,
    })
}

impl ListSpec {
    /// Whether the query names `field` in its filter.
    pub fn filters_on(&self, field: Field) -> bool {
        self.terms.iter().any(|t| t.field == field)
    }

    /// Filters, sorts and pages `records`: `(total matching, the page)`.
    pub fn apply<R: Record>(&self, mut records: Vec<R>) -> (usize, Vec<R>) {
        records.retain(|r| self.terms.iter().all(|t| holds(t, r.value(t.field))));
        let keys = self.sort.iter().copied().chain([(Field::Id, true)]);
        let keys: Vec<(Field, bool)> = keys.collect();
        records.sort_by(|a, b| {
            keys.iter()
                .map(|&(f, asc)| {
                    let o = a.value(f).cmp(&b.value(f));
                    if asc {
                        o
                    } else {
                        o.reverse()
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
        let total = records.len();
        let page = records
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        (total, page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, &'static str, i64, bool);

    impl Record for R {
        fn value(&self, f: Field) -> FieldValue<'_> {
            match f {
                Field::Id => FieldValue::Str(self.0),
                Field::ProductId => FieldValue::Str(self.1),
                Field::ValidFrom => FieldValue::Time(self.2),
                Field::IsArchivable => FieldValue::Bool(self.3),
                _ => FieldValue::Absent,
            }
        }
    }

    fn q(
        filter: Option<&str>,
        sort: Option<&str>,
        limit: Option<i64>,
        page: Option<i64>,
    ) -> ListQuery {
        ListQuery {
            filter: filter.map(Into::into),
            sort: sort.map(Into::into),
            limit,
            page,
            offset: None,
        }
    }

    fn ids(v: &[R]) -> Vec<&str> {
        v.iter().map(|r| r.0).collect()
    }

    fn rows() -> Vec<R> {
        vec![
            R("c", "p1", 30, true),
            R("a", "p2", 10, false),
            R("b", "p1", 20, false),
        ]
    }

    #[test]
    fn filters_sorts_and_pages() {
        let spec = q(Some(r#"{"productId":"p1"}"#), None, None, None)
            .parse()
            .unwrap();
        let (n, page) = spec.apply(rows());
        assert_eq!((n, ids(&page)), (2, vec!["b", "c"]));
        let spec = q(None, Some(r#"[["validFrom",-1]]"#), Some(2), Some(2))
            .parse()
            .unwrap();
        let (n, page) = spec.apply(rows());
        assert_eq!((n, ids(&page)), (3, vec!["a"]));
        let spec = q(
            Some(r#"{"productId":{"$in":["p2","p9"]},"isArchivable":false}"#),
            None,
            None,
            None,
        )
        .parse()
        .unwrap();
        assert_eq!(ids(&spec.apply(rows()).1), vec!["a"]);
        let spec = q(None, None, Some(0), None).parse().unwrap();
        let (n, page) = spec.apply(rows());
        assert_eq!((n, page.len()), (3, 0));
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        for (f, s, l, p) in [
            (Some("[1]"), None, None, None),
            (Some(r#"{"nope":"x"}"#), None, None, None),
            (Some(r#"{"validFrom":"x"}"#), None, None, None),
            (Some(r#"{"productId":{"$gt":"a"}}"#), None, None, None),
            (Some(r#"{"productId":1}"#), None, None, None),
            (Some(r#"{"isArchivable":"yes"}"#), None, None, None),
            (None, Some(r#"{"a":1}"#), None, None),
            (None, Some(r#"[["validFrom",2]]"#), None, None),
            (None, Some(r#"[["nope",1]]"#), None, None),
            (None, None, Some(1001), None),
            (None, None, Some(-1), None),
            (None, None, None, Some(0)),
        ] {
            assert!(q(f, s, l, p).parse().is_err(), "{f:?} {s:?} {l:?} {p:?}");
        }
        let both = ListQuery {
            filter: None,
            sort: None,
            limit: None,
            page: Some(1),
            offset: Some(0),
        };
        assert!(both.parse().is_err());
    }
}
