//! The client address behind trusted proxies, from RFC 7239 `Forwarded` or
//! `X-Forwarded-For`.
//!
//! The rule (the one nginx's `real_ip_recursive on` and most load balancers'
//! guides use): start at the connection's peer; while the address in hand is a
//! trusted proxy, step to the hop that proxy says it served, from the right
//! of the list; the first address that is not a trusted proxy is the client.
//! Anything a client writes into the header sits left of what the trusted
//! proxies appended, so it is never reached while an untrusted hop stands
//! between.
//!
//! Decisions:
//! - `Forwarded` wins when present (it is the standard); otherwise
//!   `X-Forwarded-For`. The two are never mixed.
//! - Several header lines count as one list, in order.
//! - A hop that does not parse (`unknown`, an obfuscated `_name`, garbage) ends
//!   the walk at the last address in hand: a trusted proxy's word about
//!   something it could not name is no address.
//! - If every hop is a trusted proxy, the leftmost one is the client.
//!
//! Must never: step past an address that is not a trusted proxy.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use ipnet::IpNet;

/// The proxies whose forwarding headers are believed (`network.trusted_proxies`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Box<[IpNet]>,
}

impl TrustedProxies {
    pub fn new(nets: impl IntoIterator<Item = IpNet>) -> Self {
        Self {
            nets: nets.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` is one of them. An IPv4-mapped IPv6 address counts as
    /// its IPv4 address.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.contains(&ip))
    }
}

/// The client's address: `peer` itself unless it is a trusted proxy, else
/// the walk described in the module docs over `forwarded` (the `Forwarded`
/// header lines; `None` when the request has none) or `x_forwarded_for`.
pub fn client_ip<'h>(
    peer: IpAddr,
    trusted: &TrustedProxies,
    forwarded: Option<impl DoubleEndedIterator<Item = &'h str>>,
    x_forwarded_for: impl DoubleEndedIterator<Item = &'h str>,
) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    if let Some(forwarded) = forwarded {
        let hops = forwarded
            .flat_map(|line| line.split(','))
            .map(forwarded_for);
        walk(peer, trusted, hops)
    } else {
        let hops = x_forwarded_for
            .flat_map(|line| line.split(','))
            .map(|hop| parse_hop(hop.trim()));
        walk(peer, trusted, hops)
    }
}

/// Walks `hops` (left to right as written) from the right, starting at the
/// trusted `peer`.
fn walk(
    peer: IpAddr,
    trusted: &TrustedProxies,
    hops: impl DoubleEndedIterator<Item = Option<IpAddr>>,
) -> IpAddr {
    let mut at = peer;
    for hop in hops.rev() {
        let Some(ip) = hop else {
            return at;
        };
        at = canonical(ip);
        if !trusted.contains(at) {
            return at;
        }
    }
    at
}

/// The `for=` node of one `Forwarded` element (`for=192.0.2.60;proto=https`,
/// `For="[2001:db8::17]:4711"`); `None` when it has none or it does not parse.
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("for") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        parse_hop(value)
    })
}

/// One hop's address: `192.0.2.7`, `192.0.2.7:443`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = hop.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    hop.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.7`, a dual-stack socket's view of an
/// IPv4 peer) as plain IPv4, so one prefix list serves both.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|s| s.parse().unwrap()))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(peer: &str, t: &TrustedProxies, lines: &[&str]) -> IpAddr {
        client_ip(
            ip(peer),
            t,
            None::<std::iter::Empty<&str>>,
            lines.iter().copied(),
        )
    }

    fn fwd(peer: &str, t: &TrustedProxies, lines: &[&str]) -> IpAddr {
        client_ip(ip(peer), t, Some(lines.iter().copied()), std::iter::empty())
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let none = TrustedProxies::default();
        assert_eq!(
            xff("198.51.100.9", &none, &["203.0.113.5"]),
            ip("198.51.100.9")
        );
        let lb = trusted(&["10.0.0.0/8"]);
        assert_eq!(
            xff("198.51.100.9", &lb, &["203.0.113.5"]),
            ip("198.51.100.9")
        );
        assert_eq!(
            fwd("198.51.100.9", &lb, &["for=203.0.113.5"]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let lb = trusted(&["10.0.0.0/8", "2001:db8:ffff::/48"]);
        assert_eq!(xff("10.0.0.2", &lb, &["203.0.113.5"]), ip("203.0.113.5"));
        // Two trusted hops: the load balancer, then an ingress proxy.
        assert_eq!(
            xff("10.0.0.2", &lb, &["203.0.113.5, 10.1.1.1"]),
            ip("203.0.113.5")
        );
        // A spoofed left part stays unread: the first untrusted hop from the
        // right is what the proxy saw.
        assert_eq!(
            xff("10.0.0.2", &lb, &["6.6.6.6, 203.0.113.5"]),
            ip("203.0.113.5")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            xff("10.0.0.2", &lb, &["6.6.6.6", "203.0.113.5, 10.9.9.9"]),
            ip("203.0.113.5")
        );
        // Every hop trusted: the leftmost.
        assert_eq!(
            xff("10.0.0.2", &lb, &["10.3.3.3, 10.4.4.4"]),
            ip("10.3.3.3")
        );
        // No header: the proxy itself.
        assert_eq!(xff("10.0.0.2", &lb, &[]), ip("10.0.0.2"));
        // IPv6, bare, bracketed, with ports.
        assert_eq!(xff("10.0.0.2", &lb, &["2001:db8::7"]), ip("2001:db8::7"));
        assert_eq!(
            xff("2001:db8:ffff::1", &lb, &["[2001:db8::7]:4711"]),
            ip("2001:db8::7")
        );
        assert_eq!(
            xff("10.0.0.2", &lb, &["203.0.113.5:1234"]),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn a_hop_that_does_not_parse_ends_the_walk_at_the_last_address() {
        let lb = trusted(&["10.0.0.0/8"]);
        assert_eq!(
            xff("10.0.0.2", &lb, &["203.0.113.5, garbage"]),
            ip("10.0.0.2")
        );
        assert_eq!(xff("10.0.0.2", &lb, &["unknown, 10.1.1.1"]), ip("10.1.1.1"));
        assert_eq!(xff("10.0.0.2", &lb, &[""]), ip("10.0.0.2"));
        assert_eq!(fwd("10.0.0.2", &lb, &["for=_hidden"]), ip("10.0.0.2"));
        assert_eq!(fwd("10.0.0.2", &lb, &["proto=https"]), ip("10.0.0.2"));
    }

    #[test]
    fn forwarded_is_read_as_rfc_7239_writes_it_and_wins_over_x_forwarded_for() {
        let lb = trusted(&["10.0.0.0/8"]);
        assert_eq!(
            fwd(
                "10.0.0.2",
                &lb,
                &["for=192.0.2.60;proto=http;by=203.0.113.43"]
            ),
            ip("192.0.2.60")
        );
        assert_eq!(
            fwd("10.0.0.2", &lb, &["For=\"[2001:db8:cafe::17]:4711\""]),
            ip("2001:db8:cafe::17")
        );
        assert_eq!(
            fwd(
                "10.0.0.2",
                &lb,
                &["for=6.6.6.6, for=192.0.2.43;proto=https, for=10.7.7.7"]
            ),
            ip("192.0.2.43")
        );
        let both = client_ip(
            ip("10.0.0.2"),
            &lb,
            Some(["for=192.0.2.60"].into_iter()),
            ["198.51.100.1"].into_iter(),
        );
        assert_eq!(both, ip("192.0.2.60"));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_prefixes() {
        let lb = trusted(&["10.0.0.0/8"]);
        assert_eq!(
            xff("::ffff:10.0.0.2", &lb, &["203.0.113.5"]),
            ip("203.0.113.5")
        );
        let none = TrustedProxies::default();
        assert_eq!(xff("::ffff:198.51.100.9", &none, &[]), ip("198.51.100.9"));
    }
}
