//! The Rocket face (`/api`): thin handlers in Rocket's shapes, errors as
//! `ServiceError {message, code}`.

pub mod authorization;
pub mod config;
pub mod items;
mod params;
