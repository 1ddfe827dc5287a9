//! The operator's network lists, as they arrive (CSV) and as lookups read
//! them:
//!
//! - **vpn**: VPN / proxy exit prefixes, one per row: `network[,label]`
//!   (the label is for the operator; it is not kept).
//! - **geo**: where address ranges are, one prefix per row:
//!   `network,country[,region[,city[,locale]]]`: an ISO 3166-1 alpha-2
//!   country (`GB`), an ISO 3166-2 subdivision code without the country
//!   (`ENG`, `BY`), a city name, a BCP 47 language tag (`en-GB`).
//!
//! Both: `network` is an address or a prefix (IPv4 or IPv6); a first row
//! whose first field is `network` is a header; empty rows and rows starting
//! with `#` are skipped; fields may be quoted. A list is refused whole, with
//! the first bad row's number, if any row is bad: a partial list would
//! silently block or let through whole ranges.
//!
//! Must never: keep a list that did not parse completely.

use std::net::IpAddr;

use ipnet::IpNet;
use rustc_hash::FxHashMap;

use super::prefixes::{parse_net, PrefixSet, PrefixTable};

/// The kinds of list a tenant may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    Vpn,
    Geo,
}

impl ListKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vpn" => Some(Self::Vpn),
            "geo" => Some(Self::Geo),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vpn => "vpn",
            Self::Geo => "geo",
        }
    }
}

/// Why a list was refused: the row (1-based, as an editor numbers lines)
/// and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {problem}")]
pub struct ListError {
    pub row: u64,
    pub problem: String,
}

/// Where an address is (a row of the geo list).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Place {
    /// ISO 3166-1 alpha-2, upper case.
    pub country: Box<str>,
    pub region: Option<Box<str>>,
    pub city: Option<Box<str>>,
    pub locale: Option<Box<str>>,
}

/// The geo list: prefixes to places (each distinct place held once).
#[derive(Debug, Clone, Default)]
pub struct Geo {
    table: PrefixTable<u32>,
    places: Box<[Place]>,
}

impl Geo {
    pub fn place(&self, ip: IpAddr) -> Option<&Place> {
        self.table
            .get(ip)
            .and_then(|&i| self.places.get(i as usize))
    }

    /// Prefixes listed.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

/// Reads a vpn list.
pub fn parse_vpn(csv: &str) -> Result<PrefixSet, ListError> {
    let mut nets = Vec::new();
    for_each_row(csv, |row, fields| {
        if fields.len() > 2 {
            return Err(problem(row, "expected network[,label]"));
        }
        nets.push(network(row, fields[0])?);
        Ok(())
    })?;
    Ok(PrefixSet::of(nets))
}

/// Reads a geo list.
pub fn parse_geo(csv: &str) -> Result<Geo, ListError> {
    let mut entries = Vec::new();
    let mut places: Vec<Place> = Vec::new();
    let mut known: FxHashMap<Place, u32> = FxHashMap::default();
    for_each_row(csv, |row, fields| {
        if fields.len() < 2 || fields.len() > 5 {
            return Err(problem(
                row,
                "expected network,country[,region[,city[,locale]]]",
            ));
        }
        let net = network(row, fields[0])?;
        let country = fields[1];
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(problem(
                row,
                "country must be ISO 3166-1 alpha-2 (GB, DE, ...)",
            ));
        }
        let optional = |i: usize| fields.get(i).copied().filter(|s| !s.is_empty());
        let region = optional(2);
        if region.is_some_and(|r| r.len() > 3 || !r.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Err(problem(
                row,
                "region must be an ISO 3166-2 subdivision code (1-3 letters or digits)",
            ));
        }
        let city = optional(3);
        if city.is_some_and(|c| c.len() > 128 || c.chars().any(char::is_control)) {
            return Err(problem(
                row,
                "city must be at most 128 characters, none of them control characters",
            ));
        }
        let locale = optional(4);
        if locale.is_some_and(|l| !is_language_tag(l)) {
            return Err(problem(
                row,
                "locale must be a BCP 47 language tag (en-GB, de, ...)",
            ));
        }
        let place = Place {
            country: country.to_ascii_uppercase().into(),
            region: region.map(|r| r.to_ascii_uppercase().into()),
            city: city.map(Into::into),
            locale: locale.map(Into::into),
        };
        let i = *known.entry(place.clone()).or_insert_with(|| {
            places.push(place);
            places.len() as u32 - 1
        });
        entries.push((net, i));
        Ok(())
    })?;
    Ok(Geo {
        table: PrefixTable::new(entries),
        places: places.into(),
    })
}

/// Hands every data row (1-based number, trimmed fields) to `each`.
fn for_each_row(
    csv: &str,
    mut each: impl FnMut(u64, &[&str]) -> Result<(), ListError>,
) -> Result<(), ListError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(csv.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut first = true;
    // A row's number is the line its last byte is on (the reader's own line
    // count, and its record start, leave out the empty lines it skips).
    let mut lines = LineCounter::new(csv);
    loop {
        let at = reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(at, |p| p.byte());
                return Err(problem(lines.line_at(at), &format!("not CSV: {e}")));
            }
        }
        let end = reader.position().byte();
        let row = lines.line_at(end.saturating_sub(1));
        let fields: Vec<&str> = record.iter().collect();
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if std::mem::take(&mut first) && fields[0].eq_ignore_ascii_case("network") {
            continue;
        }
        each(row, &fields)?;
    }
}

/// The 1-based line of a byte offset, for offsets that only grow.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let to = (byte as usize).min(self.text.len());
        if to > self.at {
            self.line += self.text[self.at..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.at = to;
        }
        self.line
    }
}

fn network(row: u64, s: &str) -> Result<IpNet, ListError> {
    parse_net(s).ok_or_else(|| problem(row, &format!("{s:?} is not an address or prefix")))
}

/// `en`, `en-GB`, `zh-Hant-TW`: 2-3 letter language, then subtags of 2-8
/// letters or digits.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && s.len() <= 35
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn problem(row: u64, what: &str) -> ListError {
    ListError {
        row,
        problem: what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_vpn_list_reads_addresses_and_prefixes_with_or_without_labels() {
        let list = parse_vpn(
            "network,label\n# exits of a VPN provider\n198.51.100.0/24,acme vpn\n\n203.0.113.9\n2001:db8:dead::/48,\"x, y\"\n",
        )
        .unwrap();
        assert_eq!(list.len(), 3);
        assert!(list.contains(ip("198.51.100.200")));
        assert!(list.contains(ip("203.0.113.9")));
        assert!(!list.contains(ip("203.0.113.10")));
        assert!(list.contains(ip("2001:db8:dead:1::1")));
    }

    #[test]
    fn a_geo_list_maps_ranges_to_places_most_specific_first() {
        let geo = parse_geo(
            "network,country,region,city,locale\n\
             81.0.0.0/8,gb,,,en-GB\n\
             81.2.69.0/24,GB,ENG,London,en-GB\n\
             2a02:c7f::/32,GB,SCT,Edinburgh\n\
             5.10.0.0/16,DE,BY,\"München\",de-DE\n",
        )
        .unwrap();
        assert_eq!(geo.len(), 4);
        let london = geo.place(ip("81.2.69.160")).unwrap();
        assert_eq!(
            (
                &*london.country,
                london.region.as_deref(),
                london.city.as_deref()
            ),
            ("GB", Some("ENG"), Some("London"))
        );
        let gb = geo.place(ip("81.99.0.1")).unwrap();
        assert_eq!(
            (&*gb.country, gb.region.as_deref(), gb.locale.as_deref()),
            ("GB", None, Some("en-GB"))
        );
        assert_eq!(
            geo.place(ip("5.10.1.1")).unwrap().city.as_deref(),
            Some("München")
        );
        assert_eq!(
            geo.place(ip("2a02:c7f::9")).unwrap().region.as_deref(),
            Some("SCT")
        );
        assert!(geo.place(ip("192.0.2.1")).is_none());
    }

    #[test]
    fn a_bad_row_refuses_the_list_and_names_the_row() {
        for (csv, row, says) in [
            ("network\n10.0.0.0/8\n10.0.0.0/33\n", 3, "not an address"),
            ("10.0.0.0/8,a,b\n", 1, "network[,label]"),
            ("\n\n300.1.1.1\n", 3, "not an address"),
        ] {
            let e = parse_vpn(csv).unwrap_err();
            assert_eq!(e.row, row, "{csv:?}: {e}");
            assert!(e.problem.contains(says), "{e}");
        }
        for (csv, row, says) in [
            ("10.0.0.0/8\n", 1, "expected network,country"),
            ("10.0.0.0/8,GBR\n", 1, "alpha-2"),
            ("10.0.0.0/8,G1\n", 1, "alpha-2"),
            ("10.0.0.0/8,GB,ENGLAND\n", 1, "ISO 3166-2"),
            ("10.0.0.0/8,GB,ENG,London,english_uk\n", 1, "BCP 47"),
            (
                "network,country\n10.0.0.0/8,GB\nbad,GB\n",
                3,
                "not an address",
            ),
            ("10.0.0.0/8,GB,ENG,Lon\u{7}don\n", 1, "control"),
            (
                "10.0.0.0/8,GB,ENG,London,en-GB,extra\n",
                1,
                "expected network,country",
            ),
        ] {
            let e = parse_geo(csv).unwrap_err();
            assert_eq!(e.row, row, "{csv:?}: {e}");
            assert!(e.problem.contains(says), "{csv:?}: {e}");
        }
        // A header is only a header on the first row.
        assert!(parse_vpn("10.0.0.0/8\nnetwork\n").is_err());
        assert!(parse_vpn("").unwrap().is_empty());
    }

    #[test]
    fn places_are_held_once() {
        let csv: String = (0..1000)
            .map(|i| format!("10.{}.{}.0/24,GB,ENG,London\n", i / 256, i % 256))
            .collect();
        let geo = parse_geo(&csv).unwrap();
        assert_eq!(geo.len(), 1000);
        assert_eq!(geo.places.len(), 1);
    }
}
