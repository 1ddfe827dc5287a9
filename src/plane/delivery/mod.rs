//! The delivery context: the operator's CDNs and their signing keys, network
//! lists (and the files they may be loaded from), and GES guest rooms.
//!
//! Must never: sign a CDN URL (the playback use case does, from the
//! snapshot), or log a CDN key.

pub mod cdns;
pub mod guest_rooms;
pub mod list_files;
pub mod network_lists;

use super::Base;

/// The delivery service. Cheap to clone.
#[derive(Clone)]
pub struct Delivery {
    base: Base,
}

impl Delivery {
    pub fn new(base: Base) -> Self {
        Self { base }
    }
}
