//! The Rocket face (`/api`): thin handlers in Rocket's shapes, errors as
//! `ServiceError {message, code}`.

pub mod accounts;
pub mod activity;
pub mod catalogue;
pub mod identity;
pub(crate) mod params;
pub mod playback;
