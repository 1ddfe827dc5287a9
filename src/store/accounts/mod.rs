//! The accounts context's rows: accounts and profiles, devices, PINs.
//!
//! Must never: run a query that is not scoped by tenant.

pub mod account;
pub mod devices;
pub mod follows;
pub mod pins;
pub mod profiles;
