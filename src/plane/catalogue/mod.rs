//! The catalogue context: operator ingest of the catalogue's records with
//! the rights they imply ([`ingest`]), image uploads and resized variants
//! ([`images`]), export, the changes list, and the store reads the faces
//! need (rating classifications, download flags).
//! Lists and lookups are answered from the in-memory index the snapshot
//! holds (`core::catalogue::index`), not from here.
//!
//! Must never: write a rights row that no record implies, or write a
//! record outside an ingest's one transaction. (An image's bytes are
//! written, by digest, before the ingest of the record that names them.)

mod derive;
pub mod images;
pub mod ingest;
pub mod reads;
pub mod transfer;

use crate::store::catalogue::{self, Classification};

use super::{Base, PlaneError};
use crate::core::ids::is_valid_entity_id;

/// The catalogue service. Cheap to clone.
#[derive(Clone)]
pub struct Catalogue {
    base: Base,
    images: std::sync::Arc<images::Images>,
}

impl Catalogue {
    pub fn new(base: Base, images: &images::ImageSettings) -> Self {
        Self {
            base,
            images: std::sync::Arc::new(images::Images::new(images)),
        }
    }

    /// Bytes the resized image variants hold on disk.
    pub fn image_cache_bytes(&self) -> u64 {
        self.images.cached_bytes()
    }
}

/// Most ids one downloadable-items request may ask about.
pub const MAX_ITEMS_PER_REQUEST: usize = 500;

impl Catalogue {
    pub async fn classifications(
        &self,
        tenant: &str,
        system: Option<&str>,
    ) -> Result<Vec<Classification>, PlaneError> {
        // Any string is a valid system name to ask for (it is bound, never
        // spliced); one that does not exist simply has no classifications.
        Ok(catalogue::classifications(self.base.store.pool(), tenant, system).await?)
    }

    /// Whether each item may be downloaded (some product granting it allows
    /// Download to Go), in request order. Ids that are unknown — including strings
    /// that cannot be item ids at all — are left out of the answer.
    pub async fn downloadable_items(
        &self,
        tenant: &str,
        csv_ids: &str,
    ) -> Result<Vec<(String, bool)>, PlaneError> {
        let ids = requested_item_ids(csv_ids)?;
        let found = catalogue::downloadable(self.base.store.pool(), tenant, &ids).await?;
        Ok(ids
            .iter()
            .filter_map(|id| found.iter().find(|(f, _)| f == id).cloned())
            .collect())
    }
}

/// The item ids of a Rocket `ItemDownloadableRequest` (`ids`, comma
/// separated): at most [`MAX_ITEMS_PER_REQUEST`] (400 above), each once, in
/// request order; strings that cannot be ids are left out, as unknown ids
/// are.
pub fn requested_item_ids(csv_ids: &str) -> Result<Vec<String>, PlaneError> {
    let requested: Vec<&str> = csv_ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if requested.len() > MAX_ITEMS_PER_REQUEST {
        return Err(PlaneError::BadRequest(format!(
            "ids lists at most {MAX_ITEMS_PER_REQUEST} items"
        )));
    }
    let mut ids: Vec<String> = Vec::with_capacity(requested.len());
    for id in requested {
        if is_valid_entity_id(id) && !ids.iter().any(|seen| seen == id) {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}
