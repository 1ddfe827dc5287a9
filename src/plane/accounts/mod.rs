//! The accounts context: accounts, their devices and device approvals, PINs
//! and parental thresholds, the people a profile follows (`follows`, CCP
//! users), user profiles (`profiles`: UPS and Rocket), and the account and
//! device rules other contexts apply (`rules`).
//!
//! Must never: issue a token (identity does), or read another tenant's rows.

pub mod account;
pub mod device_approvals;
pub mod follows;
pub mod parental;
pub mod pins;
pub mod profiles;
pub mod rules;

use super::Base;

/// The accounts service. Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    base: Base,
    /// A deleted profile's activity goes with it.
    activity: super::activity::Activity,
}

impl Accounts {
    pub fn new(base: Base, activity: super::activity::Activity) -> Self {
        Self { base, activity }
    }
}
