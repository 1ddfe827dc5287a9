//! The query parameters Rocket's content routes share (`lang`,
//! `max_rating`, `page`, `page_size`, `order`, `item_type` and the ones
//! accepted and not used: `device`, `sub`, `segments`), checked once, and
//! the tenant's catalogue a request reads.
//!
//! Numbers arrive as strings: the query extractor flattens structs, and a
//! flattened number cannot be parsed by serde's query format.

use std::sync::Arc;

use axum::http::StatusCode;
use serde::Deserialize;

use super::shapes::{Page, View};
use crate::api::error::{codes, ApiError};
use crate::api::extract::RocketTenant;
use crate::api::rocket::params::{csv_of, Common};
use crate::core::catalogue::browse::{Ceiling, Item};
use crate::core::catalogue::index::Catalogue;

/// Rocket's item types (`item_type`).
pub const ITEM_TYPES: &[&str] = &[
    "movie",
    "show",
    "season",
    "episode",
    "program",
    "link",
    "trailer",
    "channel",
    "customAsset",
];

/// What every content route takes.
#[derive(Debug, Default, Deserialize)]
pub struct BrowseQuery {
    lang: Option<String>,
    max_rating: Option<String>,
    /// Accepted: the catalogue's items do not vary by device, plan or
    /// segment.
    #[allow(dead_code)]
    device: Option<String>,
    #[allow(dead_code)]
    sub: Option<String>,
    #[allow(dead_code)]
    segments: Option<String>,
    #[serde(flatten)]
    common: Common,
}

/// Paging and ordering of a list route.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PageQuery {
    pub(crate) page: Option<String>,
    pub(crate) page_size: Option<String>,
    pub(crate) order: Option<String>,
    pub(crate) item_type: Option<String>,
}

pub fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

pub fn not_found(message: &'static str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
}

/// The tenant's catalogue (empty until its first records arrive).
pub fn catalogue(tenant: &RocketTenant) -> Arc<Catalogue> {
    tenant.snapshot.catalogue_of(tenant.id())
}

/// An id from a path: 1-256 printable characters.
pub fn checked_id(id: &str) -> Result<&str, ApiError> {
    if id.is_empty() || id.len() > 256 || id.chars().any(char::is_control) {
        return Err(bad("an id is 1-256 printable characters"));
    }
    Ok(id)
}

impl BrowseQuery {
    /// The view this query asks for over `cat` at `now`.
    pub fn view<'a>(&'a self, cat: &'a Catalogue, now: i64) -> Result<View<'a>, ApiError> {
        self.common.validate()?;
        let ceiling = match self.max_rating.as_deref().filter(|r| !r.is_empty()) {
            None => Ceiling::NONE,
            Some(code) => Ceiling::of(cat, code)
                .ok_or_else(|| bad(format!("max_rating: unknown classification {code}")))?,
        };
        Ok(View {
            cat,
            lang: self.lang.as_deref(),
            now,
            ceiling,
        })
    }
}

fn number(name: &str, v: Option<&str>, default: u32, max: u32) -> Result<u32, ApiError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| bad(format!("{name} is a whole number from 1 to {max}"))),
    }
}

impl PageQuery {
    pub fn page(&self) -> Result<Page, ApiError> {
        Ok(Page {
            number: number("page", self.page.as_deref(), 1, i32::MAX as u32)?,
            size: number("page_size", self.page_size.as_deref(), 12, 100)?,
        })
    }

    /// `items` kept to the asked type and put in the asked order (`asc`:
    /// as given; `desc`: reversed; absent: as given).
    pub fn arrange<'a>(&self, mut items: Vec<Item<'a>>) -> Result<Vec<Item<'a>>, ApiError> {
        let kind = csv_of("item_type", self.item_type.as_deref(), ITEM_TYPES)?;
        if kind.len() > 1 {
            return Err(bad("item_type takes one type"));
        }
        if let Some(k) = kind.first() {
            items.retain(|i| super::shapes::kind_of(*i) == *k);
        }
        match self.order.as_deref() {
            None | Some("") | Some("asc") => {}
            Some("desc") => items.reverse(),
            Some(_) => return Err(bad("order is asc or desc")),
        }
        Ok(items)
    }
}
