//! The activity context's untrusted bodies: record bodies of every kind
//! (bookmarks, lists, entries, history, reminders, ...) and event bodies
//! of the three faces that take them. None may panic, and:
//! - a record body taken keeps only bounded fields, and taking what it
//!   kept again gives the same fields (the check is stable);
//! - an event taken names the path's activity.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playgate::core::activity::body::{self, PathIds, MAX_METADATA_BYTES};
use playgate::core::activity::events;
use playgate::core::activity::kinds::KINDS;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(rest) else {
        return;
    };
    let kind = KINDS[selector as usize % KINDS.len()].id;
    let path = PathIds {
        account: "acc",
        profile: if selector & 0x80 == 0 { "" } else { "p1" },
        item: (selector & 0x40 != 0).then_some("c1"),
        list: (selector & 0x20 != 0).then_some("L1"),
    };
    if let Ok(parsed) = body::parse(kind, &json, path) {
        let kept = serde_json::Value::Object(parsed.fields.clone());
        if let Some(m) = parsed.fields.get("metadata") {
            assert!(serde_json::to_vec(m).unwrap().len() <= MAX_METADATA_BYTES);
        }
        for field in parsed.fields.keys() {
            assert!(
                matches!(
                    field.as_str(),
                    "deviceId" | "name" | "contentType" | "position" | "metadata" | "tags" | "categories" | "contentId"
                ),
                "kept an unbounded field {field}"
            );
        }
        let again = body::parse(kind, &kept, path).map(|p| p.fields);
        // A reminder's contentId is kept as a field; everything else is stable.
        if let Ok(again) = again {
            assert_eq!(again, parsed.fields);
        }
    }
    let name = ["watch", "rating", "playbackStart", "bad name"][selector as usize % 4];
    if let Ok(e) = events::parse(&json, name) {
        assert_eq!(e.name, name);
        assert!(e.value.chars().count() <= events::MAX_VALUE_CHARS);
    }
    let _ = events::parse_cdg(&json, name);
    let _ = events::parse_recommendation(&json);
});
