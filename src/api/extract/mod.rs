//! Request extractors whose rejections render in the face's own envelope:
//! tenant, operator credential, JSON body, query and path.

pub mod account_caller;
mod bearer;
mod body;
pub mod client_addr;
pub mod control_chars;
mod operator;
mod params;
pub mod platform;
pub mod rocket_auth;
pub(crate) mod tenant;

pub use account_caller::AccountCaller;
pub use bearer::{
    bearer_token, require_authorization_token, require_bearer, verify_access, SignedOn,
};
pub use body::{CsvBody, JsonBody, MultilineJsonBody, OptionalJsonBody};
pub use client_addr::ClientAddr;
pub use operator::Operator;
pub use params::{PathParam, QueryFields, QueryParams, QueryStrings};
pub(crate) use tenant::resolve as resolve_tenant;
pub use tenant::{RocketTenant, Tenant};
