//! The Rocket face's accounts handlers: accounts, devices and approvals, PINs, parental thresholds, profiles.

pub mod profiles;
pub mod register;
