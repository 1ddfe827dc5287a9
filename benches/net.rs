//! Longest-prefix lookups (`core::net::PrefixTable`) over generated lists:
//! 1 000 000 IPv4 prefixes shaped like a routing table (mostly /24s), 1 000 000
//! IPv6 prefixes (/32 to /64), and an 8-prefix on-network list, each against a
//! plain `Vec<IpNet>` scan for the longest match on the same list. Lookups
//! cycle 4096 random addresses, so the table is read from all over, not from
//! a few hot lines. Prints build time and size.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ipnet::IpNet;
use playgate::core::net::PrefixTable;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PROBES: usize = 4096;

fn v4_list(rng: &mut ChaCha8Rng, n: usize) -> Vec<(IpNet, u32)> {
    (0..n as u32)
        .map(|v| {
            let len = match rng.gen_range(0..100) {
                0..=59 => 24,
                60..=69 => rng.gen_range(22..=23),
                70..=84 => rng.gen_range(16..=21),
                85..=94 => rng.gen_range(25..=32),
                _ => rng.gen_range(8..=15),
            };
            let addr = IpAddr::V4(Ipv4Addr::from(rng.gen::<u32>()));
            (IpNet::new(addr, len).unwrap().trunc(), v)
        })
        .collect()
}

fn v6_list(rng: &mut ChaCha8Rng, n: usize) -> Vec<(IpNet, u32)> {
    (0..n as u32)
        .map(|v| {
            let len = *[32u8, 36, 40, 44, 48, 48, 48, 56, 64]
                .get(rng.gen_range(0..9))
                .unwrap();
            // Global unicast, 2000::/3.
            let bits = (rng.gen::<u128>() >> 3) | (1u128 << 125);
            let addr = IpAddr::V6(Ipv6Addr::from(bits));
            (IpNet::new(addr, len).unwrap().trunc(), v)
        })
        .collect()
}

fn scan(list: &[(IpNet, u32)], ip: IpAddr) -> Option<u32> {
    list.iter()
        .filter(|(n, _)| n.contains(&ip))
        .max_by_key(|(n, _)| n.prefix_len())
        .map(|(_, v)| *v)
}

fn bench(c: &mut Criterion) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let v4 = v4_list(&mut rng, 1_000_000);
    let v6 = v6_list(&mut rng, 1_000_000);
    let on_net: Vec<(IpNet, u32)> = [
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "100.64.0.0/10",
        "10.0.0.0/8",
        "2001:db8::/32",
        "2a00:1450::/32",
        "fd00::/8",
    ]
    .iter()
    .enumerate()
    .map(|(i, s)| (s.parse().unwrap(), i as u32))
    .collect();

    let started = std::time::Instant::now();
    let t4 = PrefixTable::new(v4.iter().copied());
    let built4 = started.elapsed();
    let started = std::time::Instant::now();
    let t6 = PrefixTable::new(v6.iter().copied());
    let built6 = started.elapsed();
    let small = PrefixTable::new(on_net.iter().copied());
    eprintln!(
        "IPv4: 1M prefixes -> {} ranges, built in {built4:?}; IPv6: 1M prefixes -> {} ranges, built in {built6:?}",
        t4.ranges().0,
        t6.ranges().1
    );

    let probes4: Vec<IpAddr> = (0..PROBES)
        .map(|_| IpAddr::V4(Ipv4Addr::from(rng.gen::<u32>())))
        .collect();
    let probes6: Vec<IpAddr> = (0..PROBES)
        .map(|_| IpAddr::V6(Ipv6Addr::from((rng.gen::<u128>() >> 3) | (1u128 << 125))))
        .collect();
    let hits = probes4.iter().filter(|ip| t4.contains(**ip)).count();
    eprintln!("IPv4 probes covered by a prefix: {hits} of {PROBES}");
    // The table is the scan, on the probes (a few, the scan is slow).
    for ip in probes4.iter().take(32).chain(probes6.iter().take(32)) {
        let t = if ip.is_ipv4() { &t4 } else { &t6 };
        let l = if ip.is_ipv4() { &v4 } else { &v6 };
        assert_eq!(t.get(*ip).copied(), scan(l, *ip), "{ip}");
    }

    let mut i = 0usize;
    let mut next = || {
        i = (i + 1) & (PROBES - 1);
        i
    };
    c.bench_function("prefix_lookup_v4_1M_prefixes", |b| {
        b.iter(|| black_box(t4.get(black_box(probes4[next()]))))
    });
    c.bench_function("prefix_lookup_v6_1M_prefixes", |b| {
        b.iter(|| black_box(t6.get(black_box(probes6[next()]))))
    });
    c.bench_function("prefix_lookup_v4_8_prefixes", |b| {
        b.iter(|| black_box(small.get(black_box(probes4[next()]))))
    });
    c.bench_function("prefix_scan_v4_8_prefixes_vec", |b| {
        b.iter(|| black_box(scan(&on_net, black_box(probes4[next()]))))
    });
    let mut g = c.benchmark_group("scan_1M");
    g.sample_size(10);
    g.bench_function("prefix_scan_v4_1M_prefixes_vec", |b| {
        b.iter(|| black_box(scan(&v4, black_box(probes4[next()]))))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
