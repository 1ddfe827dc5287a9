//! The sign-on settings the identity context owns (`[tokens]`).

use crate::config::TokensConfig;
use crate::core::claims::Lifetimes;
use crate::plane::secrets::Lockout;

/// The sign-on settings, from `[tokens]`.
#[derive(Debug, Clone, Copy)]
pub struct SignOnPolicy {
    pub lifetimes: Lifetimes,
    pub leeway_s: i64,
    pub max_failed_signons: i64,
    pub lockout_s: i64,
}

impl SignOnPolicy {
    pub fn from_config(t: &TokensConfig) -> Self {
        Self {
            lifetimes: Lifetimes {
                access_s: t.access_ttl_s,
                refresh_s: t.refresh_ttl_s,
                fixed_s: t.fixed_ttl_s,
            },
            leeway_s: t.leeway_s,
            max_failed_signons: t.max_failed_signons,
            lockout_s: t.signon_lockout_s,
        }
    }
}

impl From<SignOnPolicy> for Lockout {
    fn from(p: SignOnPolicy) -> Self {
        Self {
            max_failures: p.max_failed_signons,
            lock_s: p.lockout_s,
        }
    }
}
