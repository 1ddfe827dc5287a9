//! The commerce context: entitlements (operator grants and the user's
//! reads), purchases (with the CRM hand-off), and the rental-play writer the
//! playback use case feeds.
//!
//! Must never: decide playback (core's `decide` does), or let a user read or
//! buy for another account.

pub mod entitlements;
pub mod plays;
pub mod purchases;

use super::Base;

/// The commerce service. Cheap to clone.
#[derive(Clone)]
pub struct Commerce {
    base: Base,
}

impl Commerce {
    pub fn new(base: Base) -> Self {
        Self { base }
    }
}
