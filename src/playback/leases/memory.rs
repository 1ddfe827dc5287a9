//! One node's leases: a map account key → leases under one lock. Each step
//! runs under the lock, so it sees and writes one state. Accounts whose
//! leases have all expired are swept every few thousand steps.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{SessionError, Step};
use crate::core::sessions::Lease;

const SWEEP_EVERY: u64 = 4096;

#[derive(Default)]
pub(super) struct MemoryLeases {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_account: HashMap<String, Vec<Lease>>,
    steps: u64,
}

impl MemoryLeases {
    pub(super) fn update<R>(
        &self,
        key: &str,
        now: i64,
        step: impl Fn(&[Lease]) -> Step<R>,
    ) -> Result<R, SessionError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| SessionError::Unavailable("session lease table poisoned".into()))?;
        inner.steps += 1;
        if inner.steps % SWEEP_EVERY == 0 {
            inner
                .by_account
                .retain(|_, leases| leases.iter().any(|l| l.expires > now));
        }
        let current = inner.by_account.get(key).map_or(&[][..], Vec::as_slice);
        let (write, answer) = step(current);
        match write {
            Some(next) if next.is_empty() => {
                inner.by_account.remove(key);
            }
            Some(next) => {
                inner.by_account.insert(key.to_owned(), next);
            }
            None => {}
        }
        answer
    }
}
