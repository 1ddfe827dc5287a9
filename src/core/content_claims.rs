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
use crate::core::json_out::JsonObject;
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

impl ContentClaims<'_> {
    /// The claims' JSON (the `serde` encoding, written by hand: see
    /// [`crate::core::json_out`]).
    pub fn to_json(&self) -> Vec<u8> {
        let mut o = JsonObject::with_capacity(640);
        o.str("typ", self.typ)
            .str("ver", self.ver)
            .i64("iat", self.iat)
            .i64("exp", self.exp)
            .str("jti", self.jti)
            .str("tenantId", self.tenant_id);
        let d = &self.device;
        o.begin_object("device")
            .str("drm", d.drm)
            .str_if("deviceUniqueId", d.device_unique_id)
            .bool("watermarking", d.watermarking)
            .display_if("ipAddress", d.ip_address)
            .str_if("model", d.model)
            .str("accountId", d.account_id)
            .end_object();
        o.begin_array("contentRights");
        for r in &self.content_rights {
            o.begin_item()
                .str("contentId", r.content_id)
                .i64("start", r.start.into())
                .i64_if("end", r.end.map(i64::from))
                .i64_if("duration", r.duration.map(i64::from))
                .bool("storable", r.storable)
                .i64_if("drt", r.drt.map(i64::from))
                .str_if("usageRulesProfileId", r.usage_rules_profile_id);
            write_session_control(&mut o, r.session_control);
            o.end_object();
        }
        o.end_array();
        o.finish()
    }
}

/// `"sessionControl":{groups, groupId, sessionControlEnabled, maxSessions}`.
fn write_session_control(o: &mut JsonObject, s: &SessionControl) {
    o.begin_object("sessionControl").begin_array("groups");
    for g in &s.groups {
        o.begin_item()
            .str("groupId", &g.group_id)
            .i64("maxSessions", g.max_sessions)
            .end_object();
    }
    o.end_array()
        .str_or_null("groupId", s.group_id.as_deref())
        .bool("sessionControlEnabled", s.session_control_enabled)
        .i64_or_null("maxSessions", s.max_sessions)
        .end_object();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::claims::SessionGroup;

    #[test]
    fn the_hand_written_claims_are_the_serde_ones() {
        let limited = SessionControl {
            groups: vec![
                SessionGroup {
                    group_id: "tv".into(),
                    max_sessions: 2,
                },
                SessionGroup {
                    group_id: "mobile \"m\"".into(),
                    max_sessions: 1,
                },
            ],
            group_id: Some("tv".into()),
            session_control_enabled: true,
            max_sessions: Some(3),
        };
        let open = SessionControl::default();
        for (session, full) in [(&open, false), (&limited, true), (&open, true)] {
            let claims = ContentClaims {
                typ: CONTENT_TYP,
                ver: "1.0",
                iat: 1_700_000_000,
                exp: 1_700_000_300,
                jti: "0123456789abcdef0123456789abcdef",
                tenant_id: "demo",
                device: ContentDevice {
                    drm: "ssp",
                    device_unique_id: full.then_some("dev-1"),
                    watermarking: false,
                    ip_address: full.then(|| "2001:db8::7".parse().unwrap()),
                    model: full.then_some("Model \\ X"),
                    account_id: "acc-1",
                },
                content_rights: [ContentRight {
                    content_id: "DRM_vod-1_DASH",
                    start: 1_600_000_000,
                    end: full.then_some(1_800_000_000),
                    duration: full.then_some(172_800),
                    storable: full,
                    drt: full.then_some(86_400),
                    usage_rules_profile_id: full.then_some("urp-1"),
                    session_control: session,
                }],
            };
            let ours: serde_json::Value =
                serde_json::from_slice(&claims.to_json()).expect("valid JSON");
            assert_eq!(ours, serde_json::to_value(&claims).unwrap(), "{full}");
        }
    }
}
