//! The SSP-style `ContentAuthZ` content token: what a DRM licence server reads
//! to issue a licence for one content to one device.
//!
//! Claims: `typ` "ContentAuthZ", `ver` "1.0", `iat`, `exp`, `jti`, `tenantId`,
//! `device{drm "ssp", deviceUniqueId, watermarking, ipAddress, model,
//! accountId}` and `contentRights[{contentId, start, end, duration, storable,
//! drt, usageRulesProfileId, sessionControl}]`. `end` is left out when the
//! rights window is open; `duration` (seconds a started play may last) only for
//! rentals; `drt` (seconds a download may be kept) only when `storable`.
//! A token with `jti` + `exp` lives at most [`MAX_LIFETIME_S`].
//!
//! Must never: carry anything `decide` did not grant.

use std::net::IpAddr;

use serde::Serialize;

use crate::core::claims::SessionControl;
use crate::core::decide::Grant;
use crate::core::snapshot::playback::OPEN_END;

pub const CONTENT_TYP: &str = "ContentAuthZ";
/// A content token's longest life.
pub const MAX_LIFETIME_S: i64 = 24 * 3600;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentDevice<'a> {
    pub drm: &'static str,
    /// Absent for `type=account` tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_unique_id: Option<&'a str>,
    pub watermarking: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<IpAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<&'a str>,
    pub account_id: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentRight<'a> {
    pub content_id: &'a str,
    pub start: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<u32>,
    pub storable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_rules_profile_id: Option<&'a str>,
    pub session_control: &'a SessionControl,
}

impl<'a> ContentRight<'a> {
    /// The rights of one grant; `content_id` as the player asked for it.
    pub fn from_grant(content_id: &'a str, g: &Grant<'a>, session: &'a SessionControl) -> Self {
        Self {
            content_id,
            start: g.start,
            end: (g.end != OPEN_END).then_some(g.end),
            duration: g.duration,
            storable: g.storable,
            drt: g.retention.filter(|_| g.storable),
            usage_rules_profile_id: g.usage_rules_profile_id,
            session_control: session,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentClaims<'a> {
    pub typ: &'static str,
    pub ver: &'static str,
    pub iat: i64,
    pub exp: i64,
    pub jti: &'a str,
    pub tenant_id: &'a str,
    pub device: ContentDevice<'a>,
    pub content_rights: [ContentRight<'a>; 1],
}
