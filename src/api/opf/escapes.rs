//! Percent-escapes in OPF sign-on bodies: web apps send
//! `{"username":"alice%40demo.playgate"}`. The credential fields of the
//! JSON sign-on routes are read through [`decoded`].
//!
//! Owns: the decoding rule. Must never: fail a request (a string that does
//! not decode is kept as sent) or log the value.

use serde::{Deserialize, Deserializer};

/// serde `deserialize_with` for a credential string: see [`unescape`].
pub fn decoded<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(unescape)
}

/// Decodes every `%XX` (two hex digits) of `s` (`percent-encoding`, which
/// keeps a `%` that starts no such escape as it is). If the decoded bytes
/// are not UTF-8, `s` is kept whole. (So a password that really holds `%41`
/// is read as `A` on these routes: the price of reading what deployed apps
/// send.)
pub fn unescape(s: String) -> String {
    if !s.contains('%') {
        return s;
    }
    match percent_encoding::percent_decode_str(&s).decode_utf8() {
        Ok(decoded) => decoded.into_owned(),
        Err(_) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn decodes_valid_escapes_and_keeps_the_rest() {
        for (sent, read) in [
            ("alice%40demo.playgate", "alice@demo.playgate"),
            ("alice@demo.playgate", "alice@demo.playgate"),
            ("p%25ss%2Fw%2b", "p%ss/w+"),
            ("100%", "100%"),
            ("%4", "%4"),
            ("%zz%4g%", "%zz%4g%"),
            ("%+1%-1", "%+1%-1"),
            ("caf%C3%A9", "café"),
            // Not UTF-8 once decoded: kept as sent.
            ("%FF%FE", "%FF%FE"),
            ("", ""),
        ] {
            assert_eq!(unescape(sent.to_owned()), read, "{sent}");
        }
    }
}
