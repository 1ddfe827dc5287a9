//! The activity context over real HTTP: the collection engine behind the
//! OPF clientdata and Activity Gateway routes, write-behind, limits and
//! expiry.

mod clientdata;
mod events;
pub(crate) mod fixtures;
pub(crate) mod rocket;
mod write_behind;
