//! The Rocket face's accounts handlers: accounts, devices and approvals, PINs, parental thresholds.

pub mod register;
