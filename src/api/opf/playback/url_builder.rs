//! URL Builder, answered from memory: a content token and the CDN token that
//! lets the player's edge admit the stream, in one call.
//!
//! - `GET /urlbuilder/v1/playout/content/token?content_id&type&content_URL`
//!   (documented);
//! - `GET /urlbuilder/v1/playout/ppvContent/token?content_id&event_id&type&content_URL`
//!   (proposed): rights bounded by the purchased event;
//! - `GET /urlbuilder/v1/playout/channel/{channelId}?content_URL` (proposed;
//!   `channelId` is the channel's id as players pass it to content tokens):
//!   the channel's URL with the ruleset parameters `country` and `region`
//!   (from the client address and the tenant's geo list) appended for the
//!   manifest manipulator.
//!
//! Each asks the playback use case ([`crate::playback::Issuer::issue`], so
//! [`crate::core::decide::decide`]), whose face check here is the location
//! rule and the delivery rules ([`crate::core::cdn::delivery`]: the CDN the
//! content names (`cdnTokenDetails`), or else the tenant's CDN serving the
//! URL's host; the expiry; the bindings), and then signs the playback URL. The URL must lie inside one of the granted
//! content's own playback locations ([`crate::core::cdn::location`]: the
//! directory of its `playback_url`), and the signed scope is that
//! location's directory, never a path the client chose: a URL outside them
//! (another title's directory, a parent directory, another host), or any
//! URL for content with no location, is refused with 403
//! [`codes::OUTSIDE_PLAYBACK_LOCATION`]. The token lasts the CDN's
//! `ttlSeconds` but never past the rights' end, bound to the client address
//! or the stream's session when the CDN's settings ask (the lease's session
//! id; a fresh id when the account's streams are not limited, so the token
//! still names one play).
//!
//! Answer: `{cdnType, cdnId, playbackUrl, cdnAccessToken, cdnTokenPlacement,
//! cdnTokenName, cdnTokenExpires, contentAuthToken{content_token,
//! token_type, expires_in, access_token, session?}}`; a URL inside the
//! content's location but on no CDN of the tenant, for content that
//! requires no token, comes back unsigned with `cdnType` `"none"`.
//!
//! Decisions: `content_URL` defaults to the item's own playback URL; it
//! must be absolute http(s), on a configured CDN's `baseUrl` when signed,
//! with a path [`crate::core::cdn::check_path`] admits (so no `..`, `..;`,
//! encoded bytes or wildcards) and a plain query holding none of the
//! schemes' own parameters; the ruleset parameters are not covered by CDN
//! signatures (they steer the manipulator, they grant nothing: the token's
//! scope is the path). The deprecated `ip` parameter is ignored: the
//! address is the connection's. Syntax is refused (400) before anything is
//! decided; the location only after a grant, since it is the granted
//! content's.
//!
//! Must never: sign a URL `decide` refused, a URL on a host that is not
//! the chosen CDN's, or a scope wider than the granted content's location.

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{ClientAddr, PathParam, QueryFields, QueryStrings, SignedOn};
use crate::api::json_answer::{respond, JsonObject};
use crate::api::opf::playback::content_token::{
    answer, issue_with, playback_of, ContentTokenQuery, ContentTokenResponse, Variant,
};
use crate::app::AppState;
use crate::core::cdn::delivery;
use crate::core::cdn::location::{admitting, OutsideLocation};
use crate::core::cdn::registry::{append_param, Cdn};
use crate::core::cdn::{cat, check_path, media_cdn, MAX_PATH};

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// Longest `content_URL` accepted.
pub const MAX_URL: usize = 4096;

/// Query parameters the schemes themselves write: a `content_URL` holding
/// one could smuggle a second token past the edge.
const RESERVED_PARAMS: [&str; 17] = [
    "Expires",
    "KeyName",
    "Signature",
    "URLPrefix",
    "Policy",
    "Key-Pair-Id",
    "Hash-Algorithm",
    "__token__",
    "hdnts",
    "__hdnea__",
    "hdnea",
    "md5",
    "expires",
    media_cdn::TOKEN_PARAM,
    cat::TOKEN_PARAM,
    "country",
    "region",
];

/// `content_id`, `type`, `event_id`, `content_URL`; `ip` (deprecated by the
/// vendor) is ignored.
#[derive(Debug, Default)]
pub struct UrlBuilderQuery {
    content_id: Option<String>,
    kind: Option<String>,
    event_id: Option<String>,
    content_url: Option<String>,
}

impl QueryStrings for UrlBuilderQuery {
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "content_id" => Some(&mut self.content_id),
            "type" => Some(&mut self.kind),
            "event_id" => Some(&mut self.event_id),
            "content_URL" => Some(&mut self.content_url),
            _ => None,
        }
    }
}

/// `content_URL` and `type`.
#[derive(Debug, Default)]
pub struct ChannelQuery {
    content_url: Option<String>,
    kind: Option<String>,
}

impl QueryStrings for ChannelQuery {
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        match name {
            "content_URL" => Some(&mut self.content_url),
            "type" => Some(&mut self.kind),
            _ => None,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlBuilderResponse {
    cdn_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdn_id: Option<String>,
    playback_url: String,
    cdn_access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdn_token_placement: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdn_token_name: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdn_token_expires: Option<i64>,
    content_auth_token: ContentTokenResponse,
}

impl UrlBuilderResponse {
    /// Its CDN members, written into `o` (the `serde` encoding, by hand:
    /// see [`crate::api::json_answer`]).
    pub(super) fn write_cdn_into(&self, o: &mut JsonObject) {
        o.str("cdnType", self.cdn_type)
            .str_if("cdnId", self.cdn_id.as_deref())
            .str("playbackUrl", &self.playback_url)
            .str_or_null("cdnAccessToken", self.cdn_access_token.as_deref())
            .str_if("cdnTokenPlacement", self.cdn_token_placement)
            .str_if("cdnTokenName", self.cdn_token_name)
            .i64_if("cdnTokenExpires", self.cdn_token_expires);
    }

    /// Bytes the answer is expected to take, for sizing its buffer.
    pub(super) fn size_hint(&self) -> usize {
        160 + self.playback_url.len()
            + self.cdn_access_token.as_ref().map_or(0, String::len)
            + self.content_auth_token.size_hint()
    }

    /// The content token's answer inside it.
    pub(super) fn content_auth_token(&self) -> &ContentTokenResponse {
        &self.content_auth_token
    }
}

impl IntoResponse for UrlBuilderResponse {
    /// The `serde` encoding, written by hand (see [`crate::api::json_answer`]).
    fn into_response(self) -> Response {
        let mut o = JsonObject::with_capacity(self.size_hint());
        self.write_cdn_into(&mut o);
        o.begin_object("contentAuthToken");
        self.content_auth_token.write_into(&mut o);
        o.end_object();
        respond(o)
    }
}

/// An absolute playback URL, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentUrl<'a> {
    /// `scheme://authority`.
    pub base: &'a str,
    pub path: &'a str,
    /// Without `?`; empty when there is none.
    pub query: &'a str,
}

fn bad_url(message: &str) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, format!("content_URL {message}"))
}

/// Reads `content_URL` (already percent-decoded once by the query parser).
pub fn parse_content_url(raw: &str) -> Result<ContentUrl<'_>, ApiError> {
    if raw.len() > MAX_URL {
        return Err(bad_url(&format!("must be at most {MAX_URL} characters")));
    }
    let rest = raw
        .strip_prefix("https://")
        .or_else(|| raw.strip_prefix("http://"))
        .ok_or_else(|| bad_url("must be an absolute http(s) URL"))?;
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_len];
    let authority_ok = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    if !authority_ok {
        return Err(bad_url("must name a host (no user information)"));
    }
    let base = &raw[..raw.len() - rest.len() + authority_len];
    let tail = &rest[authority_len..];
    if tail.contains('#') {
        return Err(bad_url("must not hold a fragment"));
    }
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    if path.len() > MAX_PATH || check_path(path).is_err() || path.ends_with('/') {
        return Err(bad_url(
            "path must be a file's absolute path with no '..', '.', '//', encoded bytes, \
             wildcards or delimiters",
        ));
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split('=').next().unwrap_or_default();
        let plain = pair
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._=,".contains(&b));
        if !plain || name.is_empty() || RESERVED_PARAMS.contains(&name) {
            return Err(bad_url(
                "query may hold only plain name=value pairs, none a CDN token's own",
            ));
        }
    }
    Ok(ContentUrl { base, path, query })
}

/// A checked `content_URL`, owned: its text and where its parts end, so it
/// is parsed once per request.
struct CheckedUrl {
    raw: String,
    base_end: usize,
    path_end: usize,
}

impl CheckedUrl {
    fn parse(raw: String) -> Result<Self, ApiError> {
        let url = parse_content_url(&raw)?;
        let base_end = url.base.len();
        let path_end = base_end + url.path.len();
        Ok(CheckedUrl {
            raw,
            base_end,
            path_end,
        })
    }

    fn view(&self) -> ContentUrl<'_> {
        let rest = &self.raw[self.path_end..];
        ContentUrl {
            base: &self.raw[..self.base_end],
            path: &self.raw[self.base_end..self.path_end],
            query: rest.strip_prefix('?').unwrap_or(rest),
        }
    }
}

/// What the grant decided about the URL, before anything is recorded.
struct Chosen {
    url: CheckedUrl,
    cdn: Option<Arc<Cdn>>,
    /// The length of the admitting location's directory, a prefix of the
    /// URL's path: the scope a CDN token covers.
    scope_len: usize,
}

/// `GET /urlbuilder/v1/playout/content/token`.
pub async fn content(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<UrlBuilderQuery, Opf>,
) -> OpfResult<UrlBuilderResponse> {
    build(&state, &signed_on, client_ip, q, Variant::Play, None).await
}

/// `GET /urlbuilder/v1/playout/ppvContent/token` (proposed).
pub async fn ppv_content(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    QueryFields(q, ..): QueryFields<UrlBuilderQuery, Opf>,
) -> OpfResult<UrlBuilderResponse> {
    build(&state, &signed_on, client_ip, q, Variant::Ppv, None).await
}

/// `GET /urlbuilder/v1/playout/channel/{channelId}` (proposed).
pub async fn channel(
    State(state): State<AppState>,
    signed_on: SignedOn,
    ClientAddr(client_ip): ClientAddr,
    PathParam(channel_id, ..): PathParam<String, Opf>,
    QueryFields(q, ..): QueryFields<ChannelQuery, Opf>,
) -> OpfResult<UrlBuilderResponse> {
    let ruleset = {
        let playback = playback_of(&signed_on.tenant)?;
        let place = client_ip.and_then(|ip| playback.geo.place(ip));
        let mut params = Vec::with_capacity(2);
        if let Some(p) = place {
            params.push(("country", p.country.to_string()));
            if let Some(r) = &p.region {
                params.push(("region", r.to_string()));
            }
        }
        params
    };
    let q = UrlBuilderQuery {
        content_id: Some(channel_id),
        kind: q.kind,
        event_id: None,
        content_url: q.content_url,
    };
    build(
        &state,
        &signed_on,
        client_ip,
        q,
        Variant::Play,
        Some(ruleset),
    )
    .await
}

/// The URL Builder's answer for `q`: the content token and the CDN token
/// (or an unsigned URL) for the granted content's location.
pub(super) async fn build(
    state: &AppState,
    signed_on: &SignedOn,
    client_ip: Option<IpAddr>,
    q: UrlBuilderQuery,
    variant: Variant,
    ruleset: Option<Vec<(&'static str, String)>>,
) -> OpfResult<UrlBuilderResponse> {
    // The URL's syntax is checked before anything is decided.
    let given = q.content_url.map(CheckedUrl::parse).transpose()?;
    let token_query = ContentTokenQuery {
        content_id: q.content_id,
        kind: q.kind,
        event_id: q.event_id,
    };
    let cdns = &signed_on.tenant.view.cdns;
    let issued = issue_with(
        state,
        signed_on,
        client_ip,
        &token_query,
        variant,
        |grant| {
            let checked = match given {
                Some(url) => url,
                None => CheckedUrl::parse(
                    grant
                        .item
                        .playback_url
                        .as_deref()
                        .ok_or(OutsideLocation::NoLocation)?
                        .to_owned(),
                )?,
            };
            let url = checked.view();
            let location = admitting(grant.item.playback_location(), url.base, url.path)?;
            let scope_len = location.dir.len();
            let cdn = delivery::choose_cdn(
                cdns,
                grant.item.cdn_id.as_deref(),
                grant.item.cdn_required,
                url.base,
                client_ip,
            )?;
            Ok(Chosen {
                url: checked,
                cdn,
                scope_len,
            })
        },
    )
    .await?;
    let (now, rights_end) = (issued.now, issued.rights_end);
    let lease_session = issued.lease.as_ref().map(|l| l.session_id.clone());
    let (
        response,
        Chosen {
            url: checked,
            cdn,
            scope_len,
        },
    ) = answer(state, signed_on, issued);
    let mut out = UrlBuilderResponse {
        cdn_type: "none",
        cdn_id: None,
        playback_url: String::new(),
        cdn_access_token: None,
        cdn_token_placement: None,
        cdn_token_name: None,
        cdn_token_expires: None,
        content_auth_token: response,
    };
    let mut playback_url = match cdn {
        None => checked.raw,
        Some(cdn) => {
            let url = checked.view();
            let expires = delivery::expires(now, cdn.ttl_s, rights_end);
            let bound = delivery::bindings(&cdn, client_ip, lease_session.as_deref(), || {
                state.playback.new_id()
            });
            let scope = &url.path[..scope_len];
            let signed = cdn
                .sign_within(scope, url.path, expires, bound.ip, bound.session.as_deref())
                .expect("checked: the CDN has a signing key")
                .map_err(|e| {
                    ApiError::bad_request(
                        codes::BAD_QUERY,
                        format!("content_URL cannot be signed for CDN {}: {e:?}", cdn.id),
                    )
                })?;
            let placed = cdn.place_within(url.base, scope, url.path, url.query, signed.placement);
            out.cdn_type = cdn.kind.as_str();
            out.cdn_id = Some(cdn.id.to_string());
            out.cdn_access_token = Some(placed.token);
            out.cdn_token_placement = Some(placed.placement);
            out.cdn_token_name = placed.name;
            out.cdn_token_expires = Some(expires);
            placed.url
        }
    };
    for (name, value) in ruleset.into_iter().flatten() {
        append_param(&mut playback_url, name, &value);
    }
    out.playback_url = playback_url;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt as _;

    #[test]
    fn content_urls() {
        let ok =
            parse_content_url("https://cdn.example.com:8443/vod/a/master.m3u8?lang=en").unwrap();
        assert_eq!(
            ok,
            ContentUrl {
                base: "https://cdn.example.com:8443",
                path: "/vod/a/master.m3u8",
                query: "lang=en",
            }
        );
        for bad in [
            "/vod/a/master.m3u8",
            "cdn.example.com/vod/a.m3u8",
            "ftp://cdn.example.com/a.m3u8",
            "https:///a.m3u8",
            "https://user@cdn.example.com/a.m3u8",
            "https://cdn.example.com/vod/../secret/a.m3u8",
            "https://cdn.example.com/vod/%2e%2e/a.m3u8",
            "https://cdn.example.com/vod%2Fa.m3u8",
            "https://cdn.example.com/vod/*",
            "https://cdn.example.com/vod/a/",
            "https://cdn.example.com/vod/a.m3u8#x",
            "https://cdn.example.com/vod/a.m3u8?__token__=free",
            "https://cdn.example.com/vod/a.m3u8?x=1&Signature=abc",
            "https://cdn.example.com/vod/a.m3u8?acl=/*",
            "https://cdn.example.com/vod/a.m3u8?a=b~c",
            "https://cdn.example.com/vod/a b.m3u8",
            "https://cdn.example.com",
        ] {
            assert!(parse_content_url(bad).is_err(), "{bad}");
        }
        let long = format!("https://cdn.example.com/{}.m3u8", "a".repeat(MAX_URL));
        assert!(parse_content_url(&long).is_err());
    }

    async fn body_of(r: UrlBuilderResponse) -> (serde_json::Value, serde_json::Value) {
        let expected = serde_json::to_value(&r).unwrap();
        let response = r.into_response();
        assert_eq!(response.headers()["content-type"], "application/json");
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            serde_json::from_slice(&bytes).expect("valid JSON"),
            expected,
        )
    }

    #[tokio::test]
    async fn the_hand_written_answer_is_the_serde_one() {
        let signed = UrlBuilderResponse {
            cdn_type: "akamai",
            cdn_id: Some("cdn-1".into()),
            playback_url: "https://cdn.example.com/vod/a/manifest.mpd?__token__=exp=1~hmac=ab"
                .into(),
            cdn_access_token: Some("exp=1~acl=/vod/a/*~hmac=ab".into()),
            cdn_token_placement: Some("query"),
            cdn_token_name: Some("__token__"),
            cdn_token_expires: Some(1_700_000_300),
            content_auth_token: super::super::content_token::tests::response(true),
        };
        let (ours, serde) = body_of(signed).await;
        assert_eq!(ours, serde);
        let unsigned = UrlBuilderResponse {
            cdn_type: "none",
            cdn_id: None,
            playback_url: "https://other.example.com/a \"b\".m3u8".into(),
            cdn_access_token: None,
            cdn_token_placement: None,
            cdn_token_name: None,
            cdn_token_expires: None,
            content_auth_token: super::super::content_token::tests::response(false),
        };
        let (ours, serde) = body_of(unsigned).await;
        assert_eq!(ours["cdnAccessToken"], serde_json::Value::Null);
        assert_eq!(ours, serde);
    }
}
