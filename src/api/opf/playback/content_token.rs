//! IAS content tokens, answered from memory: `POST /ias/v2/content_token`
//! (documented), and the PPV (`/ias/v2/ppv_content_token`, proposed) and
//! Download to Go (`/ias/v2/d2go_content_token`, proposed) variants: the
//! query read into a playback question, the playback use case
//! ([`crate::playback::Issuer::issue`]) asked, its answer in OPF's shape.
//!
//! Must never: touch the store, or decide or sign anything itself.

use std::net::IpAddr;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, QueryFields, QueryStrings, SignedOn};
use crate::api::json_answer::{respond, JsonObject};
use crate::api::lease_out::LeaseOut;
use crate::app::AppState;
use crate::core::decide::{Denial, Grant, Purpose};
use crate::core::snapshot::playback::Playback;
use crate::playback::{Ask, Binding, Issued};

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// Longest `content_id` / `event_id` accepted.
const MAX_ID_LEN: usize = 256;

/// `content_id`, `type` and `event_id`.
#[derive(Debug, Default)]
pub struct ContentTokenQuery {
    pub content_id: Option<String>,
    pub kind: Option<String>,
    pub event_id: Option<String>,
}

impl QueryStrings for ContentTokenQuery {
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "content_id" => Some(&mut self.content_id),
            "type" => Some(&mut self.kind),
            "event_id" => Some(&mut self.event_id),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ContentTokenResponse {
    content_token: String,
    token_type: &'static str,
    expires_in: i64,
    access_token: String,
    /// The stream's lease, when the account's streams are limited: renew it
    /// with `/sessions/v1/sessions/{sessionId}/heartbeat`, end it with
    /// `DELETE /sessions/v1/sessions/{sessionId}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    session: Option<LeaseOut>,
}

impl ContentTokenResponse {
    /// Its members, written into `o` (the `serde` encoding, by hand: see
    /// [`crate::api::json_answer`]).
    pub fn write_into(&self, o: &mut JsonObject) {
        o.str("content_token", &self.content_token)
            .str("token_type", self.token_type)
            .i64("expires_in", self.expires_in)
            .str("access_token", &self.access_token);
        if let Some(session) = &self.session {
            o.serde("session", session);
        }
    }

    /// Bytes the answer is expected to take, for sizing its buffer.
    pub fn size_hint(&self) -> usize {
        let session = if self.session.is_some() { 320 } else { 0 };
        self.content_token.len() + self.access_token.len() + 96 + session
    }
}

impl IntoResponse for ContentTokenResponse {
    fn into_response(self) -> Response {
        let mut o = JsonObject::with_capacity(self.size_hint());
        self.write_into(&mut o);
        respond(o)
    }
}

/// The caller's tenant's playback data (an unknown tenant has no accounts).
pub fn playback_of<F: crate::api::error::Face>(
    tenant: &crate::api::extract::Tenant<F>,
) -> Result<&Playback, ApiError> {
    tenant
        .snapshot
        .playback
        .get(tenant.id())
        .map(|p| &**p)
        .ok_or_else(|| Denial::AccountUnknown.into())
}

pub(super) fn checked_id<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str, ApiError> {
    match value {
        Some(v) if !v.is_empty() && v.len() <= MAX_ID_LEN && !v.chars().any(char::is_control) => {
            Ok(v)
        }
        Some(_) => Err(ApiError::bad_request(
            codes::BAD_QUERY,
            format!("{name} must be 1-{MAX_ID_LEN} characters"),
        )),
        None => Err(ApiError::bad_request(
            codes::BAD_QUERY,
            format!("{name} is required"),
        )),
    }
}

fn binding(kind: Option<&str>) -> Result<Binding, ApiError> {
    match kind {
        None | Some("device") => Ok(Binding::Device),
        Some("account") => Ok(Binding::Account),
        Some(_) => Err(ApiError::bad_request(
            codes::BAD_QUERY,
            "type must be device or account",
        )),
    }
}

/// `POST /ias/v2/content_token?content_id=<id>&type=device|account`.
pub async fn content_token(
    state: State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<ContentTokenQuery, Opf>,
) -> OpfResult<ContentTokenResponse> {
    issue(state, signed_on, client_ip, q, Variant::Play).await
}

/// `POST /ias/v2/ppv_content_token?content_id=<channel>&event_id=<event>&type=...`
/// (proposed): rights bounded by the purchased event's window.
pub async fn ppv_content_token(
    state: State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<ContentTokenQuery, Opf>,
) -> OpfResult<ContentTokenResponse> {
    issue(state, signed_on, client_ip, q, Variant::Ppv).await
}

/// `POST /ias/v2/d2go_content_token?content_id=<id>&type=...` (proposed):
/// `storable: true` with the product's storage duration as `drt`.
pub async fn d2go_content_token(
    state: State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<ContentTokenQuery, Opf>,
) -> OpfResult<ContentTokenResponse> {
    issue(state, signed_on, client_ip, q, Variant::Download).await
}

/// Which content token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Play,
    Ppv,
    Download,
}

async fn issue(
    State(state): State<AppState>,
    signed_on: SignedOn,
    client_ip: Option<IpAddr>,
    q: ContentTokenQuery,
    variant: Variant,
) -> OpfResult<ContentTokenResponse> {
    let issued = issue_with(&state, &signed_on, client_ip, &q, variant, |_| Ok(())).await?;
    Ok(answer(&state, &signed_on, issued).0)
}

/// Reads the query into a playback question and asks the use case, with
/// the face's `check` on the grant (the URL Builder's delivery rules).
pub async fn issue_with<T>(
    state: &AppState,
    signed_on: &SignedOn,
    client_ip: Option<IpAddr>,
    q: &ContentTokenQuery,
    variant: Variant,
    check: impl FnOnce(&Grant<'_>) -> Result<T, ApiError>,
) -> Result<Issued<T>, ApiError> {
    let content_id = checked_id(q.content_id.as_deref(), "content_id")?;
    let binding = binding(q.kind.as_deref())?;
    let purpose = match variant {
        Variant::Play => Purpose::Play,
        Variant::Download => Purpose::Download,
        Variant::Ppv => Purpose::Ppv {
            event_id: checked_id(q.event_id.as_deref(), "event_id")?,
        },
    };
    let tenant = &signed_on.tenant;
    let ask = Ask {
        tenant: &tenant.view,
        playback: playback_of(tenant)?,
        claims: &signed_on.claims,
        content_id,
        binding,
        purpose,
        client_ip,
    };
    state.playback.issue(ask, check).await
}

/// The content token's answer (the access token echoed, the lease as
/// players see it), and what the face's check returned.
pub fn answer<T>(
    state: &AppState,
    signed_on: &SignedOn,
    issued: Issued<T>,
) -> (ContentTokenResponse, T) {
    let lease_s = state.playback.leases.lease_s();
    (
        ContentTokenResponse {
            content_token: issued.content_token,
            token_type: "Bearer",
            expires_in: issued.expires_in,
            access_token: signed_on.token().to_owned(),
            session: issued.lease.map(|l| LeaseOut::of(l, lease_s)),
        },
        issued.checked,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::core::sessions::Lease;

    /// A response as the handler builds it, with or without a lease.
    pub(crate) fn response(leased: bool) -> ContentTokenResponse {
        ContentTokenResponse {
            content_token: "eyJhbGciOiJIUzI1NiJ9.eyJ0eXAiOiJDb250ZW50QXV0aFoifQ.sig-_".into(),
            token_type: "Bearer",
            expires_in: 300,
            access_token: "eyJraWQiOiJrMSJ9.e30.c2ln".into(),
            session: leased.then(|| {
                LeaseOut::of(
                    Lease {
                        session_id: "s-1".into(),
                        device_id: "dev \"quoted\"".into(),
                        content_id: "c".into(),
                        group_id: None,
                        started: 1_700_000_000,
                        expires: 1_700_000_090,
                    },
                    90,
                )
            }),
        }
    }

    #[test]
    fn the_hand_written_answer_is_the_serde_one() {
        for leased in [false, true] {
            let r = response(leased);
            let mut o = JsonObject::with_capacity(r.size_hint());
            r.write_into(&mut o);
            let text = o.finish();
            let ours: serde_json::Value = serde_json::from_slice(&text).expect("valid JSON");
            assert_eq!(ours, serde_json::to_value(&r).unwrap(), "leased {leased}");
            assert!(text.len() <= r.size_hint(), "{} > hint", text.len());
        }
    }
}
