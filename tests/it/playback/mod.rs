//! The playback context over real HTTP: content tokens, the URL Builder, stream leases, the decision trace.

pub(crate) mod cluster_sessions;
pub(crate) mod content_token;
pub(crate) mod decision_trace;
pub(crate) mod rocket_videos;
pub(crate) mod sessions;
pub(crate) mod url_builder;
