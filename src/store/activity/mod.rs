//! The activity context's rows: the collection engine's records
//! (`activity_records`, every kind of [`crate::core::activity::kinds`]).

pub mod records;
