//! The playback decision on a snapshot of 1M accounts / 3M entitlements / 100k
//! contents (`PLAYGATE_BENCH_ACCOUNTS` to change the size): a grant (1024
//! viewers cycled, and 65 536), a refusal (not entitled), free-to-air, and
//! applying one account change
//! (copy-on-write of one shard). Prints the resident memory the snapshot adds.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::decide::{decide, Purpose, Request};
use playgate::core::snapshot::playback::AccountEntry;
use playgate::core::snapshot::synthetic::{self, products_of, PRODUCTS};

const NOW: i64 = 1_800_000_000;

// The service's allocator, so resident memory reads as it would there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4)
}

fn ask((a, d, content): &Ask) -> Request<'_> {
    Request {
        account_id: a,
        device_id: Some(d),
        content_id: content,
        client_ip: None,
        in_home_claim: false,
        playback_guard: false,
        purpose: Purpose::Play,
        now: NOW,
    }
}

/// Distinct viewers in the wide grant bench (a power of two).
const WIDE: usize = 65_536;

type Ask = (String, String, String);

/// `n` (account, device, content) triples, `n` distinct accounts spread over
/// all of them (7919 is prime to any power of ten) and up to 5 000 contents:
/// one that grants and one that does not for each.
fn pairs(accounts: u64, n: usize) -> (Vec<Ask>, Vec<Ask>) {
    let mut grants = Vec::with_capacity(n);
    let mut denials = Vec::with_capacity(n);
    for k in 0..n as u64 {
        let i = (k * 7919) % accounts;
        let owned = products_of(i);
        let yes = owned[0] + PRODUCTS * (k as u32 % 100);
        let no = (0..PRODUCTS).find(|q| !owned.contains(q)).unwrap() + PRODUCTS * (k as u32 % 100);
        let (account, device) = (format!("acc-{i}"), format!("dev-{i}-0"));
        grants.push((account.clone(), device.clone(), format!("DRM_vod-{yes}")));
        denials.push((account, device, format!("DRM_vod-{no}")));
    }
    (grants, denials)
}

fn bench(c: &mut Criterion) {
    let accounts: u64 = std::env::var("PLAYGATE_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let before = rss_kib();
    let started = std::time::Instant::now();
    let p = synthetic::playback(accounts, 100_000);
    let built = rss_kib();
    // As the service does after a whole-tenant build.
    playgate::memory::release_freed();
    let (kept, ents) = (rss_kib(), (accounts * 3).max(1));
    eprintln!(
        "snapshot: {accounts} accounts, {} entitlements, 100000 contents; built in {:?}; +{} MiB resident at the end of the build, +{} MiB once freed memory is released ({} bytes per entitlement all told); account records and arenas {} bytes per entitlement",
        accounts * 3,
        started.elapsed(),
        (built - before) / 1024,
        (kept - before) / 1024,
        (kept - before) * 1024 / ents,
        p.accounts.heap_bytes() as u64 / ents,
    );
    // 1024 distinct (account, content) pairs that grant, and as many that do
    // not: their records stay in the caches between rounds.
    let (grants, denials) = pairs(accounts, 1024);
    // 65 536 distinct viewers of the same 5 000 contents (a kick-off): the
    // account records mostly come from memory.
    let (wide, _) = pairs(accounts, WIDE);
    for g in grants.iter().chain(&wide) {
        assert!(decide(&p, &ask(g), &mut ()).is_ok());
    }
    for d in &denials {
        assert!(decide(&p, &ask(d), &mut ()).is_err());
    }

    let mut n = 0usize;
    c.bench_function("decide_grant_1M_accounts", |b| {
        b.iter(|| {
            n = (n + 1) & 1023;
            black_box(decide(&p, black_box(&ask(&grants[n])), &mut ()).is_ok())
        })
    });
    let mut w = 0usize;
    c.bench_function("decide_grant_1M_accounts_65536_viewers", |b| {
        b.iter(|| {
            w = (w + 1) & (WIDE - 1);
            black_box(decide(&p, black_box(&ask(&wide[w])), &mut ()).is_ok())
        })
    });
    c.bench_function("decide_deny_not_entitled_1M_accounts", |b| {
        b.iter(|| {
            n = (n + 1) & 1023;
            black_box(decide(&p, black_box(&ask(&denials[n])), &mut ()).is_err())
        })
    });
    let fta = (
        grants[0].0.clone(),
        grants[0].1.clone(),
        "DRM_ch-fta".to_owned(),
    );
    c.bench_function("decide_free_to_air_1M_accounts", |b| {
        b.iter(|| black_box(decide(&p, black_box(&ask(&fta)), &mut ()).is_ok()))
    });
    let entry: AccountEntry = synthetic::account(42);
    c.bench_function("apply_one_account_change_1M_accounts", |b| {
        b.iter(|| black_box(p.accounts.with("acc-42", Some(&entry))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
