//! The OPF face: thin handlers that turn OPF requests into plane / core calls and
//! results into OPF's documented shapes.

pub mod accounts;
pub mod activity;
pub mod catalogue;
pub mod commerce;
pub mod delivery;
pub mod escapes;
pub mod identity;
pub mod list_query;
pub mod playback;
pub mod resource_set;

/// OPF's update answer: `{matchedCount, modifiedCount}` (Mongo-style).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteResult {
    matched_count: u64,
    modified_count: u64,
}

impl WriteResult {
    pub fn new(matched_count: u64, modified_count: u64) -> Self {
        Self {
            matched_count,
            modified_count,
        }
    }
}

/// OPF list paging: `?limit=&page=` (checked by the plane: limit 0-1000,
/// page from 1).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub limit: Option<i64>,
    pub page: Option<i64>,
}
