//! JSON written by hand for the hot path (content-token claims, and the
//! content-token and URL Builder answers): one buffer sized up front, keys
//! written as given, and string values copied whole unless they hold a byte
//! JSON must escape. Tokens are base64url and dots, so they are never
//! escaped; `serde_json` would still inspect every byte of them one at a
//! time, and grow its buffer by reallocation. Measured with
//! `benches/requests.rs` and callgrind (docs/PERF.md).
//!
//! Owns: the encoding only; each shape stays with its type, tested against
//! the `serde` encoding of the same value.
//!
//! Must never: write a key or value that is not valid JSON (a string that
//! needs escaping goes through `serde_json`), or be used off the hot path,
//! where `serde` is clearer.

use std::fmt::Display;
use std::io::Write as _;

use serde::Serialize;

/// A JSON object being written: `{` on creation, `}` on [`Self::finish`].
pub struct JsonObject {
    buf: Vec<u8>,
    /// No member written yet at the current nesting level.
    first: bool,
}

/// Whether `s` can be written between quotes as it is.
fn plain(s: &str) -> bool {
    // A fold, not `any`, so the loop has no early exit and vectorises.
    !s.bytes().fold(false, |bad, b| {
        bad | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

impl JsonObject {
    /// An object whose whole text is expected to fit in `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity);
        buf.push(b'{');
        Self { buf, first: true }
    }

    fn key(&mut self, key: &'static str) {
        debug_assert!(plain(key), "keys are plain literals");
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    fn string(&mut self, value: &str) {
        if plain(value) {
            self.buf.push(b'"');
            self.buf.extend_from_slice(value.as_bytes());
            self.buf.push(b'"');
        } else {
            serde_json::to_writer(&mut self.buf, value).expect("writing to a Vec cannot fail");
        }
    }

    /// `"key":null`.
    fn null(&mut self, key: &'static str) -> &mut Self {
        self.key(key);
        self.buf.extend_from_slice(b"null");
        self
    }

    /// `"key":` and an opening bracket; the members or items that follow are
    /// inside it.
    fn open(&mut self, key: &'static str, bracket: u8) -> &mut Self {
        self.key(key);
        self.buf.push(bracket);
        self.first = true;
        self
    }

    /// A closing bracket; what follows is the enclosing value's next member.
    fn close(&mut self, bracket: u8) -> &mut Self {
        self.buf.push(bracket);
        self.first = false;
        self
    }

    /// `"key":"value"`.
    pub fn str(&mut self, key: &'static str, value: &str) -> &mut Self {
        self.key(key);
        self.string(value);
        self
    }

    /// `"key":"value"`, or `"key":null` for `None`.
    pub fn str_or_null(&mut self, key: &'static str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.null(key),
        }
    }

    /// `"key":"value"` when there is a value; nothing otherwise.
    pub fn str_if(&mut self, key: &'static str, value: Option<&str>) -> &mut Self {
        if let Some(v) = value {
            self.str(key, v);
        }
        self
    }

    /// `"key":n`.
    pub fn i64(&mut self, key: &'static str, value: i64) -> &mut Self {
        self.key(key);
        self.buf
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        self
    }

    /// `"key":n`, or `"key":null` for `None`.
    pub fn i64_or_null(&mut self, key: &'static str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.i64(key, v),
            None => self.null(key),
        }
    }

    /// `"key":n` when there is a value; nothing otherwise.
    pub fn i64_if(&mut self, key: &'static str, value: Option<i64>) -> &mut Self {
        if let Some(v) = value {
            self.i64(key, v);
        }
        self
    }

    /// `"key":<value as serde writes it>`, for the rare members that are
    /// not worth writing by hand.
    pub fn serde<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> &mut Self {
        self.key(key);
        serde_json::to_writer(&mut self.buf, value).expect("answers serialise");
        self
    }

    /// `"key":true|false`.
    pub fn bool(&mut self, key: &'static str, value: bool) -> &mut Self {
        self.key(key);
        self.buf
            .extend_from_slice(if value { b"true" } else { b"false" });
        self
    }

    /// `"key":"<value's Display>"`, for values whose text never needs
    /// escaping (addresses, numbers).
    pub fn display_if(&mut self, key: &'static str, value: Option<impl Display>) -> &mut Self {
        if let Some(v) = value {
            self.key(key);
            write!(self.buf, "\"{v}\"").expect("writing to a Vec cannot fail");
        }
        self
    }

    /// `"key":[`; objects follow with [`Self::begin_item`] until
    /// [`Self::end_array`].
    pub fn begin_array(&mut self, key: &'static str) -> &mut Self {
        self.open(key, b'[')
    }

    /// `{` of an object inside an array; closed with [`Self::end_object`].
    pub fn begin_item(&mut self) -> &mut Self {
        if !self.first {
            self.buf.push(b',');
        }
        self.buf.push(b'{');
        self.first = true;
        self
    }

    /// `]` of an array opened with [`Self::begin_array`].
    pub fn end_array(&mut self) -> &mut Self {
        self.close(b']')
    }

    /// `"key":{`; the members that follow are the inner object's until
    /// [`Self::end_object`].
    pub fn begin_object(&mut self, key: &'static str) -> &mut Self {
        self.open(key, b'{')
    }

    /// `}` of an object opened with [`Self::begin_object`].
    pub fn end_object(&mut self) -> &mut Self {
        self.close(b'}')
    }

    /// The object's text.
    pub fn finish(mut self) -> Vec<u8> {
        self.buf.push(b'}');
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_serde_reads_back() {
        let mut o = JsonObject::with_capacity(8);
        o.str("a", "plain.token-_")
            .str("quote", "say \"hi\"\\ \n \u{1} é")
            .str_or_null("none", None)
            .str_or_null("some", Some("x"))
            .str_if("skipped", None)
            .i64("n", -42)
            .i64_or_null("nn", None)
            .i64_or_null("nv", Some(7))
            .i64_if("absent", None)
            .i64_if("max", Some(i64::MAX))
            .begin_object("inner")
            .str("k", "v")
            .begin_object("empty")
            .end_object()
            .end_object()
            .serde("list", &[1, 2])
            .bool("yes", true)
            .bool("no", false)
            .display_if("ip", Some(std::net::IpAddr::from([203, 0, 113, 7])))
            .display_if("noip", None::<u8>)
            .begin_array("items")
            .begin_item()
            .i64("i", 1)
            .end_object()
            .begin_item()
            .end_object()
            .end_array()
            .begin_array("none")
            .end_array()
            .str("after", "arrays");
        let text = o.finish();
        let parsed: serde_json::Value = serde_json::from_slice(&text).expect("valid JSON");
        assert_eq!(
            parsed,
            serde_json::json!({
                "a": "plain.token-_",
                "quote": "say \"hi\"\\ \n \u{1} é",
                "none": null,
                "some": "x",
                "n": -42,
                "nn": null,
                "nv": 7,
                "max": i64::MAX,
                "inner": {"k": "v", "empty": {}},
                "list": [1, 2],
                "yes": true,
                "no": false,
                "ip": "203.0.113.7",
                "items": [{"i": 1}, {}],
                "none": [],
                "after": "arrays",
            })
        );
    }

    #[test]
    fn plain_strings_are_those_needing_no_escape() {
        assert!(plain("eyJhbGciOiJIUzI1NiJ9.e30.abc-_"));
        assert!(plain("é ü /<>"));
        for bad in ["\"", "\\", "\n", "\u{0}", "a\u{1f}b"] {
            assert!(!plain(bad), "{bad:?}");
        }
    }

    #[test]
    fn an_empty_object() {
        assert_eq!(JsonObject::with_capacity(0).finish(), b"{}");
    }
}
