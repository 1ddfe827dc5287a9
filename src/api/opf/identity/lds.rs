//! Location detection, answered from memory:
//!
//! - `GET /lds/v1/user/inhouse` (proposed path and answer; the vendor
//!   documents the row, not its shape): `{inHouse, ipAddress}` for the signed-on
//!   device's client address (the connection's peer, or what trusted proxies
//!   say: [`crate::api::extract::ClientAddr`]). In house means at one of the
//!   account's home addresses / prefixes ("In Home") or on the operator's
//!   network (`network.onNet` of the tenant's settings).
//!
//! Decisions: a request with no client address (none is known for the
//! connection) is not in house, with `ipAddress: null`. The access token's
//! `inHome` claim (set by the STB's in-home token) is not consulted: this row
//! is the IP test; the claim is honoured where content is decided.
//!
//! Must never: touch the store, or say anything about another account.

use axum::Json;
use serde::Serialize;

use crate::api::error::{ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, SignedOn};
use crate::api::opf::playback::content_token::playback_of;
use crate::core::decide::Denial;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InHouse {
    in_house: bool,
    ip_address: Option<String>,
}

/// `GET /lds/v1/user/inhouse`.
pub async fn in_house(
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
) -> Result<Json<InHouse>, FaceError<Opf>> {
    let p = playback_of(&signed_on.tenant)?;
    let account = p
        .accounts
        .get(&signed_on.claims.account_id)
        .ok_or_else(|| ApiError::from(Denial::AccountUnknown))?;
    let in_house = client_ip.is_some_and(|ip| account.is_home(ip) || p.is_on_net(ip));
    Ok(Json(InHouse {
        in_house,
        ip_address: client_ip.map(|ip| ip.to_string()),
    }))
}
