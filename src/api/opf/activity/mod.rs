//! The activity context's OPF routes: the User Activity Vault's clientdata
//! and the Activity Gateway's writes, generated from the kinds table
//! ([`clientdata`]).

pub mod clientdata;
pub mod events;
