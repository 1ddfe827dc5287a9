//! The URL Builder's delivery rules, pure: which CDN signs a granted
//! content's playback URL, until when, and bound to what.
//!
//! - CDN: the one the content names (`cdnTokenDetails`), else the tenant's
//!   CDN serving the URL's `scheme://authority`; the URL must be on the
//!   chosen CDN's base URL. No CDN is an unsigned answer unless the content
//!   requires a token. The chosen CDN must have a signing key, and a CDN
//!   that binds tokens to the client address needs one.
//! - Expiry: the CDN's `ttlSeconds` from now, never past the rights' end.
//! - Bindings: the client address when the CDN binds it; the stream's
//!   session when the CDN binds sessions (the lease's id, else a fresh one,
//!   so the token still names one play).
//!
//! Must never: choose a CDN whose base is not the URL's, or let a token
//! outlive the rights.

use std::net::IpAddr;
use std::sync::Arc;

use super::registry::{Cdn, TenantCdns};
use crate::core::snapshot::playback::OPEN_END;

/// Why a URL cannot be delivered (each a 4xx or 503 at the face).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// The content names a CDN the tenant has not configured.
    UnknownCdn(Box<str>),
    /// The URL is not on the chosen CDN's base URL.
    NotOnCdn { cdn: Box<str>, base_url: Box<str> },
    /// The URL is on no CDN of the tenant, and the content requires a token.
    NoCdn,
    /// The chosen CDN has no signing key yet (retry later).
    NoSigningKey(Box<str>),
    /// The CDN binds tokens to the client address, which is unknown.
    ClientAddressUnknown,
}

/// The CDN that signs a URL on `base` for an item whose `cdnTokenDetails`
/// name `item_cdn`, if any (see the module's doc).
pub fn choose_cdn(
    cdns: &TenantCdns,
    item_cdn: Option<&str>,
    required: bool,
    base: &str,
    client_ip: Option<IpAddr>,
) -> Result<Option<Arc<Cdn>>, DeliveryError> {
    let cdn = match item_cdn {
        Some(id) => Some(
            cdns.get(id)
                .ok_or_else(|| DeliveryError::UnknownCdn(id.into()))?,
        ),
        None => cdns.for_base(base),
    };
    let Some(cdn) = cdn else {
        return if required {
            Err(DeliveryError::NoCdn)
        } else {
            Ok(None)
        };
    };
    if !cdn.base_url.eq_ignore_ascii_case(base) {
        return Err(DeliveryError::NotOnCdn {
            cdn: cdn.id.as_ref().into(),
            base_url: cdn.base_url.as_ref().into(),
        });
    }
    if cdn.signer().is_none() {
        return Err(DeliveryError::NoSigningKey(cdn.id.as_ref().into()));
    }
    if cdn.bind_client_ip && client_ip.is_none() {
        return Err(DeliveryError::ClientAddressUnknown);
    }
    Ok(Some(cdn.clone()))
}

/// When a CDN token issued at `now` expires: `ttl_s` later, never past the
/// rights' end (`OPEN_END`: open rights).
pub fn expires(now: i64, ttl_s: i64, rights_end: u32) -> i64 {
    let end = if rights_end == OPEN_END {
        i64::MAX
    } else {
        i64::from(rights_end)
    };
    now.saturating_add(ttl_s).min(end)
}

/// What a CDN token is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bindings {
    pub ip: Option<IpAddr>,
    pub session: Option<String>,
}

/// The bindings `cdn` asks for: the client address, and the stream's
/// session (`lease_session`, else `fresh()`).
pub fn bindings(
    cdn: &Cdn,
    client_ip: Option<IpAddr>,
    lease_session: Option<&str>,
    fresh: impl FnOnce() -> String,
) -> Bindings {
    Bindings {
        ip: client_ip.filter(|_| cdn.bind_client_ip),
        session: cdn
            .bind_session
            .then(|| lease_session.map_or_else(fresh, str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_never_outlives_the_rights() {
        assert_eq!(expires(1_000, 300, OPEN_END), 1_300);
        assert_eq!(expires(1_000, 300, 1_200), 1_200);
        assert_eq!(expires(1_000, 300, 5_000), 1_300);
        assert_eq!(expires(i64::MAX - 1, 300, OPEN_END), i64::MAX);
    }
}
