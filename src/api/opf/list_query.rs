//! The query options of OPF lists, as they arrive: `filter`, `sort` and
//! `fields` (JSON text), `limit`, and `page`, `offset` or `skip`; read
//! against a resource's field table by the one query language
//! ([`crate::core::query`]). A refusal is 400 `40003` naming the part.

use serde::Deserialize;

use crate::api::error::ApiError;
use crate::core::query::{Query, QueryText, Schema};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    filter: Option<String>,
    sort: Option<String>,
    fields: Option<String>,
    limit: Option<i64>,
    page: Option<i64>,
    offset: Option<i64>,
    skip: Option<i64>,
}

impl ListQuery {
    /// The query, against `schema`.
    pub fn parse(&self, schema: &Schema) -> Result<Query, ApiError> {
        let text = QueryText {
            filter: self.filter.as_deref(),
            sort: self.sort.as_deref(),
            fields: self.fields.as_deref(),
            limit: self.limit,
            page: self.page,
            offset: self.offset,
            skip: self.skip,
        };
        Ok(Query::parse(schema, &text)?)
    }
}
