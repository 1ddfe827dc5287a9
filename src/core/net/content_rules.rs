//! A content's own location rules, set at ingest by the rights holder
//! (`filteringList`, `filteringListIsAllowList`, `blockingList`, `blockVpn`
//! on a VOD content or a channel): where this one title may be played,
//! beside the tenant's policy for the whole service ([`super::policy`]).
//!
//! Rules, in order:
//! - `blockVpn`: a client address on the tenant's VPN / proxy list is refused
//!   (OPF 20018), whether or not the tenant blocks VPNs for everything;
//! - `filteringList`: with `filteringListIsAllowList` only its countries may
//!   play, otherwise its countries may not; `blockingList`: its countries may
//!   not. Both refuse as geo-filtered (OPF 20066): the title, not the
//!   service, is unavailable where the client is.
//!
//! Decisions: an empty `filteringList` filters nothing (an allow list of no
//! country is how ingest writes "not set"). A client the geo list does not
//! place is outside every allow list and inside no deny list, as for the
//! tenant's geo-blocking. A list the builder could not read is held as an
//! allow list of no country ([`ContentRules::unreadable`]): the title plays
//! nowhere until it is fixed, rather than everywhere.
//!
//! Must never: allocate while checking, or do I/O.

use std::net::IpAddr;

use super::lists::Geo;
use super::policy::NetRefusal;
use super::prefixes::PrefixSet;

/// ISO 3166-1 alpha-2, upper case.
pub type Country = [u8; 2];

/// A content's location rules. Held only by items that have any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentRules {
    pub block_vpn: bool,
    pub filtering: Box<[Country]>,
    pub filtering_is_allow: bool,
    pub blocking: Box<[Country]>,
    /// Set when a list could not be read: nowhere may play.
    unreadable: bool,
}

impl ContentRules {
    /// From the stored fields; `None` when there is nothing to check. A
    /// country code that is not two ASCII letters makes the rules
    /// [`unreadable`](Self::unreadable).
    pub fn new<'a>(
        block_vpn: bool,
        filtering: impl IntoIterator<Item = &'a str>,
        filtering_is_allow: bool,
        blocking: impl IntoIterator<Item = &'a str>,
    ) -> Option<Self> {
        let filtering = countries(filtering);
        let blocking = countries(blocking);
        let (Some(filtering), Some(blocking)) = (filtering, blocking) else {
            return Some(Self::unreadable());
        };
        let rules = Self {
            block_vpn,
            filtering,
            filtering_is_allow,
            blocking,
            unreadable: false,
        };
        (rules.block_vpn || !rules.filtering.is_empty() || !rules.blocking.is_empty())
            .then_some(rules)
    }

    /// Rules that refuse every client as geo-filtered.
    pub fn unreadable() -> Self {
        Self {
            unreadable: true,
            filtering_is_allow: true,
            ..Self::default()
        }
    }

    pub fn is_unreadable(&self) -> bool {
        self.unreadable
    }

    /// Whether a client at `ip` may play the content.
    pub fn check(&self, ip: Option<IpAddr>, vpn: &PrefixSet, geo: &Geo) -> Result<(), NetRefusal> {
        if self.block_vpn && ip.is_some_and(|ip| vpn.contains(ip)) {
            return Err(NetRefusal::Vpn);
        }
        if self.unreadable {
            return Err(NetRefusal::GeoFiltered);
        }
        if self.filtering.is_empty() && self.blocking.is_empty() {
            return Ok(());
        }
        let country = ip
            .and_then(|ip| geo.place(ip))
            .and_then(|p| <[u8; 2]>::try_from(p.country.as_bytes()).ok());
        let listed = |list: &[Country]| country.is_some_and(|c| list.contains(&c));
        let filtered =
            !self.filtering.is_empty() && listed(&self.filtering) != self.filtering_is_allow;
        if filtered || listed(&self.blocking) {
            return Err(NetRefusal::GeoFiltered);
        }
        Ok(())
    }
}

/// Country codes, upper-cased; `None` if one is not two ASCII letters.
fn countries<'a>(codes: impl IntoIterator<Item = &'a str>) -> Option<Box<[Country]>> {
    codes
        .into_iter()
        .map(|c| match c.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::lists::{parse_geo, parse_vpn};
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn lists() -> (PrefixSet, Geo) {
        let vpn = parse_vpn("203.0.113.64/26\n").unwrap();
        let geo = parse_geo("81.0.0.0/8,GB\n5.10.0.0/16,DE\n203.0.113.0/24,FR\n").unwrap();
        (vpn, geo)
    }

    const GB: Option<&str> = Some("81.2.3.4");
    const DE: Option<&str> = Some("5.10.1.1");
    const FR_VPN: Option<&str> = Some("203.0.113.70");
    const NOWHERE: Option<&str> = Some("192.0.2.1");

    fn check(rules: &ContentRules, at: Option<&str>) -> Result<(), NetRefusal> {
        let (vpn, geo) = lists();
        rules.check(at.and_then(ip), &vpn, &geo)
    }

    #[test]
    fn nothing_to_check_is_no_rules() {
        assert_eq!(ContentRules::new(false, [], true, []), None);
        assert_eq!(ContentRules::new(false, [], false, []), None);
        assert!(ContentRules::new(true, [], false, []).is_some());
    }

    #[test]
    fn each_rule_against_each_place() {
        use NetRefusal::{GeoFiltered as F, Vpn as V};
        let allow = ContentRules::new(false, ["gb", "FR"], true, []).unwrap();
        let deny = ContentRules::new(false, ["GB"], false, []).unwrap();
        let block = ContentRules::new(false, [], false, ["DE"]).unwrap();
        let allow_but_block = ContentRules::new(false, ["GB", "DE"], true, ["DE"]).unwrap();
        let vpn = ContentRules::new(true, [], false, []).unwrap();
        let table: [(&ContentRules, [Result<(), NetRefusal>; 5]); 5] = [
            //                 GB      DE      FR_VPN  NOWHERE no address
            (&allow, [Ok(()), Err(F), Ok(()), Err(F), Err(F)]),
            (&deny, [Err(F), Ok(()), Ok(()), Ok(()), Ok(())]),
            (&block, [Ok(()), Err(F), Ok(()), Ok(()), Ok(())]),
            (&allow_but_block, [Ok(()), Err(F), Err(F), Err(F), Err(F)]),
            (&vpn, [Ok(()), Ok(()), Err(V), Ok(()), Ok(())]),
        ];
        for (rules, want) in table {
            for (at, want) in [GB, DE, FR_VPN, NOWHERE, None].into_iter().zip(want) {
                assert_eq!(check(rules, at), want, "{rules:?} at {at:?}");
            }
        }
    }

    #[test]
    fn vpn_is_checked_before_the_lists() {
        let both = ContentRules::new(true, ["DE"], true, []).unwrap();
        assert_eq!(check(&both, FR_VPN), Err(NetRefusal::Vpn));
    }

    #[test]
    fn an_unreadable_list_refuses_everywhere() {
        for bad in [
            ContentRules::new(false, ["GBR"], true, []),
            ContentRules::new(false, [], false, ["G"]),
            ContentRules::new(false, ["1A"], false, []),
        ] {
            let rules = bad.unwrap();
            assert!(rules.is_unreadable());
            for at in [GB, DE, NOWHERE, None] {
                assert_eq!(check(&rules, at), Err(NetRefusal::GeoFiltered));
            }
        }
    }
}
