//! The tenancy context: tenants and their operator credentials, and each
//! tenant's token-signing key ring (rotation, import, signing off the fast
//! path).
//!
//! Must never: hand a private key to a caller, or let one tenant's key sign
//! another's tokens.

pub mod keys;
pub mod provisioning;
pub mod settings;
pub mod tenants;

use super::Base;

/// The tenancy service. Cheap to clone.
#[derive(Clone)]
pub struct Tenancy {
    base: Base,
}

impl Tenancy {
    pub fn new(base: Base) -> Self {
        Self { base }
    }
}
