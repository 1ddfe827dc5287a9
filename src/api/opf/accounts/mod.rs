//! The OPF face's accounts handlers: accounts, devices and approvals, PINs, parental
//! thresholds, CCP users (the people a profile follows) and UPS user profiles.

pub mod adm_accounts;
pub mod adm_devices;
pub mod adm_parental;
pub mod adm_pins;
pub mod ccp_users;
pub mod ups;
