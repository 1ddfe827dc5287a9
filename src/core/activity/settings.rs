//! A tenant's activity settings (section `activity` of its settings
//! document): each kind's limit per scope (`limits`, by the kinds'
//! `limit_name`) and the default lifetime of a record written without
//! `expires` (`defaultExpiresS`, one year) and how long activity events
//! are kept (`eventsRetentionS`, 90 days).
//!
//! Must never: accept a key it does not read, or a limit of 0.

use std::collections::HashMap;

use serde::Deserialize;

use super::kinds::{KindId, KINDS};

/// The default lifetime of a record: one year (opf-api-admin §2.4).
pub const DEFAULT_EXPIRES_S: i64 = 365 * 86_400;
/// Longest lifetime a write may ask for: ten years.
pub const MAX_EXPIRES_S: i64 = 10 * 365 * 86_400;
/// How long activity events are kept by default: 90 days.
pub const DEFAULT_EVENTS_RETENTION_S: i64 = 90 * 86_400;
/// Highest limit a tenant may set for a kind.
pub const MAX_LIMIT: u32 = 100_000;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Section {
    #[serde(default)]
    limits: HashMap<String, u32>,
    #[serde(default)]
    default_expires_s: Option<i64>,
    #[serde(default)]
    events_retention_s: Option<i64>,
}

/// What the collection engine applies for one tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivitySettings {
    limits: [u32; KINDS.len()],
    pub default_expires_s: i64,
    /// How long activity events are kept (`eventsRetentionS`).
    pub events_retention_s: i64,
}

impl Default for ActivitySettings {
    fn default() -> Self {
        Self {
            limits: std::array::from_fn(|i| KINDS[i].default_limit),
            default_expires_s: DEFAULT_EXPIRES_S,
            events_retention_s: DEFAULT_EVENTS_RETENTION_S,
        }
    }
}

impl ActivitySettings {
    /// The section of a tenant's settings document, checked.
    pub fn of(settings: &serde_json::Value) -> Result<Self, String> {
        let section: Section = match settings.get("activity") {
            None => Section::default(),
            Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("activity: {e}"))?,
        };
        let mut out = Self::default();
        for (name, limit) in section.limits {
            let kind = KINDS
                .iter()
                .find(|k| k.limit_name == name)
                .ok_or_else(|| format!("activity.limits: unknown kind {name:?}"))?;
            if !(1..=MAX_LIMIT).contains(&limit) {
                return Err(format!("activity.limits.{name} must be 1-{MAX_LIMIT}"));
            }
            out.limits[kind.id as usize] = limit;
        }
        if let Some(s) = section.default_expires_s {
            if !(60..=MAX_EXPIRES_S).contains(&s) {
                return Err(format!(
                    "activity.defaultExpiresS must be 60-{MAX_EXPIRES_S}"
                ));
            }
            out.default_expires_s = s;
        }
        if let Some(s) = section.events_retention_s {
            if !(3600..=MAX_EXPIRES_S).contains(&s) {
                return Err(format!(
                    "activity.eventsRetentionS must be 3600-{MAX_EXPIRES_S}"
                ));
            }
            out.events_retention_s = s;
        }
        Ok(out)
    }

    /// The most records of `kind` one scope (or one list) keeps.
    pub fn limit(&self, kind: KindId) -> u32 {
        self.limits[kind as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_overrides() {
        let d = ActivitySettings::of(&json!({})).unwrap();
        assert_eq!(d.limit(KindId::Bookmark), 500);
        assert_eq!(d.default_expires_s, DEFAULT_EXPIRES_S);
        let s = ActivitySettings::of(
            &json!({"activity": {"limits": {"bookmarks": 3}, "defaultExpiresS": 600}}),
        )
        .unwrap();
        assert_eq!(s.limit(KindId::Bookmark), 3);
        assert_eq!(s.limit(KindId::History), 500);
        assert_eq!(s.default_expires_s, 600);
    }

    #[test]
    fn bad_sections_are_refused() {
        for bad in [
            json!({"activity": {"limits": {"bookmark": 3}}}),
            json!({"activity": {"limits": {"bookmarks": 0}}}),
            json!({"activity": {"limits": {"bookmarks": -1}}}),
            json!({"activity": {"defaultExpiresS": 1}}),
            json!({"activity": {"other": 1}}),
        ] {
            assert!(ActivitySettings::of(&bad).is_err(), "{bad}");
        }
    }
}
