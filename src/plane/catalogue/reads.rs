//! The catalogue reads that go to the store: one stored record (operators
//! checking what they ingested), the changes list (MDS-10: what a headend
//! or cache must refetch, deletes included, which the in-memory index does
//! not keep), and export.

use serde_json::Value as Json;

use super::Catalogue;
use crate::core::catalogue::Kind;
use crate::core::query::Page;
use crate::plane::PlaneError;
use crate::store::catalogue::records as stored;

/// One entry of the changes list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEntry {
    pub kind: Kind,
    pub id: String,
    pub deleted: bool,
    pub modified: i64,
}

/// Most entries of one changes page.
pub const MAX_CHANGES_LIMIT: i64 = 1000;

impl Catalogue {
    /// A stored record as the operator ingested it.
    pub async fn record(&self, tenant: &str, kind: Kind, id: &str) -> Result<Json, PlaneError> {
        let body = stored::get(self.base.store.pool(), tenant, kind.as_str(), id)
            .await?
            .ok_or(PlaneError::NotFound("record"))?;
        serde_json::from_str(&body).map_err(|e| PlaneError::Internal(e.to_string()))
    }

    /// Records of `kinds` written or deleted at or after `since`, oldest
    /// first; `page` is 1-based.
    pub async fn changes(
        &self,
        tenant: &str,
        kinds: &[Kind],
        since: i64,
        limit: i64,
        page: i64,
    ) -> Result<Page<ChangeEntry>, PlaneError> {
        if !(1..=MAX_CHANGES_LIMIT).contains(&limit) {
            return Err(PlaneError::BadRequest(format!(
                "limit must be 1-{MAX_CHANGES_LIMIT}"
            )));
        }
        if page < 1 {
            return Err(PlaneError::BadRequest("page must be 1 or more".into()));
        }
        if since < 0 {
            return Err(PlaneError::BadRequest("since must be epoch seconds".into()));
        }
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let offset = (page - 1).saturating_mul(limit);
        let (total, rows) =
            stored::since(self.base.store.pool(), tenant, &names, since, limit, offset).await?;
        Ok(Page {
            total: total as u64,
            items: rows
                .into_iter()
                .filter_map(|r| {
                    Some(ChangeEntry {
                        kind: Kind::parse(&r.kind)?,
                        id: r.id,
                        deleted: r.deleted,
                        modified: r.modified,
                    })
                })
                .collect(),
        })
    }

    /// Every live record of the tenant, kind by kind in ingest order.
    pub async fn export(
        &self,
        tenant: &str,
        mut each: impl FnMut(Kind, Json),
    ) -> Result<(), PlaneError> {
        let mut all: Vec<(Kind, Json)> = Vec::new();
        let mut bad = None;
        stored::for_each_live(self.base.store.pool(), tenant, |r| {
            match (Kind::parse(&r.kind), serde_json::from_str::<Json>(&r.body)) {
                (Some(k), Ok(v)) => all.push((k, v)),
                _ => bad = Some(r.id),
            }
        })
        .await?;
        if let Some(id) = bad {
            return Err(PlaneError::Internal(format!(
                "stored record {id} unreadable"
            )));
        }
        all.sort_by_key(|(k, _)| *k);
        for (k, v) in all {
            each(k, v);
        }
        Ok(())
    }
}
