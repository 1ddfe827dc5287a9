//! The delivery context over real HTTP: CDN schemes against real verifiers, network lists and policy, guest rooms.

pub(crate) mod cdn_nginx;
pub(crate) mod cdn_references;
pub(crate) mod guest_rooms;
pub(crate) mod network_lists;
pub(crate) mod network_policy;
