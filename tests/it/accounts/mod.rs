//! The accounts context over real HTTP: accounts, devices and approvals, PINs, parental thresholds,
//! CCP users.

pub(crate) mod account;
mod ccp_users;
pub(crate) mod cluster_approvals;
pub(crate) mod device_approvals;
pub(crate) mod parental;
pub(crate) mod pins;
mod profiles;
