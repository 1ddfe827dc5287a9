//! The activity context's rows: the collection engine's records
//! (`activity_records`, every kind of [`crate::core::activity::kinds`]),
//! activity events, and the per-content aggregates (ratings, views).

pub mod aggregates;
pub mod events;
pub mod records;
