//! The tenancy context's rows: tenants and their signing keys.
//!
//! Must never: run a query that is not scoped by tenant.

pub mod keys;
pub mod tenants;
