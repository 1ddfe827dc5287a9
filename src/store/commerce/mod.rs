//! The commerce context's rows: entitlements (with rental plays) and purchases.
//!
//! Must never: run a query that is not scoped by tenant.

pub mod entitlements;
pub mod purchases;
