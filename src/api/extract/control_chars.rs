//! Control characters in client text are refused at the boundary: a JSON
//! body whose strings (values or keys) hold a control character, escaped
//! (`\u0000`, `\n`, `\u009b`, ...) or raw (DEL, C1), gets 400 naming the
//! field, before any handler, store or log sees it. Both stores then see
//! the same text (PostgreSQL refuses NUL in `TEXT`; SQLite would store it),
//! and no log line or terminal can be steered by a name.
//!
//! Control characters are Unicode's `Cc`: U+0000–U+001F (tab, newline and
//! carriage return included: no name, id or setting is multi-line),
//! U+007F and U+0080–U+009F. The one exception is a body that carries PEM
//! text (a CDN's private key): [`super::MultilineJsonBody`] allows line
//! breaks (`\n`, `\r`) there, and nothing else.
//!
//! Cheap when nothing is wrong: one pass over the bytes looking for an
//! escape that decodes to a refused character or a raw DEL / C1 sequence;
//! only a body that has one is parsed a second time, to name the field.
//!
//! Must never: let a body with a refused character in any string through,
//! or echo the offending text back.

use serde_json::Value;

/// Whether `c` is refused: a control character, except line breaks where
/// the body allows them.
fn refused(c: char, lines: bool) -> bool {
    c.is_control() && !(lines && (c == '\n' || c == '\r'))
}

/// Whether the JSON text may hold a refused character inside a string. No
/// false negatives for valid JSON (raw C0 bytes are not valid JSON inside
/// strings, and outside strings only whitespace may appear).
fn may_hold_control(json: &[u8], lines: bool) -> bool {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'\\' => match json.get(i + 1) {
                Some(b'n' | b'r') if lines => i += 2,
                Some(b'b' | b'f' | b'n' | b'r' | b't') => return true,
                Some(b'u') => {
                    let c = json
                        .get(i + 2..i + 6)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    match c {
                        Some(c) if refused(c, lines) => return true,
                        _ => i += 6,
                    }
                }
                _ => i += 2,
            },
            0x7f => return true,
            0xc2 if json.get(i + 1).is_some_and(|b| (0x80..=0x9f).contains(b)) => return true,
            _ => i += 1,
        }
    }
    false
}

/// The path of the first string (or key) holding a refused character:
/// `deviceInformation.device.model`, `parameters[1].value`, `(root)`. With
/// `lines`, line breaks (`\n`, `\r`) are allowed: bodies that carry PEM.
pub fn field_with_control(json: &[u8], lines: bool) -> Option<String> {
    if !may_hold_control(json, lines) {
        return None;
    }
    let value: Value = serde_json::from_slice(json).ok()?;
    let mut path = String::new();
    find(&value, &mut path, lines).then(|| {
        if path.is_empty() {
            "(root)".to_owned()
        } else {
            path
        }
    })
}

fn find(value: &Value, path: &mut String, lines: bool) -> bool {
    match value {
        Value::String(s) => s.chars().any(|c| refused(c, lines)),
        Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = find(item, path, lines);
            if !found {
                path.truncate(len);
            }
            found
        }),
        Value::Object(map) => map.iter().any(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            if key.chars().any(|c| refused(c, lines)) {
                // The key itself: named by its printable characters only.
                path.extend(key.chars().filter(|c| !c.is_control()));
                return true;
            }
            path.push_str(key);
            let found = find(item, path, lines);
            if !found {
                path.truncate(len);
            }
            found
        }),
        _ => false,
    }
}

/// Whether a text (a query or path value) holds a control character.
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_is_found_and_named() {
        for c in (0u32..0x20).chain(0x7f..0xa0) {
            let c = char::from_u32(c).unwrap();
            let body = serde_json::json!({"a": {"b": [1, {"c": format!("x{c}y")}]}, "d": "ok"});
            let text = body.to_string();
            assert_eq!(
                field_with_control(text.as_bytes(), false).as_deref(),
                Some("a.b[1].c"),
                "U+{:04X} in {text}",
                c as u32
            );
            let escaped = format!(r#"{{"name":"x\u{:04x}y"}}"#, c as u32);
            assert_eq!(
                field_with_control(escaped.as_bytes(), false).as_deref(),
                Some("name"),
                "{escaped}"
            );
        }
        let key = serde_json::json!({"ok": {"bad\u{0}key": 1}}).to_string();
        assert_eq!(
            field_with_control(key.as_bytes(), false).as_deref(),
            Some("ok.badkey")
        );
        assert_eq!(
            field_with_control(br#""a\u0000""#, false).as_deref(),
            Some("(root)")
        );
    }

    #[test]
    fn line_breaks_where_a_body_allows_them() {
        let pem =
            serde_json::json!({"secret": "-----BEGIN-----\r\nAAAA\n-----END-----\n"}).to_string();
        assert_eq!(field_with_control(pem.as_bytes(), true), None);
        assert_eq!(
            field_with_control(pem.as_bytes(), false).as_deref(),
            Some("secret")
        );
        let nul = serde_json::json!({"secret": "a\nb\u{0}"}).to_string();
        assert_eq!(
            field_with_control(nul.as_bytes(), true).as_deref(),
            Some("secret")
        );
        assert_eq!(
            field_with_control(br#"{"s":"a\tb"}"#, true).as_deref(),
            Some("s")
        );
    }

    #[test]
    fn printable_text_passes() {
        for ok in [
            r#"{"name":"Zoë \u00e9 \u00a0 \u2028 日本 😀","n":1,"list":["a\\u0000b"]}"#,
            r#"{"path":"C:\\temp\\n"}"#,
            r#"{"q":"\"quoted\" \/ slash"}"#,
            r#"[]"#,
        ] {
            assert_eq!(field_with_control(ok.as_bytes(), false), None, "{ok}");
        }
    }

    #[test]
    fn the_scan_has_no_false_negatives() {
        // Any string serde_json would decode to one holding a refused
        // character is caught by the fast scan.
        let mut rng = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let c = char::from_u32((rng % 0x300) as u32).unwrap_or('a');
            let json = serde_json::json!({ "k": format!("a{c}b") }).to_string();
            assert_eq!(
                field_with_control(json.as_bytes(), false).is_some(),
                c.is_control(),
                "{json}"
            );
            assert_eq!(
                field_with_control(json.as_bytes(), true).is_some(),
                c.is_control() && c != '\n' && c != '\r',
                "{json}"
            );
        }
    }
}
