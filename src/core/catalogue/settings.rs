//! The tenant settings the catalogue reads, with their checks and defaults:
//! section `catalogue` (`defaultLocale`, `providers`: how MDS renders and
//! which provider names its paths take) and section `rocket` (what Rocket's
//! `GET /config` tells apps: `playback` chain-play and view-event timings,
//! `general` sign-in, time zone, currency and site; `imageBaseUrl`, where
//! clients fetch images; `samsungPreview`: the Samsung Smart Hub public
//! preview).
//!
//! Must never: accept a key it does not read (a typo is refused, naming
//! it), or a value an app could not use.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::records::is_locale;
use crate::core::ids::is_valid_entity_id;

/// The locale records are shown in when a request names none.
pub const DEFAULT_LOCALE: &str = "en_GB";

/// Section `catalogue`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CatalogueSettings {
    #[serde(default)]
    pub default_locale: Option<String>,
    /// Provider names MDS paths may use (none: `GLOBAL`).
    #[serde(default)]
    pub providers: Vec<String>,
}

/// `AppConfigPlayback`: when apps fire view events and chain-play.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AppPlayback {
    /// How often a playback heartbeat is renewed, in seconds.
    pub heartbeat_frequency: i32,
    /// Fractions of a video (0 to 1) at which a view event fires.
    pub view_event_points: Vec<f64>,
    /// Seconds before the next video autoplays (0: never).
    pub chain_play_countdown: i32,
    /// Seconds before the end at which the player shrinks (0: never).
    pub chain_play_squeezeback: i32,
    /// Minutes of inactivity after which autoplay pauses (0: never).
    pub chain_play_timeout: i32,
}

impl Default for AppPlayback {
    fn default() -> Self {
        Self {
            heartbeat_frequency: 60,
            view_event_points: vec![0.25, 0.5, 0.75, 1.0],
            chain_play_countdown: 10,
            chain_play_squeezeback: 20,
            chain_play_timeout: 90,
        }
    }
}

/// The parts of `AppConfigGeneral` an operator sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct AppGeneral {
    pub mandatory_sign_in: bool,
    pub default_time_zone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
}

impl Default for AppGeneral {
    fn default() -> Self {
        Self {
            mandatory_sign_in: false,
            default_time_zone: "UTC".into(),
            currency_code: None,
            website_url: None,
        }
    }
}

/// The Samsung Smart Hub public preview (`GET /samsung-preview`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SamsungPreview {
    /// The rows: catalogue lists (node ids), in order. Empty: the
    /// top-level lists (the root nodes' children, in `nodeOrder`).
    pub rows: Vec<String>,
    /// Tile aspect: `16:9` (default), `4:3`, `1:1` or `2:3`.
    pub image_ratio: Option<String>,
    /// The image type tiles show (default: `Poster` for 2:3, else `Backdrop`).
    pub image_type: Option<String>,
    /// When set, `expires` is this many minutes ahead (10 to 10,080: a
    /// week at most); unset, TVs refresh on their own schedule.
    pub refresh_minutes: Option<i64>,
}

/// The tile aspects Smart Hub takes, with the tile width at its 250 px
/// height.
pub const SAMSUNG_RATIOS: [(&str, u32); 4] =
    [("16:9", 444), ("4:3", 333), ("1:1", 250), ("2:3", 167)];

impl SamsungPreview {
    /// The tile aspect and its width at 250 px.
    pub fn ratio(&self) -> (&'static str, u32) {
        let asked = self.image_ratio.as_deref().unwrap_or("16:9");
        SAMSUNG_RATIOS
            .into_iter()
            .find(|(r, _)| *r == asked)
            .unwrap_or(SAMSUNG_RATIOS[0])
    }

    /// The image type tiles show.
    pub fn image_type(&self) -> &str {
        match (&self.image_type, self.ratio().0) {
            (Some(t), _) => t,
            (None, "2:3") => "Poster",
            (None, _) => "Backdrop",
        }
    }

    fn check(&self) -> Result<(), String> {
        if self.rows.len() > 40 || self.rows.iter().any(|r| !is_valid_entity_id(r)) {
            return Err("rocket.samsungPreview.rows are at most 40 list ids".into());
        }
        if let Some(r) = &self.image_ratio {
            if !SAMSUNG_RATIOS.iter().any(|(k, _)| k == r) {
                return Err("rocket.samsungPreview.imageRatio is 16:9, 4:3, 1:1 or 2:3".into());
            }
        }
        if let Some(t) = &self.image_type {
            if !is_valid_entity_id(t) {
                return Err(
                    "rocket.samsungPreview.imageType must be an image type such as Poster".into(),
                );
            }
        }
        if self
            .refresh_minutes
            .is_some_and(|m| !(10..=10_080).contains(&m))
        {
            return Err("rocket.samsungPreview.refreshMinutes is 10 to 10080".into());
        }
        Ok(())
    }
}

fn is_http_url(u: &str) -> bool {
    (u.starts_with("https://") || u.starts_with("http://"))
        && u.len() <= 2048
        && !u.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Section `rocket`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RocketApp {
    pub playback: AppPlayback,
    pub general: AppGeneral,
    /// The absolute http(s) base Rocket clients fetch images from: a host
    /// that serves this tenant's `/images/v1/image/imageid/...` (TVs and
    /// `<img>` tags send no `nv-tenant-id`, so it is the operator's image
    /// host or CDN, which adds it). Unset: items carry no `images` and the
    /// Samsung preview is not offered.
    pub image_base_url: Option<String>,
    pub samsung_preview: SamsungPreview,
}

fn section<T: serde::de::DeserializeOwned + Default>(
    settings: &Value,
    name: &str,
) -> Result<T, String> {
    match settings.get(name) {
        None => Ok(T::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| format!("{name}: {e}")),
    }
}

impl CatalogueSettings {
    /// The `catalogue` section of a settings document, checked.
    pub fn of(settings: &Value) -> Result<Self, String> {
        let s: Self = section(settings, "catalogue")?;
        if let Some(l) = &s.default_locale {
            if !is_locale(l) {
                return Err("catalogue.defaultLocale must be a locale such as en_GB".into());
            }
        }
        if s.providers.len() > 64 || s.providers.iter().any(|p| !is_valid_entity_id(p)) {
            return Err("catalogue.providers must be at most 64 provider names".into());
        }
        Ok(s)
    }

    pub fn default_locale(&self) -> &str {
        self.default_locale.as_deref().unwrap_or(DEFAULT_LOCALE)
    }
}

impl RocketApp {
    /// The `rocket` section of a settings document, checked.
    pub fn of(settings: &Value) -> Result<Self, String> {
        let s: Self = section(settings, "rocket")?;
        let p = &s.playback;
        let times = [
            p.heartbeat_frequency,
            p.chain_play_countdown,
            p.chain_play_squeezeback,
            p.chain_play_timeout,
        ];
        if times.iter().any(|t| !(0..=86_400).contains(t)) {
            return Err("rocket.playback: times are 0 to 86400".into());
        }
        if p.view_event_points.len() > 100
            || p.view_event_points.iter().any(|x| !(0.0..=1.0).contains(x))
        {
            return Err("rocket.playback.viewEventPoints are fractions from 0 to 1".into());
        }
        let g = &s.general;
        if g.default_time_zone.is_empty()
            || g.default_time_zone.len() > 64
            || g.default_time_zone.chars().any(char::is_control)
        {
            return Err("rocket.general.defaultTimeZone must be a time zone name".into());
        }
        if let Some(c) = &g.currency_code {
            if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err("rocket.general.currencyCode must be an ISO 4217 code".into());
            }
        }
        if let Some(u) = &g.website_url {
            if !is_http_url(u) {
                return Err("rocket.general.websiteUrl must be an http(s) URL".into());
            }
        }
        if let Some(u) = &s.image_base_url {
            if !is_http_url(u) || u.ends_with('/') || u.contains(['?', '#']) {
                return Err("rocket.imageBaseUrl must be an http(s) URL without a trailing slash, query or fragment".into());
            }
        }
        s.samsung_preview.check()?;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_checks() {
        let none = json!({});
        assert_eq!(
            CatalogueSettings::of(&none).unwrap().default_locale(),
            "en_GB"
        );
        assert_eq!(RocketApp::of(&none).unwrap(), RocketApp::default());
        let set = json!({"catalogue": {"defaultLocale": "de_DE", "providers": ["GLOBAL", "NL"]},
                         "rocket": {"playback": {"chainPlayCountdown": 0}, "general": {"currencyCode": "EUR"}}});
        assert_eq!(
            CatalogueSettings::of(&set).unwrap().default_locale(),
            "de_DE"
        );
        let app = RocketApp::of(&set).unwrap();
        assert_eq!(app.playback.chain_play_countdown, 0);
        assert_eq!(
            app.playback.heartbeat_frequency, 60,
            "the rest keep their defaults"
        );
        let preview = json!({"rocket": {"samsungPreview": {"imageRatio": "2:3"}}});
        let p = RocketApp::of(&preview).unwrap().samsung_preview;
        assert_eq!((p.ratio(), p.image_type()), (("2:3", 167), "Poster"));
        assert_eq!(SamsungPreview::default().image_type(), "Backdrop");
        for bad in [
            json!({"catalogue": {"defaultLocale": "German"}}),
            json!({"catalogue": {"defaultLocal": "de_DE"}}),
            json!({"catalogue": {"providers": ["bad name!"]}}),
            json!({"rocket": {"playback": {"viewEventPoints": [1.5]}}}),
            json!({"rocket": {"playback": {"chainPlayTimeout": -1}}}),
            json!({"rocket": {"general": {"currencyCode": "euro"}}}),
            json!({"rocket": {"general": {"websiteUrl": "javascript:alert(1)"}}}),
            json!({"rocket": {"colours": {}}}),
            json!({"rocket": {"imageBaseUrl": "https://img.example/"}}),
            json!({"rocket": {"imageBaseUrl": "ftp://img.example"}}),
            json!({"rocket": {"samsungPreview": {"imageBaseUrl": "https://img.example"}}}),
            json!({"rocket": {"samsungPreview": {"imageRatio": "21:9"}}}),
            json!({"rocket": {"samsungPreview": {"refreshMinutes": 5}}}),
            json!({"rocket": {"samsungPreview": {"rows": ["bad id"]}}}),
        ] {
            let refused = CatalogueSettings::of(&bad)
                .err()
                .or(RocketApp::of(&bad).err());
            assert!(refused.is_some(), "{bad}");
        }
    }
}
