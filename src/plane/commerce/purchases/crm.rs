//! The CRM's purchase authorisation (`isPurchaseAuthorised`): before a purchase
//! is recorded, the tenant's CRM may accept it (and name its own reference for
//! it) or refuse it.
//!
//! Configured per tenant in the tenant's settings:
//! `{"purchase": {"crm": {"url": "https://crm.example/isPurchaseAuthorised",
//! "timeoutMs": 2000, "apiKey": "..."}}}` (`timeoutMs` 1-4000, default 2000:
//! it must leave room inside the admin plane's 5 s request deadline; `apiKey`
//! optional, sent as `Authorization: Bearer`).
//!
//! Wire contract (reference): `POST <url>` with JSON `{account_id, product_id,
//! device_id, device_playout_class, viewing_window_start, viewing_window_end}`
//! and the request's `x-correlation-id`; the CRM answers `201
//! {purchaseAuthRequestReference}` to accept. playgate's choices where the
//! reference is silent: the viewing window is RFC 3339 UTC (an open end is
//! `null`); any 2xx accepts and an answer without a reference leaves the
//! correlation id as the reference; a 4xx refuses; anything else (5xx,
//! timeout, a redirect, an unreadable 2xx body) is a CRM failure.
//!
//! Must never: log the API key or the CRM's answer body; follow redirects;
//! wait past the configured timeout.

use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Longest CRM timeout a tenant may configure, in milliseconds.
pub const MAX_TIMEOUT_MS: u64 = 4000;
const DEFAULT_TIMEOUT_MS: u64 = 2000;
/// Largest CRM answer read, in bytes.
const MAX_ANSWER_BYTES: usize = 16 * 1024;

/// A tenant's CRM endpoint, from `settings.purchase.crm`.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CrmSettings {
    pub url: String,
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
    #[serde(default)]
    api_key: Option<String>,
}

fn default_timeout() -> u64 {
    DEFAULT_TIMEOUT_MS
}

impl std::fmt::Debug for CrmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrmSettings")
            .field("url", &self.url)
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl CrmSettings {
    /// The CRM of a tenant's settings: `Ok(None)` when none is configured, an
    /// error naming the problem when the settings are malformed.
    pub fn of(settings: &serde_json::Value) -> Result<Option<Self>, String> {
        let Some(crm) = settings.get("purchase").and_then(|p| p.get("crm")) else {
            return Ok(None);
        };
        let crm: CrmSettings =
            serde_json::from_value(crm.clone()).map_err(|e| format!("purchase.crm: {e}"))?;
        if !(crm.url.starts_with("http://") || crm.url.starts_with("https://")) {
            return Err("purchase.crm.url must be an http(s):// URL".into());
        }
        if !(1..=MAX_TIMEOUT_MS).contains(&crm.timeout_ms) {
            return Err(format!("purchase.crm.timeoutMs must be 1-{MAX_TIMEOUT_MS}"));
        }
        Ok(Some(crm))
    }
}

/// What the CRM is asked to authorise.
#[derive(Debug, Serialize)]
pub struct PurchaseAsk<'a> {
    pub account_id: &'a str,
    pub product_id: &'a str,
    pub device_id: &'a str,
    pub device_playout_class: Option<&'a str>,
    pub viewing_window_start: String,
    pub viewing_window_end: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    #[serde(default)]
    purchase_auth_request_reference: Option<String>,
}

/// The CRM's verdict.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Accepted, with the CRM's reference if it gave one.
    Authorised(Option<String>),
    /// The CRM answered 4xx.
    Refused,
}

/// Why the CRM gave no verdict (logged; the client gets a 502).
#[derive(Debug, thiserror::Error)]
#[error("purchase authorisation failed: {0}")]
pub struct CrmError(String);

/// One client for every tenant's CRM (connection pools are per host inside).
fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a default TLS client builds")
    })
}

/// Asks the CRM whether the purchase may go ahead.
pub async fn is_purchase_authorised(
    crm: &CrmSettings,
    ask: &PurchaseAsk<'_>,
    correlation_id: Option<&str>,
) -> Result<Verdict, CrmError> {
    let mut request = http()
        .post(&crm.url)
        .timeout(Duration::from_millis(crm.timeout_ms))
        .json(ask);
    if let Some(key) = &crm.api_key {
        request = request.bearer_auth(key);
    }
    if let Some(id) = correlation_id {
        request = request.header("x-correlation-id", id);
    }
    let response = request.send().await.map_err(|e| {
        CrmError(if e.is_timeout() {
            format!("no answer within {} ms", crm.timeout_ms)
        } else {
            "unreachable".into()
        })
    })?;
    let status = response.status();
    if status.is_client_error() {
        return Ok(Verdict::Refused);
    }
    if !status.is_success() {
        return Err(CrmError(format!("answered {status}")));
    }
    let body = response
        .bytes()
        .await
        .map_err(|_| CrmError("answer cut short".into()))?;
    if body.len() > MAX_ANSWER_BYTES {
        return Err(CrmError("answer too large".into()));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Verdict::Authorised(None));
    }
    let answer: Answer =
        serde_json::from_slice(&body).map_err(|_| CrmError("answer is not JSON".into()))?;
    Ok(Verdict::Authorised(
        answer
            .purchase_auth_request_reference
            .filter(|r| !r.is_empty() && r.len() <= 128),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_are_optional_and_checked() {
        assert!(CrmSettings::of(&json!({})).unwrap().is_none());
        let crm = CrmSettings::of(&json!({"purchase": {"crm": {"url": "https://crm.example/a"}}}))
            .unwrap()
            .unwrap();
        assert_eq!(crm.timeout_ms, DEFAULT_TIMEOUT_MS);
        for bad in [
            json!({"purchase": {"crm": {"url": "ftp://crm"}}}),
            json!({"purchase": {"crm": {"url": "https://crm", "timeoutMs": 0}}}),
            json!({"purchase": {"crm": {"url": "https://crm", "timeoutMs": 5000}}}),
            json!({"purchase": {"crm": {"url": "https://crm", "secret": "x"}}}),
            json!({"purchase": {"crm": "https://crm"}}),
        ] {
            assert!(CrmSettings::of(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_api_key() {
        let crm = CrmSettings::of(
            &json!({"purchase": {"crm": {"url": "https://crm", "apiKey": "crm-k3y"}}}),
        )
        .unwrap()
        .unwrap();
        assert!(!format!("{crm:?}").contains("crm-k3y"));
    }
}
