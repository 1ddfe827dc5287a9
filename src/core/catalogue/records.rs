//! The catalogue's records as the operator ingests them and the store keeps
//! them: one serde shape per kind (camelCase, unknown members refused), and
//! the checks each record must pass on its own ([`Record::check`]). Checks
//! that need other records (a product a record names must exist) are the
//! plane's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::core::ids::is_valid_entity_id;
use crate::core::status::ProductType;

/// Longest title, name or other one-line text.
pub const MAX_LINE: usize = 512;
/// Longest description or biography.
pub const MAX_TEXT: usize = 8192;
/// Most entries of one list member (refs, categories, technicals, ...).
pub const MAX_LIST: usize = 256;
/// Longest URI.
pub const MAX_URI: usize = 2048;
/// Most locales of one record.
pub const MAX_LOCALES: usize = 32;

/// Text in one locale. Which members a kind uses is the kind's affair.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocaleText {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synopsis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_name: Option<String>,
}

/// Text by locale (`en_GB`, `fr_FR`, ...).
pub type Locales = BTreeMap<String, LocaleText>;

/// A time window in epoch seconds; an open end is `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<i64>,
}

impl Window {
    /// Whether `now` falls in the window (start inclusive, end exclusive).
    pub fn contains(&self, now: i64) -> bool {
        self.start.is_none_or(|s| now >= s) && self.end.is_none_or(|e| now < e)
    }
}

/// Where an item may be played (country codes ISO 3166-1 alpha-2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Location {
    #[serde(default)]
    pub block_vpn: bool,
    #[serde(default)]
    pub filtering_list: Vec<String>,
    #[serde(default)]
    pub filtering_list_is_allow_list: bool,
    #[serde(default)]
    pub blocking_list: Vec<String>,
}

/// A product's price (one price per product, as MDS supports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub amount: f64,
    pub currency: String,
}

/// Download to Go terms of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Download {
    /// Seconds a download may be kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_duration: Option<i64>,
    /// Seconds after download within which play must start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_start_period: Option<i64>,
}

/// What sells access: a subscription, a rental, a purchase or a PPV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Product {
    pub id: String,
    /// `SUBSCRIPTION`, `RENTAL`, `PURCHASE`, `PPV` or `CAPABILITY`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The MDS lists that show it: `vod`, `btv` (both when absent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_purchase: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_purchase: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_validity: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_validity: Option<i64>,
    /// Playout device classes allowed; empty: every class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_classes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_rules_profile_id: Option<String>,
    /// Rentals: seconds from purchase, seconds from first play, plays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rental_period: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub play_period: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_plays: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<Download>,
    /// Start-over and catch-up allowed.
    #[serde(default, rename = "isSOCU")]
    pub is_socu: bool,
    #[serde(default)]
    pub impulsive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Json>,
}

impl Product {
    pub fn product_type(&self) -> Option<ProductType> {
        ProductType::parse(&self.kind)
    }

    /// Whether the `domain` list (`vod` or `btv`) shows it.
    pub fn in_domain(&self, domain: &str) -> bool {
        self.domains.is_empty() || self.domains.iter().any(|d| d == domain)
    }
}

/// A node of the VOD catalogue tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Node {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub node_order: i64,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Json>,
}

/// A series or one of its seasons, of VOD or of broadcast TV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Series {
    pub id: String,
    /// `SERIES` or `SEASON`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `vod` or `btv`.
    pub domain: String,
    /// A season's series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season_number: Option<i64>,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Json>,
}

/// A person's part in a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credit {
    pub person_ref: String,
    /// `Actor`, `Director`, `Writer`, `Producer`, `Presenter`, ...
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub character: Option<String>,
}

/// One playable rendition of a VOD title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VodTechnical {
    pub id: String,
    /// What players send as `content_id` for the content token.
    pub drm_id: String,
    /// Device types it plays on (`Android`, `iOS`, `PC`, ...).
    pub device_types: Vec<String>,
    /// E.g. `DASH_WV`, `HLS_FP`.
    pub drm_instance_name: String,
    /// `SD`, `HD`, `UHD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The playlist (manifest) URI.
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdn_id: Option<String>,
    #[serde(default)]
    pub cdn_token_required: bool,
    /// The publishing window of this rendition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Window>,
}

/// A VOD title: a movie, an episode, a trailer, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Editorial {
    pub id: String,
    /// `MOVIE`, `EPISODE`, `TRAILER`, `CLIP`, `EXTRA`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// `"Key:Value"` strings, as apps read them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// A classification code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_refs: Vec<String>,
    /// Products that grant it; empty: not sold (not playable except free).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_refs: Vec<String>,
    /// When it is visible (and playable).
    #[serde(default)]
    pub period: Window,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
    /// Its clips (trailers, clips, extras: editorials of those types), in
    /// the order players show them (Rocket `/itv/items/clips`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clip_refs: Vec<String>,
    #[serde(default)]
    pub location: Location,
    #[serde(default)]
    pub in_home_only: bool,
    #[serde(default)]
    pub block_if_off_net: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technicals: Vec<VodTechnical>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Json>,
}

/// One playable rendition of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelTechnical {
    pub id: String,
    pub drm_id: String,
    pub device_types: Vec<String>,
    pub drm_instance_name: String,
    /// The live stream URI.
    pub network_location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_over_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cdn_id: Option<String>,
    #[serde(default)]
    pub cdn_token_required: bool,
}

/// A broadcast channel (an MDS BTV service).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Service {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tv_channel: Option<i64>,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// Products that grant it; empty: free to air.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_refs: Vec<String>,
    #[serde(default)]
    pub catch_up_support: bool,
    #[serde(default)]
    pub start_over_support: bool,
    /// Seconds after a programme ends that catch-up stays available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catch_up_window: Option<i64>,
    #[serde(default)]
    pub location: Location,
    #[serde(default)]
    pub in_home_only: bool,
    #[serde(default)]
    pub block_if_off_net: bool,
    #[serde(default)]
    pub protection_mandatory: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technicals: Vec<ChannelTechnical>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Json>,
}

/// Which ways of watching a programme are blacked out on a connection type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Blackout {
    /// `4G`, `WIFI`, `ETHERNET`, ...
    pub connection_types: Vec<String>,
    #[serde(default)]
    pub live: bool,
    #[serde(default)]
    pub start_over: bool,
    #[serde(default)]
    pub catch_up: bool,
}

/// A broadcast event on a service (an EPG entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Programme {
    pub id: String,
    pub service_ref: String,
    pub period: Window,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episode_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub season_number: Option<i64>,
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// Products that grant it (PPV); empty: whatever grants the service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_refs: Vec<String>,
    #[serde(default)]
    pub is_catch_up: bool,
    #[serde(default)]
    pub is_start_over: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blackouts: Vec<Blackout>,
}

impl Programme {
    pub fn start(&self) -> i64 {
        self.period.start.unwrap_or(0)
    }

    pub fn end(&self) -> i64 {
        self.period.end.unwrap_or(0)
    }
}

/// Cast, crew or a persona.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Person {
    pub id: String,
    /// `cast` or `persona`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<String>,
    /// `title` is the name, `description` the biography.
    pub locales: Locales,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_refs: Vec<String>,
}

/// An uploaded image: what it is for (`type`: `Poster`, `Backdrop`,
/// `BannerMain`, `Logo`, `ProfileIcon`, ...; records link it through their
/// `imageRefs`), its locale if it holds text, and what the upload found in
/// its bytes (kept by `digest` in the store).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    pub width: u32,
    pub height: u32,
    /// `jpeg`, `png` or `webp`.
    pub format: String,
    /// SHA-256 of the bytes, lowercase hex.
    pub digest: String,
    /// The bytes' length.
    pub size: u64,
}

/// Why a record is refused.
pub type Refusal = String;

fn id(field: &str, v: &str) -> Result<(), Refusal> {
    if is_valid_entity_id(v) {
        Ok(())
    } else {
        Err(format!(
            "{field} must be 1-128 characters of letters, digits, '-', '_', '.', ':' or '@'"
        ))
    }
}

fn ids(field: &str, list: &[String]) -> Result<(), Refusal> {
    if list.len() > MAX_LIST {
        return Err(format!("{field} lists more than {MAX_LIST} entries"));
    }
    list.iter().try_for_each(|v| id(field, v))
}

fn line(field: &str, v: &str, max: usize) -> Result<(), Refusal> {
    if v.chars().count() > max {
        return Err(format!("{field} is longer than {max} characters"));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(format!("{field} holds control characters"));
    }
    if max == MAX_LINE && v.contains(['\n', '\t']) {
        return Err(format!("{field} holds control characters"));
    }
    Ok(())
}

fn words(field: &str, list: &[String]) -> Result<(), Refusal> {
    if list.len() > MAX_LIST {
        return Err(format!("{field} lists more than {MAX_LIST} entries"));
    }
    list.iter().try_for_each(|v| {
        if v.is_empty() {
            return Err(format!("{field} holds an empty entry"));
        }
        line(field, v, MAX_LINE)
    })
}

/// A technical names the device types it plays on (at least one): a
/// filter on `technical.deviceType` must be able to find it.
fn device_types(list: &[String]) -> Result<(), Refusal> {
    if list.is_empty() {
        return Err("technicals.deviceTypes must list at least one device type".into());
    }
    words("technicals.deviceTypes", list)
}

fn one_of(field: &str, v: &str, allowed: &[&str]) -> Result<(), Refusal> {
    if allowed.contains(&v) {
        Ok(())
    } else {
        Err(format!("{field} must be one of {}", allowed.join(", ")))
    }
}

/// Whether `s` is a locale tag as MDS writes them (`en_GB`, `es_LA`, `fr`).
pub fn is_locale(s: &str) -> bool {
    let mut parts = s.split('_');
    let lang = parts.next().unwrap_or("");
    let region = parts.next();
    parts.next().is_none()
        && (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| {
            (2..=3).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn locales(v: &Locales, title_required: bool) -> Result<(), Refusal> {
    if v.is_empty() {
        return Err("locales must hold at least one locale".into());
    }
    if v.len() > MAX_LOCALES {
        return Err(format!("locales holds more than {MAX_LOCALES} locales"));
    }
    for (tag, text) in v {
        if !is_locale(tag) {
            return Err(format!("locales: {tag:?} is not a locale such as en_GB"));
        }
        if title_required && text.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(format!("locales.{tag}.title is required"));
        }
        for (name, value, max) in [
            ("title", &text.title, MAX_LINE),
            ("longName", &text.long_name, MAX_LINE),
            ("synopsis", &text.synopsis, MAX_TEXT),
            ("description", &text.description, MAX_TEXT),
        ] {
            if let Some(value) = value {
                line(&format!("locales.{tag}.{name}"), value, max)?;
            }
        }
    }
    Ok(())
}

fn window(field: &str, w: &Window) -> Result<(), Refusal> {
    match (w.start, w.end) {
        (Some(s), Some(e)) if e <= s => Err(format!("{field}.end must be after {field}.start")),
        (Some(t), _) | (_, Some(t)) if t < 0 => Err(format!("{field} times must be epoch seconds")),
        _ => Ok(()),
    }
}

fn seconds(field: &str, v: Option<i64>) -> Result<(), Refusal> {
    match v {
        Some(s) if s < 0 => Err(format!("{field} must be 0 or more")),
        _ => Ok(()),
    }
}

fn uri(field: &str, v: &str) -> Result<(), Refusal> {
    let scheme_ok = v.starts_with("https://") || v.starts_with("http://");
    if !scheme_ok || v.len() > MAX_URI || v.chars().any(|c| c.is_control() || c == ' ') {
        return Err(format!(
            "{field} must be an http(s) URI of at most {MAX_URI} bytes"
        ));
    }
    Ok(())
}

fn location(v: &Location) -> Result<(), Refusal> {
    for (field, list) in [
        ("location.filteringList", &v.filtering_list),
        ("location.blockingList", &v.blocking_list),
    ] {
        if list.len() > MAX_LIST {
            return Err(format!("{field} lists more than {MAX_LIST} entries"));
        }
        if !list
            .iter()
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(format!(
                "{field} holds a code that is not ISO 3166-1 alpha-2"
            ));
        }
    }
    Ok(())
}

fn credits(v: &[Credit]) -> Result<(), Refusal> {
    if v.len() > MAX_LIST {
        return Err(format!("credits lists more than {MAX_LIST} entries"));
    }
    v.iter().try_for_each(|c| {
        id("credits.personRef", &c.person_ref)?;
        line("credits.role", &c.role, MAX_LINE)?;
        if c.role.is_empty() {
            return Err("credits.role is required".into());
        }
        c.character
            .as_deref()
            .map_or(Ok(()), |ch| line("credits.character", ch, MAX_LINE))
    })
}

fn unique<'a>(field: &str, mut ids: impl Iterator<Item = &'a str>) -> Result<(), Refusal> {
    let mut seen = std::collections::HashSet::new();
    ids.try_for_each(|i| {
        if seen.insert(i) {
            Ok(())
        } else {
            Err(format!("{field} {i} appears twice"))
        }
    })
}

/// What VOD and channel technicals share: the ids that name them and the
/// device types they play on.
pub trait Technical {
    fn id(&self) -> &str;
    fn drm_id(&self) -> &str;
    fn device_types(&self) -> &[String];
    fn drm_instance_name(&self) -> &str;
}

impl Technical for VodTechnical {
    fn id(&self) -> &str {
        &self.id
    }
    fn drm_id(&self) -> &str {
        &self.drm_id
    }
    fn device_types(&self) -> &[String] {
        &self.device_types
    }
    fn drm_instance_name(&self) -> &str {
        &self.drm_instance_name
    }
}

impl Technical for ChannelTechnical {
    fn id(&self) -> &str {
        &self.id
    }
    fn drm_id(&self) -> &str {
        &self.drm_id
    }
    fn device_types(&self) -> &[String] {
        &self.device_types
    }
    fn drm_instance_name(&self) -> &str {
        &self.drm_instance_name
    }
}

/// A record's technicals: at most [`MAX_LIST`], technical and DRM ids
/// unique, each with its shared checks, then its kind's (`own`).
fn technicals<T: Technical>(
    list: &[T],
    own: impl Fn(&T) -> Result<(), Refusal>,
) -> Result<(), Refusal> {
    if list.len() > MAX_LIST {
        return Err(format!("technicals lists more than {MAX_LIST} entries"));
    }
    unique("technical", list.iter().map(Technical::id))?;
    unique("drmId", list.iter().map(Technical::drm_id))?;
    list.iter().try_for_each(|t| {
        id("technicals.id", t.id())?;
        id("technicals.drmId", t.drm_id())?;
        device_types(t.device_types())?;
        id("technicals.drmInstanceName", t.drm_instance_name())?;
        own(t)
    })
}

/// A record's own checks.
pub trait Record {
    fn id(&self) -> &str;
    fn check(&self) -> Result<(), Refusal>;
}

impl Record for Product {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        if self.product_type().is_none() {
            return Err(
                "type must be one of SUBSCRIPTION, RENTAL, PURCHASE, PPV, CAPABILITY".into(),
            );
        }
        self.domains
            .iter()
            .try_for_each(|d| one_of("domains", d, &["vod", "btv"]))?;
        locales(&self.locales, true)?;
        if let Some(p) = &self.price {
            if !p.amount.is_finite() || p.amount < 0.0 {
                return Err("price.amount must be a number, 0 or more".into());
            }
            if p.currency.len() != 3 || !p.currency.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err("price.currency must be an ISO 4217 code such as GBP".into());
            }
        }
        window(
            "purchase",
            &Window {
                start: self.start_purchase,
                end: self.end_purchase,
            },
        )?;
        window(
            "validity",
            &Window {
                start: self.start_validity,
                end: self.end_validity,
            },
        )?;
        words("deviceClasses", &self.device_classes)?;
        if let Some(u) = &self.usage_rules_profile_id {
            id("usageRulesProfileId", u)?;
        }
        seconds("rentalPeriod", self.rental_period)?;
        seconds("playPeriod", self.play_period)?;
        seconds("maxPlays", self.max_plays)?;
        if let Some(d) = &self.download {
            seconds("download.storageDuration", d.storage_duration)?;
            seconds("download.storageStartPeriod", d.storage_start_period)?;
        }
        Ok(())
    }
}

impl Record for Node {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        if let Some(p) = &self.parent {
            id("parent", p)?;
            if p == &self.id {
                return Err("parent cannot be the node itself".into());
            }
        }
        locales(&self.locales, true)?;
        ids("imageRefs", &self.image_refs)?;
        words("regions", &self.regions)?;
        self.rating.as_deref().map_or(Ok(()), |r| id("rating", r))
    }
}

impl Record for Series {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        one_of("type", &self.kind, &["SERIES", "SEASON"])?;
        one_of("domain", &self.domain, &["vod", "btv"])?;
        match (&self.kind[..], &self.series_ref) {
            ("SEASON", None) => return Err("a SEASON needs seriesRef".into()),
            ("SERIES", Some(_)) => return Err("a SERIES has no seriesRef".into()),
            (_, Some(s)) => id("seriesRef", s)?,
            _ => {}
        }
        seconds("seasonNumber", self.season_number)?;
        locales(&self.locales, true)?;
        words("categories", &self.categories)?;
        ids("nodeRefs", &self.node_refs)?;
        ids("imageRefs", &self.image_refs)?;
        self.rating.as_deref().map_or(Ok(()), |r| id("rating", r))
    }
}

impl Record for Editorial {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        one_of(
            "type",
            &self.kind,
            &["MOVIE", "EPISODE", "TRAILER", "CLIP", "EXTRA"],
        )?;
        for (field, v) in [
            ("seriesRef", &self.series_ref),
            ("seasonRef", &self.season_ref),
        ] {
            if let Some(v) = v {
                id(field, v)?;
            }
        }
        seconds("episodeNumber", self.episode_number)?;
        seconds("seasonNumber", self.season_number)?;
        seconds("duration", self.duration)?;
        if self.year.is_some_and(|y| !(1800..=3000).contains(&y)) {
            return Err("year must be 1800-3000".into());
        }
        words("categories", &self.categories)?;
        if let Some(r) = &self.rating {
            id("rating", r)?;
        }
        ids("nodeRefs", &self.node_refs)?;
        ids("productRefs", &self.product_refs)?;
        window("period", &self.period)?;
        locales(&self.locales, true)?;
        credits(&self.credits)?;
        ids("imageRefs", &self.image_refs)?;
        ids("clipRefs", &self.clip_refs)?;
        if self.clip_refs.contains(&self.id) {
            return Err("clipRefs cannot name the title itself".into());
        }
        location(&self.location)?;
        technicals(&self.technicals, |t| {
            if let Some(d) = &t.definition {
                one_of("technicals.definition", d, &["SD", "HD", "UHD", "3D"])?;
            }
            uri("technicals.uri", &t.uri)?;
            if let Some(c) = &t.cdn_id {
                id("technicals.cdnId", c)?;
            }
            if let Some(p) = &t.period {
                window("technicals.period", p)?;
            }
            Ok(())
        })
    }
}

impl Record for Service {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        if self.tv_channel.is_some_and(|n| !(0..=99_999).contains(&n)) {
            return Err("tvChannel must be 0-99999".into());
        }
        locales(&self.locales, true)?;
        words("categories", &self.categories)?;
        if let Some(r) = &self.rating {
            id("rating", r)?;
        }
        ids("productRefs", &self.product_refs)?;
        seconds("catchUpWindow", self.catch_up_window)?;
        location(&self.location)?;
        ids("imageRefs", &self.image_refs)?;
        technicals(&self.technicals, |t| {
            uri("technicals.networkLocation", &t.network_location)?;
            if let Some(u) = &t.start_over_location {
                uri("technicals.startOverLocation", u)?;
            }
            if let Some(c) = &t.cdn_id {
                id("technicals.cdnId", c)?;
            }
            Ok(())
        })
    }
}

impl Record for Programme {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        id("serviceRef", &self.service_ref)?;
        if self.period.start.is_none() || self.period.end.is_none() {
            return Err("period needs start and end".into());
        }
        window("period", &self.period)?;
        for (field, v) in [
            ("seriesRef", &self.series_ref),
            ("seasonRef", &self.season_ref),
        ] {
            if let Some(v) = v {
                id(field, v)?;
            }
        }
        seconds("episodeNumber", self.episode_number)?;
        seconds("seasonNumber", self.season_number)?;
        locales(&self.locales, true)?;
        words("categories", &self.categories)?;
        if let Some(r) = &self.rating {
            id("rating", r)?;
        }
        ids("productRefs", &self.product_refs)?;
        credits(&self.credits)?;
        ids("imageRefs", &self.image_refs)?;
        if self.blackouts.len() > MAX_LIST {
            return Err(format!("blackouts lists more than {MAX_LIST} entries"));
        }
        self.blackouts
            .iter()
            .try_for_each(|b| words("blackouts.connectionTypes", &b.connection_types))
    }
}

impl Record for Image {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        let kind_ok = (1..=64).contains(&self.kind.len())
            && self
                .kind
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !kind_ok {
            return Err("type must be 1-64 letters, digits, '-' or '_'".into());
        }
        if let Some(l) = &self.locale {
            if !is_locale(l) {
                return Err("locale must be a locale such as en_GB".into());
            }
        }
        if self.width == 0 || self.height == 0 {
            return Err("width and height must be above 0".into());
        }
        one_of("format", &self.format, &["jpeg", "png", "webp"])?;
        let hex = self.digest.len() == 64
            && self
                .digest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !hex {
            return Err("digest must be a SHA-256 in lowercase hex".into());
        }
        Ok(())
    }
}

impl Record for Person {
    fn id(&self) -> &str {
        &self.id
    }

    fn check(&self) -> Result<(), Refusal> {
        id("id", &self.id)?;
        one_of("type", &self.kind, &["cast", "persona"])?;
        if let Some(d) = &self.date_of_birth {
            let ok = d.len() == 10
                && time::Date::parse(d, &time::format_description::well_known::Iso8601::DATE)
                    .is_ok();
            if !ok {
                return Err("dateOfBirth must be a date such as 1970-01-31".into());
            }
        }
        locales(&self.locales, true)?;
        words("roles", &self.roles)?;
        ids("imageRefs", &self.image_refs)
    }
}
