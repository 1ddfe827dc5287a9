//! The identity context's rows: the gateway's auth services and identities, device codes (both flows) and revocations.
//!
//! Must never: run a query that is not scoped by tenant.

pub mod auth_services;
pub mod device_codes;
pub mod revocations;
