//! The tenancy context over real HTTP: tenant provisioning and settings
//! through the platform API, and the `playgate tenant` commands.

pub(crate) mod provisioning;
pub(crate) mod settings;
