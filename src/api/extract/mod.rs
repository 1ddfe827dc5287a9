//! Request extractors whose rejections render in the face's own envelope:
//! tenant, operator credential, JSON body, query and path.

mod body;
mod operator;
mod params;
mod tenant;

pub use body::JsonBody;
pub use operator::Operator;
pub use params::{PathParam, QueryParams};
pub use tenant::{RocketTenant, Tenant};
