//! A stream's lease as players see it (in content-token answers, the
//! session routes and the refusal that lists the live streams).

use serde::Serialize;

use crate::api::time_fmt::iso;
use crate::core::sessions::Lease;

/// A lease as players see it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseOut {
    session_id: String,
    device_id: String,
    content_id: String,
    group_id: Option<String>,
    started: String,
    expires: String,
    /// How often to send a heartbeat, in seconds (a third of the lease).
    heartbeat_s: i64,
}

impl LeaseOut {
    pub fn of(l: Lease, lease_s: i64) -> Self {
        Self {
            session_id: l.session_id,
            device_id: l.device_id,
            content_id: l.content_id,
            group_id: l.group_id,
            started: iso(l.started),
            expires: iso(l.expires),
            heartbeat_s: (lease_s / 3).max(1),
        }
    }
}
