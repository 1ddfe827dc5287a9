//! `GET /api/config` (getAppConfig): the app configuration, every part the
//! Rocket document defines for `include` (all of them when it is absent):
//!
//! - `classification`: code → Classification, from the store (clients
//!   order ratings for the playback guard with it); `system` narrows it;
//! - `playback` and the operator's part of `general` (sign-in, time zone,
//!   currency, site): the tenant's `rocket` settings, with defaults;
//!   `general` also gives `maxUserRating` (the highest classification
//!   level) and `itemImageTypes` (the image types the catalogue holds);
//! - `subscription`: the catalogue's subscription products as plans;
//! - `i18n`: the catalogue's locales (the default first);
//! - `linear`: the schedule cache lifetime (the catalogue answers'
//!   `max-age`), how many days of catch-up the channels keep and how many
//!   days ahead the EPG reaches;
//! - `navigation` and `sitemap`: the catalogue's node tree (a single root
//!   stands for the tree: its children lead the header, theirs below; every
//!   node a `List` page);
//! - `display`: no themes (the catalogue keeps none).
//!
//! Must never: write, or show another tenant's configuration.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use super::browse::catalogue;
use super::plans::{plan, Plan};
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{QueryParams, RocketTenant};
use crate::api::rocket::params::{csv_of, Common};
use crate::app::AppState;
use crate::core::catalogue::browse::text;
use crate::core::catalogue::index::{Catalogue, Key};
use crate::core::catalogue::settings::AppPlayback;

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
    lang: Option<String>,
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
#[serde(rename_all = "camelCase")]
pub struct General {
    mandatory_sign_in: bool,
    default_time_zone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_user_rating: Option<i64>,
    item_image_types: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Subscription {
    plans: Vec<Plan>,
}

#[derive(Debug, Serialize)]
pub struct Language {
    code: String,
    label: String,
    title: String,
}

#[derive(Debug, Serialize)]
pub struct I18n {
    languages: Vec<Language>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Linear {
    schedule_cache_max_age_minutes: i64,
    viewing_window_days_before: i64,
    viewing_window_days_after: i64,
}

#[derive(Debug, Serialize)]
pub struct Display {
    themes: Vec<serde_json::Value>,
}

#[derive(Debug, Serialize)]
pub struct NavEntry {
    depth: u32,
    label: String,
    path: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    children: Vec<NavEntry>,
}

#[derive(Debug, Serialize)]
pub struct Navigation {
    header: Vec<NavEntry>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageSummary {
    id: String,
    path: String,
    title: String,
    template: &'static str,
    is_static: bool,
    is_system_page: bool,
}

#[derive(Debug, Serialize)]
pub struct AppConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<BTreeMap<String, Classification>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    playback: Option<AppPlayback>,
    #[serde(skip_serializing_if = "Option::is_none")]
    general: Option<General>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription: Option<Subscription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    i18n: Option<I18n>,
    #[serde(skip_serializing_if = "Option::is_none")]
    linear: Option<Linear>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<Display>,
    #[serde(skip_serializing_if = "Option::is_none")]
    navigation: Option<Navigation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sitemap: Option<Vec<PageSummary>>,
}

/// A language's name in itself, for the languages catalogues hold most.
fn language_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "en" => "English",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "pl" => "Polski",
        "sv" => "Svenska",
        "da" => "Dansk",
        "nb" | "no" => "Norsk",
        "fi" => "Suomi",
        "tr" => "Türkçe",
        _ => return None,
    })
}

/// The tenant's default locale, then every other locale its nodes and
/// products are written in.
fn i18n(cat: &Catalogue) -> I18n {
    let mut locales: Vec<String> = vec![cat.default_locale.to_string()];
    let written = cat
        .nodes
        .rows()
        .iter()
        .flat_map(|n| n.locales.keys())
        .chain(cat.products.rows().iter().flat_map(|p| p.locales.keys()));
    for l in written {
        if !locales.contains(l) {
            locales.push(l.clone());
        }
    }
    I18n {
        languages: locales
            .into_iter()
            .map(|l| {
                let language = l.split('_').next().unwrap_or_default().to_owned();
                let name = language_name(&language).unwrap_or(&language).to_owned();
                Language {
                    code: l.replace('_', "-"),
                    label: name.clone(),
                    title: name,
                }
            })
            .collect(),
    }
}

fn linear(state: &AppState, cat: &Catalogue, now: i64) -> Linear {
    let day = 86_400;
    let before = cat
        .services
        .rows()
        .iter()
        .filter(|s| s.catch_up_support)
        .filter_map(|s| s.catch_up_window)
        .max()
        .unwrap_or(0);
    let last_end = cat
        .programmes
        .rows()
        .iter()
        .map(|p| p.end())
        .max()
        .unwrap_or(now);
    Linear {
        schedule_cache_max_age_minutes: i64::from(state.config.catalogue.cache_max_age_s) / 60,
        viewing_window_days_before: (before + day - 1) / day,
        viewing_window_days_after: ((last_end - now).max(0) + day - 1) / day,
    }
}

fn general(cat: &Catalogue) -> General {
    let g = &cat.app.general;
    let currency = g.currency_code.clone().or_else(|| {
        cat.products
            .rows()
            .iter()
            .filter(|p| p.kind == "SUBSCRIPTION")
            .find_map(|p| p.price.as_ref().map(|pr| pr.currency.clone()))
    });
    General {
        mandatory_sign_in: g.mandatory_sign_in,
        default_time_zone: g.default_time_zone.clone(),
        currency_code: currency,
        website_url: g.website_url.clone(),
        max_user_rating: cat.ratings.values().max().copied(),
        item_image_types: cat
            .images
            .rows()
            .iter()
            .map(|i| (i.kind.clone(), i.kind.clone()))
            .collect(),
    }
}

fn node_label(cat: &Catalogue, n: &crate::core::catalogue::Node, lang: Option<&str>) -> String {
    text(&n.locales, lang, &cat.default_locale)
        .and_then(|t| t.title.clone())
        .unwrap_or_else(|| n.id.clone())
}

fn children_of<'a>(cat: &'a Catalogue, id: &str) -> Vec<&'a crate::core::catalogue::Node> {
    let mut kids: Vec<_> = cat
        .nodes
        .under(Key::Parent, id)
        .iter()
        .map(|i| &**cat.nodes.row(*i))
        .collect();
    kids.sort_by(|a, b| (a.node_order, &a.id).cmp(&(b.node_order, &b.id)));
    kids
}

fn navigation(cat: &Catalogue, lang: Option<&str>) -> Navigation {
    let mut roots: Vec<_> = cat
        .nodes
        .rows()
        .iter()
        .filter(|n| n.parent.is_none())
        .map(|n| &**n)
        .collect();
    roots.sort_by(|a, b| (a.node_order, &a.id).cmp(&(b.node_order, &b.id)));
    let top = if roots.len() == 1 {
        children_of(cat, &roots[0].id)
    } else {
        roots
    };
    let entry = |n: &crate::core::catalogue::Node, depth: u32, children: Vec<NavEntry>| NavEntry {
        depth,
        label: node_label(cat, n, lang),
        path: format!("/list/{}", n.id),
        children,
    };
    Navigation {
        header: top
            .into_iter()
            .map(|n| {
                let kids = children_of(cat, &n.id)
                    .into_iter()
                    .map(|c| entry(c, 1, Vec::new()))
                    .collect();
                entry(n, 0, kids)
            })
            .collect(),
    }
}

fn sitemap(cat: &Catalogue, lang: Option<&str>) -> Vec<PageSummary> {
    cat.nodes
        .rows()
        .iter()
        .map(|n| PageSummary {
            id: n.id.clone(),
            path: format!("/list/{}", n.id),
            title: node_label(cat, n, lang),
            template: "List",
            is_static: false,
            is_system_page: false,
        })
        .collect()
}

pub async fn get_app_config(
    State(state): State<AppState>,
    tenant: RocketTenant,
    QueryParams(q, ..): QueryParams<ConfigQuery, Rocket>,
) -> Result<Json<AppConfig>, FaceError<Rocket>> {
    q.common.validate()?;
    let parts = csv_of("include", q.include.as_deref(), CONFIG_PARTS)?;
    let wants = |part: &str| parts.is_empty() || parts.contains(&part);
    let cat = catalogue(&tenant);
    let now = state.clock.now_s();
    let lang = q.lang.as_deref();
    let classification = if wants("classification") {
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
    Ok(Json(AppConfig {
        classification,
        playback: wants("playback").then(|| cat.app.playback.clone()),
        general: wants("general").then(|| general(&cat)),
        subscription: wants("subscription").then(|| Subscription {
            plans: cat
                .products
                .rows()
                .iter()
                .filter(|p| p.kind == "SUBSCRIPTION")
                .map(|p| plan(p, lang, &cat.default_locale, now))
                .collect(),
        }),
        i18n: wants("i18n").then(|| i18n(&cat)),
        linear: wants("linear").then(|| linear(&state, &cat, now)),
        display: wants("display").then(|| Display { themes: Vec::new() }),
        navigation: wants("navigation").then(|| navigation(&cat, lang)),
        sitemap: wants("sitemap").then(|| sitemap(&cat, lang)),
    }))
}
