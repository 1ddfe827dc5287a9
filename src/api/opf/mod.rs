//! The OPF face: thin handlers that turn OPF requests into plane / core calls and
//! results into OPF's documented shapes.

pub mod adm_accounts;
pub mod adm_cdns;
pub mod adm_devices;
pub mod adm_parental;
pub mod adm_pins;
pub mod ags;
pub mod cdn_content_token;
pub mod content_token;
pub mod das;
pub mod decision_trace;
pub mod dsra;
pub mod escapes;
pub mod ges;
pub mod ias;
pub mod ias_v2;
pub mod lds;
pub mod limited_tokens;
pub mod list_query;
pub mod network;
pub mod purchase;
pub mod resource_set;
pub mod rmg_operator;
pub mod rmg_user;
pub mod sessions;
pub mod tokens;
pub mod url_builder;

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
