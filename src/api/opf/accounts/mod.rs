//! The OPF face's accounts handlers: accounts, devices and approvals, PINs, parental
//! thresholds, and CCP users (the people a profile follows).

pub mod adm_accounts;
pub mod adm_devices;
pub mod adm_parental;
pub mod adm_pins;
pub mod ccp_users;
