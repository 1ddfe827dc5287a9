//! Longest-prefix match over large IPv4 and IPv6 prefix lists (on-network
//! ranges, VPN / proxy lists, country and region ranges), built once and
//! read lock-free.
//!
//! Layout: the prefixes are flattened into disjoint address ranges that cover
//! the whole address space, each carrying the value of the most specific
//! prefix over it (or none), adjacent ranges of one value merged. A lookup
//! reads a direct index on the address's top bits (up to [`MAX_INDEX_BITS`],
//! about one bucket per range; every bucket boundary is a range boundary),
//! then binary-searches the few ranges of that bucket: two or three cache
//! lines, whatever the list's size.
//! Hand-written because the crates at hand walk a trie per bit or per
//! nibble (up to 32 or 128 dependent loads); `benches/net.rs` measures it
//! against a plain scan.
//!
//! Decisions: when the same prefix is listed twice, the later entry wins.
//! Host bits below the prefix length are ignored (`192.0.2.7/24` is
//! `192.0.2.0/24`). IPv4-mapped IPv6 addresses are looked up as IPv4.
//!
//! Must never: be changed after it is built (a reload builds a new table).

use std::net::IpAddr;

use ipnet::IpNet;

use super::forwarded::canonical;

/// Most bits of the address that index the buckets directly (65 536
/// buckets, for lists of 65 536 ranges and more).
pub const MAX_INDEX_BITS: u32 = 16;

/// No prefix covers the range.
const NONE: u32 = u32::MAX;

/// Prefixes of one address family as disjoint ranges.
#[derive(Debug, Clone)]
struct Ranges<K> {
    /// Start of each range, ascending; `starts[0]` is 0.
    starts: Box<[K]>,
    /// Index into the table's values, or [`NONE`].
    values: Box<[u32]>,
    /// `index[b]`: the first range of bucket `b`; the last entry is the
    /// number of ranges.
    index: Box<[u32]>,
    /// Buckets are the top `bits` bits of the address (0: one bucket).
    bits: u32,
}

/// An address key: `u32` for IPv4, `u128` for IPv6.
trait Key: Copy + Ord + std::fmt::Debug {
    /// The bucket of `self` among `2^bits`.
    fn bucket(self, bits: u32) -> usize;
    /// The first address of bucket `b` among `2^bits`.
    fn from_bucket(b: usize, bits: u32) -> Self;
    /// The last address of the prefix starting at `self` with `len` bits.
    fn last(self, len: u32) -> Self;
    /// The address after `self`, `None` past the end of the space.
    fn next(self) -> Option<Self>;
}

macro_rules! key_for {
    ($t:ty) => {
        impl Key for $t {
            #[inline]
            fn bucket(self, bits: u32) -> usize {
                self.checked_shr(<$t>::BITS - bits).unwrap_or(0) as usize
            }
            fn from_bucket(b: usize, bits: u32) -> Self {
                (b as $t).checked_shl(<$t>::BITS - bits).unwrap_or(0)
            }
            fn last(self, len: u32) -> Self {
                self | <$t>::MAX.checked_shr(len).unwrap_or(0)
            }
            fn next(self) -> Option<Self> {
                self.checked_add(1)
            }
        }
    };
}

key_for!(u32);
key_for!(u128);

impl<K: Key> Ranges<K> {
    /// From `(first address, prefix length, value)` in list order.
    fn build(mut prefixes: Vec<(K, u8, u32)>) -> Self {
        // Wider prefixes first at one start; among equal prefixes the later
        // entry last, so it ends on top of the stack and wins.
        prefixes.sort_by_key(|&(start, len, _)| (start, len));
        let mut out = Builder::default();
        // Open prefixes, outermost first: (last address, value).
        let mut open: Vec<(K, u32)> = Vec::new();
        let mut cursor = Some(K::from_bucket(0, 0));
        for (start, len, value) in prefixes {
            close_before(&mut open, &mut out, &mut cursor, Some(start));
            if let Some(at) = cursor.filter(|&at| at < start) {
                out.push(at, open.last().map_or(NONE, |o| o.1));
            }
            open.push((start.last(u32::from(len)), value));
            cursor = Some(start);
        }
        close_before(&mut open, &mut out, &mut cursor, None);
        if let Some(at) = cursor {
            out.push(at, NONE);
        }
        out.finish()
    }

    #[inline]
    fn get(&self, key: K) -> u32 {
        let b = key.bucket(self.bits);
        let (lo, hi) = (self.index[b] as usize, self.index[b + 1] as usize);
        // Every bucket starts a range, so `starts[lo] <= key`.
        let i = lo + self.starts[lo..hi].partition_point(|&s| s <= key) - 1;
        self.values[i]
    }

    fn len(&self) -> usize {
        self.starts.len()
    }
}

/// Emits the rest of every open prefix that ends before `until` (all of
/// them for `None`), innermost first, moving `cursor` past each.
fn close_before<K: Key>(
    open: &mut Vec<(K, u32)>,
    out: &mut Builder<K>,
    cursor: &mut Option<K>,
    until: Option<K>,
) {
    while let Some(&(last, value)) = open.last() {
        if until.is_some_and(|u| u <= last) {
            return;
        }
        open.pop();
        if let Some(at) = cursor.filter(|&at| at <= last) {
            out.push(at, value);
            *cursor = last.next();
        }
    }
}

/// Ranges as they are emitted: merged with the previous one when the value
/// is the same, split at every bucket boundary.
struct Builder<K> {
    starts: Vec<K>,
    values: Vec<u32>,
}

impl<K> Default for Builder<K> {
    fn default() -> Self {
        Self {
            starts: Vec::new(),
            values: Vec::new(),
        }
    }
}

impl<K: Key> Builder<K> {
    /// A range from `start` to the next range's start (starts only grow).
    fn push(&mut self, start: K, value: u32) {
        debug_assert!(self.starts.last().is_none_or(|&s| s < start));
        if self.values.last() != Some(&value) {
            self.starts.push(start);
            self.values.push(value);
        }
    }

    fn finish(self) -> Ranges<K> {
        // About one bucket per range.
        let bits = self.starts.len().max(1).ilog2().min(MAX_INDEX_BITS);
        let buckets = 1usize << bits;
        let mut starts = Vec::with_capacity(self.starts.len() + buckets);
        let mut values = Vec::with_capacity(self.starts.len() + buckets);
        let mut index = Vec::with_capacity(buckets + 1);
        let mut i = 0;
        for b in 0..buckets {
            let bucket_start = K::from_bucket(b, bits);
            // The range holding the bucket's first address.
            while i + 1 < self.starts.len() && self.starts[i + 1] <= bucket_start {
                i += 1;
            }
            index.push(starts.len() as u32);
            starts.push(bucket_start);
            values.push(self.values[i]);
            let bucket_end = bucket_start.last(bits);
            while i + 1 < self.starts.len() && self.starts[i + 1] <= bucket_end {
                i += 1;
                starts.push(self.starts[i]);
                values.push(self.values[i]);
            }
        }
        index.push(starts.len() as u32);
        Ranges {
            starts: starts.into(),
            values: values.into(),
            index: index.into(),
            bits,
        }
    }
}

/// An address or a prefix as operators write them (`192.0.2.7`,
/// `192.0.2.0/24`, `2001:db8::/32`); an address is its own /32 or /128.
pub fn parse_net(s: &str) -> Option<IpNet> {
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}

/// IPv4 and IPv6 prefixes with a value each.
#[derive(Debug, Clone)]
pub struct PrefixTable<V> {
    v4: Ranges<u32>,
    v6: Ranges<u128>,
    values: Box<[V]>,
    prefixes: usize,
}

impl<V> Default for PrefixTable<V> {
    fn default() -> Self {
        Self::new(std::iter::empty())
    }
}

impl<V> PrefixTable<V> {
    /// From `(prefix, value)` pairs in list order (a later duplicate wins).
    pub fn new(entries: impl IntoIterator<Item = (IpNet, V)>) -> Self {
        let (mut v4, mut v6, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for (net, value) in entries {
            let i = values.len() as u32;
            values.push(value);
            match net.trunc() {
                IpNet::V4(n) => v4.push((u32::from(n.network()), n.prefix_len(), i)),
                IpNet::V6(n) => v6.push((u128::from(n.network()), n.prefix_len(), i)),
            }
        }
        Self {
            v4: Ranges::build(v4),
            v6: Ranges::build(v6),
            prefixes: values.len(),
            values: values.into(),
        }
    }

    /// The value of the longest prefix that holds `ip`.
    #[inline]
    pub fn get(&self, ip: IpAddr) -> Option<&V> {
        let i = match canonical(ip) {
            IpAddr::V4(a) => self.v4.get(u32::from(a)),
            IpAddr::V6(a) => self.v6.get(u128::from(a)),
        };
        self.values.get(i as usize)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.get(ip).is_some()
    }

    /// Prefixes it was built from.
    pub fn len(&self) -> usize {
        self.prefixes
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes == 0
    }

    /// Ranges held (IPv4, IPv6), bucket splits included.
    pub fn ranges(&self) -> (usize, usize) {
        (self.v4.len(), self.v6.len())
    }
}

/// Prefixes without a value (a set): on-network ranges, VPN lists.
pub type PrefixSet = PrefixTable<()>;

impl PrefixSet {
    pub fn of(nets: impl IntoIterator<Item = IpNet>) -> Self {
        Self::new(nets.into_iter().map(|n| (n, ())))
    }
}

#[cfg(test)]
mod tests;
