//! OPF row 26, `POST /ias/v2/cdn_content_token?content_id=&type=&content_URL=`
//! (proposed path): the content token and the CDN token in one answer, as
//! the URL Builder issues them (the same playback use case, the same
//! location and delivery rules, the same refusals), in IAS's shape: row 27's
//! members (`content_token`, `token_type`, `expires_in`, `access_token`,
//! `session`) beside the URL Builder's `cdnType`, `cdnId`, `playbackUrl`,
//! `cdnAccessToken`, `cdnTokenPlacement`, `cdnTokenName` and
//! `cdnTokenExpires`, at the top level.
//!
//! Must never: decide, check a URL or sign anything itself.

use axum::extract::State;
use axum::response::{IntoResponse, Response};

use crate::api::error::{FaceError, Opf};
use crate::api::extract::{ClientAddr, QueryFields, SignedOn};
use crate::api::json_answer::{respond, JsonObject};
use crate::api::opf::playback::content_token::Variant;
use crate::api::opf::playback::url_builder::{build, UrlBuilderQuery, UrlBuilderResponse};
use crate::app::AppState;

/// The flat answer.
pub struct CdnContentTokenResponse(UrlBuilderResponse);

impl IntoResponse for CdnContentTokenResponse {
    fn into_response(self) -> Response {
        let mut o = JsonObject::with_capacity(self.0.size_hint());
        self.0.content_auth_token().write_into(&mut o);
        self.0.write_cdn_into(&mut o);
        respond(o)
    }
}

/// `POST /ias/v2/cdn_content_token`.
pub async fn cdn_content_token(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<UrlBuilderQuery, Opf>,
) -> Result<CdnContentTokenResponse, FaceError<Opf>> {
    build(&state, &signed_on, client_ip, q, Variant::Play, None)
        .await
        .map(CdnContentTokenResponse)
}
