//! The fast path's use case, in one place: may this device play this content,
//! here, now, and if so the signed answer.
//!
//! [`Issuer::issue`] runs, in this order: [`decide`] on the node's snapshot;
//! the face's check of the grant (the URL Builder's location and CDN rules,
//! say), before anything is leased or recorded, so a face's refusal has no
//! side effect; the stream's lease when the account's streams are limited
//! ([`leases`]); the rental play, queued write-behind ([`plays`]); the
//! `ContentAuthZ` token, signed with the tenant's content key. OPF content
//! tokens (plain, PPV, Download to Go), the URL Builder and OPF row 26
//! (`cdn_content_token`) issue through it; Rocket's media files and GES
//! rooms ask [`Issuer::grant`] (the decision and the face's check, nothing
//! signed), and the session routes [`Issuer::lease`] (the decision and the
//! lease). The edge authorizer checks CDN tokens this use case had signed
//! ([`crate::core::cdn`]); it decides nothing.
//!
//! Its own layer, beside `plane`, not inside it: the plane owns store-backed
//! admin work, and this never awaits the database (leases await Redis in a
//! cluster, never the store).
//!
//! Owns: the order of those steps, the content token's claims, the lease and
//! play services. Must never: await the store, sign anything `decide`
//! refused, or lease or record before the face's check passed.

pub mod leases;
pub mod plays;

use std::net::IpAddr;
use std::sync::Arc;

use crate::core::claims::SignOnClaims;
use crate::core::clock::Clock;
use crate::core::content_claims::{ContentClaims, ContentDevice, ContentRight, CONTENT_TYP};
use crate::core::decide::{decide, decide_public, Denial, Grant, Purpose, Request};
use crate::core::ids::IdSource;
use crate::core::jwt;
use crate::core::sessions::{Lease, StreamLimits};
use crate::core::snapshot::playback::Playback;
use crate::core::snapshot::TenantView;
use crate::core::status::ProductType;
use leases::{limits_of, SessionError, Sessions};
use plays::{Play, PlayRecorder};

/// Why the use case refused, past the face's own check.
#[derive(Debug)]
pub enum PlaybackError {
    /// `decide` said no.
    Denied(Denial),
    /// The tenant has no content signing key yet.
    NoContentKey,
    /// The stream's lease could not be taken.
    Lease(SessionError),
}

impl From<Denial> for PlaybackError {
    fn from(d: Denial) -> Self {
        PlaybackError::Denied(d)
    }
}

/// Whose token: bound to the device (`type=device`, the default) or to the
/// account only (`type=account`: no `deviceUniqueId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Device,
    Account,
}

/// One playback question from a signed-on device.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub tenant: &'a TenantView,
    pub playback: &'a Playback,
    pub claims: &'a SignOnClaims,
    pub content_id: &'a str,
    pub binding: Binding,
    pub purpose: Purpose<'a>,
    pub client_ip: Option<IpAddr>,
}

impl<'a> Ask<'a> {
    /// The decision's question, at `now`.
    fn request(&self, now: i64) -> Request<'a> {
        let claims = self.claims;
        Request {
            account_id: &claims.account_id,
            device_id: Some(&claims.device_id),
            content_id: self.content_id,
            client_ip: self.client_ip,
            in_home_claim: claims.in_home == Some(true),
            playback_guard: false,
            purpose: self.purpose,
            now,
        }
    }

    /// Whose stream: (tenant, account, device).
    fn who(&self) -> (&'a str, &'a str, &'a str) {
        (
            &self.tenant.id,
            &self.claims.account_id,
            &self.claims.device_id,
        )
    }
}

/// A content token issued, with what the face's check returned and what a
/// face that wraps it (the URL Builder) needs of the decision.
pub struct Issued<T> {
    /// The signed `ContentAuthZ` token.
    pub content_token: String,
    /// Its lifetime, seconds.
    pub expires_in: i64,
    /// The stream's lease, when the account's streams are limited.
    pub lease: Option<Lease>,
    pub checked: T,
    pub now: i64,
    /// The rights' end (epoch seconds; [`crate::core::snapshot::playback::OPEN_END`] when open).
    pub rights_end: u32,
}

/// The use case and the services it needs. Cheap to clone.
#[derive(Clone)]
pub struct Issuer {
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
    /// Concurrent-stream leases (also served by the session routes).
    pub leases: Sessions,
    /// The rental-play queue.
    pub plays: PlayRecorder,
    content_ttl_s: i64,
}

impl Issuer {
    pub fn new(
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdSource>,
        leases: Sessions,
        plays: PlayRecorder,
        content_ttl_s: i64,
    ) -> Self {
        Self {
            clock,
            ids,
            leases,
            plays,
            content_ttl_s,
        }
    }

    pub fn now_s(&self) -> i64 {
        self.clock.now_s()
    }

    /// A fresh id (a CDN token's session when no lease names one).
    pub fn new_id(&self) -> String {
        self.ids.new_id()
    }

    /// The decision and the face's `check` on its grant, nothing signed,
    /// leased or recorded (Rocket media files, GES rooms).
    pub fn grant<'s, T, E: From<PlaybackError>>(
        &self,
        playback: &'s Playback,
        request: &Request<'_>,
        check: impl FnOnce(&Grant<'s>) -> Result<T, E>,
    ) -> Result<T, E> {
        let grant = decide(playback, request, &mut ()).map_err(PlaybackError::from)?;
        check(&grant)
    }

    /// [`Self::grant`] for a caller with no account: free-to-air only
    /// ([`crate::core::decide::decide_public`]).
    pub fn grant_public<'s, T, E: From<PlaybackError>>(
        &self,
        playback: &'s Playback,
        request: &Request<'_>,
        check: impl FnOnce(&Grant<'s>) -> Result<T, E>,
    ) -> Result<T, E> {
        let grant = decide_public(playback, request, &mut ()).map_err(PlaybackError::from)?;
        check(&grant)
    }

    /// The decision and the stream's lease, nothing signed or recorded (the
    /// session routes: a player that starts its lease before it fetches a
    /// token). `limits`: the account's, from its token.
    pub async fn lease(&self, ask: Ask<'_>, limits: &StreamLimits) -> Result<Lease, PlaybackError> {
        let now = self.clock.now_s();
        let request = ask.request(now);
        decide(ask.playback, &request, &mut ())?;
        self.leases
            .open(ask.who(), ask.content_id, limits, now)
            .await
            .map_err(PlaybackError::Lease)
    }

    /// The whole use case (see the module's doc).
    pub async fn issue<T, E: From<PlaybackError>>(
        &self,
        ask: Ask<'_>,
        check: impl FnOnce(&Grant<'_>) -> Result<T, E>,
    ) -> Result<Issued<T>, E> {
        let claims = ask.claims;
        let now = self.clock.now_s();
        let request = ask.request(now);
        let grant = decide(ask.playback, &request, &mut ()).map_err(PlaybackError::from)?;
        let checked = check(&grant)?;
        let key = ask
            .tenant
            .content_keys
            .active
            .as_ref()
            .ok_or(PlaybackError::NoContentKey)?;
        // A stream (not a download) of an account whose streams are limited
        // takes (or renews) the device's lease first.
        let lease = match limits_of(&claims.session_control) {
            Some(limits) if !matches!(ask.purpose, Purpose::Download) => {
                let who = ask.who();
                // Boxed: the lease's future (a Redis round trip in a cluster)
                // is large, and an unboxed one would be moved with every
                // content-token future, leased or not.
                let lease = Box::pin(self.leases.open(who, ask.content_id, &limits, now)).await;
                Some(lease.map_err(PlaybackError::Lease)?)
            }
            _ => None,
        };
        if matches!(ask.purpose, Purpose::Play) {
            self.record_rental_play(&ask, &request, &grant);
        }
        let jti = self.ids.new_id();
        let content = ContentClaims {
            typ: CONTENT_TYP,
            ver: "1.0",
            iat: now,
            exp: now + self.content_ttl_s,
            jti: &jti,
            tenant_id: &ask.tenant.id,
            device: ContentDevice {
                drm: "ssp",
                device_unique_id: grant
                    .device
                    .filter(|_| ask.binding == Binding::Device)
                    .map(|d| d.id),
                watermarking: false,
                ip_address: ask.client_ip,
                model: grant.device.and_then(|d| d.model),
                account_id: &claims.account_id,
            },
            content_rights: [ContentRight::from_grant(
                ask.content_id,
                &grant,
                &claims.session_control,
            )],
        };
        Ok(Issued {
            content_token: jwt::sign(key, &content.to_json()),
            expires_in: self.content_ttl_s,
            lease,
            checked,
            now,
            rights_end: grant.end,
        })
    }

    /// A play of a rental that counts plays (`maxPlays`) or times them
    /// (play period) is queued for the write-behind recorder; other grants
    /// cost nothing.
    fn record_rental_play(&self, ask: &Ask<'_>, request: &Request<'_>, grant: &Grant<'_>) {
        let (Some(rule), Some(entry)) = (grant.rule, grant.entitlement) else {
            return;
        };
        if rule.kind != ProductType::Rental
            || (rule.max_plays.is_none() && rule.play_period_s.is_none())
        {
            return;
        }
        let id = ask.playback.accounts.get(request.account_id).and_then(|a| {
            a.entitlement_views()
                .find(|v| std::ptr::eq(v.entry, entry))
                .map(|v| v.id)
        });
        if let Some(id) = id {
            self.plays.record(Play {
                tenant: ask.tenant.id.as_ref().into(),
                entitlement_id: id.into(),
                device_id: request.device_id.unwrap_or_default().into(),
                at: request.now,
            });
        }
    }
}
