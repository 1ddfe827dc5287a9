//! Concurrent-stream leases (`sessionControl`): the account's live streams,
//! each a lease a content token opens (or renews), a heartbeat renews, a stop
//! ends, and time ends when the heartbeats stop. The rule is
//! [`crate::core::sessions::admit`]; this module holds the leases:
//!
//! - `memory`: in this node, under one lock (a single node);
//! - `redis`: in Redis, one hash per account (`v`, a version, and `leases`),
//!   read, decided here, and written by a script that writes only if the
//!   version is still the one read (else read and decide again), so the
//!   limit holds for any number of nodes sharing the Redis. The key expires
//!   with the last lease.
//!
//! Every change is one whole-account step, so both stores run the same rule
//! on the same data. Must never: let an account hold more live leases than
//! its limits, or let one account see or stop another's.

mod memory;
mod redis;

use std::sync::Arc;

use crate::core::claims::SessionControl;
use crate::core::sessions::{admit, Admission, Lease, StreamLimits};

/// How many times a step is retried when another node wrote first.
const MAX_ATTEMPTS: usize = 32;

/// Why a session request fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    /// No slot: the account's total (`group: false`) or the device's group is
    /// full; the live leases, so a player can offer to stop one.
    /// `lease_s`: the leases' length, for the heartbeat advice.
    Full {
        group: bool,
        active: Vec<Lease>,
        lease_s: i64,
    },
    /// No live lease of the account has this id.
    NotFound,
    /// The lease store cannot be reached or keeps changing: retry.
    Unavailable(String),
}

/// Refusal codes (HTTP 403).
pub mod refusal {
    /// The account's concurrent streams are at its `maxSessions`.
    pub const TOO_MANY_STREAMS: u32 = 40395;
    /// The device's group's concurrent streams are at the group's `maxSessions`.
    pub const TOO_MANY_STREAMS_IN_GROUP: u32 = 40396;
}

/// The limits a token's `sessionControl` states for its device; `None`
/// when the account's streams are not limited.
pub fn limits_of(control: &SessionControl) -> Option<StreamLimits> {
    if !control.session_control_enabled {
        return None;
    }
    let clamp = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let group = control.group_id.as_ref().and_then(|id| {
        control
            .groups
            .iter()
            .find(|g| &g.group_id == id)
            .map(|g| (id.clone(), clamp(g.max_sessions)))
    });
    Some(StreamLimits {
        max_total: control.max_sessions.map(clamp),
        group,
    })
}

enum Store {
    Memory(memory::MemoryLeases),
    Redis(Box<redis::RedisLeases>),
}

/// The node's lease service.
#[derive(Clone)]
pub struct Sessions {
    store: Arc<Store>,
    key_prefix: Arc<str>,
    lease_s: i64,
}

/// The leases still live at `now` (expired ones are dropped at every write).
fn live_at(leases: &[Lease], now: i64) -> Vec<Lease> {
    leases.iter().filter(|l| l.expires > now).cloned().collect()
}

/// What one step decides: the account's leases to write (`None`: unchanged)
/// and the answer.
type Step<R> = (Option<Vec<Lease>>, Result<R, SessionError>);

impl Sessions {
    /// One node's leases, in memory.
    pub fn in_memory(lease_s: i64) -> Self {
        Self {
            store: Arc::new(Store::Memory(memory::MemoryLeases::default())),
            key_prefix: "playgate".into(),
            lease_s,
        }
    }

    /// A cluster's leases, in the Redis at `url` (connected lazily and
    /// reconnected as needed).
    pub fn in_redis(url: &str, key_prefix: &str, lease_s: i64) -> Result<Self, String> {
        Ok(Self {
            store: Arc::new(Store::Redis(Box::new(redis::RedisLeases::new(url)?))),
            key_prefix: key_prefix.into(),
            lease_s,
        })
    }

    pub fn lease_s(&self) -> i64 {
        self.lease_s
    }

    fn key(&self, tenant: &str, account: &str) -> String {
        // Lengths first: ids may hold ':'.
        format!(
            "{}:sessions:{}:{tenant}:{account}",
            self.key_prefix,
            tenant.len()
        )
    }

    async fn update<R>(
        &self,
        key: &str,
        now: i64,
        step: impl Fn(&[Lease]) -> Step<R>,
    ) -> Result<R, SessionError> {
        match &*self.store {
            Store::Memory(m) => m.update(key, now, step),
            Store::Redis(r) => {
                for _ in 0..MAX_ATTEMPTS {
                    let (version, leases) = r.read(key).await?;
                    let (write, answer) = step(&leases);
                    let Some(next) = write else {
                        return answer;
                    };
                    let ttl_ms = next
                        .iter()
                        .map(|l| l.expires)
                        .max()
                        .map_or(1, |end| (end - now).max(1) * 1000);
                    if r.write_if(key, version, &next, ttl_ms).await? {
                        return answer;
                    }
                }
                Err(SessionError::Unavailable(
                    "session leases kept changing; retry".into(),
                ))
            }
        }
    }

    /// Opens (or renews) the device's lease for `content_id`.
    pub async fn open(
        &self,
        (tenant, account, device): (&str, &str, &str),
        content_id: &str,
        limits: &StreamLimits,
        now: i64,
    ) -> Result<Lease, SessionError> {
        let expires = now + self.lease_s;
        let fresh_id = uuid::Uuid::new_v4().to_string();
        self.update(&self.key(tenant, account), now, |leases| {
            let mut live = live_at(leases, now);
            match admit(limits, &live, device, now) {
                Admission::Renew(i) => {
                    live[i].expires = expires;
                    live[i].content_id = content_id.to_owned();
                    let lease = live[i].clone();
                    (Some(live), Ok(lease))
                }
                Admission::Open => {
                    let lease = Lease {
                        session_id: fresh_id.clone(),
                        device_id: device.to_owned(),
                        content_id: content_id.to_owned(),
                        group_id: limits.group.as_ref().map(|(g, _)| g.clone()),
                        started: now,
                        expires,
                    };
                    live.push(lease.clone());
                    (Some(live), Ok(lease))
                }
                full @ (Admission::AccountFull | Admission::GroupFull) => (
                    None,
                    Err(SessionError::Full {
                        group: full == Admission::GroupFull,
                        active: live,
                        lease_s: self.lease_s,
                    }),
                ),
            }
        })
        .await
    }

    /// Renews a live lease of the account.
    pub async fn heartbeat(
        &self,
        (tenant, account): (&str, &str),
        session_id: &str,
        now: i64,
    ) -> Result<Lease, SessionError> {
        let expires = now + self.lease_s;
        self.update(&self.key(tenant, account), now, |leases| {
            let mut live = live_at(leases, now);
            match live.iter_mut().find(|l| l.session_id == session_id) {
                Some(l) => {
                    l.expires = expires;
                    let lease = l.clone();
                    (Some(live), Ok(lease))
                }
                None => (None, Err(SessionError::NotFound)),
            }
        })
        .await
    }

    /// Ends a lease of the account (its slot frees at once).
    pub async fn stop(
        &self,
        (tenant, account): (&str, &str),
        session_id: &str,
        now: i64,
    ) -> Result<(), SessionError> {
        self.update(&self.key(tenant, account), now, |leases| {
            let live = live_at(leases, now);
            if !live.iter().any(|l| l.session_id == session_id) {
                return (None, Err(SessionError::NotFound));
            }
            let rest = live
                .into_iter()
                .filter(|l| l.session_id != session_id)
                .collect();
            (Some(rest), Ok(()))
        })
        .await
    }

    /// The account's live leases, oldest first.
    pub async fn list(
        &self,
        (tenant, account): (&str, &str),
        now: i64,
    ) -> Result<Vec<Lease>, SessionError> {
        self.update(&self.key(tenant, account), now, |leases| {
            let mut live = live_at(leases, now);
            live.sort_by_key(|l| l.started);
            (None, Ok(live))
        })
        .await
    }
}
