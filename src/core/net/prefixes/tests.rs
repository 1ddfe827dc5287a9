use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn table(list: &[(&str, u32)]) -> PrefixTable<u32> {
    PrefixTable::new(list.iter().map(|&(n, v)| (net(n), v)))
}

/// The longest listed prefix holding `ip`, the later of equal ones: the
/// definition, by a scan.
fn naive(list: &[(IpNet, u32)], ip: IpAddr) -> Option<&u32> {
    let ip = canonical(ip);
    let mut best: Option<&(IpNet, u32)> = None;
    for entry in list {
        if entry.0.contains(&ip) && best.is_none_or(|b| entry.0.prefix_len() >= b.0.prefix_len()) {
            best = Some(entry);
        }
    }
    best.map(|b| &b.1)
}

#[test]
fn the_most_specific_prefix_wins_and_gaps_have_none() {
    let t = table(&[
        ("10.0.0.0/8", 1),
        ("10.1.0.0/16", 2),
        ("10.1.2.0/24", 3),
        ("10.1.2.128/25", 4),
        ("192.0.2.7/32", 5),
    ]);
    for (addr, want) in [
        ("9.255.255.255", None),
        ("10.0.0.0", Some(1)),
        ("10.0.255.255", Some(1)),
        ("10.1.0.0", Some(2)),
        ("10.1.2.0", Some(3)),
        ("10.1.2.127", Some(3)),
        ("10.1.2.128", Some(4)),
        ("10.1.2.255", Some(4)),
        ("10.1.3.0", Some(2)),
        ("10.2.0.0", Some(1)),
        ("10.255.255.255", Some(1)),
        ("11.0.0.0", None),
        ("192.0.2.6", None),
        ("192.0.2.7", Some(5)),
        ("192.0.2.8", None),
        ("2001:db8::1", None),
    ] {
        assert_eq!(t.get(ip(addr)).copied(), want, "{addr}");
    }
    assert_eq!(t.len(), 5);
}

#[test]
fn the_edges_of_the_address_space_are_covered() {
    let t = table(&[
        ("0.0.0.0/0", 1),
        ("0.0.0.0/32", 2),
        ("255.255.255.255/32", 3),
        ("::/0", 4),
        ("::/128", 5),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 6),
    ]);
    assert_eq!(t.get(ip("0.0.0.0")), Some(&2));
    assert_eq!(t.get(ip("0.0.0.1")), Some(&1));
    assert_eq!(t.get(ip("255.255.255.254")), Some(&1));
    assert_eq!(t.get(ip("255.255.255.255")), Some(&3));
    assert_eq!(t.get(ip("::")), Some(&5));
    assert_eq!(t.get(ip("::1")), Some(&4));
    assert_eq!(
        t.get(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")),
        Some(&4)
    );
    assert_eq!(
        t.get(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        Some(&6)
    );
    let empty = PrefixSet::default();
    assert!(!empty.contains(ip("192.0.2.1")) && !empty.contains(ip("::1")));
    assert!(empty.is_empty());
    assert_eq!(
        empty.ranges(),
        (1, 1),
        "an empty list costs one range a family"
    );
}

#[test]
fn a_later_duplicate_wins_host_bits_are_ignored_and_mapped_v4_is_v4() {
    let t = table(&[
        ("192.0.2.0/24", 1),
        ("192.0.2.77/24", 2),
        ("2001:db8::/32", 3),
    ]);
    assert_eq!(t.get(ip("192.0.2.1")), Some(&2));
    assert_eq!(t.get(ip("::ffff:192.0.2.1")), Some(&2));
    assert_eq!(t.get(ip("2001:db8:1::1")), Some(&3));
    assert_eq!(t.get(ip("2001:db9::1")), None);
}

/// Random lists (nested, overlapping, duplicated, both families) against
/// the definition, at every prefix's edges and at random addresses.
#[test]
fn random_lists_agree_with_a_scan() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..40 {
        let n = [1, 3, 20, 200, 2000][round % 5];
        let mut list: Vec<(IpNet, u32)> = Vec::new();
        for v in 0..n as u32 {
            // Few distinct top bits, so prefixes nest and collide.
            let entry = if rng.gen_bool(0.7) {
                let addr = Ipv4Addr::from(
                    (rng.gen::<u32>() & 0xff0f_ffff) | (0x0a00_0000 * rng.gen_range(0..3)),
                );
                IpNet::new(IpAddr::V4(addr), rng.gen_range(0..=32)).unwrap()
            } else {
                let addr =
                    Ipv6Addr::from(rng.gen::<u128>() >> rng.gen_range(0..8) | (0x2001u128 << 112));
                IpNet::new(IpAddr::V6(addr), rng.gen_range(0..=128)).unwrap()
            };
            list.push((entry.trunc(), v));
        }
        if round % 7 == 0 {
            // Exact duplicates with other values.
            let copy: Vec<_> = list.iter().take(5).map(|(n, v)| (*n, v + 10_000)).collect();
            list.extend(copy);
        }
        let t = PrefixTable::new(list.iter().copied());
        let mut probes: Vec<IpAddr> = Vec::new();
        for (n, _) in &list {
            match n {
                IpNet::V4(n) => {
                    let (a, b) = (u32::from(n.network()), u32::from(n.broadcast()));
                    for x in [
                        a.wrapping_sub(1),
                        a,
                        a.wrapping_add(1),
                        b.wrapping_sub(1),
                        b,
                        b.wrapping_add(1),
                    ] {
                        probes.push(IpAddr::V4(x.into()));
                    }
                }
                IpNet::V6(n) => {
                    let (a, b) = (u128::from(n.network()), u128::from(n.broadcast()));
                    for x in [a.wrapping_sub(1), a, b, b.wrapping_add(1)] {
                        probes.push(IpAddr::V6(x.into()));
                    }
                }
            }
        }
        for _ in 0..2000 {
            probes.push(IpAddr::V4(rng.gen::<u32>().into()));
            probes.push(IpAddr::V6(
                (rng.gen::<u128>() >> rng.gen_range(0..8) | (0x2001u128 << 112)).into(),
            ));
        }
        for p in probes {
            assert_eq!(t.get(p), naive(&list, p), "round {round}, {p}");
        }
    }
}
