//! The OPF face's playback handlers: content tokens, the URL Builder, stream leases and the decision trace, over the playback use case.

pub mod cdn_content_token;
pub mod content_token;
pub mod decision_trace;
pub mod sessions;
pub mod url_builder;
