//! Injected time.
//!
//! Owns: the [`Clock`] seam every expiry, window and cool-off check reads "now"
//! through, a system clock for production and a manual clock for tests.
//!
//! Must never: be bypassed with `SystemTime::now()` in domain code.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" in milliseconds since the Unix epoch (UTC).
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;

    /// Whole seconds since the Unix epoch.
    fn now_s(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }
}

/// The machine's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to; shared between a test and the server.
#[derive(Debug)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        Self {
            now_ms: AtomicI64::new(now_ms),
        }
    }

    pub fn set_ms(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, by_ms: i64) {
        self.now_ms.fetch_add(by_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(1_700_000_000_500);
        assert_eq!(c.now_s(), 1_700_000_000);
        c.advance_ms(600);
        assert_eq!(c.now_ms(), 1_700_000_001_100);
        assert_eq!(c.now_s(), 1_700_000_001);
        c.set_ms(-1);
        assert_eq!(c.now_s(), -1, "seconds round towards minus infinity");
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(SystemClock.now_s() > 1_704_067_200);
    }
}
