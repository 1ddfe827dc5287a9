//! ADM parental control for the signed-on account (§2.7):
//!
//! - `GET /adm/v1/user/accounts/parentalControl/ratingsThresholds`: the map
//!   ratings body → threshold;
//! - `PUT .../actions/updateRatingsThresholds`: the whole map (bodies left
//!   out are removed) → `{matchedCount, modifiedCount}`;
//! - `POST .../actions/deleteRatingsThresholds`: a JSON array of ratings
//!   body names, removed; the others untouched.
//!
//! The thresholds reach the access tokens signed after the change. Token
//! errors render as the OPF edge does; the rest in the ADM envelope.

use axum::extract::State;
use axum::Json;

use crate::api::error::{Adm, FaceError};
use crate::api::extract::{JsonBody, SignedOn};
use crate::api::opf::WriteResult;
use crate::app::AppState;
use crate::plane::accounts::parental::Thresholds;

type AdmResult<T> = Result<T, FaceError<Adm>>;

/// `GET /adm/v1/user/accounts/parentalControl/ratingsThresholds`.
pub async fn thresholds(
    State(state): State<AppState>,
    signed_on: SignedOn,
) -> AdmResult<Json<Thresholds>> {
    let t = state
        .plane
        .accounts
        .rating_thresholds(signed_on.tenant.id(), &signed_on.claims.account_id)
        .await?;
    Ok(Json(t))
}

/// `PUT /adm/v1/user/accounts/parentalControl/actions/updateRatingsThresholds`.
pub async fn update_thresholds(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<Thresholds, Adm>,
) -> AdmResult<Json<WriteResult>> {
    let (matched, modified) = state
        .plane
        .accounts
        .replace_thresholds(signed_on.tenant.id(), &signed_on.claims.account_id, body)
        .await?;
    Ok(Json(WriteResult::new(matched, modified)))
}

/// `POST /adm/v1/user/accounts/parentalControl/actions/deleteRatingsThresholds`.
pub async fn delete_thresholds(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(bodies, ..): JsonBody<Vec<String>, Adm>,
) -> AdmResult<Json<WriteResult>> {
    let (matched, modified) = state
        .plane
        .accounts
        .delete_thresholds(signed_on.tenant.id(), &signed_on.claims.account_id, &bodies)
        .await?;
    Ok(Json(WriteResult::new(matched, modified)))
}
