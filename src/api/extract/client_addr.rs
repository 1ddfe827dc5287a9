//! The client's address: the connection's peer, or, when the peer is a
//! configured trusted proxy (`[network] trusted_proxies`), the client its
//! `Forwarded` / `X-Forwarded-For` header names ([`crate::core::net::client_ip`]).
//!
//! Must never: believe those headers from a peer that is not a trusted proxy.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

use crate::app::AppState;
use crate::core::net::{canonical, client_ip, TrustedProxies};

/// The client's IP address, when the connection has one.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(of(
            &parts.headers,
            &parts.extensions,
            &state.trusted_proxies,
        )))
    }
}

/// The client address of a request (also used by middleware, which sees the
/// whole request rather than its parts).
pub fn of(
    headers: &HeaderMap,
    extensions: &Extensions,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>()?.0.ip();
    if trusted.is_empty() {
        return Some(canonical(peer));
    }
    // A line that is not visible ASCII reads as empty: a hop that does not
    // parse, which ends the walk there.
    let lines = |name| {
        headers
            .get_all(name)
            .into_iter()
            .map(|v| v.to_str().unwrap_or(""))
    };
    Some(client_ip(
        peer,
        trusted,
        headers
            .contains_key("forwarded")
            .then(|| lines("forwarded")),
        lines("x-forwarded-for"),
    ))
}
