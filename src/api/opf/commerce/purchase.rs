//! Purchase Service: `POST /purchase_service/v1/user/product/actions/purchase`
//! (body `{productId}`, signed-on device) → 201 `{productId,
//! purchaseAuthRequestReference}`. The rules are [`crate::plane::commerce::purchases`]';
//! a repeated `x-correlation-id` answers 201 with the first purchase again.
//! Errors in the OPF envelope.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{FaceError, Opf};
use crate::api::extract::{JsonBody, SignedOn};
use crate::api::middleware::correlation;
use crate::app::AppState;
use crate::plane::commerce::purchases::PurchaseRequest;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PurchaseIn {
    product_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PurchaseOut {
    product_id: String,
    purchase_auth_request_reference: String,
}

pub async fn purchase(
    State(state): State<AppState>,
    signed_on: SignedOn,
    JsonBody(body, ..): JsonBody<PurchaseIn, Opf>,
) -> Result<(StatusCode, Json<PurchaseOut>), FaceError<Opf>> {
    let claims = &signed_on.claims;
    let correlation_id = correlation::current();
    let done = state
        .plane
        .commerce
        .purchase(
            signed_on.tenant.id(),
            PurchaseRequest {
                account_id: &claims.account_id,
                device_id: &claims.device_id,
                device_class: claims.playout_device_class.as_deref(),
                product_id: &body.product_id,
                correlation_id: correlation_id.as_deref(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PurchaseOut {
            product_id: done.product_id,
            purchase_auth_request_reference: done.reference,
        }),
    ))
}
