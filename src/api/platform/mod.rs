//! The platform API (`/platform/v1/...`, proposed paths; no reference face
//! defines one): what whoever runs playgate does across tenants, behind the
//! platform key (`extract::platform`), with errors in the ADM envelope.

pub mod settings;
pub mod tenants;
