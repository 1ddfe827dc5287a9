//! The accounts context over real HTTP: accounts, devices and approvals, PINs, parental thresholds.

pub(crate) mod account;
pub(crate) mod cluster_approvals;
pub(crate) mod device_approvals;
pub(crate) mod parental;
pub(crate) mod pins;
