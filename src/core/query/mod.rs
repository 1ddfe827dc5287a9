//! The MDS query language (reference `opf-api-admin.md` §2.2), pure: one
//! parser over a per-resource field table ([`Schema`]), one evaluator in
//! memory ([`eval`]), and the paging every list shares ([`Paging`],
//! [`Page`]). The store compiles the same [`Query`] to SQL
//! (`store/sql/query.rs`); a property test holds the two to the same
//! answers.
//!
//! - `filter`: a JSON object; each member a term, all must hold. A term is
//!   `{"field": value}` (equality; `null` matches a missing value; against
//!   a list field, membership), `{"field": {"$op": value, ...}}` with `$eq
//!   $ne $lt $lte $gt $gte $in $nin $exists`, or `$and` / `$or` over a
//!   non-empty array of such objects. `$in` / `$nin` lists may hold `null`.
//! - `sort`: `[[field, 1 | -1], ...]`; ties fall to the schema's id field.
//!   A missing value sorts first ascending, last descending.
//! - `fields`: `[field, ...]`, the members an answer keeps.
//! - paging: `limit` (the schema's default and maximum), then `page`
//!   (1-based) or `offset` / `skip` (one of them).
//!
//! A missing value and `null` are the same. Strings compare by bytes.
//! Every refusal names what it refuses ([`QueryError`]); nesting depth,
//! list sizes and the number of terms are bounded.
//!
//! Must never: read the store, or accept a field the schema does not list
//! for the use (filter, sort) asked.

pub mod eval;
mod filter;
pub mod resources;

use serde_json::Value as Json;

pub use filter::{Expr, Op};

/// Deepest `$and` / `$or` nesting accepted.
pub const MAX_DEPTH: usize = 8;
/// Most values in one `$in` / `$nin` list, and most members of one
/// `$and` / `$or`.
pub const MAX_LIST: usize = 1000;
/// Most terms in one filter, all levels counted.
pub const MAX_TERMS: usize = 256;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Str,
    Bool,
    /// Integers (times are epoch seconds).
    Int,
    /// A list of strings: equality is membership; not sortable.
    StrList,
}

/// One field of a resource.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: FieldType,
    pub filterable: bool,
    pub sortable: bool,
}

impl FieldDef {
    pub const fn new(name: &'static str, ty: FieldType) -> Self {
        Self {
            name,
            ty,
            filterable: true,
            sortable: !matches!(ty, FieldType::StrList),
        }
    }

    /// Sortable but not filterable.
    pub const fn sort_only(mut self) -> Self {
        self.filterable = false;
        self
    }
}

/// A resource's fields, its id field (index into `fields`: the last sort
/// key) and its paging bounds.
#[derive(Debug)]
pub struct Schema {
    pub fields: &'static [FieldDef],
    pub id: usize,
    pub default_limit: u32,
    pub max_limit: u32,
}

impl Schema {
    /// The index of the field named `name`.
    pub fn field(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// A comparable value of a query or a record.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Str(String),
}

/// Which way a sort key runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Asc,
    Desc,
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub limit: u32,
    pub offset: u64,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct Query {
    pub filter: Expr,
    /// Sort keys (field index, direction), the id last.
    pub sort: Vec<(usize, Dir)>,
    /// Projection, if asked (field indexes).
    pub fields: Option<Vec<usize>>,
    pub paging: Paging,
}

/// A list query as it arrives (each part still text).
#[derive(Debug, Default, Clone)]
pub struct QueryText<'a> {
    pub filter: Option<&'a str>,
    pub sort: Option<&'a str>,
    pub fields: Option<&'a str>,
    pub limit: Option<i64>,
    pub page: Option<i64>,
    pub offset: Option<i64>,
    pub skip: Option<i64>,
}

/// One page of a list: the matching total and the records of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            total: self.total,
            items: self.items.into_iter().map(f).collect(),
        }
    }
}

/// Why a query is refused: a 400 naming the part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QueryError {}

pub(crate) fn bad(msg: impl Into<String>) -> QueryError {
    QueryError(msg.into())
}

impl Query {
    /// Parses every part of `text` against `schema`.
    pub fn parse(schema: &Schema, text: &QueryText<'_>) -> Result<Query, QueryError> {
        let filter = match text.filter {
            Some(f) => filter::parse(schema, f)?,
            None => Expr::And(Vec::new()),
        };
        let sort = match text.sort {
            Some(s) => parse_sort(schema, s)?,
            None => Vec::new(),
        };
        let fields = text.fields.map(|f| parse_fields(schema, f)).transpose()?;
        Ok(Query {
            fields,
            ..Query::of(schema, filter, sort, paging(schema, text)?)
        })
    }

    /// Whether the filter names `field` anywhere.
    pub fn filters_on(&self, field: usize) -> bool {
        self.filter.names(field)
    }

    /// A query built by a caller, not parsed: `filter`, then `sort` with the
    /// schema's id last, and `paging`.
    pub fn of(schema: &Schema, filter: Expr, mut sort: Vec<(usize, Dir)>, paging: Paging) -> Query {
        if !sort.iter().any(|(f, _)| *f == schema.id) {
            sort.push((schema.id, Dir::Asc));
        }
        Query {
            filter,
            sort,
            fields: None,
            paging,
        }
    }

    /// `self` with `term` also required.
    pub fn and(mut self, term: Expr) -> Query {
        self.filter = match self.filter {
            Expr::And(mut terms) => {
                terms.push(term);
                Expr::And(terms)
            }
            other => Expr::And(vec![other, term]),
        };
        self
    }
}

fn paging(schema: &Schema, text: &QueryText<'_>) -> Result<Paging, QueryError> {
    let limit = text.limit.unwrap_or(i64::from(schema.default_limit));
    if !(0..=i64::from(schema.max_limit)).contains(&limit) {
        return Err(bad(format!("limit must be 0-{}", schema.max_limit)));
    }
    let offset = match (text.page, text.offset.or(text.skip)) {
        _ if text.offset.is_some() && text.skip.is_some() => {
            return Err(bad("offset and skip cannot both be given"))
        }
        (Some(_), Some(_)) => return Err(bad("page and offset cannot both be given")),
        (Some(p), None) if p < 1 => return Err(bad("page must be 1 or more")),
        (Some(p), None) => (p - 1).saturating_mul(limit),
        (None, Some(o)) if o < 0 => return Err(bad("offset must be 0 or more")),
        (None, Some(o)) => o,
        (None, None) => 0,
    };
    Ok(Paging {
        limit: limit as u32,
        offset: offset as u64,
    })
}

fn parse_sort(schema: &Schema, text: &str) -> Result<Vec<(usize, Dir)>, QueryError> {
    let shape = || bad("sort must be a JSON array of [field, 1 | -1] pairs");
    let Ok(Json::Array(pairs)) = serde_json::from_str::<Json>(text) else {
        return Err(shape());
    };
    if pairs.len() > schema.fields.len() {
        return Err(shape());
    }
    pairs
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Json::String(name), dir]) => {
                let field = schema
                    .field(name)
                    .filter(|&f| schema.fields[f].sortable)
                    .ok_or_else(|| bad(format!("sort: {name} is not a sortable field")))?;
                match dir.as_i64() {
                    Some(1) => Ok((field, Dir::Asc)),
                    Some(-1) => Ok((field, Dir::Desc)),
                    _ => Err(shape()),
                }
            }
            _ => Err(shape()),
        })
        .collect()
}

fn parse_fields(schema: &Schema, text: &str) -> Result<Vec<usize>, QueryError> {
    let shape = || bad("fields must be a JSON array of field names");
    let Ok(Json::Array(names)) = serde_json::from_str::<Json>(text) else {
        return Err(shape());
    };
    if names.len() > schema.fields.len() {
        return Err(shape());
    }
    names
        .iter()
        .map(|n| {
            let name = n.as_str().ok_or_else(shape)?;
            schema
                .field(name)
                .ok_or_else(|| bad(format!("fields: {name} is not a field")))
        })
        .collect()
}

#[cfg(test)]
mod tests;
