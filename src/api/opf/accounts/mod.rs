//! The OPF face's accounts handlers: accounts, devices and approvals, PINs, parental thresholds.

pub mod adm_accounts;
pub mod adm_devices;
pub mod adm_parental;
pub mod adm_pins;
