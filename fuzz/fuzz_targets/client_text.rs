//! Client text the boundary judges: JSON bodies (control characters), user
//! names, and URLs the URL Builder may sign. None may panic, and:
//! - the control-character scan finds a refused character exactly when a
//!   full parse of the body holds one (in any string or key);
//! - a user name's normal form is stable (normalising it again changes
//!   nothing), and a name accepted for creation stays accepted;
//! - a URL admitted into a content's location lies on that location's
//!   authority and under its directory, and its path is one every CDN
//!   scheme may sign.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playgate::api::extract::control_chars::field_with_control;
use playgate::core::cdn::check_path;
use playgate::core::cdn::location::{admitting, location_of};
use playgate::core::username::{check_new, normalize};

fn refused_anywhere(v: &serde_json::Value, lines: bool) -> bool {
    let refused = |s: &str| {
        s.chars()
            .any(|c| c.is_control() && !(lines && (c == '\n' || c == '\r')))
    };
    match v {
        serde_json::Value::String(s) => refused(s),
        serde_json::Value::Array(a) => a.iter().any(|x| refused_anywhere(x, lines)),
        serde_json::Value::Object(m) => m
            .iter()
            .any(|(k, x)| refused(k) || refused_anywhere(x, lines)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    // Bodies.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        for lines in [false, true] {
            assert_eq!(
                field_with_control(data, lines).is_some(),
                refused_anywhere(&value, lines),
                "{lines}"
            );
        }
    } else {
        let _ = field_with_control(data, false);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // User names.
    let name = normalize(text);
    assert_eq!(normalize(&name), name);
    if check_new(&name).is_ok() {
        assert_eq!(check_new(&normalize(&name)), Ok(()));
    }
    // Locations: "<location URL>\n<base>\n<path>".
    let mut parts = text.splitn(3, '\n');
    if let (Some(location), Some(base), Some(path)) = (parts.next(), parts.next(), parts.next()) {
        if check_path(path).is_ok() {
            if let Ok(found) = admitting(location_of(location), base, path) {
                assert!(found.base.eq_ignore_ascii_case(base));
                assert!(path.starts_with(found.dir) && path.len() > found.dir.len());
                assert_eq!(check_path(found.dir), Ok(()));
            }
        }
    }
});
