//! IAS content tokens, answered from memory: `POST /ias/v2/content_token`
//! (documented), and the PPV (`/ias/v2/ppv_content_token`, proposed) and
//! Download to Go (`/ias/v2/d2go_content_token`, proposed) variants. Each runs
//! [`decide`] on this node's snapshot and signs a `ContentAuthZ` token with the
//! tenant's content key.
//!
//! A granted rental play is queued for the write-behind recorder
//! ([`crate::plane::plays`]).
//!
//! Must never: touch the store, or sign anything `decide` refused.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, QueryFields, QueryStrings, SignedOn};
use crate::api::json_answer::{respond, JsonObject};
use crate::app::AppState;
use crate::core::content_claims::{ContentClaims, ContentDevice, ContentRight, CONTENT_TYP};
use crate::core::decide::{decide, Denial, Grant, Purpose, Request};
use crate::core::jwt;
use crate::core::snapshot::playback::Playback;
use crate::core::status::ProductType;
use crate::plane::plays::Play;
use crate::plane::sessions::limits_of;

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

/// Whose token: bound to the device (`type=device`, the default) or to the
/// account only (`type=account`: no `deviceUniqueId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    Device,
    Account,
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
    session: Option<super::sessions::LeaseOut>,
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
        .ok_or_else(|| denial_error(Denial::AccountUnknown))
}

/// A refusal of `decide` in the OPF envelope.
pub fn denial_error(d: Denial) -> ApiError {
    let status = StatusCode::from_u16(d.http_status()).unwrap_or(StatusCode::FORBIDDEN);
    ApiError::new(status, d.code(), d.message())
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

/// A play of a rental that counts plays (`maxPlays`) or times them (play
/// period) is queued for the write-behind recorder; other grants cost nothing.
fn record_rental_play(
    state: &AppState,
    tenant: &str,
    playback: &Playback,
    request: &Request<'_>,
    grant: &Grant<'_>,
) {
    let (Some(rule), Some(entry)) = (grant.rule, grant.entitlement) else {
        return;
    };
    if rule.kind != ProductType::Rental
        || (rule.max_plays.is_none() && rule.play_period_s.is_none())
    {
        return;
    }
    let id = playback.accounts.get(request.account_id).and_then(|a| {
        a.entitlement_views()
            .find(|v| std::ptr::eq(v.entry, entry))
            .map(|v| v.id)
    });
    if let Some(id) = id {
        state.plays.record(Play {
            tenant: tenant.into(),
            entitlement_id: id.into(),
            device_id: request.device_id.unwrap_or_default().into(),
            at: request.now,
        });
    }
}

async fn issue(
    State(state): State<AppState>,
    signed_on: SignedOn,
    client_ip: Option<IpAddr>,
    q: ContentTokenQuery,
    variant: Variant,
) -> OpfResult<ContentTokenResponse> {
    let issued = issue_with(&state, &signed_on, client_ip, &q, variant, |_| Ok(())).await?;
    Ok(issued.response)
}

/// A content token issued, with what a face wrapping it (the URL Builder)
/// needs of the decision.
pub struct Issued<T> {
    pub response: ContentTokenResponse,
    /// What the face's check returned.
    pub checked: T,
    /// The stream's session, when its lease was taken.
    pub session_id: Option<String>,
    pub now: i64,
    /// The rights' end (epoch seconds; [`crate::core::snapshot::playback::OPEN_END`] when open).
    pub rights_end: u32,
}

/// The one content-token path: validate, [`decide`], run the face's `check`
/// on the grant (before anything is recorded or leased, so a face's refusal
/// has no side effect), take the stream's lease, record a rental play, sign.
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
    let claims = &signed_on.claims;
    let tenant = &signed_on.tenant;
    let playback = playback_of(tenant)?;
    let now = state.clock.now_s();
    let request = Request {
        account_id: &claims.account_id,
        device_id: Some(&claims.device_id),
        content_id,
        client_ip,
        in_home_claim: claims.in_home == Some(true),
        playback_guard: false,
        purpose,
        now,
    };
    let grant = decide(playback, &request, &mut ()).map_err(denial_error)?;
    let checked = check(&grant)?;
    let key = tenant.view.content_keys.active.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "the tenant has no content signing key yet, retry later",
        )
    })?;
    // A stream (not a download) of an account whose streams are limited
    // takes (or renews) the device's lease first.
    let lease = match limits_of(&claims.session_control) {
        Some(limits) if variant != Variant::Download => {
            let who = (
                tenant.id(),
                claims.account_id.as_str(),
                claims.device_id.as_str(),
            );
            // Boxed: the lease's future (a Redis round trip in a cluster) is
            // large, and an unboxed one would be moved with every
            // content-token future, leased or not.
            let lease = Box::pin(state.sessions.open(who, content_id, &limits, now)).await;
            Some(lease.map_err(|e| super::sessions::session_error(e, state.sessions.lease_s()))?)
        }
        _ => None,
    };
    if variant == Variant::Play {
        record_rental_play(state, tenant.id(), playback, &request, &grant);
    }
    let ttl = state.config.tokens.content_token_ttl_s;
    let jti = state.ids.new_id();
    let content = ContentClaims {
        typ: CONTENT_TYP,
        ver: "1.0",
        iat: now,
        exp: now + ttl,
        jti: &jti,
        tenant_id: tenant.id(),
        device: ContentDevice {
            drm: "ssp",
            device_unique_id: grant
                .device
                .filter(|_| binding == Binding::Device)
                .map(|d| d.id),
            watermarking: false,
            ip_address: client_ip,
            model: grant.device.and_then(|d| d.model),
            account_id: &claims.account_id,
        },
        content_rights: [ContentRight::from_grant(
            content_id,
            &grant,
            &claims.session_control,
        )],
    };
    let payload = content.to_json();
    let access_token = signed_on.token().to_owned();
    let session_id = lease.as_ref().map(|l| l.session_id.clone());
    Ok(Issued {
        response: ContentTokenResponse {
            content_token: jwt::sign(key, &payload),
            token_type: "Bearer",
            expires_in: ttl,
            access_token,
            session: lease.map(|l| super::sessions::LeaseOut::of(l, state.sessions.lease_s())),
        },
        checked,
        session_id,
        now,
        rights_end: grant.end,
    })
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
                super::super::sessions::LeaseOut::of(
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
