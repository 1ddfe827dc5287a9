//! The Rocket face's playback handlers: content tokens, the URL Builder, stream leases and the decision trace, over the playback use case.

pub mod clips;
pub mod items;
pub mod videos;
