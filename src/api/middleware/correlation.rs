//! `x-correlation-id`: taken from the request when well-formed (or from OPF's
//! `xcid` header when only that is sent), generated otherwise, echoed on the
//! response (by [`super::observe`]), and available to error envelopes and
//! logs for the duration of the request.

use axum::http::{HeaderName, HeaderValue};

pub const HEADER: HeaderName = HeaderName::from_static("x-correlation-id");
/// OPF's name for the same id (e.g. on `dasSignOnByCasn`).
const OPF_HEADER: HeaderName = HeaderName::from_static("xcid");

tokio::task_local! {
    static CURRENT: String;
}

/// The current request's correlation id, inside a request.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// 1-128 visible ASCII characters; anything else is replaced, not echoed.
fn acceptable(v: &HeaderValue) -> Option<&str> {
    let s = v.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic())).then_some(s)
}

/// A random (v4) UUID from the thread's generator: no system call per
/// request, unlike `Uuid::new_v4` (which asks the OS for every id).
fn new_id() -> String {
    let bytes: [u8; 16] = rand::Rng::gen(&mut rand::thread_rng());
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

/// The request's correlation id: the one it carries when well-formed (the
/// header value itself, shared, not copied), else a fresh one, written into
/// the request so handlers see it. Returns the id as text (for
/// [`current`]) and as the header value to echo on the response.
pub(super) fn of_request(headers: &mut axum::http::HeaderMap) -> (String, HeaderValue) {
    let given = headers
        .get(&HEADER)
        .or_else(|| headers.get(&OPF_HEADER))
        .and_then(|v| acceptable(v).map(|s| (s.to_owned(), v.clone())));
    given.unwrap_or_else(|| {
        let id = new_id();
        let value = HeaderValue::from_str(&id).expect("a uuid is a valid header value");
        headers.insert(HEADER, value.clone());
        (id, value)
    })
}

/// Runs `request` with `id` as the [`current`] correlation id.
pub(super) fn scope<F: std::future::Future>(
    id: String,
    request: F,
) -> tokio::task::futures::TaskLocalFuture<String, F> {
    CURRENT.scope(id, request)
}
