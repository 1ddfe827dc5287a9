//! Catalogue reads for the faces: rating classifications and download flags.

use crate::store::catalogue::{self, Classification};

use super::{validate, Plane, PlaneError};

/// Most ids one downloadable-items request may ask about.
pub const MAX_ITEMS_PER_REQUEST: usize = 100;

impl Plane {
    pub async fn classifications(
        &self,
        tenant: &str,
        system: Option<&str>,
    ) -> Result<Vec<Classification>, PlaneError> {
        if let Some(s) = system {
            validate::entity_id("system", s)?;
        }
        Ok(catalogue::classifications(self.store.pool(), tenant, system).await?)
    }

    /// Whether each item may be downloaded (some product granting it allows
    /// Download to Go), in request order; unknown ids are left out.
    pub async fn downloadable_items(
        &self,
        tenant: &str,
        csv_ids: &str,
    ) -> Result<Vec<(String, bool)>, PlaneError> {
        let ids: Vec<String> = csv_ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if ids.is_empty() {
            return Err(PlaneError::BadRequest(
                "ids must list at least one item id".into(),
            ));
        }
        if ids.len() > MAX_ITEMS_PER_REQUEST {
            return Err(PlaneError::BadRequest(format!(
                "ids lists at most {MAX_ITEMS_PER_REQUEST} items"
            )));
        }
        for id in &ids {
            validate::entity_id("ids", id)?;
        }
        let found = catalogue::downloadable(self.store.pool(), tenant, &ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.iter().find(|(f, _)| f == id).cloned())
            .collect())
    }
}
