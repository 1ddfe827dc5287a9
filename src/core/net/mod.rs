//! Network facts about a request: which address the client really has (the
//! connection's peer, or what trusted proxies in front of playgate say), and
//! longest-prefix lookups over the operator's prefix lists, and the rules
//! (the tenant's and each content's) read against them.
//!
//! Must never: believe a forwarding header from a peer that is not a
//! configured trusted proxy, or do I/O.

mod content_rules;
mod forwarded;
mod lists;
mod policy;
mod prefixes;

pub use content_rules::{ContentRules, Country};
pub use forwarded::{canonical, client_ip, TrustedProxies};
pub use lists::{parse_geo, parse_vpn, Geo, ListError, ListKind, Place};
pub use policy::{GeoRule, NetRefusal, NetworkPolicy, Stage};
pub use prefixes::{parse_net, PrefixSet, PrefixTable, MAX_INDEX_BITS};
