//! `GET /api/config` (getAppConfig): the app configuration; today its
//! `classification` map (code → Classification), which clients need to order
//! ratings for the playback guard.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{QueryParams, RocketTenant};
use crate::app::AppState;

#[derive(Debug, Deserialize)]
pub struct ConfigQuery {
    /// CSV of config parts; absent = all parts this service provides.
    include: Option<String>,
    /// Limit classifications to one rating system.
    system: Option<String>,
    // Common Rocket query parameters, accepted and (for config) not used.
    #[allow(dead_code)]
    device: Option<String>,
    #[allow(dead_code)]
    sub: Option<String>,
    #[allow(dead_code)]
    segments: Option<String>,
    #[allow(dead_code)]
    ff: Option<String>,
    #[allow(dead_code)]
    lang: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Classification {
    code: String,
    name: String,
    level: i64,
    system: String,
    images: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct AppConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<BTreeMap<String, Classification>>,
}

pub async fn get_app_config(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(q, ..): QueryParams<ConfigQuery, Rocket>,
) -> Result<Json<AppConfig>, FaceError<Rocket>> {
    let wants_classification = q
        .include
        .as_deref()
        .is_none_or(|csv| csv.split(',').any(|p| p.trim() == "classification"));
    let classification = if wants_classification {
        let rows = state
            .plane
            .classifications(tenant.id(), q.system.as_deref())
            .await?;
        Some(
            rows.into_iter()
                .map(|c| {
                    (
                        c.code.clone(),
                        Classification {
                            code: c.code,
                            name: c.name,
                            level: c.level,
                            system: c.system,
                            images: BTreeMap::new(),
                        },
                    )
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Json(AppConfig { classification }))
}
