//! Revoked sign-on chains (`sid`) and tokens (`jti`) per tenant, as the fast path
//! checks them on every token it accepts.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, Clone)]
struct TenantRevocations {
    sids: HashSet<Box<str>>,
    jtis: HashSet<Box<str>>,
}

/// Every revocation still in force.
#[derive(Debug, Default, Clone)]
pub struct Revoked {
    by_tenant: HashMap<Box<str>, TenantRevocations>,
}

impl Revoked {
    pub fn insert_sid(&mut self, tenant: &str, sid: &str) {
        self.by_tenant
            .entry(tenant.into())
            .or_default()
            .sids
            .insert(sid.into());
    }

    pub fn insert_jti(&mut self, tenant: &str, jti: &str) {
        self.by_tenant
            .entry(tenant.into())
            .or_default()
            .jtis
            .insert(jti.into());
    }

    /// True if the chain `sid` or the token `jti` of `tenant` is revoked.
    pub fn is_revoked(&self, tenant: &str, sid: &str, jti: &str) -> bool {
        self.by_tenant
            .get(tenant)
            .is_some_and(|t| t.sids.contains(sid) || t.jtis.contains(jti))
    }

    pub fn is_jti_revoked(&self, tenant: &str, jti: &str) -> bool {
        self.by_tenant
            .get(tenant)
            .is_some_and(|t| t.jtis.contains(jti))
    }

    pub fn len(&self) -> usize {
        self.by_tenant
            .values()
            .map(|t| t.sids.len() + t.jtis.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocations_are_per_tenant() {
        let mut r = Revoked::default();
        r.insert_sid("a", "s1");
        r.insert_jti("a", "j1");
        assert!(r.is_revoked("a", "s1", "x"));
        assert!(r.is_revoked("a", "x", "j1"));
        assert!(
            !r.is_revoked("b", "s1", "j1"),
            "another tenant's ids are not revoked"
        );
        assert!(!r.is_revoked("a", "s2", "j2"));
        assert!(r.is_jti_revoked("a", "j1") && !r.is_jti_revoked("a", "s1"));
        assert_eq!(r.len(), 2);
    }
}
