//! CCP-1 `GET /ccp/v1/castcrewpersonas` (proposed path; public): cast,
//! crew and personas from the in-memory catalogue, by `id` (repeatable)
//! and/or `ids` (comma-separated), or all of them, paged (`limit` 1-1000,
//! default 100; `page` from 0). Each person: `id`, `type`, `dateOfBirth`,
//! `names[{locale,name}]`, `details[{locale,bio}]`, `roles` and
//! `images[{id,uri,width,height,aspect,orientation,category,locale,status}]`
//! (the person's uploaded images; `uri` is IM-1's path). With
//! `Accept-Language`, names and details are given in the best locale only.
//! Answer: `{"totalRecords": n, "castCrewPersonas": [...]}` in id order
//! (asked ids: in the order asked; unknown ones left out).
//!
//! Must never: touch the store.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use serde::Serialize;

use super::mds::catalogue_of;
use crate::api::cacheable::{self, CachePolicy};
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::Tenant;
use crate::app::AppState;
use crate::core::catalogue::browse::text_locale_rank;
use crate::core::catalogue::images::Aspect;
use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::records::Person;

/// Most people one page holds.
const MAX_LIMIT: usize = 1000;
/// Most ids one request names.
const MAX_IDS: usize = 1000;

#[derive(Debug, Serialize)]
pub struct Name {
    locale: String,
    name: String,
}

#[derive(Debug, Serialize)]
pub struct Detail {
    locale: String,
    bio: String,
}

#[derive(Debug, Serialize)]
pub struct PersonImage {
    id: String,
    uri: String,
    width: u32,
    height: u32,
    aspect: String,
    orientation: &'static str,
    category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    locale: Option<String>,
    status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CastCrewPersona {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_of_birth: Option<String>,
    names: Vec<Name>,
    details: Vec<Detail>,
    roles: Vec<String>,
    images: Vec<PersonImage>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct People {
    total_records: usize,
    cast_crew_personas: Vec<CastCrewPersona>,
}

fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

/// The first language tag of an `Accept-Language` header (`de-DE`,
/// `en;q=0.8` → `de-DE`), if any.
fn preferred(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let first = v.split(',').next()?.split(';').next()?.trim();
    (!first.is_empty() && first != "*").then(|| first.to_owned())
}

fn render(cat: &Catalogue, p: &Person, lang: Option<&str>) -> CastCrewPersona {
    // With a language asked for, only the best of the person's locales.
    let best = lang.and_then(|l| {
        p.locales
            .keys()
            .min_by_key(|k| text_locale_rank(Some(k), Some(l)))
            .cloned()
    });
    let keep = |locale: &String| best.as_ref().is_none_or(|b| b == locale);
    CastCrewPersona {
        id: p.id.clone(),
        kind: p.kind.clone(),
        date_of_birth: p.date_of_birth.clone(),
        names: p
            .locales
            .iter()
            .filter(|(l, _)| keep(l))
            .filter_map(|(l, t)| {
                t.title.clone().map(|name| Name {
                    locale: l.clone(),
                    name,
                })
            })
            .collect(),
        details: p
            .locales
            .iter()
            .filter(|(l, _)| keep(l))
            .filter_map(|(l, t)| {
                t.description.clone().map(|bio| Detail {
                    locale: l.clone(),
                    bio,
                })
            })
            .collect(),
        roles: p.roles.clone(),
        images: p
            .image_refs
            .iter()
            .filter_map(|r| cat.images.get(r))
            .map(|i| PersonImage {
                id: i.id.clone(),
                uri: format!("/images/v1/image/imageid/{}", i.id),
                width: i.width,
                height: i.height,
                aspect: Aspect::nearest(f64::from(i.width) / f64::from(i.height)).label(),
                orientation: if i.width >= i.height {
                    "landscape"
                } else {
                    "portrait"
                },
                category: i.kind.clone(),
                locale: i.locale.clone(),
                status: "active",
            })
            .collect(),
    }
}

/// `GET /ccp/v1/castcrewpersonas`.
pub async fn list(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, FaceError<Opf>> {
    let mut ids: Vec<String> = Vec::new();
    let (mut limit, mut page) = (100usize, 0usize);
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        if v.chars().any(char::is_control) {
            return Err(bad(format!("{k} holds control characters")).into());
        }
        match &*k {
            "id" => ids.push(v.into_owned()),
            "ids" => ids.extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_owned)),
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_LIMIT).contains(l))
                    .ok_or_else(|| bad("limit is 1 to 1000"))?;
            }
            "page" => {
                page = v
                    .parse()
                    .ok()
                    .filter(|p: &usize| *p <= 1_000_000)
                    .ok_or_else(|| bad("page is a page number from 0"))?;
            }
            _ => {}
        }
    }
    if ids.len() > MAX_IDS {
        return Err(bad(format!("at most {MAX_IDS} ids")).into());
    }
    let cat = catalogue_of(&tenant);
    let lang = preferred(&headers);
    let chosen: Vec<&Person> = if ids.is_empty() {
        cat.people.rows().iter().map(|p| &**p).collect()
    } else {
        let mut seen = std::collections::HashSet::new();
        ids.iter()
            .filter(|id| seen.insert(id.as_str()))
            .filter_map(|id| cat.people.get(id).map(|p| &**p))
            .collect()
    };
    let body = People {
        total_records: chosen.len(),
        cast_crew_personas: chosen
            .into_iter()
            .skip(page.saturating_mul(limit))
            .take(limit)
            .map(|p| render(&cat, p, lang.as_deref()))
            .collect(),
    };
    let bytes = serde_json::to_vec(&body).expect("people serialise");
    let policy = CachePolicy(Some(state.config.catalogue.cache_max_age_s));
    let mut r = cacheable::answer(&headers, bytes, policy);
    r.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Authorization, nv-tenant-id, Accept-Language"),
    );
    Ok(r)
}
