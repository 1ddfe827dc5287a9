//! Per-client-IP throttling of the credential endpoints (passwords, PINs, device
//! codes, managed-device ids, single-use tokens): every 401 such a route answers
//! counts as a failure of the caller's address; past `limit` failures inside the
//! window, the address gets 429 with `Retry-After` until the window ends, before
//! any credential is looked at. This complements the stored per-account lockout,
//! which one address guessing across many accounts never trips.
//!
//! IPv6 callers are counted per /64 (one subscriber's allocation). The counters
//! live in this node's memory: a restart forgets them, and in a cluster each
//! node counts on its own.
//!
//! Must never: count a request that succeeded, or block before looking up the
//! caller's own window (no global lock held across a request).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::api::error::{codes, render_for_path, ApiError};
use crate::api::extract::client_addr;
use crate::app::AppState;

/// Addresses tracked before expired windows are swept.
const SWEEP_AT: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: i64,
    failures: u32,
}

/// Failure windows by client address.
#[derive(Debug)]
pub struct IpThrottle {
    limit: u32,
    window_s: i64,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

/// The key an address is counted under: IPv4 as is, IPv6 by its /64.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut s = v6.segments();
                s[4..].fill(0);
                IpAddr::V6(s.into())
            }
        },
    }
}

impl IpThrottle {
    pub fn new(limit: u32, window_s: i64) -> Self {
        Self {
            limit,
            window_s,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until `ip` may try again, if it is blocked at `now`.
    pub fn blocked(&self, ip: IpAddr, now: i64) -> Option<i64> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let w = windows.get(&bucket(ip))?;
        let ends = w.started + self.window_s;
        (w.failures >= self.limit && now < ends).then_some(ends - now)
    }

    /// Counts one failure of `ip` at `now`.
    pub fn record_failure(&self, ip: IpAddr, now: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() >= SWEEP_AT {
            let window_s = self.window_s;
            windows.retain(|_, w| now < w.started + window_s);
        }
        let w = windows.entry(bucket(ip)).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now >= w.started + self.window_s {
            *w = Window {
                started: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }
}

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let trusted = &state.trusted_proxies;
    let Some(ip) = client_addr::of(request.headers(), request.extensions(), trusted) else {
        return next.run(request).await;
    };
    let throttle = &state.signon_throttle;
    if let Some(retry_after_s) = throttle.blocked(ip, state.clock.now_s()) {
        let mut err = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::THROTTLED,
            "too many failed attempts from this address, retry later",
        );
        err.retry_after_s = Some(retry_after_s.max(1));
        return render_for_path(request.uri().path(), &err);
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED {
        throttle.record_failure(ip, state.clock.now_s());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_and_expires() {
        let t = IpThrottle::new(3, 100);
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        for now in [0, 10, 20] {
            assert_eq!(t.blocked(ip, now), None);
            t.record_failure(ip, now);
        }
        assert_eq!(t.blocked(ip, 30), Some(70));
        assert_eq!(t.blocked("203.0.113.8".parse().unwrap(), 30), None);
        assert_eq!(t.blocked(ip, 100), None, "window over");
        t.record_failure(ip, 100);
        assert_eq!(t.blocked(ip, 101), None, "a new window starts at one");
    }

    #[test]
    fn ipv6_counts_per_64() {
        let t = IpThrottle::new(2, 100);
        t.record_failure("2001:db8:1:2::1".parse().unwrap(), 0);
        t.record_failure("2001:db8:1:2:ffff::9".parse().unwrap(), 0);
        assert!(t.blocked("2001:db8:1:2::77".parse().unwrap(), 1).is_some());
        assert!(t.blocked("2001:db8:1:3::1".parse().unwrap(), 1).is_none());
        t.record_failure("::ffff:198.51.100.1".parse().unwrap(), 0);
        t.record_failure("198.51.100.1".parse().unwrap(), 0);
        assert!(
            t.blocked("198.51.100.1".parse().unwrap(), 1).is_some(),
            "mapped v4 is v4"
        );
    }
}
