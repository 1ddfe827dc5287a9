//! `GET /api/config` (getAppConfig): the app configuration; today its
//! `classification` map (code → Classification), which clients need to order
//! ratings for the playback guard.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{QueryParams, RocketTenant};
use crate::api::rocket::params::{csv_of, Common};
use crate::app::AppState;

/// Config parts the Rocket document defines for `include`.
const CONFIG_PARTS: &[&str] = &[
    "classification",
    "playback",
    "sitemap",
    "navigation",
    "subscription",
    "general",
    "display",
    "i18n",
    "linear",
];

#[derive(Debug, Deserialize)]
pub struct ConfigQuery {
    /// CSV of config parts; absent = all parts this service provides.
    include: Option<String>,
    /// Limit classifications to one rating system; empty = all systems.
    system: Option<String>,
    #[serde(flatten)]
    common: Common,
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
    q.common.validate()?;
    let parts = csv_of("include", q.include.as_deref(), CONFIG_PARTS)?;
    let wants_classification = parts.is_empty() || parts.contains(&"classification");
    let classification = if wants_classification {
        let system = q.system.as_deref().filter(|s| !s.is_empty());
        let rows = state
            .plane
            .catalogue
            .classifications(tenant.id(), system)
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
