//! The client of the operator's Device Authentication Service (DAS) server: it
//! hands over a device's DAS SDK challenge and gets back the device id the DAS
//! server derived from it.
//!
//! Wire contract (playgate's; the DAS server side is the operator's adapter):
//! `POST <das.url>` with JSON `{"challenge", "scheme", "tenantId"}` (and
//! `Authorization: Bearer <das.api_key>` when set, `x-correlation-id` when the
//! request has one) → `200 {"deviceId": "..."}`. A 4xx answer refuses the
//! challenge; anything else (5xx, timeout, unreadable answer) is a DAS failure.
//!
//! Must never: log the challenge, the API key or the DAS answer's body; follow
//! redirects (the URL is configured, not negotiated); wait past `das.timeout_ms`.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::DasConfig;

/// Largest DAS answer read, in bytes.
const MAX_ANSWER_BYTES: usize = 16 * 1024;
/// Largest challenge forwarded, in characters (DAS SDK challenges are a few KiB).
pub const MAX_CHALLENGE_CHARS: usize = 16 * 1024;

/// The DAS SDK schemes the reference lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DasScheme {
    Connect,
    Widevine,
}

impl DasScheme {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "CONNECT" => Some(Self::Connect),
            "WIDEVINE" => Some(Self::Widevine),
            _ => None,
        }
    }
}

/// What a device sends to prove itself: its DAS SDK challenge and scheme, and
/// the request's correlation id to pass on to the DAS server.
#[derive(Debug, Clone)]
pub struct DasProof {
    pub challenge: String,
    pub scheme: DasScheme,
    pub correlation_id: Option<String>,
}

impl DasProof {
    /// Checks the request's fields: a non-empty challenge of bounded size and a
    /// documented scheme (`CONNECT` or `WIDEVINE`). The reference names only a
    /// missing `casn` or `dasChallenge` as a 400, so an absent scheme is taken as
    /// `CONNECT` (the DAS SDK's own scheme); an unknown one is a 400.
    pub fn from_request(
        challenge: Option<String>,
        scheme: Option<&str>,
        correlation_id: Option<String>,
    ) -> Result<Self, &'static str> {
        let challenge = challenge
            .filter(|c| !c.is_empty())
            .ok_or("dasChallenge is required")?;
        if challenge.chars().count() > MAX_CHALLENGE_CHARS {
            return Err("dasChallenge is too long");
        }
        let scheme = match scheme {
            None => DasScheme::Connect,
            Some(s) => DasScheme::parse(s).ok_or("scheme must be CONNECT or WIDEVINE")?,
        };
        Ok(Self {
            challenge,
            scheme,
            correlation_id,
        })
    }
}

/// Why the DAS server gave no device id.
#[derive(Debug, thiserror::Error)]
pub enum DasError {
    /// The DAS server answered 4xx: the challenge is not authentic.
    #[error("device authentication refused")]
    Refused,
    /// Unreachable, timed out, 5xx or an answer that is not `{deviceId}`.
    #[error("device authentication service failed: {0}")]
    Failed(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Ask<'a> {
    challenge: &'a str,
    scheme: DasScheme,
    tenant_id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    device_id: String,
}

/// A configured DAS server. Cheap to clone (one connection pool).
#[derive(Clone)]
pub struct DasClient {
    http: reqwest::Client,
    url: String,
    api_key: Option<String>,
}

impl std::fmt::Debug for DasClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DasClient").field("url", &self.url).finish()
    }
}

impl DasClient {
    /// `None` when `das.url` is empty (DAS not offered).
    pub fn from_config(config: &DasConfig) -> anyhow::Result<Option<Self>> {
        if config.url.is_empty() {
            return Ok(None);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(config.timeout_ms))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Some(Self {
            http,
            url: config.url.clone(),
            api_key: (!config.api_key.is_empty()).then(|| config.api_key.clone()),
        }))
    }

    /// The DAS device id for a device's proof.
    pub async fn device_id(&self, tenant_id: &str, proof: &DasProof) -> Result<String, DasError> {
        let mut request = self.http.post(&self.url).json(&Ask {
            challenge: &proof.challenge,
            scheme: proof.scheme,
            tenant_id,
        });
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        if let Some(id) = &proof.correlation_id {
            request = request.header("x-correlation-id", id.as_str());
        }
        let response = request
            .send()
            .await
            .map_err(|e| DasError::Failed(describe(&e)))?;
        let status = response.status();
        if status.is_client_error() {
            return Err(DasError::Refused);
        }
        if status != reqwest::StatusCode::OK {
            return Err(DasError::Failed(format!("answered {status}")));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
        {
            return Err(DasError::Failed("answer too large".into()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| DasError::Failed(describe(&e)))?;
        if body.len() > MAX_ANSWER_BYTES {
            return Err(DasError::Failed("answer too large".into()));
        }
        let answer: Answer = serde_json::from_slice(&body)
            .map_err(|_| DasError::Failed("answer is not {deviceId}".into()))?;
        if !is_valid_das_device_id(&answer.device_id) {
            return Err(DasError::Failed("answer's deviceId is malformed".into()));
        }
        Ok(answer.device_id)
    }
}

/// 1-128 visible ASCII characters.
pub fn is_valid_das_device_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// The kind of transport failure, without the URL's query or any body.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else {
        "transport error".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_the_documented_two() {
        assert_eq!(DasScheme::parse("CONNECT"), Some(DasScheme::Connect));
        assert_eq!(DasScheme::parse("WIDEVINE"), Some(DasScheme::Widevine));
        assert_eq!(DasScheme::parse("widevine"), None);
        assert_eq!(DasScheme::parse("PLAYREADY"), None);
    }

    #[test]
    fn das_device_ids_are_bounded_visible_ascii() {
        assert!(is_valid_das_device_id("das-0f3a"));
        assert!(!is_valid_das_device_id(""));
        assert!(!is_valid_das_device_id("has space"));
        assert!(!is_valid_das_device_id(&"x".repeat(129)));
    }
}
