//! In-process locks by key, taken before a write transaction begins, so
//! same-key work on one node queues in memory instead of each request
//! holding a pooled connection while it waits for the database's lock
//! ([`super::Store::write_locked`]). Across nodes the database lock
//! (PostgreSQL advisory lock) still decides; this only keeps a burst on one
//! key from tying up the pool: at most one connection per node waits.
//!
//! Must never: be held across an await on anything but the transaction it
//! guards, or keep entries for keys nobody holds (dead entries are swept as
//! the map grows).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The locks, by key.
#[derive(Debug, Default)]
pub struct KeyLocks {
    inner: Mutex<Map>,
}

#[derive(Debug, Default)]
struct Map {
    locks: HashMap<String, Weak<AsyncMutex<()>>>,
    /// Size after the last sweep of dead entries.
    swept_at: usize,
}

impl KeyLocks {
    /// Waits for `key`'s lock; it is released when the guard drops.
    pub async fn lock(&self, key: &str) -> OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let found = map.locks.get(key).and_then(Weak::upgrade);
            match found {
                Some(lock) => lock,
                None => {
                    let lock = Arc::new(AsyncMutex::new(()));
                    map.locks.insert(key.to_owned(), Arc::downgrade(&lock));
                    if map.locks.len() > 2 * map.swept_at.max(64) {
                        map.locks.retain(|_, w| w.strong_count() > 0);
                        map.swept_at = map.locks.len();
                    }
                    lock
                }
            }
        };
        lock.lock_owned().await
    }

    /// Keys with an entry (held, waited for, or not yet swept).
    #[cfg(test)]
    fn entries(&self) -> usize {
        self.inner.lock().unwrap().locks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_holder_per_key_and_keys_are_independent() {
        let locks = Arc::new(KeyLocks::default());
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let (locks, inside, most) = (locks.clone(), inside.clone(), most.clone());
                tokio::spawn(async move {
                    let _g = locks.lock("account/a").await;
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        // Another key is not held up by the queue on the first.
        let other = tokio::time::timeout(Duration::from_millis(500), locks.lock("account/b")).await;
        assert!(other.is_ok());
        drop(other);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn released_keys_are_swept() {
        let locks = KeyLocks::default();
        for i in 0..1000 {
            drop(locks.lock(&format!("k{i}")).await);
        }
        assert!(locks.entries() <= 129, "{}", locks.entries());
    }
}
