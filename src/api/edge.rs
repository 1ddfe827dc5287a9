//! Edge authorizer: `GET /edge/v1/authorize?cdn=<cdnId>` lets a self-hosted
//! nginx edge delegate token checks to playgate with `auth_request`,
//! answered from memory.
//!
//! The subrequest names the tenant (`nv-tenant-id`) and carries the original
//! request: `X-Original-URI` (`$request_uri`, required), `X-Original-Host`
//! and `X-Original-Scheme` (for CAT `catu` host and scheme rules), the
//! client address (`X-Forwarded-For`, read through the trusted proxies), and
//! the original headers (a token in `CTA-Common-Access-Token`, or in a
//! cookie of that name or the CDN's token name).
//!
//! Answers: 200 admitted (for a CAT whose `catr` asks for renewal, with the
//! renewed token in the `CTA-Common-Access-Token` response header, or the
//! header `catr` names); 401 no token; 403 refused (a bad signature,
//! expired, out of scope, another client, a restriction that cannot be
//! enforced, an unknown CDN). Every CDN's scheme is checked; CAT with the
//! whole URL, the others with the path the edge serves.
//!
//! Refusals come in the ADM envelope `{message, code, errorCode}` (40100,
//! 40304).
//!
//! Decisions: a path holding `%` is refused (no signed path holds one, and
//! the schemes compare decoded paths); an unknown tenant or CDN is 403, not
//! 404, so nginx fails closed.
//!
//! Must never: admit a request no key of the CDN verified, or log a token.

use axum::extract::{Query, State};
use axum::http::header::{HeaderName, HeaderValue, COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::api::error::codes;
use crate::api::extract::tenant::resolve;
use crate::api::extract::ClientAddr;
use crate::app::AppState;
use crate::core::cdn::cat::{self, CatRequest};
use crate::core::cdn::registry::SchemeKind;
use crate::core::cdn::{check_path, CdnError};

#[derive(Debug, Deserialize)]
pub struct AuthorizeQuery {
    cdn: Option<String>,
}

fn refuse(status: StatusCode, reason: &'static str) -> Response {
    let body = serde_json::json!({
        "message": reason,
        "code": status.as_u16(),
        "errorCode": if status == StatusCode::UNAUTHORIZED {
            codes::UNAUTHENTICATED
        } else {
            codes::CDN_TOKEN_REFUSED
        },
    });
    (status, Json(body)).into_response()
}

fn reason(e: CdnError) -> &'static str {
    match e {
        CdnError::BadPath => "the path cannot have been signed",
        CdnError::BadField | CdnError::BadWindow | CdnError::Malformed => "the token is malformed",
        CdnError::BadSignature => "the token's signature does not verify",
        CdnError::Expired => "the token is not valid now",
        CdnError::OutOfScope => "the token does not cover this URL",
        CdnError::WrongClient => "the token is bound to another client",
        CdnError::Unsupported => "the token carries a restriction this edge cannot enforce",
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

/// `GET /edge/v1/authorize`.
pub async fn authorize(
    State(state): State<AppState>,
    ClientAddr(client_ip): ClientAddr,
    Query(q): Query<AuthorizeQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(tenant_id) = header(&headers, "nv-tenant-id") else {
        return refuse(StatusCode::FORBIDDEN, "nv-tenant-id is required");
    };
    let Ok((_snapshot, view)) = resolve(&state, tenant_id) else {
        return refuse(StatusCode::FORBIDDEN, "unknown tenant");
    };
    let Some(cdn) = q.cdn.as_deref().and_then(|id| view.cdns.get(id)) else {
        return refuse(StatusCode::FORBIDDEN, "unknown CDN");
    };
    let Some(uri) = header(&headers, "x-original-uri") else {
        return refuse(StatusCode::FORBIDDEN, "X-Original-URI is required");
    };
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    if path.contains('%') || check_path(path).is_err() {
        return refuse(StatusCode::FORBIDDEN, reason(CdnError::BadPath));
    }
    // The query first, then (one-value tokens) a header or cookie of its
    // name, CAT's also under CTA-Common-Access-Token.
    let named = cdn.token_name();
    let token = cdn
        .query_token(query)
        .or_else(|| named.and_then(|n| header(&headers, n).or_else(|| cookie(&headers, n))))
        .or_else(|| {
            (cdn.kind == SchemeKind::Cat)
                .then(|| {
                    header(&headers, cat::TOKEN_HEADER)
                        .or_else(|| cookie(&headers, cat::TOKEN_HEADER))
                })
                .flatten()
        });
    let Some(token) = token else {
        return refuse(StatusCode::UNAUTHORIZED, "no token");
    };
    let host = header(&headers, "x-original-host").unwrap_or_default();
    let (host, port) = cat::split_authority(host);
    let request = CatRequest {
        scheme: header(&headers, "x-original-scheme").unwrap_or("https"),
        host,
        port,
        path,
        query,
        client_ip,
        now: state.clock.now_s(),
    };
    match cdn.check_request(token, &request) {
        Ok(renewed) => {
            let mut response = StatusCode::OK.into_response();
            if let Some((token, name)) = renewed {
                let name = name
                    .and_then(|n| HeaderName::try_from(n).ok())
                    .unwrap_or(HeaderName::from_static("cta-common-access-token"));
                if let Ok(value) = HeaderValue::try_from(token) {
                    response.headers_mut().insert(name, value);
                }
            }
            response
        }
        Err(e) => refuse(StatusCode::FORBIDDEN, reason(e)),
    }
}
