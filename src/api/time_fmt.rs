//! Wire formatting of times: ISO-8601 / RFC 3339 in UTC, seconds precision.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Epoch seconds → `2026-01-02T03:04:05Z`.
pub fn iso(epoch_s: i64) -> String {
    OffsetDateTime::from_unix_timestamp(epoch_s)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// RFC 3339 → epoch seconds, or `None` if it does not parse.
pub fn parse_iso(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_iso("2026-11-22T10:00:00Z"), Some(1_795_341_600));
        assert_eq!(parse_iso(&iso(1_795_341_600)), Some(1_795_341_600));
        assert_eq!(parse_iso("2026-11-22T11:00:00+01:00"), Some(1_795_341_600));
        assert_eq!(parse_iso("yesterday"), None);
    }
}
