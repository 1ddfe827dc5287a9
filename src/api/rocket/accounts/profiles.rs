//! Rocket's profile operations: `POST /account/profiles` (201
//! `ProfileDetail`), `GET|PATCH|DELETE /account/profiles/{id}`
//! (`ProfileSummary`, 204, 204) with an Account Catalog token, and
//! `GET /account/profile` (the active profile's `ProfileDetail`, with its
//! watched, rated and bookmarked maps from the collection engine) with a
//! Profile Catalog token. The same profiles UPS manages.
//!
//! Mapping: `pinEnabled` is UPS's `pinPromptRequired`; `languageCode`,
//! `purchaseEnabled`, `segments`, `color`, `heroAutoplay`,
//! `heroWithAudio` are the profile's own; `maxRatingContentFilter` is its
//! first rating threshold; `isActive` is always true and
//! `marketingEnabled` always false (both deprecated by the document).
//!
//! Must never: reach a profile of another account than the token's.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::error::{FaceError, Rocket};
use crate::api::extract::rocket_auth::{AccountAuth, Catalog, ProfileAuth};
use crate::api::extract::{JsonBody, PathParam};
use crate::api::opf::accounts::ups::present;
use crate::api::private_answer::private;
use crate::api::rocket::activity::profile::{target, watched};
use crate::api::rocket::catalogue::browse::{bad, checked_id};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::activity::KindId;
use crate::plane::accounts::profiles::{Actor, ProfileFields};
use crate::store::accounts::profiles::Profile;

type RocketResult<T> = Result<T, FaceError<Rocket>>;

/// `ProfileCreationRequest` and `ProfileUpdateRequest` (the update's
/// fields are a superset).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileIn {
    #[serde(default)]
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    language_code: Option<Option<String>>,
    #[serde(default)]
    pin_enabled: Option<bool>,
    #[serde(default)]
    purchase_enabled: Option<bool>,
    #[serde(default)]
    segments: Option<Vec<String>>,
    #[serde(default)]
    hero_autoplay: Option<bool>,
    #[serde(default)]
    hero_with_audio: Option<bool>,
}

impl ProfileIn {
    fn fields(self, create: bool) -> Result<ProfileFields, crate::api::error::ApiError> {
        if create && (self.hero_autoplay.is_some() || self.hero_with_audio.is_some()) {
            return Err(bad("heroAutoplay and heroWithAudio are set by an update"));
        }
        Ok(ProfileFields {
            name: self.name,
            language_code: self.language_code,
            pin_prompt_required: self.pin_enabled,
            purchase_enabled: self.purchase_enabled,
            segments: self.segments,
            hero_autoplay: self.hero_autoplay,
            hero_with_audio: self.hero_with_audio,
            ..ProfileFields::default()
        })
    }
}

/// `ProfileSummary`.
pub fn summary(p: &Profile) -> Value {
    let mut v = json!({
        "id": p.id,
        "name": p.name,
        "isActive": true,
        "pinEnabled": p.pin_prompt_required,
        "purchaseEnabled": p.purchase_enabled,
        "marketingEnabled": false,
        "segments": serde_json::from_str::<Value>(&p.segments).unwrap_or_else(|_| json!([])),
    });
    if let Some(l) = &p.language_code {
        v["languageCode"] = l.clone().into();
    }
    if let Some(c) = &p.color {
        v["color"] = c.clone().into();
    }
    if let Some(h) = p.hero_autoplay {
        v["heroAutoplay"] = h.into();
    }
    if let Some(h) = p.hero_with_audio {
        v["heroWithAudio"] = h.into();
    }
    let first = serde_json::from_str::<Vec<Value>>(&p.ratings_thresholds)
        .ok()
        .and_then(|t| t.into_iter().next());
    if let Some(code) = first.as_ref().and_then(|t| t["ratingsThreshold"].as_str()) {
        v["maxRatingContentFilter"] = json!({"code": code, "name": code});
    }
    v
}

fn detail(p: &Profile, watched: Value, rated: Value, bookmarked: Value) -> Value {
    let mut v = summary(p);
    v["watched"] = watched;
    v["rated"] = rated;
    v["bookmarked"] = bookmarked;
    v
}

/// `POST /api/account/profiles` (createProfile).
pub async fn create(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    JsonBody(body, ..): JsonBody<ProfileIn, Rocket>,
) -> RocketResult<Response> {
    let fields = body.fields(true)?;
    let p = state
        .plane
        .accounts
        .create_profile(
            auth.tenant.id(),
            &auth.claims.account_id,
            fields,
            Actor::default(),
        )
        .await?;
    Ok(private((
        StatusCode::CREATED,
        Json(detail(&p, json!({}), json!({}), json!({}))),
    )))
}

/// `GET /api/account/profiles/{id}` (getProfileWithId).
pub async fn get_one(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    PathParam(id, ..): PathParam<String, Rocket>,
) -> RocketResult<Response> {
    let p = state
        .plane
        .accounts
        .profile(auth.tenant.id(), &auth.claims.account_id, checked_id(&id)?)
        .await?;
    Ok(private((StatusCode::OK, Json(summary(&p)))))
}

/// `PATCH /api/account/profiles/{id}` (updateProfileWithId).
pub async fn update(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    PathParam(id, ..): PathParam<String, Rocket>,
    JsonBody(body, ..): JsonBody<ProfileIn, Rocket>,
) -> RocketResult<Response> {
    let fields = body.fields(false)?;
    state
        .plane
        .accounts
        .update_profile(
            auth.tenant.id(),
            &auth.claims.account_id,
            checked_id(&id)?,
            fields,
            Actor::default(),
        )
        .await?;
    Ok(private(StatusCode::NO_CONTENT))
}

/// `DELETE /api/account/profiles/{id}` (deleteProfileWithId).
pub async fn delete(
    State(state): State<AppState>,
    auth: AccountAuth<Catalog>,
    PathParam(id, ..): PathParam<String, Rocket>,
) -> RocketResult<Response> {
    state
        .plane
        .accounts
        .delete_profile(
            auth.tenant.id(),
            &auth.claims.account_id,
            checked_id(&id)?,
            Actor::default(),
        )
        .await?;
    Ok(private(StatusCode::NO_CONTENT))
}

/// `GET /api/account/profile` (getProfile): the active profile.
pub async fn active(
    State(state): State<AppState>,
    auth: ProfileAuth<Catalog>,
) -> RocketResult<Response> {
    let t = target(&auth)?;
    let p = state
        .plane
        .accounts
        .profile(auth.tenant.id(), &auth.claims.account_id, &t.scope.profile)
        .await?;
    let activity = &state.plane.activity;
    let watched_map: BTreeMap<String, Value> = activity
        .all(&t, KindId::Bookmark)
        .await?
        .iter()
        .map(|r| {
            (
                r.item.clone(),
                serde_json::to_value(watched(r)).unwrap_or_default(),
            )
        })
        .collect();
    let rated: BTreeMap<String, Value> = activity
        .all(&t, KindId::Rating)
        .await?
        .iter()
        .map(|r| {
            (
                r.item.clone(),
                r.body.get("rating").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    let bookmarked: BTreeMap<String, Value> = activity
        .all(&t, KindId::Watchlist)
        .await?
        .iter()
        .map(|r| (r.item.clone(), iso(r.created).into()))
        .collect();
    let body = detail(
        &p,
        serde_json::to_value(watched_map).unwrap_or_default(),
        serde_json::to_value(rated).unwrap_or_default(),
        serde_json::to_value(bookmarked).unwrap_or_default(),
    );
    Ok(private((StatusCode::OK, Json(body))))
}
