//! UPS (rows 59-63): the signed-in account's user profiles, with the user's
//! access token (the account is the token's).
//!
//! - `GET /userprofiles/v1/user/userprofiles?limit=&page=`: `{totalRecords,
//!   resourceSet}` (`page`, from 1, needs `limit`);
//! - `POST` on it: creates (`name` required, unique in the account), 201
//!   with the profile;
//! - `GET|PUT|DELETE /userprofiles/v1/user/userprofiles/{profileId}`: one
//!   profile; PUT changes the fields given (200 with the profile); DELETE
//!   answers 201 `{matchedCount, deletedCount}` as UPS does.
//!
//! A caller whose current profile is a child profile may not create,
//! change or delete (403 40320); the default profile and the profile in
//! use cannot be deleted (403 40321, 40322); deleting a profile deletes its
//! activity. Per-account data: `Cache-Control: private, no-store`.
//!
//! Must never: reach a profile of another account.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, PathParam, SignedOn};
use crate::api::private_answer::private;
use crate::app::AppState;
use crate::plane::accounts::profiles::{Actor, ProfileFields, Property, Threshold};
use crate::store::accounts::profiles::Profile;

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// A field that may be sent as `null` to clear it: absent → `None`,
/// `null` → `Some(None)`.
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Some(Option::deserialize(d)?))
}

/// A UPS profile body; every field optional (POST requires `name`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileIn {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    child_profile: Option<bool>,
    #[serde(default)]
    pin_prompt_required: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    preferred_audio_language: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    preferred_subtitle_language: Option<Option<String>>,
    #[serde(default)]
    ratings_thresholds: Option<Vec<Threshold>>,
    #[serde(default, deserialize_with = "present")]
    icon_name: Option<Option<String>>,
    #[serde(default)]
    additional_properties: Option<Vec<Property>>,
    /// Read-back fields a client may send unchanged.
    #[serde(default, rename = "_id")]
    id: Option<String>,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default, rename = "default")]
    _default: Option<bool>,
}

impl ProfileIn {
    fn fields(self, account: &str, path_id: Option<&str>) -> Result<ProfileFields, ApiError> {
        if self.account_id.as_deref().is_some_and(|a| a != account)
            || self.id.as_deref().is_some_and(|i| Some(i) != path_id)
        {
            return Err(ApiError::bad_request(
                codes::BAD_REQUEST,
                "_id and accountId in the body must be the profile's",
            ));
        }
        Ok(ProfileFields {
            name: self.name,
            child_profile: self.child_profile,
            pin_prompt_required: self.pin_prompt_required,
            preferred_audio_language: self.preferred_audio_language,
            preferred_subtitle_language: self.preferred_subtitle_language,
            ratings_thresholds: self.ratings_thresholds,
            icon_name: self.icon_name,
            additional_properties: self.additional_properties,
            ..ProfileFields::default()
        })
    }
}

/// A profile as UPS answers it.
pub fn ups(p: &Profile) -> Value {
    let list = |s: &str| serde_json::from_str::<Value>(s).unwrap_or_else(|_| json!([]));
    json!({
        "_id": p.id,
        "accountId": p.account_id,
        "default": p.is_default,
        "name": p.name,
        "childProfile": p.child_profile,
        "pinPromptRequired": p.pin_prompt_required,
        "preferredAudioLanguage": p.preferred_audio_language,
        "preferredSubtitleLanguage": p.preferred_subtitle_language,
        "ratingsThresholds": list(&p.ratings_thresholds),
        "iconName": p.icon_name,
        "additionalProperties": list(&p.additional_properties),
    })
}

fn actor(user: &SignedOn) -> Actor<'_> {
    Actor {
        current_profile: Some(&user.claims.user_id),
    }
}

fn checked(id: &str) -> Result<&str, ApiError> {
    if crate::core::activity::body::is_item_id(id) {
        Ok(id)
    } else {
        Err(ApiError::bad_request(
            codes::BAD_PATH,
            "profileId is 1-256 bytes",
        ))
    }
}

/// Row 59 `GET /userprofiles/v1/user/userprofiles`.
pub async fn list(
    State(state): State<AppState>,
    user: SignedOn,
    RawQuery(query): RawQuery,
) -> OpfResult<Response> {
    let (mut limit, mut page) = (None::<usize>, None::<usize>);
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        let n = || {
            v.parse::<usize>().map_err(|_| {
                ApiError::bad_request(codes::BAD_QUERY, format!("{k} must be a whole number"))
            })
        };
        match &*k {
            "limit" => limit = Some(n()?),
            "page" => page = Some(n()?.max(1)),
            "token" | "fields" => {}
            _ => {
                return Err(ApiError::bad_request(
                    codes::BAD_QUERY,
                    format!("unknown parameter {k}"),
                )
                .into())
            }
        }
    }
    if page.is_some() && limit.is_none() {
        return Err(ApiError::bad_request(codes::BAD_QUERY, "page needs limit").into());
    }
    let all = state
        .plane
        .accounts
        .profiles(user.tenant.id(), &user.claims.account_id)
        .await?;
    let total = all.len();
    let skip = page.map_or(0, |p| (p - 1) * limit.unwrap_or(0));
    let shown: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(limit.unwrap_or(usize::MAX))
        .map(ups)
        .collect();
    Ok(private((
        StatusCode::OK,
        Json(json!({"totalRecords": total, "resourceSet": shown})),
    )))
}

/// Row 60 `POST /userprofiles/v1/user/userprofiles`.
pub async fn create(
    State(state): State<AppState>,
    user: SignedOn,
    JsonBody(body, ..): JsonBody<ProfileIn, Opf>,
) -> OpfResult<Response> {
    let account = user.claims.account_id.clone();
    let fields = body.fields(&account, None)?;
    let p = state
        .plane
        .accounts
        .create_profile(user.tenant.id(), &account, fields, actor(&user))
        .await?;
    Ok(private((StatusCode::CREATED, Json(ups(&p)))))
}

/// Row 61 `GET /userprofiles/v1/user/userprofiles/{profileId}`.
pub async fn get_one(
    State(state): State<AppState>,
    user: SignedOn,
    PathParam(id, ..): PathParam<String, Opf>,
) -> OpfResult<Response> {
    let p = state
        .plane
        .accounts
        .profile(user.tenant.id(), &user.claims.account_id, checked(&id)?)
        .await?;
    Ok(private((StatusCode::OK, Json(ups(&p)))))
}

/// Row 62 `PUT /userprofiles/v1/user/userprofiles/{profileId}`.
pub async fn update(
    State(state): State<AppState>,
    user: SignedOn,
    PathParam(id, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<ProfileIn, Opf>,
) -> OpfResult<Response> {
    let account = user.claims.account_id.clone();
    let fields = body.fields(&account, Some(checked(&id)?))?;
    let p = state
        .plane
        .accounts
        .update_profile(user.tenant.id(), &account, &id, fields, actor(&user))
        .await?;
    Ok(private((StatusCode::OK, Json(ups(&p)))))
}

/// Row 63 `DELETE /userprofiles/v1/user/userprofiles/{profileId}`.
pub async fn delete(
    State(state): State<AppState>,
    user: SignedOn,
    PathParam(id, ..): PathParam<String, Opf>,
) -> OpfResult<Response> {
    state
        .plane
        .accounts
        .delete_profile(
            user.tenant.id(),
            &user.claims.account_id,
            checked(&id)?,
            actor(&user),
        )
        .await?;
    Ok(private((
        StatusCode::CREATED,
        Json(json!({"matchedCount": 1, "deletedCount": 1})),
    )))
}
