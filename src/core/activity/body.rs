//! The checks of a record body a client sends (OPF `Bookmark`,
//! `FavouritesList`, `Favourite`, `History`, `Reminder`, `Playlist`,
//! `PlaylistEntry` shapes, opf-api-admin §2.5): what is kept, what must
//! match the path, and every bound. Pure and total, so the fuzz target
//! runs it on any JSON.
//!
//! Kept: `deviceId`, `name`, `contentType`, `position`, `metadata`, `tags`,
//! `categories`. The server's fields (`account`, `userId`, `contentId`,
//! `id`, the list id, `creationDate`, `modifiedDate`) are checked against
//! the path where the body repeats them and otherwise ignored: the dates
//! are the server's, so a client cannot backdate a record past eviction
//! or expiry. Other fields are ignored, not stored.
//!
//! Must never: keep a field it has not bounded, or accept a body that names
//! another account, profile, content or list than the path.

use serde_json::{Map, Value};

use super::KindId;

/// Longest content, list or device id, in bytes.
pub const MAX_ID_BYTES: usize = 256;
pub const MAX_NAME_CHARS: usize = 256;
pub const MAX_CONTENT_TYPE_CHARS: usize = 64;
pub const MAX_TAGS: usize = 32;
pub const MAX_TAG_CHARS: usize = 64;
pub const MAX_CATEGORIES: usize = 64;
pub const MAX_METADATA_KEYS: usize = 64;
/// Largest `metadata`, serialised.
pub const MAX_METADATA_BYTES: usize = 8192;
/// Largest `position` (seconds; about 68 years).
pub const MAX_POSITION: i64 = i32::MAX as i64;

/// What the path says the body is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct PathIds<'a> {
    pub account: &'a str,
    /// Empty at account scope.
    pub profile: &'a str,
    /// The content id the path names, if it names one.
    pub item: Option<&'a str>,
    /// The list the path names, if it names one.
    pub list: Option<&'a str>,
}

/// A checked body.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The fields kept.
    pub fields: Map<String, Value>,
    /// The body's `contentId`, when it has one.
    pub content_id: Option<String>,
}

/// A content, list or device id: 1-256 bytes, no control characters.
pub fn is_item_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_BYTES && !id.chars().any(char::is_control)
}

fn text<'v>(
    body: &'v Map<String, Value>,
    field: &str,
    max: usize,
) -> Result<Option<&'v str>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max && !s.chars().any(char::is_control) => {
            Ok(Some(s))
        }
        Some(_) => Err(format!("{field} must be text of at most {max} characters")),
    }
}

fn same(body: &Map<String, Value>, field: &str, path: Option<&str>) -> Result<(), String> {
    match (text(body, field, MAX_ID_BYTES)?, path) {
        (Some(given), Some(path)) if !path.is_empty() && given != path => {
            Err(format!("{field} in the body must match the path"))
        }
        _ => Ok(()),
    }
}

fn strings(
    body: &Map<String, Value>,
    field: &str,
    max_len: usize,
    max_chars: usize,
) -> Result<Option<Value>, String> {
    let Some(v) = body.get(field) else {
        return Ok(None);
    };
    if v.is_null() {
        return Ok(None);
    }
    let bad =
        || format!("{field} must be a list of at most {max_len} texts of 1-{max_chars} characters");
    let list = v.as_array().ok_or_else(bad)?;
    if list.len() > max_len {
        return Err(bad());
    }
    for t in list {
        let s = t.as_str().ok_or_else(bad)?;
        if s.is_empty() || s.chars().count() > max_chars || s.chars().any(char::is_control) {
            return Err(bad());
        }
    }
    Ok(Some(v.clone()))
}

fn metadata(body: &Map<String, Value>, required_duration: bool) -> Result<Option<Value>, String> {
    let m = match body.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(m),
        Some(_) => return Err("metadata must be an object".into()),
    };
    let Some(m) = m else {
        return if required_duration {
            Err("metadata.contentDuration is required".into())
        } else {
            Ok(None)
        };
    };
    if m.len() > MAX_METADATA_KEYS {
        return Err(format!("metadata holds at most {MAX_METADATA_KEYS} fields"));
    }
    for field in ["seriesId", "seasonId"] {
        match m.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if is_item_id(s) => {}
            Some(_) => {
                return Err(format!(
                    "metadata.{field} must be an id of 1-{MAX_ID_BYTES} bytes"
                ))
            }
        }
    }
    match m.get("contentDuration") {
        None | Some(Value::Null) if required_duration => {
            return Err("metadata.contentDuration is required".into())
        }
        None | Some(Value::Null) => {}
        Some(d) if d.as_f64().is_some_and(|d| d >= 0.0 && d.is_finite()) => {}
        Some(_) => {
            return Err("metadata.contentDuration must be a number of seconds, 0 or more".into())
        }
    }
    let serialised = serde_json::to_vec(m).map_err(|e| e.to_string())?.len();
    if serialised > MAX_METADATA_BYTES {
        return Err(format!("metadata is at most {MAX_METADATA_BYTES} bytes"));
    }
    Ok(Some(Value::Object(m.clone())))
}

/// Checks `body` as a record of `kind` at `path`.
pub fn parse(kind: KindId, body: &Value, path: PathIds<'_>) -> Result<Parsed, String> {
    let body = body.as_object().ok_or("the body must be a JSON object")?;
    same(body, "account", Some(path.account))?;
    same(body, "accountId", Some(path.account))?;
    // At account scope `userId` is not used (opf-api-admin §2.4).
    same(body, "userId", Some(path.profile))?;
    same(body, "contentId", path.item)?;
    let list_field = match kind {
        KindId::Favourite => Some("favouriteListId"),
        KindId::PlaylistEntry => Some("playlistId"),
        KindId::FavouritesList | KindId::Playlist => Some("id"),
        _ => None,
    };
    if let Some(field) = list_field {
        same(body, field, path.list)?;
    }
    for date in ["creationDate", "modifiedDate"] {
        text(body, date, 64)?;
    }

    let mut fields = Map::new();
    let keep = |fields: &mut Map<String, Value>, field: &str, v: Option<Value>| {
        if let Some(v) = v {
            fields.insert(field.to_owned(), v);
        }
    };
    let device = text(body, "deviceId", MAX_ID_BYTES)?;
    keep(&mut fields, "deviceId", device.map(Value::from));
    keep(
        &mut fields,
        "name",
        text(body, "name", MAX_NAME_CHARS)?.map(Value::from),
    );
    keep(
        &mut fields,
        "contentType",
        text(body, "contentType", MAX_CONTENT_TYPE_CHARS)?.map(Value::from),
    );
    let position = match body.get("position") {
        None | Some(Value::Null) => None,
        Some(p) => match p.as_i64() {
            Some(p) if (0..=MAX_POSITION).contains(&p) => Some(p),
            _ => {
                return Err(format!(
                    "position must be a whole number of seconds, 0-{MAX_POSITION}"
                ))
            }
        },
    };
    if kind == KindId::Bookmark && position.is_none() {
        return Err("position is required".into());
    }
    keep(&mut fields, "position", position.map(Value::from));
    // UAV-20: a profile's bookmark carries the content's duration.
    let duration_required = kind == KindId::Bookmark && !path.profile.is_empty();
    keep(&mut fields, "metadata", metadata(body, duration_required)?);
    keep(
        &mut fields,
        "tags",
        strings(body, "tags", MAX_TAGS, MAX_TAG_CHARS)?,
    );
    keep(
        &mut fields,
        "categories",
        strings(body, "categories", MAX_CATEGORIES, MAX_NAME_CHARS)?,
    );
    let content_id = match text(body, "contentId", MAX_ID_BYTES)? {
        Some(id) if is_item_id(id) => Some(id.to_owned()),
        Some(_) => return Err(format!("contentId must be 1-{MAX_ID_BYTES} bytes")),
        None => None,
    };
    if let (KindId::Reminder, Some(id)) = (kind, &content_id) {
        // A reminder is keyed by the server; the programme is a field.
        fields.insert("contentId".into(), id.clone().into());
    }
    if matches!(kind, KindId::Reminder | KindId::History) && content_id.is_none() {
        return Err("contentId is required".into());
    }
    Ok(Parsed { fields, content_id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at<'a>(item: Option<&'a str>) -> PathIds<'a> {
        PathIds {
            account: "acc",
            profile: "p1",
            item,
            list: None,
        }
    }

    #[test]
    fn a_bookmark_keeps_its_fields_and_drops_the_servers() {
        let b = json!({"account": "acc", "userId": "p1", "contentId": "c1", "position": 42,
            "deviceId": "d", "tags": ["In Progress"], "creationDate": "1999-01-01T00:00:00Z",
            "metadata": {"contentDuration": 3600, "seriesId": "s1"}, "extra": [1]});
        let p = parse(KindId::Bookmark, &b, at(Some("c1"))).unwrap();
        assert_eq!(
            Value::Object(p.fields),
            json!({"position": 42, "deviceId": "d", "tags": ["In Progress"],
                   "metadata": {"contentDuration": 3600, "seriesId": "s1"}})
        );
    }

    #[test]
    fn each_rule_refuses() {
        let ok = json!({"position": 1, "metadata": {"contentDuration": 10}});
        assert!(parse(KindId::Bookmark, &ok, at(Some("c1"))).is_ok());
        let bad = [
            json!([]),
            json!({"metadata": {"contentDuration": 10}}),
            json!({"position": -1, "metadata": {"contentDuration": 10}}),
            json!({"position": 1.5, "metadata": {"contentDuration": 10}}),
            json!({"position": "1", "metadata": {"contentDuration": 10}}),
            json!({"position": 1}),
            json!({"position": 1, "metadata": {"contentDuration": -1}}),
            json!({"position": 1, "metadata": {"contentDuration": 1, "seriesId": 7}}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "account": "other"}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "userId": "p2"}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "contentId": "c2"}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "tags": "x"}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "tags": [""]}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "tags": ["a\u{1}"]}),
            json!({"position": 1, "metadata": {"contentDuration": 1}, "name": "x".repeat(257)}),
            json!({"position": 1, "metadata": {"contentDuration": 1, "big": "x".repeat(9000)}}),
        ];
        for b in bad {
            assert!(parse(KindId::Bookmark, &b, at(Some("c1"))).is_err(), "{b}");
        }
        let tags: Vec<String> = (0..33).map(|i| i.to_string()).collect();
        let b = json!({"position": 1, "metadata": {"contentDuration": 1}, "tags": tags});
        assert!(parse(KindId::Bookmark, &b, at(Some("c1"))).is_err());
    }

    #[test]
    fn account_scope_bookmarks_need_no_duration_and_entries_match_their_list() {
        let acct = PathIds {
            account: "acc",
            profile: "",
            item: Some("c1"),
            list: None,
        };
        assert!(parse(
            KindId::Bookmark,
            &json!({"position": 3, "userId": "anything"}),
            acct
        )
        .is_ok());
        let entry = PathIds {
            list: Some("L1"),
            ..acct
        };
        assert!(parse(KindId::Favourite, &json!({"favouriteListId": "L1"}), entry).is_ok());
        assert!(parse(KindId::Favourite, &json!({"favouriteListId": "L2"}), entry).is_err());
        let long = "x".repeat(257);
        let history = PathIds { item: None, ..acct };
        assert!(parse(KindId::History, &json!({"contentId": long}), history).is_err());
        assert!(parse(KindId::History, &json!({"contentId": "c9"}), history).is_ok());
        assert!(!is_item_id(&"x".repeat(257)) && is_item_id(&"x".repeat(256)));
    }
}
