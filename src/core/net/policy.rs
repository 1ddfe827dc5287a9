//! A tenant's network policy (settings `network.blockVpn`,
//! `network.geoBlocking`): who may sign on and play from where, read against
//! the tenant's VPN and geo lists.
//!
//! - `blockVpn: true`: a client address on the VPN / proxy list is refused
//!   at sign-on and playback (OPF 20018, "proxy/VPN").
//! - `geoBlocking: {"allow": ["GB", "IE"]}` or `{"deny": ["XX"]}`, optional
//!   `"signOn": true`: a client whose country (from the geo list) is not
//!   allowed is refused playback (OPF 20019, "blacklisted location") and, with
//!   `signOn`, sign-on too ("Sign On Blocked").
//!
//! - `geoFiltering: false` stops enforcing the contents' own location rules
//!   ([`super::ContentRules`]); they are enforced unless the tenant says so.
//!
//! Decisions: with an allow list, an address the geo list does not place (or
//! no address at all) is not allowed: no free streams from unknown places.
//! With a deny list it is allowed. Settings that do not parse turn the policy
//! off for that key and are logged by the builder; they never fail a build.
//!
//! Must never: allocate while checking, or do I/O.

use std::net::IpAddr;

use super::lists::Geo;
use super::prefixes::PrefixSet;

/// Why the network policy refuses a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetRefusal {
    /// On the VPN / proxy list with `blockVpn` on (20018).
    Vpn,
    /// In a country `geoBlocking` does not allow (20019).
    GeoBlocked,
    /// Where the content's own location rules do not allow (20066; see
    /// [`super::ContentRules`]).
    GeoFiltered,
}

/// The country rule of `geoBlocking`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoRule {
    /// `true`: only `countries` may; `false`: `countries` may not.
    pub allow: bool,
    /// ISO 3166-1 alpha-2, upper case.
    pub countries: Box<[[u8; 2]]>,
    /// Refuse sign-on too, not only playback.
    pub sign_on: bool,
}

impl GeoRule {
    fn permits(&self, country: Option<&str>) -> bool {
        let listed = country.is_some_and(|c| {
            let c = c.as_bytes();
            self.countries.iter().any(|k| k[..] == *c)
        });
        listed == self.allow
    }
}

/// A tenant's network policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub block_vpn: bool,
    pub geo: Option<GeoRule>,
    /// `geoFiltering: false`: the contents' own rules are not enforced.
    pub ignore_content_rules: bool,
}

/// Where the check happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    SignOn,
    Playback,
}

impl NetworkPolicy {
    /// From the tenant's settings; the problems found, for the log.
    pub fn from_settings(settings: &serde_json::Value) -> (Self, Vec<&'static str>) {
        let mut problems = Vec::new();
        let network = settings.get("network");
        let block_vpn = match network.and_then(|n| n.get("blockVpn")) {
            None => false,
            Some(v) => v.as_bool().unwrap_or_else(|| {
                problems.push("network.blockVpn must be true or false");
                false
            }),
        };
        let geo = match network.and_then(|n| n.get("geoBlocking")) {
            None | Some(serde_json::Value::Null) => None,
            Some(g) => {
                let rule = geo_rule(g);
                if rule.is_none() {
                    problems.push(
                        "network.geoBlocking must be {\"allow\"|\"deny\": [ISO 3166-1 alpha-2 codes], \"signOn\": bool}",
                    );
                }
                rule
            }
        };
        let ignore_content_rules = match network.and_then(|n| n.get("geoFiltering")) {
            None => false,
            Some(v) => !v.as_bool().unwrap_or_else(|| {
                problems.push("network.geoFiltering must be true or false");
                true
            }),
        };
        let policy = Self {
            block_vpn,
            geo,
            ignore_content_rules,
        };
        (policy, problems)
    }

    /// Whether a client at `ip` passes at `stage`.
    pub fn check(
        &self,
        stage: Stage,
        ip: Option<IpAddr>,
        vpn: &PrefixSet,
        geo: &Geo,
    ) -> Result<(), NetRefusal> {
        if self.block_vpn && ip.is_some_and(|ip| vpn.contains(ip)) {
            return Err(NetRefusal::Vpn);
        }
        if let Some(rule) = &self.geo {
            if stage == Stage::Playback || rule.sign_on {
                let country = ip.and_then(|ip| geo.place(ip)).map(|p| &*p.country);
                if !rule.permits(country) {
                    return Err(NetRefusal::GeoBlocked);
                }
            }
        }
        Ok(())
    }

    /// Whether any tenant-wide rule is checked (a request without one skips
    /// the lookups; the contents' own rules are apart).
    pub fn is_off(&self) -> bool {
        !self.block_vpn && self.geo.is_none()
    }
}

fn geo_rule(g: &serde_json::Value) -> Option<GeoRule> {
    let obj = g.as_object()?;
    if obj
        .keys()
        .any(|k| !matches!(k.as_str(), "allow" | "deny" | "signOn"))
    {
        return None;
    }
    let (allow, list) = match (obj.get("allow"), obj.get("deny")) {
        (Some(list), None) => (true, list),
        (None, Some(list)) => (false, list),
        _ => return None,
    };
    let countries = list
        .as_array()?
        .iter()
        .map(|c| {
            let c = c.as_str()?.as_bytes();
            (c.len() == 2 && c.iter().all(u8::is_ascii_alphabetic))
                .then(|| [c[0].to_ascii_uppercase(), c[1].to_ascii_uppercase()])
        })
        .collect::<Option<Box<[_]>>>()?;
    let sign_on = match obj.get("signOn") {
        None => false,
        Some(v) => v.as_bool()?,
    };
    Some(GeoRule {
        allow,
        countries,
        sign_on,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::lists::{parse_geo, parse_vpn};
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn lists() -> (PrefixSet, Geo) {
        let vpn = parse_vpn("203.0.113.64/26\n").unwrap();
        let geo = parse_geo("81.0.0.0/8,GB\n5.10.0.0/16,DE\n203.0.113.0/24,GB\n").unwrap();
        (vpn, geo)
    }

    fn policy(network: serde_json::Value) -> NetworkPolicy {
        let (p, problems) = NetworkPolicy::from_settings(&json!({ "network": network }));
        assert!(problems.is_empty(), "{problems:?}");
        p
    }

    #[test]
    fn vpn_exits_are_refused_only_when_blocking_is_on() {
        let (vpn, geo) = lists();
        let on = policy(json!({ "blockVpn": true }));
        for stage in [Stage::SignOn, Stage::Playback] {
            assert_eq!(
                on.check(stage, ip("203.0.113.70"), &vpn, &geo),
                Err(NetRefusal::Vpn)
            );
            assert_eq!(on.check(stage, ip("203.0.113.5"), &vpn, &geo), Ok(()));
            assert_eq!(on.check(stage, None, &vpn, &geo), Ok(()));
        }
        let off = policy(json!({}));
        assert!(off.is_off());
        assert_eq!(
            off.check(Stage::Playback, ip("203.0.113.70"), &vpn, &geo),
            Ok(())
        );
    }

    #[test]
    fn an_allow_list_refuses_other_and_unknown_places_a_deny_list_only_its_own() {
        let (vpn, geo) = lists();
        let allow = policy(json!({ "geoBlocking": { "allow": ["gb"] } }));
        let s = Stage::Playback;
        assert_eq!(allow.check(s, ip("81.2.3.4"), &vpn, &geo), Ok(()));
        assert_eq!(
            allow.check(s, ip("5.10.1.1"), &vpn, &geo),
            Err(NetRefusal::GeoBlocked)
        );
        assert_eq!(
            allow.check(s, ip("192.0.2.1"), &vpn, &geo),
            Err(NetRefusal::GeoBlocked)
        );
        assert_eq!(
            allow.check(s, None, &vpn, &geo),
            Err(NetRefusal::GeoBlocked)
        );
        // Without signOn, sign-on is not checked.
        assert_eq!(
            allow.check(Stage::SignOn, ip("5.10.1.1"), &vpn, &geo),
            Ok(())
        );
        let deny = policy(json!({ "geoBlocking": { "deny": ["DE"], "signOn": true } }));
        assert_eq!(
            deny.check(Stage::SignOn, ip("5.10.1.1"), &vpn, &geo),
            Err(NetRefusal::GeoBlocked)
        );
        assert_eq!(deny.check(s, ip("81.2.3.4"), &vpn, &geo), Ok(()));
        assert_eq!(deny.check(s, ip("192.0.2.1"), &vpn, &geo), Ok(()));
        // VPN is checked first.
        let both = policy(json!({ "blockVpn": true, "geoBlocking": { "allow": ["GB"] } }));
        assert_eq!(
            both.check(s, ip("203.0.113.70"), &vpn, &geo),
            Err(NetRefusal::Vpn)
        );
    }

    #[test]
    fn settings_that_do_not_parse_turn_that_key_off_and_are_reported() {
        for bad in [
            json!({ "blockVpn": "yes" }),
            json!({ "geoBlocking": { "allow": ["GBR"] } }),
            json!({ "geoBlocking": { "allow": ["GB"], "deny": ["DE"] } }),
            json!({ "geoBlocking": { "allow": "GB" } }),
            json!({ "geoBlocking": { "allow": ["GB"], "signOn": 1 } }),
            json!({ "geoBlocking": { "allow": ["GB"], "countries": [] } }),
            json!({ "geoBlocking": [] }),
            json!({ "geoFiltering": "off" }),
        ] {
            let (p, problems) = NetworkPolicy::from_settings(&json!({ "network": bad.clone() }));
            assert_eq!(problems.len(), 1, "{bad}");
            assert!(p.is_off(), "{bad}");
            assert!(!p.ignore_content_rules, "{bad}");
        }
    }

    #[test]
    fn content_rules_are_enforced_unless_geo_filtering_is_turned_off() {
        assert!(!policy(json!({})).ignore_content_rules);
        assert!(!policy(json!({ "geoFiltering": true })).ignore_content_rules);
        let off = policy(json!({ "geoFiltering": false }));
        assert!(off.ignore_content_rules);
        assert!(off.is_off());
    }
}
