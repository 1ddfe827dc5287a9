//! Demo data: the small `demo` tenant the README's examples use, and the
//! deterministic bulk generator for load tests. Outside the store: the
//! small tenant is written through the plane and the store's functions,
//! the bulk rows through `store::bulk`; no SQL here.
//!
//! Must never: run against a store without being asked (`serve` seeds only an
//! empty store, and only when `demo.seed_on_empty` is on).

mod activity;
mod bulk;
mod catalogue;
mod small;

pub use bulk::{generate, BulkReport, BulkSpec};
pub use small::{seed, ACCOUNTS, ON_NET, OPERATOR_KEY, TENANT};
