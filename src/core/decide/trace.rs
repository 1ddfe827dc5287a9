//! The decision trace: which rule looked at which data, and what it concluded.
//! `decide` reports every step to a [`Tracer`]; the content-token path passes
//! `()` (nothing recorded, nothing allocated), support tools pass a
//! `Vec<Step>` and get the whole story.

use serde::Serialize;

use crate::core::snapshot::playback::ProductIdx;

/// The rules `decide` applies, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Rule {
    Account,
    Device,
    Approval,
    /// The client address against the tenant's VPN / proxy list.
    Vpn,
    /// The client's country against the tenant's geo-blocking.
    GeoBlocking,
    Content,
    ContentWindow,
    /// The content's own location rules (VPN, filtering and blocking lists).
    GeoFiltering,
    Network,
    InHome,
    /// Rocket's playback guard (`minRatingPlaybackGuard`).
    PlaybackGuard,
    FreeToAir,
    Entitlement,
    DeviceClass,
    Event,
    Rental,
    Download,
    /// A guest pass of a guest room (channels the account is not entitled to).
    GuestRoom,
}

/// What a rule concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Pass,
    Fail,
    /// The rule does not apply to this request.
    Skip,
}

/// The data a step looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Detail {
    None,
    /// A time window (epoch seconds; `4294967295` = open end) and now.
    Window {
        start: u32,
        end: u32,
        now: u32,
    },
    /// An entitlement's product (interned index; named in rendered traces).
    Product {
        product: ProductIdx,
    },
    /// A rental's plays.
    Plays {
        used: u16,
        max: u32,
    },
    /// A flag that decided the step (e.g. on-net, in-home, approved).
    Flag {
        value: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub rule: Rule,
    pub outcome: Outcome,
    pub detail: Detail,
}

/// Receives the steps of one decision.
pub trait Tracer {
    fn step(&mut self, rule: Rule, outcome: Outcome, detail: Detail);
}

/// No trace: the fast path.
impl Tracer for () {
    #[inline(always)]
    fn step(&mut self, _: Rule, _: Outcome, _: Detail) {}
}

/// Every step, in order.
impl Tracer for Vec<Step> {
    fn step(&mut self, rule: Rule, outcome: Outcome, detail: Detail) {
        self.push(Step {
            rule,
            outcome,
            detail,
        });
    }
}
