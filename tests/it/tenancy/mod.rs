//! The tenancy context over real HTTP: tenant provisioning through the
//! platform API and the `playgate tenant` commands.

pub(crate) mod provisioning;
