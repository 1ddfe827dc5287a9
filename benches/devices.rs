//! Device approval checks: the `canIApproveADevice` rule
//! (`ApprovalLimits::status` over an account's approval times in the window:
//! a typical 2, and 64 for an account that churns devices) and the
//! `amiapproved` answer from a snapshot of 1M accounts
//! (`PLAYGATE_BENCH_ACCOUNTS` to change the size), 1024 viewers cycled and
//! 65 536.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::devices::{is_approved, ApprovalLimits, DAY_S};
use playgate::core::snapshot::synthetic;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const NOW: i64 = 1_800_000_000;

fn viewers(accounts: u64, n: u64) -> Vec<(String, String)> {
    (0..n)
        .map(|k| {
            let i = (k * 7919) % accounts;
            (format!("acc-{i}"), format!("dev-{i}-0"))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let limits = ApprovalLimits {
        enabled: true,
        max_approved: 5,
        allowed_in_period: 3,
        period_days: 30,
    };
    let two = [NOW - 20 * DAY_S, NOW - DAY_S];
    let many: Vec<i64> = (0..64).map(|k| NOW - 29 * DAY_S + k * 3600).collect();
    assert!(limits.status(2, &two, NOW).allowed);
    assert!(!limits.status(2, &many, NOW).allowed);
    c.bench_function("approval_status_2_in_window", |b| {
        b.iter(|| black_box(limits.status(black_box(2), black_box(&two), NOW)))
    });
    c.bench_function("approval_status_64_in_window", |b| {
        b.iter(|| black_box(limits.status(black_box(2), black_box(&many), NOW)))
    });

    let accounts: u64 = std::env::var("PLAYGATE_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let p = synthetic::playback(accounts, 1_000);
    playgate::memory::release_freed();
    for (wide, n) in [("", 1024u64), ("_65536_viewers", 65_536)] {
        let asks = viewers(accounts, n);
        for (a, d) in &asks {
            assert_eq!(
                p.accounts.get(a).and_then(|a| is_approved(a, d)),
                Some(true)
            );
        }
        let mut k = 0usize;
        c.bench_function(&format!("am_i_approved_1M_accounts{wide}"), |b| {
            b.iter(|| {
                k = (k + 1) % asks.len();
                let (a, d) = &asks[k];
                black_box(p.accounts.get(black_box(a)).and_then(|a| is_approved(a, d)))
            })
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
