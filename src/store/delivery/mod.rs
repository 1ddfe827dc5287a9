//! The delivery context's rows: CDNs and their keys, network lists, guest rooms.
//!
//! Must never: run a query that is not scoped by tenant.

pub mod cdns;
pub mod guest_rooms;
pub mod network_lists;
