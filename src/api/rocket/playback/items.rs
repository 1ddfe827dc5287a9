//! `POST /api/itv/items/downloadable` (getItemDownloadables): which items may be
//! downloaded for offline play.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{JsonBody, QueryParams, RocketTenant};
use crate::api::rocket::params::Common;
use crate::app::AppState;

/// `ItemDownloadableRequest`: the body of the downloadable and clips
/// routes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDownloadableRequest {
    /// Comma-separated item ids.
    pub(super) ids: String,
}

#[derive(Debug, Serialize)]
pub struct ItemDownloadable {
    id: String,
    downloadable: bool,
}

#[derive(Debug, Serialize)]
pub struct ItemDownloadableList {
    items: Vec<ItemDownloadable>,
}

pub async fn get_item_downloadables(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(common, ..): QueryParams<Common, Rocket>,
    JsonBody(body, ..): JsonBody<ItemDownloadableRequest, Rocket>,
) -> Result<Json<ItemDownloadableList>, FaceError<Rocket>> {
    common.validate()?;
    let found = state
        .plane
        .catalogue
        .downloadable_items(tenant.id(), &body.ids)
        .await?;
    Ok(Json(ItemDownloadableList {
        items: found
            .into_iter()
            .map(|(id, downloadable)| ItemDownloadable { id, downloadable })
            .collect(),
    }))
}
