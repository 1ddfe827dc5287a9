//! Untrusted network input: forwarding headers (written by clients, passed on
//! by proxies) and the operator's CSV lists. None may panic. Behind trusted
//! proxies, once the walk has found an untrusted hop, nothing written to the
//! left of it changes the answer (a client cannot spoof past its own hop);
//! from an untrusted peer the headers change nothing at all. A list that
//! parses answers lookups for any address.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use playgate::core::net::{client_ip, parse_geo, parse_vpn, TrustedProxies};

/// A request without a `Forwarded` header.
fn no_forwarded() -> Option<std::iter::Empty<&'static str>> {
    None
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let trusted = TrustedProxies::new(["10.0.0.0/8".parse().unwrap()]);
    let peer: IpAddr = "10.0.0.1".parse().unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let spoofed_xff: Vec<&str> = std::iter::once("6.6.6.6").chain(lines.iter().copied()).collect();
    let spoofed_fwd: Vec<&str> = std::iter::once("for=6.6.6.6").chain(lines.iter().copied()).collect();
    let from_xff = client_ip(peer, &trusted, no_forwarded(), lines.iter().copied());
    if !trusted.contains(from_xff) {
        assert_eq!(client_ip(peer, &trusted, no_forwarded(), spoofed_xff.iter().copied()), from_xff);
    }
    let from_fwd = client_ip(peer, &trusted, Some(lines.iter().copied()), std::iter::empty());
    if !trusted.contains(from_fwd) {
        let again = client_ip(peer, &trusted, Some(spoofed_fwd.iter().copied()), std::iter::empty());
        assert_eq!(again, from_fwd);
    }
    let outsider: IpAddr = "198.51.100.1".parse().unwrap();
    assert_eq!(client_ip(outsider, &trusted, Some(lines.iter().copied()), lines.iter().copied()), outsider);

    let probes: [IpAddr; 3] = [
        "10.1.2.3".parse().unwrap(),
        "255.255.255.255".parse().unwrap(),
        "2001:db8::1".parse().unwrap(),
    ];
    if let Ok(vpn) = parse_vpn(text) {
        for p in probes {
            let _ = vpn.contains(p);
        }
    }
    if let Ok(geo) = parse_geo(text) {
        for p in probes {
            let _ = geo.place(p);
        }
    }
});
