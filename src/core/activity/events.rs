//! The checks of an activity event a client reports (OPF `Activity`:
//! `accountId`, `userId`, `deviceId`, `name`, `key`, `value`, `timestamp`,
//! `metadata`; opf-api-admin §2.5) and of the other faces' event bodies
//! (CDG `useractivity`, the recommendations facade's `activityType`).
//! Pure and total: the fuzz target runs it on any JSON.
//!
//! Must never: keep a field it has not bounded, or accept an event whose
//! `name` differs from the one its path names.

use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::body::{is_item_id, MAX_ID_BYTES, MAX_METADATA_BYTES};

/// Longest `value`, in characters.
pub const MAX_VALUE_CHARS: usize = 1024;

/// Activity names whose events count as a view of their `key`.
pub const VIEW_NAMES: &[&str] = &["watch", "play", "playbackStart"];

/// A checked event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventIn {
    pub account_id: Option<String>,
    /// The profile; `None` or empty when the event names none.
    pub user_id: Option<String>,
    pub device_id: String,
    pub name: String,
    pub key: String,
    pub value: String,
    /// Epoch seconds, when the body gave a time.
    pub at: Option<i64>,
    pub metadata: Map<String, Value>,
}

/// An activity name: 1-64 of `[A-Za-z0-9_.-]`.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn opt_id(body: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if is_item_id(s) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{field} must be an id of 1-{MAX_ID_BYTES} bytes")),
    }
}

fn metadata(body: &Map<String, Value>) -> Result<Map<String, Value>, String> {
    match body.get("metadata") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => {
            let size = serde_json::to_vec(m).map_err(|e| e.to_string())?.len();
            if size > MAX_METADATA_BYTES {
                return Err(format!("metadata is at most {MAX_METADATA_BYTES} bytes"));
            }
            Ok(m.clone())
        }
        Some(_) => Err("metadata must be an object".into()),
    }
}

/// A time as ISO-8601 (RFC 3339) text or epoch seconds.
pub fn instant(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().filter(|s| (0..=253_402_300_799).contains(s)),
        Value::String(s) => OffsetDateTime::parse(s, &Rfc3339)
            .ok()
            .map(|t| t.unix_timestamp()),
        _ => None,
    }
}

/// Checks a UAV / Activity Gateway event posted to `useractivity/{name}`.
pub fn parse(body: &Value, path_name: &str) -> Result<EventIn, String> {
    if !is_name(path_name) {
        return Err("the activity name is 1-64 of [A-Za-z0-9_.-]".into());
    }
    let body = body.as_object().ok_or("the body must be a JSON object")?;
    match body.get("name") {
        None | Some(Value::Null) => {}
        Some(Value::String(n)) if n == path_name => {}
        Some(_) => return Err("name in the body must match the path".into()),
    }
    let key = match body.get("key") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(k)) if k.is_empty() || is_item_id(k) => k.clone(),
        Some(_) => return Err(format!("key must be text of at most {MAX_ID_BYTES} bytes")),
    };
    let value = match body.get("value") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
        Some(_) => return Err("value must be text, a number or true/false".into()),
    };
    if value.chars().count() > MAX_VALUE_CHARS || value.chars().any(char::is_control) {
        return Err(format!(
            "value is at most {MAX_VALUE_CHARS} printable characters"
        ));
    }
    let at = match body.get("timestamp") {
        None | Some(Value::Null) => None,
        Some(v) => Some(instant(v).ok_or("timestamp must be an ISO-8601 time or epoch seconds")?),
    };
    Ok(EventIn {
        account_id: opt_id(body, "accountId")?,
        user_id: opt_id(body, "userId")?,
        device_id: opt_id(body, "deviceId")?.unwrap_or_default(),
        name: path_name.to_owned(),
        key,
        value,
        at,
        metadata: metadata(body)?,
    })
}

/// Checks a CDG `useractivity/{name}` body (`deviceType`, `contentId`).
pub fn parse_cdg(body: &Value, name: &str) -> Result<EventIn, String> {
    const NAMES: &[&str] = &[
        "download",
        "watch",
        "bookmark",
        "record",
        "watchtrailer",
        "play",
        "purchase",
        "setreminder",
        "like",
        "dislike",
    ];
    if !NAMES.contains(&name) {
        return Err(format!("the activity is one of {}", NAMES.join(", ")));
    }
    let body = body.as_object().ok_or("the body must be a JSON object")?;
    let key = opt_id(body, "contentId")?.ok_or("contentId is required")?;
    let mut metadata = Map::new();
    if let Some(d) = opt_id(body, "deviceType")? {
        metadata.insert("deviceType".into(), d.into());
    }
    Ok(EventIn {
        name: name.to_owned(),
        key,
        metadata,
        ..EventIn::default()
    })
}

/// Checks a recommendations-facade event (`activityType`, `deviceType`,
/// `content{type, id}`).
pub fn parse_recommendation(body: &Value) -> Result<EventIn, String> {
    let body = body.as_object().ok_or("the body must be a JSON object")?;
    let name = match body.get("activityType") {
        Some(Value::String(n)) if is_name(n) => n.clone(),
        _ => return Err("activityType is required: 1-64 of [A-Za-z0-9_.-]".into()),
    };
    let content = match body.get("content") {
        Some(Value::Object(c)) => c,
        _ => return Err("content is required: {type, id}".into()),
    };
    let kind = match content.get("type") {
        Some(Value::String(t))
            if ["VOD", "BTV", "SERIES", "SEASON", "DEEPLINK"].contains(&t.as_str()) =>
        {
            t.clone()
        }
        _ => return Err("content.type is VOD, BTV, SERIES, SEASON or DEEPLINK".into()),
    };
    let key = opt_id(content, "id")?.ok_or("content.id is required")?;
    let mut metadata = Map::new();
    metadata.insert("contentType".into(), kind.into());
    if let Some(d) = opt_id(body, "deviceType")? {
        metadata.insert("deviceType".into(), d.into());
    }
    Ok(EventIn {
        name,
        key,
        metadata,
        ..EventIn::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_event_keeps_its_fields() {
        let e = parse(
            &json!({"accountId": "a", "userId": "", "deviceId": "d", "name": "watch", "key": "c1",
                    "value": "WATCH FULL", "timestamp": "2026-12-05T10:00:00Z", "metadata": {"x": 1}}),
            "watch",
        )
        .unwrap();
        assert_eq!(e.user_id, None);
        assert_eq!(e.key, "c1");
        assert_eq!(e.at, Some(1_796_464_800));
        assert_eq!(e.metadata["x"], 1);
    }

    #[test]
    fn each_rule_refuses() {
        for (body, name) in [
            (json!({}), "bad name!"),
            (json!([]), "watch"),
            (json!({"name": "play"}), "watch"),
            (json!({"key": 5}), "watch"),
            (json!({"value": [1]}), "watch"),
            (json!({"timestamp": "yesterday"}), "watch"),
            (json!({"metadata": "x"}), "watch"),
            (json!({"accountId": "a\u{1}"}), "watch"),
            (json!({"metadata": {"big": "x".repeat(9000)}}), "watch"),
        ] {
            assert!(parse(&body, name).is_err(), "{body} {name}");
        }
        assert!(parse_cdg(&json!({"contentId": "c"}), "sleep").is_err());
        assert!(parse_cdg(&json!({}), "watch").is_err());
        assert!(parse_recommendation(
            &json!({"activityType": "watch", "content": {"type": "X", "id": "c"}})
        )
        .is_err());
        let r = parse_recommendation(&json!({"activityType": "watch", "deviceType": "Android",
                                             "content": {"type": "VOD", "id": "c"}}))
        .unwrap();
        assert_eq!((r.name.as_str(), r.key.as_str()), ("watch", "c"));
    }
}
