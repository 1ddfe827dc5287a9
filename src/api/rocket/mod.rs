//! The Rocket face (`/api`): thin handlers in Rocket's shapes, errors as
//! `ServiceError {message, code}`.

pub mod authorization;
pub mod config;
pub mod items;
pub mod pairing;
mod params;
pub mod pin_authorization;
pub mod register;
pub mod videos;
